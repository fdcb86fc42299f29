import { resolveTestServer, TEST_SERVER } from './java-tools';
import { NODE_LTS, resolveNodeLts } from './node-lts';
import { PYTHON_TOOLS, resolvePythonTools } from './python-tools';
import { resolveTool, TOOLS, type ToolName } from './tools';

/** `npm run tools`: makes sure every pinned server binary and Python and Java test tool is available, installing what is missing. */
async function main() {
  for (const name of Object.keys(TOOLS) as ToolName[]) {
    const path = await resolveTool(name, { install: true });
    console.log(`${name} ${TOOLS[name].version}: ${path}`);
  }
  const python = await resolvePythonTools();
  console.log(
    `${Object.entries(PYTHON_TOOLS)
      .map(([p, v]) => `${p} ${v}`)
      .join(', ')}: ${python.motoServer}, ${python.schemathesis}`,
  );
  console.log(`${TEST_SERVER.artifactId} ${TEST_SERVER.version}: ${await resolveTestServer()}`);
  console.log(`Node.js ${NODE_LTS.version} (the image's LTS, for npm run test:production): ${await resolveNodeLts()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
