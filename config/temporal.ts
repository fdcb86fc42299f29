import { z } from 'zod';

/** Where workflows run: the Temporal frontend, the namespace and the service's task queue. Shared by worker, API and tools. */
export const TemporalSettings = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('smugmug-s3'),
});
export type TemporalSettings = z.infer<typeof TemporalSettings>;
