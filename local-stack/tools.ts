import { spawn } from 'node:child_process';
import { access, constants, cp, mkdir, rename, rm } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { toolsCacheDir } from './paths';

interface GoTool {
  /** The Go module and its pinned version. */
  module: string;
  version: string;
  /** Each binary the project runs, by its name in the cache, and the package `go install` builds it from. */
  packages: Record<string, string>;
  /** The binary that names the tool (PATH, env var, error messages). */
  binary: string;
  envVar: string;
  /** Files of the module's source the binaries need at run time, kept beside them. */
  moduleFiles?: readonly string[];
  /** A Go newer than the machine's, fetched by the go command itself from the module proxy. */
  goToolchain?: string;
  /**
   * Build in a copy of the module's source instead of `go install pkg@version`, which also reads the
   * module's version list (for deprecations): the proxy here refuses some of those lists.
   */
  buildInSource?: boolean;
}

/** Every program the project builds from Go (servers, and the bench's S3 uploader), pinned here and nowhere else. */
export const TOOLS = {
  temporal: {
    module: 'github.com/temporalio/cli',
    // Later tags carry a replace directive that makes `go install` fail.
    version: 'v1.5.1',
    packages: { temporal: 'github.com/temporalio/cli/cmd/temporal' },
    binary: 'temporal',
    envVar: 'TEMPORAL_BIN',
  },
  minio: {
    module: 'github.com/minio/minio',
    // The last commit of the (now archived) MinIO repository; its RELEASE tags are not semver.
    version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
    packages: { minio: 'github.com/minio/minio' },
    binary: 'minio',
    envVar: 'MINIO_BIN',
  },
  /** The Temporal server itself (not the dev server) and its SQL schema tool, for the production topology. */
  temporalServer: {
    module: 'go.temporal.io/server',
    version: 'v1.32.2',
    packages: {
      'temporal-server': 'go.temporal.io/server/cmd/server',
      'temporal-sql-tool': 'go.temporal.io/server/cmd/tools/sql',
    },
    binary: 'temporal-server',
    envVar: 'TEMPORAL_SERVER_BIN',
    // The versioned schema the SQL tool applies (setup to 0.0, then every version in order).
    moduleFiles: ['schema/postgresql/v12'],
    // v1.32 needs Go >= 1.26.10.
    goToolchain: 'go1.27.3',
  },
  /** Temporal's web UI server, the same version as the image in docker-compose.yml (later ones need modules the proxy lacks). */
  temporalUi: {
    module: 'github.com/temporalio/ui-server/v2',
    version: 'v2.42.1',
    packages: { 'temporal-ui-server': 'github.com/temporalio/ui-server/v2/cmd/server' },
    binary: 'temporal-ui-server',
    envVar: 'TEMPORAL_UI_SERVER_BIN',
    // The image's configuration template: the UI is configured by the same environment variables.
    moduleFiles: ['config/docker.yaml'],
    goToolchain: 'go1.27.3',
  },
  /** The fastest common S3 uploader: the bench's second upload-only ceiling (later versions are not served). */
  s5cmd: {
    module: 'github.com/peak/s5cmd/v2',
    version: 'v2.3.0',
    packages: { s5cmd: 'github.com/peak/s5cmd/v2' },
    binary: 's5cmd',
    envVar: 'S5CMD_BIN',
    buildInSource: true,
  },
} as const satisfies Record<string, GoTool>;
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

/** Another binary or a module file of a tool, beside its resolved main binary. */
export function toolFile(mainBinary: string, file: string): string {
  return join(dirname(mainBinary), file);
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdout: 'inherit' | 'pipe' = 'inherit',
  cwd?: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', stdout, 'inherit'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The module's source folder in Go's module cache (read-only), downloaded if missing. */
async function moduleSource(go: string, tool: GoTool, env: NodeJS.ProcessEnv): Promise<string> {
  const download = await run(go, ['mod', 'download', '-json', `${tool.module}@${tool.version}`], env, 'pipe');
  if (download.code !== 0) throw new Error(`go mod download ${tool.module}@${tool.version} failed`);
  return (JSON.parse(download.output) as { Dir: string }).Dir;
}

/** `go build` of each package in a writable copy of the module (its vendor folder is incomplete in the module zip). */
async function buildInSource(go: string, tool: GoTool, staging: string, env: NodeJS.ProcessEnv): Promise<void> {
  const source = join(staging, 'source');
  await cp(await moduleSource(go, tool, env), source, { recursive: true });
  // The module cache is read-only, and so is its copy until made writable (go.sum is written, the copy removed).
  await run('chmod', ['-R', 'u+w', source], env);
  await rm(join(source, 'vendor'), { recursive: true, force: true });
  const buildEnv = { ...env, GOFLAGS: `${env.GOFLAGS ?? ''} -mod=mod`.trim() };
  for (const [binary, pkg] of Object.entries(tool.packages)) {
    const relative = `.${pkg.slice(tool.module.length)}`;
    const { code } = await run(go, ['build', '-o', join(staging, binary), relative], buildEnv, 'inherit', source);
    if (code !== 0) throw new Error(`go build ${pkg}@${tool.version} failed with exit code ${code} (output above)`);
  }
  await rm(source, { recursive: true, force: true });
}

/**
 * Builds a pinned tool with `go install` into the cache: a staging folder first, renamed into place
 * when every binary and file is there, so a failed build leaves nothing.
 */
async function buildTool(name: ToolName, log: (line: string) => void): Promise<string> {
  const tool: GoTool = TOOLS[name];
  const go = await onPath('go');
  if (!go) {
    throw new Error(
      `${tool.binary} not found: set ${tool.envVar} to a ${tool.binary} binary, put one on PATH, or install Go 1.25 or later ` +
        `(https://go.dev/dl/) so the project can build ${tool.module}@${tool.version} itself.`,
    );
  }
  const target = dirname(cachedToolPath(name));
  const staging = `${target}.building-${process.pid}`;
  await mkdir(staging, { recursive: true });
  log(
    `Building ${tool.module}@${tool.version} with go ${tool.buildInSource ? 'build' : 'install'}${tool.goToolchain ? ` (GOTOOLCHAIN=${tool.goToolchain})` : ''} ` +
      `(several minutes the first time; cached in ${toolsCacheDir()})`,
  );
  const started = Date.now();
  const env = {
    ...process.env,
    GOBIN: staging,
    CGO_ENABLED: '0',
    GOFLAGS: '-buildvcs=false',
    ...(tool.goToolchain ? { GOTOOLCHAIN: tool.goToolchain } : {}),
  };
  try {
    if (tool.buildInSource) await buildInSource(go, tool, staging, env);
    else
      for (const [binary, pkg] of Object.entries(tool.packages)) {
        // One package per install: binaries of different tools may share a name (`server`).
        const { code } = await run(go, ['install', `${pkg}@${tool.version}`], env);
        if (code !== 0)
          throw new Error(`go install ${pkg}@${tool.version} failed with exit code ${code} (output above)`);
        // Go names a binary after its package's last path element, a major-version suffix (/v2) left out.
        const built = pkg
          .replace(/\/v\d+$/, '')
          .split('/')
          .pop()!;
        if (built !== binary) await rename(join(staging, built), join(staging, binary));
      }
    if (tool.moduleFiles?.length) {
      const source = await moduleSource(go, tool, env);
      for (const file of tool.moduleFiles) await cp(join(source, file), join(staging, file), { recursive: true });
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`Built ${tool.binary} in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return cachedToolPath(name);
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
