// Lint rules that guard what matters here: no promise is dropped on the floor,
// and workflow code stays deterministic (no Node built-ins, no I/O clients).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers',
  'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflow code must be deterministic: do this in an activity.' },
            { name: `node:${name}`, message: 'Workflow code must be deterministic: do this in an activity.' },
          ]),
          { name: 'pg', message: 'Database access belongs in an activity.' },
          { name: 'undici', message: 'HTTP belongs in an activity.' },
          { name: 'nodemailer', message: 'Mail belongs in an activity.' },
        ],
        patterns: [
          { group: ['../activities/*', '../activities'], allowTypeImports: true, message: 'Import activity types only.' },
        ],
      }],
    },
  },
);
