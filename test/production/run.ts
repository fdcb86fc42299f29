import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { resolveNodeLts } from '../../local-stack/node-lts';
import { projectRoot } from '../../local-stack/paths';
import { resolveTool, type ToolName } from '../../local-stack/tools';

/**
 * `npm run test:production`: builds what the topology needs the first time (the Temporal server and
 * its UI server with Go, MinIO; Node.js LTS from the npm registry; cached after), then runs the
 * production suite with jest on that Node.js. Extra arguments go to jest.
 */
async function main() {
  for (const tool of ['temporalServer', 'temporalUi', 'minio'] as ToolName[])
    await resolveTool(tool, { install: true });
  const node = await resolveNodeLts();
  const jest = join(projectRoot, 'node_modules/jest/bin/jest.js');
  const child = spawn(node, [jest, '--selectProjects', 'production', '--runInBand', ...process.argv.slice(2)], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
