import type { Hook } from '@hono/zod-openapi';
import { issuesOf } from '../service/refusals';

/** Bad input, wherever a route validates it: a 400 naming each field and its problem. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const invalidRequest: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) return c.json({ error: { code: 'invalid_request', ...issuesOf(result.error) } }, 400);
};
