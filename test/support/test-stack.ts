import { z } from 'zod';

/** What the jest global setup started, handed to the test files through one environment variable. */
export const TestStack = z.object({
  runDir: z.string(),
  temporal: z.object({ address: z.string(), namespace: z.string(), uiUrl: z.string() }),
  minio: z.object({
    endpoint: z.string(),
    accessKeyId: z.string(),
    secretAccessKey: z.string(),
    region: z.string(),
    bucket: z.string(),
  }),
  sandbox: z.object({ url: z.string(), mediaDir: z.string() }),
});
export type TestStack = z.infer<typeof TestStack>;

export const TEST_STACK_ENV = 'SMUGMUG_S3_TEST_STACK';

/** The namespace of the API fuzz test alone. */
export const FUZZ_NAMESPACE = 'fuzz';

export function testStack(): TestStack {
  const raw = process.env[TEST_STACK_ENV];
  if (!raw)
    throw new Error(
      `${TEST_STACK_ENV} is not set: run the tests with \`npm test\` (jest's global setup starts the stack)`,
    );
  return TestStack.parse(JSON.parse(raw));
}
