import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiConfig } from './config';

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever is sent.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token every /v1 and /codec request carries (none for an explicit local demo). */
export function requireToken(config: ApiConfig): MiddlewareHandler {
  return async (c, next) => {
    if (config.API_AUTH === 'local-demo') return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token || !sameSecret(token, config.API_TOKEN!)) {
      return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>' } }, 401, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    return next();
  };
}
