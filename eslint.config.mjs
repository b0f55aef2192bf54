// Lint for the whole tree, run by `npm test` (through `npm run lint`). Type-aware rules catch
// promises nobody awaits; the import rules keep the layout the README describes: workflows stay
// deterministic for Temporal's sandbox, domain stays pure, and the API never reaches into activities.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.flatMap((name) => [name, `${name}/*`, `node:${name}`, `node:${name}/*`]))];

// Relative import strings that climb into a top-level folder, however deep the importer sits.
const into = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const workflowSandbox = {
  patterns: [
    { group: nodeBuiltins, message: 'Workflows run in the deterministic sandbox: no Node built-ins.' },
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

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'models/**', 'data/**', 'test/histories/**', 'docs/**', 'deploy/**', '.puppeteerrc.cjs'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
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
