import { localStackDataDir } from './paths';
import { describeStack, portsFromEnv, startLocalStack, stopOnSignals } from './stack';

/** `npm run stack`: the whole local stack in the foreground, until Ctrl-C. */
async function main() {
  const dataDir = localStackDataDir();
  const stack = await startLocalStack({
    dataDir,
    ports: portsFromEnv(),
    installTools: true,
    log: console.log,
    // The UI decodes encrypted payloads through the API (npm run api, or the demo's own), where the key is.
    codecEndpoint: `http://127.0.0.1:${process.env.API_PORT ?? '8080'}/codec`,
  });
  console.log(`\nLocal stack is up (data in ${dataDir}). Ctrl-C stops everything.\n\n${describeStack(stack)}`);
  stopOnSignals(stack);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
