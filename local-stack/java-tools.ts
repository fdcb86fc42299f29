import { access, chmod, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolsCacheDir } from './paths';
import { run } from './processes';

/**
 * Temporal's time-skipping test server, for the workflow tests: the Java SDK's, from Maven
 * Central (the SDK's own download of a native build cannot work here), pinned here and nowhere else.
 */
export const TEST_SERVER = {
  groupId: 'io.temporal',
  artifactId: 'temporal-test-server',
  version: '1.31.0',
  mainClass: 'io.temporal.testserver.TestServer',
} as const;

export const testServerDir = () => join(toolsCacheDir(), `${TEST_SERVER.artifactId}-${TEST_SERVER.version}`);

/**
 * A command that runs the test server (`<command> <port>`, as the SDK calls it): a script running
 * java on the artifact's classpath, resolved with Maven into the tools cache the first time.
 */
export async function resolveTestServer(log: (line: string) => void = console.log): Promise<string> {
  const dir = testServerDir();
  const script = join(dir, 'temporal-test-server');
  if (
    await access(script, constants.X_OK).then(
      () => true,
      () => false,
    )
  )
    return script;
  log(`Resolving ${TEST_SERVER.groupId}:${TEST_SERVER.artifactId}:${TEST_SERVER.version} with Maven into ${dir}`);
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'pom.xml'), pom());
    await run('mvn', [
      '-q',
      '-B',
      '-f',
      join(dir, 'pom.xml'),
      'dependency:build-classpath',
      `-Dmdep.outputFile=${join(dir, 'classpath.txt')}`,
    ]);
    const classpath = (await readFile(join(dir, 'classpath.txt'), 'utf8')).trim();
    await writeFile(script, `#!/bin/sh\nexec java -cp '${classpath}' ${TEST_SERVER.mainClass} "$@"\n`);
    await chmod(script, 0o755);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Could not resolve Temporal's test server (needs java and mvn, and Maven Central): ${(err as Error).message}`,
    );
  }
  return script;
}

function pom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.smugmug-s3</groupId>
  <artifactId>test-server-classpath</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>${TEST_SERVER.groupId}</groupId>
      <artifactId>${TEST_SERVER.artifactId}</artifactId>
      <version>${TEST_SERVER.version}</version>
    </dependency>
  </dependencies>
</project>
`;
}
