import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { objectSettings } from '../s3/object-settings';
import { checkBucket } from '../s3/bucket-checks';
import { type BucketSetupOptions, setUpBucket } from '../s3/bucket-setup';
import { MigrationInput } from '../common/migration-input';
import type { PlanEntry } from '../state/documents';
import { startMotoForTests } from './support/moto';
import { projectRoot } from '../local-stack/paths';
import { minioClient } from '../local-stack/minio-server';
import { createTestBucket } from './support/migration-harness';
import { testStack } from './support/test-stack';

describe('bucket setup against moto (what MinIO does not implement)', () => {
  let moto: Awaited<ReturnType<typeof startMotoForTests>>;
  let s3: S3Client;
  beforeAll(async () => {
    moto = await startMotoForTests('bucket-setup');
    s3 = moto.s3;
  }, 300_000);
  afterAll(() => moto?.stop());

  test('a new bucket lacks the protections; setup turns every one on, keeps what was there, and a second run changes nothing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'photos-archive' }));
    const before = await checkBucket(s3, 'photos-archive');
    expect(before).toMatchObject({
      versioning: { status: 'missing' },
      publicAccessBlock: { status: 'missing' },
      tlsOnlyPolicy: { status: 'missing' },
      abortIncompleteUploads: { status: 'missing' },
      cors: { status: 'missing' },
    });
    // Someone's own statement must survive the setup.
    const theirs = {
      Sid: 'their-own',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:DeleteBucket',
      Resource: 'arn:aws:s3:::photos-archive',
    };
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'photos-archive',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [theirs] }),
      }),
    );

    // Object Lock on an existing versioned bucket, as AWS allows it, with a default retention.
    const setup: BucketSetupOptions = {
      bucket: 'photos-archive',
      corsOrigins: ['https://gallery.example.com'],
      objectLock: { mode: 'GOVERNANCE', days: 30 },
    };
    const first = await setUpBucket(s3, setup);
    expect(Object.values(first.steps).map((s) => s.outcome)).toEqual(new Array(7).fill('applied'));
    for (const check of Object.values(first.checks)) expect(check.status).toBe('ok');
    expect(first.checks.encryption.detail).toBe('AES256');
    expect(first.checks.objectLock.detail).toBe('default retention GOVERNANCE, 30 days');

    const second = await setUpBucket(s3, setup);
    for (const check of Object.values(second.checks)) expect(check.status).toBe('ok');
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: 'photos-archive' }))).Policy!) as {
      Statement: Array<{ Sid?: string; Effect: string }>;
    };
    expect(policy.Statement.map((s) => s.Sid).sort()).toEqual(['smugmug-s3-deny-insecure-transport', 'their-own']);
    // Nothing the setup wrote allows anything: the bucket is never opened to the public.
    expect(policy.Statement.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  test('objects land with the storage class and KMS encryption the migration asks for', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cold-archive' }));
    const entry = {
      key: 'Album/IMG_0001.JPG',
      imageKey: 'abc123',
      albumKey: 'alb1',
      md5: '0'.repeat(32),
      source: 'original',
      format: 'JPG',
      isVideo: false,
      fileName: 'IMG_0001.JPG',
      metadata: { captured: '2020-01-01T00:00:00Z' },
    } as unknown as PlanEntry;
    for (const storageClass of ['STANDARD_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING'] as const) {
      const { target } = MigrationInput.parse({
        migrationId: 'm',
        account: 'a',
        target: {
          bucket: 'cold-archive',
          storageClass,
          sse: { type: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/test' },
        },
      });
      await s3.send(
        new PutObjectCommand({
          ...objectSettings({ ...entry, key: `${storageClass}/${entry.key}` }, target),
          Body: 'x',
        }),
      );
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: 'cold-archive', Key: `${storageClass}/${entry.key}` }),
      );
      expect({ storageClass: head.StorageClass, sse: head.ServerSideEncryption }).toEqual({
        storageClass,
        sse: 'aws:kms',
      });
    }
  });

  test('the CLI command sets up and checks a bucket, and says what was missing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-bucket' }));
    const cli = async (args: string[]) => {
      const child = spawn(process.execPath, ['cli/smugmug-s3.cjs', 'bucket', ...args], {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_S3: moto.endpoint,
          AWS_REGION: moto.region,
          AWS_ACCESS_KEY_ID: moto.accessKeyId,
          AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
        },
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const [code] = await once(child, 'exit');
      return { code: code as number, output };
    };
    const check = await cli(['check', 'cli-bucket']);
    expect(check.code).toBe(1);
    expect(check.output).toMatch(/MISSING\s+versioning/);
    const setup = await cli(['setup', 'cli-bucket', '--abort-after-days', '3']);
    expect(setup.code).toBe(0);
    expect(setup.output).toMatch(/ok\s+abortIncompleteUploads\s+after 3 days/);
    expect(setup.output).not.toMatch(
      /MISSING\s+(versioning|encryption|publicAccessBlock|tlsOnlyPolicy|abortIncompleteUploads)/,
    );
    expect((await cli(['check', 'cli-bucket'])).code).toBe(0);
    const bad = await cli(['setup', 'Not_A_Bucket']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/bucket name/);
    // A new bucket made with Object Lock and a default retention; a period that is not one is refused, explained.
    const locked = await cli(['setup', 'cli-locked', '--create', '--object-lock', 'COMPLIANCE:1d']);
    expect(locked.code).toBe(0);
    expect(locked.output).toMatch(/applied\s+create/);
    expect(locked.output).toMatch(/ok\s+objectLock\s+default retention COMPLIANCE, 1 days/);
    const vague = await cli(['setup', 'cli-locked', '--object-lock', 'forever']);
    expect(vague.code).toBe(2);
    expect(vague.output).toMatch(/GOVERNANCE:30d or COMPLIANCE:7y .* not the AWS root account/);
  }, 60_000);
});

describe('bucket setup against MinIO', () => {
  test('versioning and default encryption are set and read back; what MinIO lacks is reported, not guessed', async () => {
    const s3 = minioClient(testStack().minio);
    try {
      const bucket = await createTestBucket(s3, 'setup');
      const before = await checkBucket(s3, bucket);
      expect(before.versioning.status).toBe('missing');
      const result = await setUpBucket(s3, { bucket });
      expect(result.steps).toMatchObject({ versioning: { outcome: 'applied' }, encryption: { outcome: 'applied' } });
      expect(result.checks).toMatchObject({
        versioning: { status: 'ok' },
        encryption: { status: 'ok', detail: 'AES256' },
      });
      // Never a false "ok": each protection is either read back or not known.
      for (const [name, check] of Object.entries(result.checks)) {
        if (result.steps[name]?.outcome !== 'applied')
          expect({ name, status: check.status }).not.toEqual({ name, status: 'ok' });
      }
    } finally {
      s3.destroy();
    }
  });
});
