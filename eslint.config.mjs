import { builtinModules } from 'node:module';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The layers, lowest first: each folder may import the folders below it, never one above it or
 * beside it that it does not name. `typesFrom` are folders it may import types from only (erased at
 * build): workflows name their activities' signatures, clients their workflows' results.
 *   common, state, config, encryption          records, ids, the bucket's documents, settings
 *   smugmug, s3, transfer, metadata, plans       helpers named for what they do
 *   client                                       the one way to start a migration (a Temporal client)
 *   activities, workflows                        the work, and its orchestration
 *   worker                                       the process that runs them
 *   service                                      what a person does, for both faces
 *   http                                         what the two faces share (auth, problems)
 *   api, web                                     the JSON API and the pages: never each other
 *   server                                       the HTTP server that mounts api/ and web/
 * Tools (cli, bench, local-stack, smugmug-sandbox, test) stand above all of them.
 */
const PROJECT_FOLDERS = [
  'common',
  'state',
  'config',
  'encryption',
  'smugmug',
  's3',
  'transfer',
  'metadata',
  'plans',
  'client',
  'activities',
  'workflows',
  'worker',
  'service',
  'http',
  'api',
  'web',
  'server',
  'cli',
  'bench',
  'local-stack',
  'smugmug-sandbox',
  'test',
];

/** Workflow code runs in Temporal's deterministic sandbox: no Node built-in, no I/O library, no zod. */
const workflowSandboxImports = {
  paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'zod'].map((name) => ({
    name,
    message: "workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no zod",
  })),
  patterns: [
    { regex: '^node:', message: 'no Node built-ins in workflow code' },
    { regex: '^@aws-sdk/', message: 'no I/O in workflow code: activities do it' },
    {
      regex: '^(\\.\\./)+common/(records|migration-input)$',
      allowTypeImports: true,
      message: 'workflow code takes only types from the zod records, so zod stays out of its bundle',
    },
  ],
};

const LAYERS = {
  common: { imports: [] },
  state: { imports: ['common'] },
  encryption: { imports: [] },
  config: { imports: ['common', 'encryption'] },
  smugmug: { imports: ['common', 'config'] },
  s3: { imports: ['common', 'state', 'config'] },
  transfer: { imports: ['common', 'state', 'config', 'smugmug'] },
  metadata: { imports: ['common', 'state', 'smugmug'] },
  plans: { imports: ['common', 'state'] },
  client: { imports: ['common', 'config', 'encryption'], typesFrom: ['workflows'] },
  activities: {
    imports: ['common', 'state', 'config', 'encryption', 'smugmug', 's3', 'transfer', 'metadata', 'plans', 'client'],
  },
  workflows: { imports: ['common'], typesFrom: ['activities'], also: workflowSandboxImports },
  worker: {
    imports: ['common', 'state', 'config', 'encryption', 'smugmug', 's3', 'transfer', 'activities', 'workflows'],
  },
  service: {
    imports: ['common', 'state', 'config', 'encryption', 'smugmug', 's3', 'plans', 'client'],
    typesFrom: ['workflows'],
  },
  http: { imports: ['common', 'config', 'service'] },
  api: { imports: ['common', 'state', 'config', 'service', 'http'] },
  web: { imports: ['common', 'state', 'config', 'service', 'http'] },
  server: { imports: ['common', 'config', 'encryption', 's3', 'client', 'service', 'http', 'api', 'web'] },
};

/** An import of `folder` from anywhere in the tree: `../folder/…`, `../../folder/…`. */
const importOf = (folder) => `^(\\.\\./)+${folder}(/|$)`;

/**
 * The import rule of one layer: every project folder it does not name is off limits (types allowed
 * where it says), and whatever else it bans (`also`: the workflow sandbox's).
 */
function layerRule(layer, { imports, typesFrom = [], also = { paths: [], patterns: [] } }) {
  const forbidden = PROJECT_FOLDERS.filter((f) => f !== layer && !imports.includes(f));
  return {
    files: [`${layer}/**/*.ts`, `${layer}/**/*.tsx`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: also.paths,
          patterns: [
            ...forbidden.map((folder) => ({
              regex: importOf(folder),
              allowTypeImports: typesFrom.includes(folder),
              message: `${layer}/ may not import ${folder}/ (layers point one way: eslint.config.mjs)`,
            })),
            ...also.patterns,
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.local-stack/',
      'coverage/',
      'dist/',
      'bench-results/',
      'jest.config.js',
      'eslint.config.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A forgotten await on an activity, a fetch or a server stop is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The command's launcher is plain CommonJS: it loads tsx before any TypeScript.
    files: ['cli/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...Object.entries(LAYERS).map(([layer, rule]) => layerRule(layer, rule)),
  // Formatting is prettier's (npm run lint checks it): no ESLint rule argues with it.
  prettier,
);
