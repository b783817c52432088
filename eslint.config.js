// ESLint for the whole tree: `npm run lint` (with `prettier --check`). Syntax-only rules: no type-aware
// linting (the type checker runs on its own, `npm run typecheck`).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'test-results/', '.cache/', 'test/fixtures/']),
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a rest-destructured field left out, an ignored parameter)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'smart'],
      'no-throw-literal': 'error',
      // the file parsers match control characters (\x00-\x1f) on purpose
      'no-control-regex': 'off',
    },
  },
  {
    // tests may disguise a stand-in (a fake socket, a backend's internals); the product code may not
    ignores: ['test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']",
          message: 'a double cast hides a type error: type the value, narrow it, or cast once',
        },
      ],
    },
  },
  // main/shared runs in the renderer too: the globals of both, and no more
  { files: ['main/shared/**'], languageOptions: { globals: globals['shared-node-browser'] } },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser } },
  // end-to-end tests run functions in the page (page.evaluate) beside Node code
  { files: ['test/e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  {
    files: ['**/*.svelte'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
);
