import { parseReplicaOption } from '../../cli/replica-option';
import { ReplicaSettings, replicaSecrets } from '../../config/replicas';
import { createRedactor, secretsIn } from '../../config/redact';
import { estimateReplica } from '../../plans/cost-estimate';
import { BUILT_IN_PRICES } from '../../plans/s3-prices';
import { ReplicaClients } from '../../s3/replicas';
import {
  type FileCheck,
  protectionOf,
  protectionShortfall,
  protectionWords,
  replicaShortfall,
} from '../../state/documents';

const SECRET = 'replica-secret-0123456789abcdefghij';
const CONNECTIONS = JSON.stringify({
  offsite: { endpoint: 'https://s3.example.net', region: 'eu-central-1', accessKeyId: 'AK', secretAccessKey: SECRET },
});

describe('replica connections (S3_REPLICAS)', () => {
  test('named connections from JSON; none when unset', () => {
    expect(ReplicaSettings.parse({ S3_REPLICAS: CONNECTIONS }).S3_REPLICAS.offsite).toEqual({
      endpoint: 'https://s3.example.net',
      region: 'eu-central-1',
      accessKeyId: 'AK',
      secretAccessKey: SECRET,
    });
    expect(ReplicaSettings.parse({}).S3_REPLICAS).toEqual({});
  });

  test('refused with the reason: not JSON, a key without its secret, an unknown field, a bad name', () => {
    const problem = (text: string) => ReplicaSettings.safeParse({ S3_REPLICAS: text }).error?.issues[0]?.message;
    expect(problem('{offsite')).toMatch(/^JSON:/);
    expect(problem('{"offsite": {"accessKeyId": "AK"}}')).toBe('accessKeyId and secretAccessKey go together');
    expect(problem('{"offsite": {"password": "x"}}')).toMatch(/password/);
    expect(problem('{"Off Site": {}}')).toMatch(/lower-case letters/);
  });

  test('a secret never reaches a log line', () => {
    expect(replicaSecrets(CONNECTIONS)).toEqual([SECRET]);
    // As a loaded configuration holds them (parsed), which the worker's logger is given too.
    expect(replicaSecrets(ReplicaSettings.parse({ S3_REPLICAS: CONNECTIONS }).S3_REPLICAS)).toEqual([SECRET]);
    expect(replicaSecrets('{not json')).toEqual(['{not json']);
    const redact = createRedactor(secretsIn({ S3_REPLICAS: CONNECTIONS }));
    expect(redact(`signing with ${SECRET} failed`)).toBe('signing with [redacted] failed');
  });

  test('a migration naming a connection the worker lacks fails at once, saying which exist', () => {
    const clients = new ReplicaClients(ReplicaSettings.parse({ S3_REPLICAS: CONNECTIONS }).S3_REPLICAS);
    expect(() => clients.get('elsewhere')).toThrow(
      'No replica connection "elsewhere" is configured: add it to S3_REPLICAS of the worker and the API (known: offsite)',
    );
    expect(clients.get('offsite')).toBe(clients.get('offsite'));
    clients.destroy();
  });
});

describe('the replica in the protection of an album', () => {
  const replica = { connection: 'offsite', bucket: 'second' };
  const check = (ok: boolean, replicaOk?: boolean): FileCheck => ({
    imageKey: 'K',
    key: 'k',
    ok,
    ...(replicaOk === undefined ? {} : { replica: { ok: replicaOk } }),
  });

  test('every verified file with a verified copy: met, and said so', () => {
    const p = protectionOf([check(true, true), check(true, true), check(false)], replica);
    expect(p.replica).toEqual({ connection: 'offsite', bucket: 'second', files: 2 });
    expect(replicaShortfall(p)).toBeUndefined();
    expect(protectionWords(p)).toBe('no Object Lock; a verified second copy of every file in s3://second (offsite)');
  });

  test('a file without a verified copy, or no replica at all: the shortfall says which', () => {
    const some = protectionOf([check(true, true), check(true)], replica);
    expect(replicaShortfall(some)).toBe('1 of its 2 verified files have no verified copy in the replica');
    expect(protectionWords(some)).toMatch(/a verified second copy of 1 of 2 files only, in s3:\/\/second/);
    const none = protectionOf([check(true)]);
    expect(replicaShortfall(none)).toMatch(/found no replica/);
    expect(protectionWords(none)).toBe('versioning only: no Object Lock');
  });

  test('what a migration requires, together: each requirement not met, joined', () => {
    const p = protectionOf([check(true)]);
    const now = new Date();
    expect(protectionShortfall(p, {}, now)).toBeUndefined();
    expect(protectionShortfall(p, { requireReplica: true, requireObjectLock: { minDaysLeft: 1 } }, now)).toBe(
      '1 of its 1 verified files have no Object Lock; its verification found no replica (verified without one): verify it again with target.replica',
    );
  });
});

describe('the replica in the plan', () => {
  const upload = { largeFileThresholdBytes: 16 * 2 ** 20, partSizeBytes: 16 * 2 ** 20 };
  const sizes = new Array(1000).fill(2 ** 30 / 1000);
  const where = { connection: 'offsite', bucket: 'second', storageClass: 'STANDARD_IA' as const };

  test('on AWS in a priced region: its class there, a month and the first year', () => {
    const r = estimateReplica(
      sizes,
      { ...where, by: 'copy', region: 'us-east-1' },
      { prices: BUILT_IN_PRICES, upload },
    );
    expect(r.estimate?.monthlyUsd).toBeCloseTo(0.0125, 6);
    expect(r.note).toMatch(/same download: no transfer/);
    const replicated = estimateReplica(
      sizes,
      { ...where, by: 'replication', region: 'us-east-1' },
      { prices: BUILT_IN_PRICES, upload },
    );
    expect(replicated.note).toMatch(/transfer between regions per GB \(not included\)/);
  });

  test('at another provider: not priced, and said why', () => {
    const r = estimateReplica(
      sizes,
      { ...where, by: 'copy', region: 'us-east-1', endpoint: 'https://s3.example.net' },
      { prices: BUILT_IN_PRICES, upload },
    );
    expect(r.estimate).toBeUndefined();
    expect(r.note).toBe("at https://s3.example.net: another provider's prices are not in the price table");
  });
});

describe('--replica NAME:BUCKET of migrate and plan', () => {
  test('a connection and a bucket; anything else refused with the form it takes', () => {
    expect(parseReplicaOption('offsite:my-photos-copy')).toEqual({
      connection: 'offsite',
      bucket: 'my-photos-copy',
      by: 'copy',
    });
    for (const bad of ['offsite', 'offsite:', 'Off Site:bucket', 'a:b:c'])
      expect(() => parseReplicaOption(bad)).toThrow(/--replica takes NAME:BUCKET/);
  });
});
