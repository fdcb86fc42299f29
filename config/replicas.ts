import { z } from 'zod';
import { ReplicaName } from '../common/records';

/**
 * A second S3 store a migration may keep a copy in: another region, or another S3-compatible
 * provider. Its endpoint and credentials live in the process's configuration only; a migration
 * names it (`target.replica.connection`), so no credential ever passes through a workflow.
 */
export const ReplicaConnection = z
  .object({
    /** An S3-compatible endpoint (another provider, a MinIO); unset for AWS. */
    endpoint: z.url().optional(),
    region: z.string().min(1).default('us-east-1'),
    /** Its own credentials; unset: the SDK's standard chain, as for the primary bucket. */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey go together',
  });
export type ReplicaConnection = z.infer<typeof ReplicaConnection>;

/** The replica connections by name, from `S3_REPLICAS` (JSON: {"offsite": {"endpoint": …, "region": …}}). */
export const ReplicaSettings = z.object({
  S3_REPLICAS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'JSON: {"<name>": {"endpoint": "…", "region": "…", …}}' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(z.string(), ReplicaConnection).superRefine((connections, ctx) => {
        for (const name of Object.keys(connections))
          if (!ReplicaName.safeParse(name).success)
            ctx.addIssue({
              code: 'custom',
              message: `"${name}" cannot name a replica: lower-case letters, digits and dashes, at most 40`,
            });
      }),
    ),
});
export type ReplicaSettings = z.infer<typeof ReplicaSettings>;

/**
 * The secret values of `S3_REPLICAS`, for the log redactor: from its text (the environment) or its
 * parsed connections (a loaded configuration); text that does not parse is a secret whole.
 */
export function replicaSecrets(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  const connections =
    typeof value === 'string'
      ? ReplicaSettings.safeParse({ S3_REPLICAS: value }).data?.S3_REPLICAS
      : (value as Record<string, { secretAccessKey?: unknown }>);
  if (!connections) return [String(value)];
  return Object.values(connections).flatMap((c) => (typeof c?.secretAccessKey === 'string' ? [c.secretAccessKey] : []));
}
