import type { MigrationTarget } from '../common/migration-input';
import type { AlbumRef, ReportRef } from '../common/records';
import { PlanAccumulator } from '../plans/plan-report';
import { loadPriceTable } from '../plans/s3-prices';
import { AlbumPlanRecord, AlbumVerificationReport, MigrationReport, PlanReport } from '../state/documents';
import { albumStateFolder, migrationReportKey, planRecordKey, planReportKey, verificationKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

interface ReportsInput {
  migrationId: string;
  account: string;
  target: MigrationTarget;
  albumsKey: string;
  /** A dry run has a plan to write too (plan-report.json). */
  dryRun?: boolean;
}

/**
 * The migration's reports, once its albums are settled (registered as `writeMigrationReport`, the
 * name histories know): for a dry run the plan, then always the verification report, whose digest
 * it returns for approvals to name.
 */
export function writeReports(deps: ActivityDeps) {
  return async function writeReports(input: ReportsInput): Promise<ReportRef> {
    const store = new StateStore(deps.s3, input.target.bucket);
    const albums = await store.albumList(input.albumsKey);
    if (input.dryRun) await writePlanReport(deps, store, { ...input, albums });
    return writeVerificationReport(store, { ...input, albums });
  };
}

/**
 * The migration's verification report: every album with its verification result, written to the
 * bucket. Its SHA-256 digest is what an approval must name, so nobody approves a report they did not see.
 */
async function writeVerificationReport(
  store: StateStore,
  input: ReportsInput & { albums: AlbumRef[] },
): Promise<ReportRef> {
  const { albums } = input;
  let read = 0;
  const rows = await withHeartbeats(
    () => ({ read }),
    async () => {
      const out = [];
      for (const album of albums) {
        const verification = await store.get(
          verificationKey(albumStateFolder(input.target.prefix, input.migrationId, album.albumKey)),
          AlbumVerificationReport,
        );
        read += 1;
        out.push({
          albumKey: album.albumKey,
          path: album.path,
          passed: verification?.passed ?? false,
          verified: verification?.verified ?? 0,
          checkedAt: verification?.checkedAt,
          failed: verification?.failed.length ?? 0,
          unavailable: verification?.unavailable.length ?? 0,
          problems: verification
            ? verification.failed.slice(0, 20).map((f) => ({ imageKey: f.imageKey, problem: f.problem }))
            : [{ imageKey: '', problem: 'the album was not verified' }],
          held: verification?.held ?? [],
          warnings: verification?.warnings ?? [],
          protection: verification?.protection,
        });
      }
      return out;
    },
  );
  const report: MigrationReport = {
    migrationId: input.migrationId,
    account: input.account,
    bucket: input.target.bucket,
    prefix: input.target.prefix,
    generatedAt: new Date().toISOString(),
    totals: {
      albums: rows.length,
      passed: rows.filter((r) => r.passed).length,
      verifiedFiles: rows.reduce((s, r) => s + r.verified, 0),
      held: rows.reduce((s, r) => s + r.held.length, 0),
      warnings: rows.reduce((s, r) => s + r.warnings.length, 0),
    },
    held: rows.flatMap((r) => r.held.map((h) => ({ albumKey: r.albumKey, path: r.path, ...h }))),
    albums: rows,
  };
  const key = migrationReportKey(input.target.prefix, input.migrationId);
  return { key, digest: await store.putWithDigest(key, MigrationReport, report) };
}

/** A dry run's plan, from the albums' stored plans, one album at a time (plans/plan-report.ts). */
async function writePlanReport(
  { config, replicas }: ActivityDeps,
  store: StateStore,
  input: { migrationId: string; account: string; target: MigrationTarget; albums: AlbumRef[] },
): Promise<void> {
  const plan = new PlanAccumulator();
  const { replica } = input.target;
  let read = 0;
  await withHeartbeats(
    () => ({ planned: read }),
    async () => {
      for (const album of input.albums) {
        const planPrefix = albumStateFolder(input.target.prefix, input.migrationId, album.albumKey);
        // An album that failed before it was planned has no plan: it is left out, and its failure says why.
        if (!(await store.get(planRecordKey(planPrefix), AlbumPlanRecord))) continue;
        const { record, entries } = await store.plan(planPrefix);
        plan.add({ album, record, entries });
        read += 1;
      }
    },
  );
  const report = plan.finish({
    migrationId: input.migrationId,
    account: input.account,
    bucket: input.target.bucket,
    prefix: input.target.prefix,
    prices: loadPriceTable(),
    region: config.AWS_REGION,
    upload: {
      largeFileThresholdBytes: config.LARGE_FILE_THRESHOLD_MB * 2 ** 20,
      partSizeBytes: config.PART_SIZE_MB * 2 ** 20,
    },
    replica: replica && {
      connection: replica.connection,
      bucket: replica.bucket,
      by: replica.by,
      storageClass: replica.storageClass ?? 'STANDARD',
      region: replicas.connection(replica.connection).region,
      endpoint: replicas.connection(replica.connection).endpoint,
    },
  });
  await store.put(planReportKey(input.target.prefix, input.migrationId), PlanReport, report, { pretty: true });
}
