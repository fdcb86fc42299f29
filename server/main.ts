import { parseArgs } from 'node:util';
import { loadServerConfig } from './config';
import { startHttpServer } from './server';

/** `npm run api`: the HTTP API and the pages. `--local-demo` runs it without a token (your own machine only). */
async function main() {
  const { values } = parseArgs({ options: { 'local-demo': { type: 'boolean' } } });
  const config = loadServerConfig(values['local-demo'] ? { ...process.env, API_AUTH: 'local-demo' } : process.env);
  const server = await startHttpServer(config);
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: `API listening on ${server.url} (docs ${server.url}/docs)`,
      auth: config.API_AUTH,
    }),
  );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
