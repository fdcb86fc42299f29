import type { MigrationTarget } from '../common/migration-input';
import { AlbumVerificationReport, type ProtectionRequired, protectionShortfall } from '../state/documents';
import { albumStateFolder, verificationKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

/** Albums named in a refusal; the others are counted. */
const LACKING_LISTED = 20;

export interface ArchiveProtectionInput {
  migrationId: string;
  target: MigrationTarget;
  albumKeys: string[];
  /** What the migration requires; a run from before replicas names only the lock. */
  requireObjectLock?: ProtectionRequired['requireObjectLock'];
  requireReplica?: boolean;
}

export interface ArchiveProtectionResult {
  /** The first albums whose copies lack the required protection, each with why. */
  lacking: Array<{ albumKey: string; album: string; reason: string }>;
  lackingCount: number;
}

/**
 * Which of the albums an approval names lack the protection the migration requires before deletion
 * (Object Lock on every verified original with days left, a verified copy of each in the replica),
 * from their verification reports.
 */
export function checkArchiveProtection({ s3 }: ActivityDeps) {
  return async function checkArchiveProtection(input: ArchiveProtectionInput): Promise<ArchiveProtectionResult> {
    const store = new StateStore(s3, input.target.bucket);
    const now = new Date();
    const lacking: ArchiveProtectionResult['lacking'] = [];
    let read = 0;
    await withHeartbeats(
      () => ({ read }),
      async () => {
        for (const albumKey of input.albumKeys) {
          const folder = albumStateFolder(input.target.prefix, input.migrationId, albumKey);
          const report = await store.get(verificationKey(folder), AlbumVerificationReport);
          read += 1;
          const reason = protectionShortfall(report?.protection, input, now);
          // Named as the photographer sees it, with its key for the API.
          const album = report ? `${report.album.path.join(' / ')} (${albumKey})` : albumKey;
          if (reason) lacking.push({ albumKey, album, reason });
        }
      },
    );
    return { lacking: lacking.slice(0, LACKING_LISTED), lackingCount: lacking.length };
  };
}
