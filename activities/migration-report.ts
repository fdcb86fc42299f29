import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { statePrefix } from '../common/ids';
import type { MigrationTarget } from '../common/migration-input';
import type { ReportRef } from '../common/migration-types';
import { AlbumVerificationReport } from '../common/plan-entry';
import type { ActivityDeps } from './deps';
import { readAlbumList } from './discover-albums';
import { withHeartbeats } from './keep-alive';
import { planPrefixOf } from './plan-album';
import { StateStore } from './s3-client';

/**
 * The migration's verification report: every album with its verification result, written to the
 * bucket. Its SHA-256 digest is what an approval must name, so nobody approves a report they did not see.
 */
export function writeMigrationReport(deps: ActivityDeps) {
  return async function writeMigrationReport(input: { migrationId: string; account: string; target: MigrationTarget; albumsKey: string }): Promise<ReportRef> {
    const store = new StateStore(deps.s3, input.target.bucket);
    const albums = await readAlbumList(deps.s3, input.target.bucket, input.albumsKey);
    let read = 0;
    const rows = await withHeartbeats(() => ({ read }), async () => {
      const out = [];
      for (const album of albums) {
        const verification = await store.get(`${planPrefixOf(input.target, input.migrationId, album.albumKey)}/verification.json`, AlbumVerificationReport);
        read += 1;
        out.push({
          albumKey: album.albumKey, path: album.path,
          passed: verification?.passed ?? false, verified: verification?.verified ?? 0, checkedAt: verification?.checkedAt,
          failed: verification?.failed.length ?? 0, unavailable: verification?.unavailable.length ?? 0,
          problems: verification ? verification.failed.slice(0, 20).map((f) => ({ imageKey: f.imageKey, problem: f.problem })) : [{ imageKey: '', problem: 'the album was not verified' }],
          held: verification?.held ?? [],
          warnings: verification?.warnings ?? [],
        });
      }
      return out;
    });
    const report = {
      migrationId: input.migrationId, account: input.account, bucket: input.target.bucket, prefix: input.target.prefix,
      generatedAt: new Date().toISOString(),
      totals: {
        albums: rows.length, passed: rows.filter((r) => r.passed).length, verifiedFiles: rows.reduce((s, r) => s + r.verified, 0),
        held: rows.reduce((s, r) => s + r.held.length, 0), warnings: rows.reduce((s, r) => s + r.warnings.length, 0),
      },
      /** What an approval leaves on SmugMug unless it names it (`includeHeld`), and why. */
      held: rows.flatMap((r) => r.held.map((h) => ({ albumKey: r.albumKey, path: r.path, ...h }))),
      albums: rows,
    };
    const body = Buffer.from(JSON.stringify(report, null, 2));
    const key = `${statePrefix(input.target.prefix, input.migrationId)}/report.json`;
    await deps.s3.send(new PutObjectCommand({ Bucket: input.target.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    return { key, digest: createHash('sha256').update(body).digest('hex') };
  };
}
