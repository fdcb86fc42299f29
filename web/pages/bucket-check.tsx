import { BUCKET_CHECKS, type BucketChecks } from '../../common/records';

/** What each protection means to the photographer. */
export const CHECK_WORDS: Record<(typeof BUCKET_CHECKS)[number], string> = {
  versioning: 'Versioning keeps every version of a file (needed before originals may be deleted)',
  encryption: 'Encryption at rest',
  publicAccessBlock: 'Public access blocked',
  tlsOnlyPolicy: 'Only encrypted connections allowed',
  abortIncompleteUploads: 'Unfinished uploads cleaned up',
  cors: 'Galleries may read it (optional)',
  objectLock:
    'Object Lock: no one can delete or overwrite a copy until its date (optional; needed if the migration requires it)',
};
/** Protections a bucket may do without: the command is offered only for the others. */
const OPTIONAL = new Set<string>(['cors', 'objectLock']);
const STATUS_WORDS = { ok: 'yes', missing: 'missing', unknown: 'this storage does not say' } as const;

/** The bucket's six protections, shown beside the form, with the command that sets up what is missing. */
export function BucketCheck({
  bucket,
  replica,
  checks,
  problem,
}: {
  bucket: string;
  /** The replica connection the bucket is at (a second copy's bucket). */
  replica?: string;
  checks?: BucketChecks;
  problem?: string;
}) {
  const missing = checks && BUCKET_CHECKS.some((name) => !OPTIONAL.has(name) && checks[name].status === 'missing');
  return (
    <div id={replica ? 'replica-check' : 'bucket-check'} aria-live="polite">
      {problem && <p class="problem">{problem}</p>}
      {checks && (
        <ul>
          {BUCKET_CHECKS.map((name) => (
            <li>{`${CHECK_WORDS[name]}: ${STATUS_WORDS[checks[name].status]}`}</li>
          ))}
        </ul>
      )}
      {missing && (
        <p>
          To set up what is missing, the bucket's owner runs{' '}
          <code>{`npx smugmug-s3 bucket setup ${bucket}${replica ? ` --replica ${replica}` : ''}`}</code>
        </p>
      )}
    </div>
  );
}
