import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Who may call the API and use the pages: the bearer token, or nobody checked in a local demo. */
export const AccessSettings = z.object({
  /** Bearer token every /v1 request must carry. */
  API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
  /** Set to "local-demo" to run without a token, on a machine of your own only. */
  API_AUTH: z.enum(['token', 'local-demo']).default('token'),
});
export type AccessSettings = z.infer<typeof AccessSettings>;

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever is sent.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token every /v1 and /codec request carries (none for an explicit local demo). */
export function requireToken(access: AccessSettings): MiddlewareHandler {
  return async (c, next) => {
    if (access.API_AUTH === 'local-demo') return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token || !sameSecret(token, access.API_TOKEN!)) {
      return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>' } }, 401, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    return next();
  };
}
