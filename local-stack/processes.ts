import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, for servers that tests start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

async function logTail(logFile: string, lines = 20): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Starts a server process whose output goes to `logFile`; `stop()` ends it (TERM, then KILL). */
export async function spawnServer(name: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; logFile: string }): Promise<ServerProcess> {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(command, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', log, log] });
  const exited = once(child, 'exit');
  child.once('error', () => undefined);
  return {
    name, child, logFile: opts.logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** Polls `ready` until it is true; fails early, with the log's tail, if the process dies first. */
export async function waitUntilReady(server: ServerProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`${server.name} exited before it was ready (code ${server.child.exitCode ?? server.child.signalCode}). Log ${server.logFile}:\n${await logTail(server.logFile)}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${server.name} was not ready after ${timeoutMs / 1000} s. Log ${server.logFile}:\n${await logTail(server.logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
