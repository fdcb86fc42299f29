import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes of this service, registered on the Temporal server by the local
 * stack and the test harness, so `temporal workflow list --query "SmugMugAccount='…'"` finds runs.
 * They are plain text on the server: never put anything private in them.
 */
export const SmugMugAccount = defineSearchAttributeKey('SmugMugAccount', SearchAttributeType.KEYWORD);
export const MigrationStatus = defineSearchAttributeKey('MigrationStatus', SearchAttributeType.KEYWORD);
export const AlbumKey = defineSearchAttributeKey('AlbumKey', SearchAttributeType.KEYWORD);
/** The account workflow id an album run belongs to, so a migration's albums can be listed. */
export const MigrationId = defineSearchAttributeKey('MigrationId', SearchAttributeType.KEYWORD);

export const searchAttributes = [SmugMugAccount, MigrationStatus, AlbumKey, MigrationId];
