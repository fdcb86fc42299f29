import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../local-stack/paths';
import { SERVER_DYNAMIC_CONFIG } from '../../local-stack/temporal-server';
import { searchAttributes } from '../../workflows/search-attributes';

describe('docker-compose.yml', () => {
  test('registers every search attribute the workflows use and gives the worker every credential it needs', async () => {
    const compose = await readFile(join(projectRoot, 'docker-compose.yml'), 'utf8');
    const registered = /for sa in ([A-Za-z ]+); do/.exec(compose)![1].trim().split(/\s+/);
    expect(registered.sort()).toEqual(searchAttributes.map((k) => k.name).sort());
    const worker = compose.slice(compose.indexOf('\n  worker:'), compose.indexOf('\n  postgresql:'));
    for (const name of [
      'SMUGMUG_API_KEY',
      'SMUGMUG_API_SECRET',
      'SMUGMUG_ACCESS_TOKEN',
      'SMUGMUG_ACCESS_TOKEN_SECRET',
      'TEMPORAL_ADDRESS',
      'AWS_REGION',
    ]) {
      expect(worker.includes(`${name}:`) || compose.includes(`  ${name}: `)).toBe(true);
    }
    expect(compose).toMatch(/API_TOKEN: \$\{API_TOKEN:\?/);
    // Worker and API share the payload keys; the UI knows where to decode.
    expect(compose).toMatch(/PAYLOAD_ENCRYPTION_KEYS: \$\{PAYLOAD_ENCRYPTION_KEYS:\?/);
    expect(compose).toMatch(/TEMPORAL_CODEC_ENDPOINT: .*\/codec/);
  });

  test("gives the cluster the dev server's settings (update-with-start, fairness) through its dynamic config file", async () => {
    const compose = await readFile(join(projectRoot, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('./config/temporal-dynamic-config.yaml:/etc/temporal/config/dynamicconfig/');
    const file = await readFile(join(projectRoot, 'config/temporal-dynamic-config.yaml'), 'utf8');
    const settings = Object.fromEntries(
      [...file.matchAll(/^([\w.]+):\n\s+- value: (\S+)$/gm)].map(([, key, value]) => [key, JSON.parse(value)]),
    );
    expect(settings).toEqual(SERVER_DYNAMIC_CONFIG);
  });
});
