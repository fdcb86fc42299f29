import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ServerConfig } from '../../server/config';
import { startHttpServer } from '../../server/server';
import type { RunningSandbox } from '../../smugmug-sandbox/server';
import type { WorkerConfig } from '../../worker/config';
import { startMigrationHarness } from './migration-harness';
import { startPrivateSandbox } from './sandbox-client';
import { testStack } from './test-stack';

/** Answers are read by test assertions, which reach into them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const TEST_API_TOKEN = 'test-token-0123456789abcdef';

/** The HTTP API on a free port, talking to the test run's Temporal and MinIO, for one worker's task queue. */
export async function startTestApi(worker: WorkerConfig, overrides: Record<string, string> = {}) {
  const { temporal, minio, runDir } = testStack();
  const config = ServerConfig.parse({
    API_PORT: '0',
    API_TOKEN: TEST_API_TOKEN,
    TEMPORAL_ADDRESS: worker.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: worker.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: worker.TEMPORAL_TASK_QUEUE,
    AWS_REGION: minio.region,
    AWS_ENDPOINT_URL_S3: minio.endpoint,
    TEMPORAL_UI_URL: temporal.uiUrl,
    PAYLOAD_ENCRYPTION_KEYS: process.env.PAYLOAD_ENCRYPTION_KEYS,
    // Each API its own credential store: what a test connects is seen by no other.
    CREDENTIALS_STORE: join(runDir, `credentials-${randomUUID()}.enc`),
    ...overrides,
  });
  const logs: Array<Record<string, unknown>> = [];
  const api = await startHttpServer(config, (entry) => logs.push(entry));
  const call = async (method: string, path: string, body?: unknown, token: string | null = TEST_API_TOKEN) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Json,
      headers: res.headers,
    };
  };
  /** Polls the status until `done` holds (or fails the test after the timeout). */
  const waitFor = async (id: string, done: (status: Json) => boolean, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await call('GET', `/v1/migrations/${id}`);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`Timed out waiting on ${id}: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  return { ...api, config, logs, call, waitFor };
}

/** A sandbox of the test file's own, an in-process worker for it, and the API in front: what API and CLI tests stand on. */
export async function startApiTestbed(
  sandboxOptions: Parameters<typeof startPrivateSandbox>[0],
  workerOverrides: Parameters<typeof startMigrationHarness>[1] = {},
  apiOverrides: (sandbox: RunningSandbox) => Record<string, string> = () => ({}),
) {
  const sandbox = await startPrivateSandbox(sandboxOptions);
  const harness = await startMigrationHarness(sandbox, workerOverrides);
  const api = await startTestApi(harness.config, apiOverrides(sandbox));
  return {
    sandbox,
    harness,
    api,
    async close() {
      await api.close();
      await harness.stop();
      await sandbox.close();
    },
  };
}

export type ApiTestbed = Awaited<ReturnType<typeof startApiTestbed>>;

/**
 * The testbed of one test file (its sandbox, worker and API), started before its tests and closed
 * after them, `beforeClose` first (what the file must undo while the API still answers); its parts
 * are there once the file's first test runs.
 */
export function apiTestbedForTests(
  sandboxOptions: Parameters<typeof startPrivateSandbox>[0],
  hooks: { beforeClose?: (testbed: ApiTestbed) => Promise<unknown> } = {},
): ApiTestbed {
  const testbed = {} as ApiTestbed;
  beforeAll(async () => {
    Object.assign(testbed, await startApiTestbed(sandboxOptions));
  });
  afterAll(async () => {
    if (!testbed.close) return;
    await hooks.beforeClose?.(testbed);
    await testbed.close();
  });
  return testbed;
}
