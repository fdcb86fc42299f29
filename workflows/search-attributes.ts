import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { AlbumStatus, MigrationPhase } from '../common/migration-types';

/**
 * The custom search attributes of this service, registered on the Temporal server by the local
 * stack and the test harness, so `temporal workflow list --query "SmugMugAccount='…'"` finds runs.
 * They are plain text on the server: never put anything private in them.
 */
export const SmugMugAccount = defineSearchAttributeKey('SmugMugAccount', SearchAttributeType.KEYWORD);
/**
 * What a run is at: a migration's MigrationPhase, an album run's AlbumStatus (common/migration-types.ts).
 * Its registered name stays `MigrationStatus`, which deployments have registered already.
 */
export const StatusAttribute = defineSearchAttributeKey('MigrationStatus', SearchAttributeType.KEYWORD);
export const AlbumKey = defineSearchAttributeKey('AlbumKey', SearchAttributeType.KEYWORD);
/** The account workflow id an album run belongs to, so a migration's albums can be listed. */
export const MigrationId = defineSearchAttributeKey('MigrationId', SearchAttributeType.KEYWORD);

export const searchAttributes = [SmugMugAccount, StatusAttribute, AlbumKey, MigrationId];

/** The status attribute of a migration, typed by its phases. */
export const migrationPhase = (phase: MigrationPhase) => ({ key: StatusAttribute, value: phase });
/** The status attribute of an album run, typed by its statuses. */
export const albumStatus = (status: AlbumStatus) => ({ key: StatusAttribute, value: status });
