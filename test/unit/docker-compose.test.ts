import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NODE_LTS } from '../../local-stack/node-lts';
import { projectRoot } from '../../local-stack/paths';
import {
  clusterClientEnv,
  TEMPORAL_SERVER_SETTINGS,
  temporalDatabaseEnv,
  temporalTlsEnv,
  temporalUiTlsEnv,
} from '../../local-stack/temporal-cluster';
import { SERVER_DYNAMIC_CONFIG } from '../../local-stack/temporal-server';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../worker/node-flags';

type Service = { environment: Record<string, string>; command?: string[]; entrypoint?: string[]; volumes?: string[] };
let services: Record<string, Service>;
beforeAll(async () => {
  services = parse(await readFile(join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }).services;
});

/** Names a function of the topology gives values to; compose must set each of them. */
const namesOf = (env: Record<string, string>) => Object.keys(env).sort();
const fakeCerts = { caCert: 'ca', serverCert: 's', serverKey: 'sk', clientCert: 'c', clientKey: 'ck', dir: '' };

describe('docker-compose.yml and the production topology share their configuration', () => {
  test("the Temporal server gets the topology's settings, by the same names and values", () => {
    const env = services.temporal.environment;
    expect(env).toMatchObject(TEMPORAL_SERVER_SETTINGS);
    const db = { host: 'h', port: 1, user: 'u', password: 'p' };
    for (const name of [...namesOf(temporalDatabaseEnv(db)), ...namesOf(temporalTlsEnv(fakeCerts, 'n'))]) {
      expect(env).toHaveProperty(name);
    }
    expect(env.DYNAMIC_CONFIG_FILE_PATH).toBe('/etc/temporal/config/dynamicconfig/smugmug-s3.yaml');
    expect(services.temporal.volumes).toContain(
      './config/temporal-dynamic-config.yaml:/etc/temporal/config/dynamicconfig/smugmug-s3.yaml:ro',
    );
  });

  test('the schema is made by the same script, and the namespace and search attributes by the same code', () => {
    expect(services['temporal-schema'].volumes).toContain(
      './config/temporal-schema.sh:/etc/smugmug-s3/temporal-schema.sh:ro',
    );
    expect(services['temporal-schema'].entrypoint).toEqual(['/bin/sh', '/etc/smugmug-s3/temporal-schema.sh']);
    expect(services['temporal-schema'].environment).toMatchObject({
      DBNAME: TEMPORAL_SERVER_SETTINGS.DBNAME,
      VISIBILITY_DBNAME: TEMPORAL_SERVER_SETTINGS.VISIBILITY_DBNAME,
    });
    expect(services['temporal-setup'].command).toEqual(['node', 'dist/worker/temporal-setup.js']);
  });

  test('worker, API, setup and UI connect with client certificates, by the names the topology sets', () => {
    for (const name of ['worker', 'api', 'temporal-setup']) {
      expect(Object.keys(services[name].environment)).toEqual(
        expect.arrayContaining(namesOf(clusterClientEnv('a', fakeCerts, 'n'))),
      );
    }
    expect(Object.keys(services['temporal-ui'].environment)).toEqual(
      expect.arrayContaining(namesOf(temporalUiTlsEnv(fakeCerts, 'n'))),
    );
  });

  test('gives the worker every credential it needs, the API its token, the UI the codec', () => {
    expect(Object.keys(services.worker.environment)).toEqual(
      expect.arrayContaining([
        'SMUGMUG_API_KEY',
        'SMUGMUG_API_SECRET',
        'SMUGMUG_ACCESS_TOKEN',
        'SMUGMUG_ACCESS_TOKEN_SECRET',
        'AWS_REGION',
        'PAYLOAD_ENCRYPTION_KEYS',
      ]),
    );
    expect(services.api.environment.API_TOKEN).toMatch(/^\$\{API_TOKEN:\?/);
    expect(services['temporal-ui'].environment.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec/);
  });

  test("gives the cluster the dev server's settings (update-with-start, fairness) through its dynamic config file", async () => {
    const file = await readFile(join(projectRoot, 'config/temporal-dynamic-config.yaml'), 'utf8');
    const settings = Object.fromEntries(
      Object.entries(parse(file) as Record<string, Array<{ value: unknown }>>).map(([key, [{ value }]]) => [
        key,
        value,
      ]),
    );
    expect(settings).toEqual(SERVER_DYNAMIC_CONFIG);
  });

  test('the image runs the Node.js major that the production suite runs on', async () => {
    const dockerfile = await readFile(join(projectRoot, 'Dockerfile'), 'utf8');
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map(([, major]) => major);
    expect(majors.length).toBeGreaterThan(0);
    expect(new Set(majors)).toEqual(new Set([NODE_LTS.version.split('.')[0]]));
  });

  test('every way of starting a worker gives it the same Node.js flags and allocator settings (worker/node-flags.ts)', async () => {
    const dockerfile = await readFile(join(projectRoot, 'Dockerfile'), 'utf8');
    const scripts = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')).scripts;
    const flags = [...WORKER_NODE_FLAGS];
    expect(dockerfile).toContain(
      `CMD ${JSON.stringify(['node', ...flags, 'dist/worker/main.js']).replaceAll(',', ', ')}`,
    );
    expect(services.worker.command).toEqual(['node', ...flags, 'dist/worker/main.js']);
    const allocator = Object.entries(WORKER_MALLOC_ENV).map(([k, v]) => `${k}=${v}`);
    expect(scripts.worker).toBe(`${allocator.join(' ')} node ${flags.join(' ')} --import tsx worker/main.ts`);
    expect(dockerfile).toContain(`ENV ${allocator.join(' ')}`);
  });
});
