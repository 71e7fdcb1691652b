// ESLint flat config: type-aware rules, and import fences that keep each
// heavy dependency inside the one module that owns it (DESIGN.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'bin/**', 'src/report/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/cluster/kube/**', 'src/dashboard/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@kubernetes/client-node', message: 'Only src/cluster/kube/ talks to Kubernetes.' },
            { name: 'ink', message: 'Only src/dashboard/ renders the terminal UI.' },
            { name: 'react', message: 'Only src/dashboard/ uses React.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cluster/kube/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'ink', message: 'Only src/dashboard/ renders the terminal UI.' }, { name: 'react', message: 'Only src/dashboard/ uses React.' }] },
      ],
    },
  },
  {
    files: ['src/dashboard/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@kubernetes/client-node', message: 'Only src/cluster/kube/ talks to Kubernetes.' }] },
      ],
    },
  },
);
