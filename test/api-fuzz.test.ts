import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePythonTools } from '../local-stack/python-tools';
import { startApiTestbed, TEST_API_TOKEN } from './support/api-harness';
import { FUZZ_NAMESPACE } from './support/test-stack';

/**
 * Schemathesis fuzzes every operation of the OpenAPI document, with the token and without it,
 * against the real API, Temporal and MinIO: no answer may be a 5xx or break its documented schema.
 */
describe('the HTTP API under a fuzzer', () => {
  test('schemathesis finds no server error and no response outside the OpenAPI document', async () => {
    const { schemathesis } = await resolvePythonTools();
    const testbed = await startApiTestbed(
      {
        library: {
          seed: 'fuzz',
          nickname: 'fuzz-tester',
          albums: 1,
          folders: 0,
          photosPerAlbum: 2,
          videos: 0,
          trickyCases: false,
        },
      },
      { TEMPORAL_NAMESPACE: FUZZ_NAMESPACE },
    );
    const reportDir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'schemathesis-'));
    try {
      // One real migration, so that routes with an id also meet one that exists.
      await testbed.api.call('POST', '/v1/migrations', {
        account: 'fuzz-tester',
        migrationId: 'fuzzed',
        target: { bucket: 'test-bucket', prefix: 'fuzz' },
      });
      // Run from the report folder: schemathesis keeps its cache in the working directory, not in the checkout.
      const child = spawn(
        schemathesis,
        [
          '--no-color',
          'run',
          `${testbed.api.url}/openapi.json`,
          '--url',
          testbed.api.url,
          '-H',
          `Authorization: Bearer ${TEST_API_TOKEN}`,
          '--checks',
          'not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance',
          '--max-examples',
          process.env.FUZZ_MAX_EXAMPLES ?? '100',
          '--seed',
          '20261125',
          '--workers',
          '1',
          '--request-timeout',
          '30',
          '--phases',
          'examples,coverage,fuzzing',
          '--generation-database',
          'none',
          '--report',
          'junit',
          '--report-dir',
          reportDir,
        ],
        { cwd: reportDir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const [code] = await once(child, 'exit');
      if (code !== 0) throw new Error(`schemathesis exited ${code}:\n${output.slice(-12_000)}`);
      const [junitFile] = (await readdir(reportDir)).filter((f) => f.startsWith('junit'));
      const junit = await readFile(join(reportDir, junitFile), 'utf8');
      // Every operation of the document was exercised.
      expect((junit.match(/<testcase /g) ?? []).length).toBeGreaterThanOrEqual(10);
      expect(testbed.api.logs.some((l) => Number(l.status) >= 500)).toBe(false);
    } finally {
      await rm(reportDir, { recursive: true, force: true });
      await testbed.close();
    }
  }, 900_000);
});
