import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { errorType } from '../common/error-types';
import type { AlbumRef } from '../common/records';
import { AlbumPlanRecord, AlbumRefList, PlanBatch, type PlanEntry } from './documents';
import { batchKey, planRecordKey } from './layout';

/**
 * The migration's JSON documents in the bucket (state/layout.ts says where, state/documents.ts
 * what): each read and each write is checked against its schema, so nothing writes a document that
 * its readers would refuse.
 */
export class StateStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Writes a document, checked against its schema first; `pretty` for those people read (reports, album.json). */
  async put<S extends z.ZodType>(
    key: string,
    schema: S,
    value: z.input<S>,
    opts: { pretty?: boolean } = {},
  ): Promise<void> {
    await this.write(key, checked(key, schema, value), opts.pretty ?? false);
  }

  /** Writes a document people read and approve, and returns the SHA-256 of exactly the bytes written. */
  async putWithDigest<S extends z.ZodType>(key: string, schema: S, value: z.input<S>): Promise<string> {
    return createHash('sha256')
      .update(await this.write(key, checked(key, schema, value), true))
      .digest('hex');
  }

  private async write(key: string, value: unknown, pretty: boolean): Promise<Buffer> {
    const body = Buffer.from(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    return body;
  }

  /** Writes a text file of the service's own (a CSV manifest, JSON lines). */
  async putText(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: Buffer.from(body), ContentType: contentType }),
    );
  }

  /** Reads a document (its current version, or the one named), checked against its schema; undefined when there is none. */
  async get<S extends z.ZodType>(key: string, schema: S, versionId?: string): Promise<z.infer<S> | undefined> {
    try {
      const res = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          VersionId: versionId === 'null' ? undefined : versionId,
        }),
      );
      return schema.parse(JSON.parse(await res.Body!.transformToString()));
    } catch (err) {
      if (err instanceof NoSuchKey) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Every key under a prefix, page after page (the SDK's paginator). */
  async *keys(prefix: string): AsyncGenerator<string> {
    for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) yield object.Key!;
    }
  }

  /** The albums a discovery wrote. */
  async albumList(albumsKey: string): Promise<AlbumRef[]> {
    const albums = await this.get(albumsKey, AlbumRefList);
    if (!albums)
      throw ApplicationFailure.nonRetryable(`The album list ${albumsKey} is missing`, errorType('PlanMissing'));
    return albums;
  }

  /** One batch of a stored plan. */
  async planBatch(planPrefix: string, index: number): Promise<PlanEntry[]> {
    const batch = await this.get(batchKey(planPrefix, index), PlanBatch);
    if (!batch)
      throw ApplicationFailure.nonRetryable(
        `Plan batch ${index} is missing under ${planPrefix}`,
        errorType('PlanMissing'),
      );
    return batch.entries;
  }

  /** A stored plan: its record and every entry of every batch (those copied and those already present). */
  async plan(planPrefix: string): Promise<{ record: AlbumPlanRecord; entries: PlanEntry[] }> {
    const record = await this.get(planRecordKey(planPrefix), AlbumPlanRecord);
    if (!record) throw ApplicationFailure.nonRetryable(`No plan under ${planPrefix}`, errorType('PlanMissing'));
    const entries: PlanEntry[] = [];
    for (let i = 0; i < record.batches; i++)
      entries.push(...((await this.get(batchKey(planPrefix, i), PlanBatch))?.entries ?? []));
    return { record, entries };
  }
}

/**
 * The value, written as given once its schema accepts it; otherwise a refusal naming the document
 * and the fields, before anything reaches the bucket.
 */
function checked<S extends z.ZodType>(key: string, schema: S, value: z.input<S>): z.input<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `Refusing to write ${key}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`,
    );
  return value;
}
