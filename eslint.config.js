import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

// The rules that keep the layers apart live here as well as in the tsconfigs: the typecheck stops a
// renderer file from seeing Node, the linter stops any file from reaching across a layer.
export default ts.config(
  { ignores: ['out/**', 'node_modules/**', 'models/onnx/**', '.tmp/**', 'test-results/**', '**/*.likeness.media/**'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression[source.value="electron"]', message: 'Only app/main/shell and app/preload load electron.' },
      ],
    },
  },
  {
    files: ['app/renderer/**/*.ts', 'app/renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      // State classes keep sets immutable in $state.raw (replaced whole, never mutated) and their
      // private caches deliberately outside reactivity; SvelteSet/SvelteMap would track both.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['app/renderer/src/**/*.ts', 'app/renderer/src/**/*.svelte'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox: no Node modules.' },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer reaches services only through the typed API (app/api) and its Backend.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/main/**/*.ts'],
    ignores: ['app/main/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Services are plain Node modules; only app/main/shell imports electron.' }],
          patterns: [{ group: ['**/renderer/**'], message: 'A service never reaches into the UI.' }],
        },
      ],
    },
  },
  {
    files: ['app/api/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/renderer/**', 'node:*'], message: 'The contract depends on nothing but zod.' }] },
      ],
    },
  },
);
