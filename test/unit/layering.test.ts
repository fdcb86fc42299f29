import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const projectRoot = join(__dirname, '..', '..');

/**
 * ESLint's import verdicts on pieces of code, each as if it were the file at its path: ESLint runs
 * in a process of its own (it loads eslint.config.mjs, which jest's module system cannot), without
 * type information, which import rules do not need.
 */
function importProblems(cases: Array<{ path: string; code: string }>): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({
      cwd: process.cwd(),
      overrideConfig: {
        languageOptions: { parserOptions: { projectService: false, project: null } },
        rules: { '@typescript-eslint/no-floating-promises': 'off' },
      },
    });
    (async () => {
      const out = [];
      for (const c of cases) {
        const [result] = await eslint.lintText(c.code, { filePath: require('node:path').join(process.cwd(), c.path) });
        out.push(result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: projectRoot, encoding: 'utf8' }),
  ) as string[][];
}

/** The layering of eslint.config.mjs, checked on the imports a wrong-way change would add. */
describe('layers that point one way (npm run lint)', () => {
  test('a wrong-way import is a lint error, naming the two layers', () => {
    const wrongWay = [
      { path: 'web/x.tsx', code: "import { apiApp } from '../api/app';", problem: 'web/ may not import api/' },
      { path: 'api/routes/x.ts', code: "import { webApp } from '../../web/app';", problem: 'api/ may not import web/' },
      {
        path: 'common/x.ts',
        code: "import { StateStore } from '../state/store';",
        problem: 'common/ may not import state/',
      },
      {
        path: 'state/x.ts',
        code: "import { createActivities } from '../activities';",
        problem: 'state/ may not import activities/',
      },
      {
        path: 'activities/x.ts',
        code: "import { albumWorkflow } from '../workflows/album';",
        problem: 'activities/ may not import workflows/',
      },
      {
        path: 'activities/x.ts',
        code: "import { failurePolicyInterceptor } from '../worker/failure-policy';",
        problem: 'activities/ may not import worker/',
      },
      { path: 'service/x.ts', code: "import { apiApp } from '../api/app';", problem: 'service/ may not import api/' },
      {
        path: 'workflows/album/x.ts',
        code: "import { createActivities } from '../../activities';",
        problem: 'workflows/ may not import activities/',
      },
    ];
    const verdicts = importProblems(wrongWay);
    wrongWay.forEach(({ problem }, i) => expect(verdicts[i].join('\n')).toContain(problem));
  });

  test('workflow code takes only types from the zod records', () => {
    const [value, types] = importProblems([
      { path: 'workflows/x.ts', code: "import { MigrationPhase } from '../common/records';" },
      { path: 'workflows/migration/x.ts', code: "import type { MigrationPhase } from '../../common/records';" },
    ]);
    expect(value.join('\n')).toContain('only types from the zod records');
    expect(types).toEqual([]);
  });

  test('every Node built-in is refused in workflow code, with or without node:, and zod too', () => {
    const names = ['fs', 'node:fs', 'fs/promises', 'worker_threads', 'node:crypto', 'timers', 'zod'];
    const verdicts = importProblems(
      names.map((name) => ({ path: 'workflows/x.ts', code: `import * as m from '${name}';` })),
    );
    verdicts.forEach((problems) => expect(problems).not.toEqual([]));
  });

  test('what the layers allow passes: types of the layer above where named, and everything below', () => {
    const verdicts = importProblems([
      { path: 'workflows/x.ts', code: "import type { Activities } from '../activities';" },
      { path: 'web/x.tsx', code: "import type { Services } from '../service';" },
      { path: 'server/x.ts', code: "import { apiApp } from '../api/app';\nimport { webApp } from '../web/app';" },
      { path: 'activities/x.ts', code: "import { startMigration } from '../client/start-migration';" },
    ]);
    expect(verdicts).toEqual([[], [], [], []]);
  });
});
