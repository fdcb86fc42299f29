import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { failureConverterPath } from '../encryption/data-converter';

/**
 * `npm run build:workflows -- FILE`: bundles the workflow code ahead of time, so workers start
 * without running webpack (faster, and without its memory peak). Workers use it when
 * WORKFLOW_BUNDLE_PATH names it.
 */
export async function writeWorkflowBundle(path: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), failureConverterPath });
  await writeFile(path, code);
}

if (require.main === module) {
  const path = process.argv[2] ?? 'workflow-bundle.js';
  writeWorkflowBundle(path).then(
    () => console.log(`Workflow bundle written to ${path}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
