import { rm } from 'node:fs/promises';
import type { LocalStack } from '../local-stack/stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { localStack?: LocalStack }).localStack;
  if (!stack) return;
  await stack.stop();
  await rm(stack.dataDir, { recursive: true, force: true });
}
