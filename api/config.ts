import { z } from 'zod';
import { loadSettings } from '../config/load';
import { PayloadKeySettings } from '../config/payload-keys';
import { S3Settings } from '../config/s3';
import { TemporalSettings, withTemporalProfile } from '../config/temporal';

/** The API server's configuration, from its environment. */
export const ApiConfig = z
  .object({
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Bearer token every /v1 request must carry. */
    API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
    /** Set to "local-demo" to run without a token, on a machine of your own only. */
    API_AUTH: z.enum(['token', 'local-demo']).default('token'),
    ...TemporalSettings.shape,
    /** The Temporal UI: its origin is the only one allowed to call the codec endpoint from a browser. */
    TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    /** The workers' payload keys: the API starts and reads migrations, and decodes for the UI. */
    ...PayloadKeySettings.shape,
    /** Largest request body accepted on /v1 (JSON requests are small). */
    API_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    APPROVAL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    /** The bucket, to serve reports and the failed albums' list. */
    ...S3Settings.shape,
    /**
     * The photographer's pages: a reverse proxy that signs people in may name them in this header
     * (say X-Forwarded-User); requests carrying it need no token. Unset: sign-in with the API token.
     */
    WEB_IDENTITY_HEADER: z.string().min(1).optional(),
    /** The SmugMug app (key and secret) the Connect page authorizes, as the worker uses it. */
    SMUGMUG_API_BASE_URL: z.url().default('https://api.smugmug.com'),
    SMUGMUG_API_KEY: z.string().min(1).optional(),
    SMUGMUG_API_SECRET: z.string().min(1).optional(),
    /** Where the Connect page stores the account's tokens, and the worker reads them (as `smugmug-s3 login`). */
    SMUGMUG_CREDENTIALS_FILE: z.string().min(1).optional(),
  })
  .refine((c) => c.API_AUTH === 'local-demo' || c.API_TOKEN, {
    message: 'API_TOKEN is required (or API_AUTH=local-demo for a local demo without authentication)',
    path: ['API_TOKEN'],
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadSettings(ApiConfig, withTemporalProfile(env), 'API');
}
