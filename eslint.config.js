// The linter CI runs (npm test runs it first). Type-aware rules catch the
// mistakes that matter in async code: floating and misused promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// STYLE.md 17: proto/ is the contract and does no I/O.
const ioModules = ['node:*', 'fs', 'net', 'http', 'child_process', 'fastify', 'level', 'classic-level', 'memory-level', 'ws', 'pino'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.kubelab/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // node:test's test() and describe() return promises the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
    },
  },
  {
    // Tests read JSON answers as curl does: untyped.
    files: ['**/*.test.ts', '**/test-support.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['proto/**/*.ts'],
    ignores: ['proto/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ioModules }] },
  },
  {
    // STYLE.md 4 and 17: the controllers' decision modules do no I/O and may name client/ types only.
    files: ['controllers/*/plan.ts', 'controllers/garbagecollector/graph.ts', 'controllers/nodelifecycle/{health,taints,disruption}.ts', 'controllers/tainteviction/tolerations.ts', 'controllers/scheduling/{node-affinity,taints}.ts', 'controllers/scheduler/{node-info,quantity,volume-binding}.ts', 'controllers/daemon/{placement,pods,state,manage,rolling-update,status,history,failed-pod-backoff}.ts', 'controllers/statefulset/{identity,claims,revisions,status}.ts', 'controllers/runtime/{time,revision-hash,claim,pod-readiness,pod-template,slow-start}.ts', 'controllers/replication/{replicated,deletion-order,status}.ts', 'controllers/persistentvolume/{matching,provision}.ts', 'scripts/rolling-update/{steps,controllers,output,errors}.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'a decision module does no I/O' }, { group: ['**/client/*'], allowTypeImports: true, message: 'a decision module may import client/ types only' }] },
      ],
    },
  },
  {
    // Command-line entry points, benchmarks and the test runner print to the terminal.
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
