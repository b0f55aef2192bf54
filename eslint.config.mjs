// Lint for the whole tree, run by `npm test` (through `npm run lint`). Type-aware rules catch
// promises nobody awaits; the import rules keep the layout the README describes: workflows stay
// deterministic for Temporal's sandbox, domain stays pure, and the API never reaches into activities.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const sandboxMessage = 'Workflows run in the deterministic sandbox: no Node built-ins.';
// Exact names: a pattern such as `domain/*` (Node's old `domain` module) would also catch ../domain/.
const nodeBuiltins = builtinModules.map((name) => ({ name, message: sandboxMessage }));

// Relative import strings that climb into a top-level folder, however deep the importer sits.
const into = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const workflowSandbox = {
  paths: nodeBuiltins,
  patterns: [
    { regex: '^node:', message: sandboxMessage },
    {
      regex: '^(?!\\.|@temporalio/(workflow|common)$)',
      message: 'Workflows import only @temporalio/workflow, @temporalio/common, domain/ and workflows/.',
    },
    {
      regex: into('activities', 'lib', 'reading', 'records', 'api', 'worker', 'cli', 'client', 'scripts', 'test', 'bench'),
      allowTypeImports: true,
      message: 'Workflows may name these types but must not load their code into the sandbox.',
    },
  ],
};

const pureDomain = {
  patterns: [
    // lib/zod is zod itself with the OpenAPI extension installed; every schema must be built from it.
    { regex: '^(?!zod$|\\./|\\.\\./lib/zod$)', message: 'domain/ is pure logic: it imports only domain/ and zod.' },
  ],
};

const noActivities = { regex: into('activities'), message: 'Only the worker and workflows (types) depend on activities/.' };
const noApi = { regex: into('api'), message: 'Infrastructure and the reading engine do not depend on the API.' };

// OpenCV.js declares most of its accessors (Mat data, vectors, constants) as `any`; in the files
// that drive it the no-unsafe-* rules would flag every call rather than a real leak of `any`.
const openCvUsers = ['reading', 'bench', 'scripts', 'test']
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => `${dir}/${file}`))
  .filter((file) => file.endsWith('.ts') && /from '[^']*\/opencv'/.test(readFileSync(file, 'utf8')));

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'models/**', 'data/**', 'test/histories/**', 'docs/**', 'deploy/**', '.puppeteerrc.cjs'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // One program built from tsconfig.json (it includes every linted folder): `npm run lint` took
      // 60 s with the project service and 50 s this way on the 2-core machine.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's test()/describe() at the top level are awaited by the runner itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // `async` without `await` is how an interface's Promise-returning method (codecs, migration
      // providers, caches, fake activities) is implemented here, and it turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // `let x; setTimeout(() => x?.kill()); x = await start()` must stay a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: openCvUsers,
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Production code stays in small units a reader takes in at once (tests, scripts and benchmarks are exempt).
    files: ['{activities,api,cli,client,domain,lib,reading,records,worker,workflows}/**/*.ts', 'web/js/**/*.js'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  { files: ['workflows/**/*.ts'], rules: { 'no-restricted-imports': ['error', workflowSandbox] } },
  { files: ['domain/**/*.ts'], rules: { 'no-restricted-imports': ['error', pureDomain] } },
  { files: ['api/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [noActivities] }] } },
  { files: ['lib/**/*.ts', 'reading/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [noActivities, noApi] }] } },
  {
    files: ['web/js/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);
