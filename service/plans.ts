import type { S3Client } from '@aws-sdk/client-s3';
import type { MigrationStarted } from '../common/migration-types';
import { PlanReport } from '../state/documents';
import { planReportKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { MigrationReads } from './migration-reads';
import type { MigrationService } from './migrations';
import type { Plan, StartPlanRequest } from './records';
import { conflict } from './refusals';

/** The SmugMug plan a person pays for, to set beside the cheapest storage class. */
export interface SmugMugPlan {
  plan?: string;
  monthlyUsd?: number;
}

/**
 * Plans: a dry run of a migration that a person decides on (files, bytes, held items, duplicates,
 * costs per storage class), started like a migration and read from the bucket once written.
 */
export class PlanService {
  constructor(
    private readonly s3: S3Client,
    private readonly reads: MigrationReads,
    private readonly migrations: MigrationService,
  ) {}

  /** Starts a plan: a dry run, which never deletes whatever the request says. */
  start(request: StartPlanRequest): Promise<MigrationStarted & { migrationId: string }> {
    return this.migrations.start({ ...request, dryRun: true, deletion: { enabled: false } });
  }

  /**
   * A plan's report (a dry run's): per album and in total, files, bytes, held items, duplicates and
   * the cost per storage class; beside the cheapest, the SmugMug plan the person names.
   */
  async report(id: string, smugmugPlan: SmugMugPlan = {}): Promise<Plan> {
    const { description, progress } = await this.reads.lookup(id);
    if (!progress?.migrationId)
      throw conflict(
        `The plan of ${id} is not ready (${description.status.name}): it is written once every album is planned`,
      );
    const plan = await new StateStore(this.s3, progress.target.bucket).get(
      planReportKey(progress.target.prefix, progress.migrationId),
      PlanReport,
    );
    if (!plan)
      throw conflict(
        `The plan of ${id} is not ready: it is written once every album is planned (or ${id} is not a plan)`,
      );
    const cheapest = plan.costs.classes.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
    const smugmug =
      smugmugPlan.monthlyUsd === undefined
        ? undefined
        : {
            plan: smugmugPlan.plan ?? 'SmugMug',
            monthlyUsd: smugmugPlan.monthlyUsd,
            cheapestClass: cheapest.storageClass,
            cheapestMonthlyUsd: cheapest.monthlyUsd,
          };
    return { ...plan, smugmug };
  }
}
