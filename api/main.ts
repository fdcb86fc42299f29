import { parseArgs } from 'node:util';
import { loadApiConfig } from './config';
import { startApiServer } from './server';

/** `npm run api`: the HTTP API. `--local-demo` runs it without a token (your own machine only). */
async function main() {
  const { values } = parseArgs({ options: { 'local-demo': { type: 'boolean' } } });
  const config = loadApiConfig(values['local-demo'] ? { ...process.env, API_AUTH: 'local-demo' } : process.env);
  const api = await startApiServer(config);
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: `API listening on ${api.url} (docs ${api.url}/docs)`,
      auth: config.API_AUTH,
    }),
  );
  const stop = () => void api.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
