import type { z } from 'zod';

/** Parses a process's configuration, or fails saying every setting that is missing or wrong. */
export function loadSettings<S extends z.ZodType>(
  schema: S,
  values: Record<string, unknown>,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success)
    throw new Error(
      `${what} configuration is incomplete:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  return parsed.data;
}
