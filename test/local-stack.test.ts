import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { minioClient } from '../local-stack/minio-server';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { spawnStackScript } from './support/stack-process';
import { testStack } from './support/test-stack';

describe('local stack started by the test harness', () => {
  test("the Temporal dev server answers and has the project's search attributes", async () => {
    const { temporal } = testStack();
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: temporal.namespace,
      });
      for (const key of SEARCH_ATTRIBUTES) expect(customAttributes).toHaveProperty(key.name);
    } finally {
      await connection.close();
    }
  });

  test('the Temporal web UI is served', async () => {
    const res = await fetch(testStack().temporal.uiUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<!doctype html>/i);
  });

  test('MinIO answers S3 calls, has the bucket, and refuses bytes that do not match Content-MD5', async () => {
    const { minio } = testStack();
    const s3 = minioClient(minio);
    try {
      await s3.send(new HeadBucketCommand({ Bucket: minio.bucket }));
      const body = Buffer.from('original bytes');
      const md5 = createHash('md5').update(body).digest('base64');
      await s3.send(
        new PutObjectCommand({ Bucket: minio.bucket, Key: 'stack-test/ok.txt', Body: body, ContentMD5: md5 }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: minio.bucket, Key: 'stack-test/ok.txt' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      await expect(
        s3.send(
          new PutObjectCommand({
            Bucket: minio.bucket,
            Key: 'stack-test/bad.txt',
            Body: Buffer.from('other bytes!!!'),
            ContentMD5: md5,
          }),
        ),
      ).rejects.toMatchObject({ name: 'BadDigest' });
    } finally {
      s3.destroy();
    }
  });
});

describe('npm run stack', () => {
  test('brings up Temporal (with UI), MinIO and the sandbox on the given ports, and Ctrl-C stops all of them', async () => {
    const stack = await spawnStackScript('local-stack/main.ts');
    const { child, ports } = stack;
    const exited = once(child, 'exit');
    try {
      const deadline = Date.now() + 60_000;
      while (!stack.output().includes('Ctrl-C stops everything') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 200));
      expect(stack.output()).toContain('Ctrl-C stops everything');
      expect(stack.output()).toContain(`http://127.0.0.1:${ports.temporalUi}`);
      expect(stack.output()).toContain('SMUGMUG_ACCESS_TOKEN_SECRET=');

      expect((await fetch(`http://127.0.0.1:${ports.temporalUi}`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${ports.minio}/minio/health/live`)).status).toBe(200);
      const unsigned = await fetch(`http://127.0.0.1:${ports.sandbox}/api/v2!authuser`);
      expect(unsigned.status).toBe(401);
      await unsigned.arrayBuffer();

      child.kill('SIGINT');
      const [code] = await exited;
      expect(code).toBe(0);
      for (const port of [ports.temporal, ports.temporalUi, ports.minio, ports.sandbox]) {
        await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      }
    } finally {
      await stack.cleanup();
    }
  });
});
