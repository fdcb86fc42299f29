import { payloadKeySecrets } from '../encryption/payload-codec';
import { replicaSecrets } from './replicas';

/**
 * Removes what could open someone's library from text bound for logs and error messages: the
 * exact secrets a process holds, and anything shaped like a credential or a signed URL.
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const exact = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let out = text;
    for (const secret of exact) out = out.split(secret).join('[redacted]');
    return (
      out
        // Query strings of URLs carry signatures and tokens (S3 presigned URLs, OAuth parameters).
        .replace(/(https?:\/\/[^\s"'<>?#]+)\?[^\s"'<>#]*/g, '$1?[redacted]')
        .replace(
          /\b(oauth_(?:token|signature|consumer_key|nonce|verifier|token_secret))=("?)[^",&\s]+\2/g,
          '$1=[redacted]',
        )
        .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]')
        .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted-aws-key-id]')
        .replace(/\b(X-Amz-(?:Signature|Credential|Security-Token))=[^&\s"']+/gi, '$1=[redacted]')
        .replace(
          /\b(aws_secret_access_key|secret_access_key|secretAccessKey)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{20,}/gi,
          '$1$2[redacted]',
        )
    );
  };
}

/** The settings whose values open someone's library or the service's data. */
const SECRET_SETTINGS = [
  'SMUGMUG_API_SECRET',
  'SMUGMUG_ACCESS_TOKEN',
  'SMUGMUG_ACCESS_TOKEN_SECRET',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'API_TOKEN',
  'TEMPORAL_API_KEY',
  // A hook's URL often carries its token.
  'AUDIT_WEBHOOK_URL',
] as const;

/** The secret values among a process's settings (its environment, its parsed configuration), for `createRedactor`. */
export function secretsIn(settings: Record<string, unknown>): string[] {
  const values = SECRET_SETTINGS.map((name) => settings[name]).filter((v): v is string => typeof v === 'string');
  const keys = settings.PAYLOAD_ENCRYPTION_KEYS;
  return [
    ...values,
    ...(typeof keys === 'string' ? payloadKeySecrets(keys) : []),
    ...replicaSecrets(settings.S3_REPLICAS),
  ];
}

/** Every string inside a log entry, redacted; the shape is kept. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value instanceof Error)
    return { name: value.name, message: redact(value.message), stack: value.stack && redact(value.stack) } as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  return value;
}
