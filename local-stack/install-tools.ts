import { resolveTool, TOOLS, type ToolName } from './tools';

/** `npm run tools`: makes sure every pinned server binary is available, building what is missing. */
async function main() {
  for (const name of Object.keys(TOOLS) as ToolName[]) {
    const path = await resolveTool(name, { install: true });
    console.log(`${name} ${TOOLS[name].version}: ${path}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
