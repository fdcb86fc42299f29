import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalConnectionOptions, TemporalSettings, withTemporalProfile } from '../../config/temporal';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'temporal-toml-'));
  file = join(dir, 'temporal.toml');
  await writeFile(
    file,
    [
      '[profile.cloud]',
      'address = "ns.a1b2c.tmprl.cloud:7233"',
      'namespace = "ns.a1b2c"',
      'api_key = "from-the-file"',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('connecting to Temporal as its own tools do', () => {
  test('the local default: a plain connection to 127.0.0.1:7233', () => {
    const options = temporalConnectionOptions(TemporalSettings.parse({}));
    expect(options).toMatchObject({ address: '127.0.0.1:7233' });
    expect(options.tls).toBeUndefined();
    expect(options.apiKey).toBeUndefined();
  });

  test('an API key (Temporal Cloud) turns TLS on and is sent as the bearer token', () => {
    const options = temporalConnectionOptions(
      TemporalSettings.parse({ TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' }),
    );
    expect(options).toMatchObject({ address: 'ns.a1b2c.tmprl.cloud:7233', apiKey: 'secret-key', tls: true });
  });

  test('a temporal.toml profile gives address, namespace and key; the environment wins over it', () => {
    const fromProfile = TemporalSettings.parse(
      withTemporalProfile({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' }),
    );
    expect(fromProfile).toMatchObject({
      TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.a1b2c',
    });
    expect(temporalConnectionOptions(fromProfile)).toMatchObject({ apiKey: 'from-the-file', tls: true });
    const overridden = TemporalSettings.parse(
      withTemporalProfile({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_API_KEY: 'from-env' }),
    );
    expect(temporalConnectionOptions(overridden).apiKey).toBe('from-env');
  });

  test('a profile that does not exist is an error, not a silent default', () => {
    expect(() => withTemporalProfile({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'nope' })).toThrow(/nope/);
  });
});
