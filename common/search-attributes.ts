import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AlbumStatus, MigrationPhase } from './records';

/**
 * The custom search attributes of this service, registered on the Temporal server by the local
 * stack, the test harness and `npm run temporal:setup`, so `temporal workflow list --query
 * "SmugMugAccount='…'"` finds runs. They are plain text on the server: never put anything private
 * in them. Their registered names are older than some of their meanings and stay as deployments
 * have registered them; the constants say what each holds.
 */

/** The SmugMug nickname a run works for (every workflow of the service). */
export const AccountAttribute = defineSearchAttributeKey('SmugMugAccount', SearchAttributeType.KEYWORD);
/** Where a run stands: a migration's MigrationPhase, or an album run's AlbumStatus (registered as `MigrationStatus`). */
export const RunStateAttribute = defineSearchAttributeKey('MigrationStatus', SearchAttributeType.KEYWORD);
/** The album an album run copies. */
export const AlbumKeyAttribute = defineSearchAttributeKey('AlbumKey', SearchAttributeType.KEYWORD);
/**
 * A migration's workflow id (not its short migrationId), on the runs that belong to it: an album
 * run names its migration, a scheduled run the migration it started (registered as `MigrationId`).
 */
export const MigrationWorkflowIdAttribute = defineSearchAttributeKey('MigrationId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [AccountAttribute, RunStateAttribute, AlbumKeyAttribute, MigrationWorkflowIdAttribute];

/** The run-state attribute of a migration, typed by its phases. */
export const phaseAttribute = (phase: MigrationPhase) => ({ key: RunStateAttribute, value: phase });
/** The run-state attribute of an album run, typed by its statuses. */
export const albumStatusAttribute = (status: AlbumStatus) => ({ key: RunStateAttribute, value: status });
