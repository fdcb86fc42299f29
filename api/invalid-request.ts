import type { Hook, z } from '@hono/zod-openapi';

/** Each bad field and its problem, and all of them in one sentence: how the API and the pages name bad input. */
export function issuesOf(error: z.ZodError) {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message }));
  return { issues, message: issues.map((i) => `${i.field}: ${i.problem}`).join('; ') };
}

/** Bad input, wherever it is validated: a 400 naming each field and its problem. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const invalidRequest: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) return c.json({ error: { code: 'invalid_request', ...issuesOf(result.error) } }, 400);
};
