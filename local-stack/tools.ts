import { spawn } from 'node:child_process';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { toolsCacheDir } from './paths';

/** Every external server the project runs, pinned here and nowhere else. */
export const TOOLS = {
  temporal: {
    module: 'github.com/temporalio/cli/cmd/temporal',
    // Later tags carry a replace directive that makes `go install` fail.
    version: 'v1.5.1',
    binary: 'temporal',
    envVar: 'TEMPORAL_BIN',
  },
  minio: {
    module: 'github.com/minio/minio',
    // The last commit of the (now archived) MinIO repository; its RELEASE tags are not semver.
    version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
    binary: 'minio',
    envVar: 'MINIO_BIN',
  },
} as const;
export type ToolName = keyof typeof TOOLS;

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(binary: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function cachedToolPath(name: ToolName): string {
  const tool = TOOLS[name];
  return join(toolsCacheDir(), `${tool.binary}-${tool.version}`, tool.binary);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Builds a pinned tool with `go install` into the cache (a temporary folder first, so a failed build leaves nothing). */
async function buildTool(name: ToolName, log: (line: string) => void): Promise<string> {
  const tool = TOOLS[name];
  const go = await onPath('go');
  if (!go) {
    throw new Error(
      `${tool.binary} not found: set ${tool.envVar} to a ${tool.binary} binary, put one on PATH, or install Go 1.25 or later ` +
        `(https://go.dev/dl/) so the project can build ${tool.module}@${tool.version} itself.`,
    );
  }
  const target = cachedToolPath(name);
  const staging = `${target}.building-${process.pid}`;
  await mkdir(staging, { recursive: true });
  log(
    `Building ${tool.module}@${tool.version} with go install (several minutes the first time; cached in ${toolsCacheDir()})`,
  );
  const started = Date.now();
  try {
    const code = await run(go, ['install', `${tool.module}@${tool.version}`], {
      ...process.env,
      GOBIN: staging,
      CGO_ENABLED: '0',
      GOFLAGS: '-buildvcs=false',
    });
    if (code !== 0)
      throw new Error(`go install ${tool.module}@${tool.version} failed with exit code ${code} (output above)`);
    await rename(join(staging, tool.binary), target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`Built ${tool.binary} in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

/**
 * Finds a tool: the path in its env var, then the pinned build in the cache, then PATH; builds it
 * with Go when `install` is set and none is found.
 */
export async function resolveTool(
  name: ToolName,
  opts: { install: boolean; log?: (line: string) => void },
): Promise<string> {
  const tool = TOOLS[name];
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const cached = cachedToolPath(name);
  if (await isExecutable(cached)) return cached;
  const found = await onPath(tool.binary);
  if (found) return found;
  if (!opts.install)
    throw new Error(
      `${tool.binary} is not installed yet: run \`npm run tools\` (builds it with Go), or set ${tool.envVar}`,
    );
  await mkdir(join(cached, '..'), { recursive: true });
  return buildTool(name, opts.log ?? console.log);
}
