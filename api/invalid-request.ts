import type { Hook } from '@hono/zod-openapi';

/** Bad input, wherever it is validated: a 400 naming each field and its problem. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const invalidRequest: Hook<any, any, any, any> = (result, c) => {
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message }));
    return c.json(
      { error: { code: 'invalid_request', message: issues.map((i) => `${i.field}: ${i.problem}`).join('; '), issues } },
      400,
    );
  }
};
