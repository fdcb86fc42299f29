import { z } from 'zod';
import { loadSettings } from '../config/load';
import { PayloadKeySettings } from '../config/payload-keys';
import { TemporalSettings, withTemporalProfile } from '../config/temporal';
import { AccessSettings } from '../http/auth';
import { ReplicaSettings } from '../config/replicas';
import { S3Settings } from '../s3/client';
import { credentialStorePath } from '../config/credential-store';
import { ServiceSettings, withLoginFile } from '../service/settings';

/** The HTTP server's configuration (the JSON API and the pages, `npm run api`), from its environment. */
export const ServerConfig = z
  .object({
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    ...AccessSettings.shape,
    ...TemporalSettings.shape,
    ...ServiceSettings.shape,
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
    /** The replica connections the workers have (S3_REPLICAS), for the bucket check of a second copy. */
    ...ReplicaSettings.shape,
    /**
     * The photographer's pages: a reverse proxy that signs people in may name them in this header
     * (say X-Forwarded-User); requests carrying it need no token. Unset: sign-in with the API token.
     */
    WEB_IDENTITY_HEADER: z.string().min(1).optional(),
  })
  .refine((c) => c.API_AUTH === 'local-demo' || c.API_TOKEN, {
    message: 'API_TOKEN is required (or API_AUTH=local-demo for a local demo without authentication)',
    path: ['API_TOKEN'],
  });
export type ServerConfig = z.infer<typeof ServerConfig>;

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // The account `smugmug-s3 login` connected shows as the environment's, as the worker uses it.
  return loadSettings(
    ServerConfig,
    withTemporalProfile({ ...withLoginFile(env), CREDENTIALS_STORE: credentialStorePath(env) }),
    'API',
  );
}
