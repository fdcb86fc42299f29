import { z } from 'zod';
import { PayloadEncryptionKeys } from '../encryption/payload-codec';

/** The API server's configuration, from its environment. */
export const ApiConfig = z
  .object({
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Bearer token every /v1 request must carry. */
    API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
    /** Set to "local-demo" to run without a token, on a machine of your own only. */
    API_AUTH: z.enum(['token', 'local-demo']).default('token'),
    TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default('smugmug-s3'),
    /** The Temporal UI: its origin is the only one allowed to call the codec endpoint from a browser. */
    TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    /** The workers' payload keys: the API starts and reads migrations, and decodes for the UI. */
    PAYLOAD_ENCRYPTION_KEYS: PayloadEncryptionKeys,
    /** Largest request body accepted on /v1 (JSON requests are small). */
    API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),
    APPROVAL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    AWS_REGION: z.string().default('us-east-1'),
    AWS_ENDPOINT_URL_S3: z.url().optional(),
  })
  .refine((c) => c.API_AUTH === 'local-demo' || c.API_TOKEN, {
    message: 'API_TOKEN is required (or API_AUTH=local-demo for a local demo without authentication)',
    path: ['API_TOKEN'],
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = ApiConfig.safeParse(env);
  if (!parsed.success) throw new Error(`API configuration is incomplete:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return parsed.data;
}
