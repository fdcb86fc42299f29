import { localStackDataDir } from './paths';
import { describeStack, portsFromEnv, startLocalStack, stopOnSignals } from './stack';

/** `npm run stack`: the whole local stack in the foreground, until Ctrl-C. */
async function main() {
  const dataDir = localStackDataDir();
  const stack = await startLocalStack({ dataDir, ports: portsFromEnv(), installTools: true, log: console.log });
  console.log(`\nLocal stack is up (data in ${dataDir}). Ctrl-C stops everything.\n\n${describeStack(stack)}`);
  stopOnSignals(stack);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
