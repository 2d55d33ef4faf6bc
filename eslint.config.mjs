// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One folder's import rule: `forbidden` matches every import it may not make. */
function layer(files, forbidden, allowed) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: forbidden, message: `Layers: ${allowed}.` }] },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'test-results/**',
      '.vscode-test/**',
      'examples/**',
      'test/tracer/programs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './webview-ui/tsconfig.json', './tsconfig.dom-tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: 'error',
      curly: 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // The layers of the data flow, tracer -> launch -> model -> panel -> webview-ui, with
  // src/shared/ the only common ground. Each block lists what a folder MAY import (a later
  // block replaces an earlier one's rule for its files, so each says the whole rule).
  layer(['src/*.ts'], '^(\\.\\./)+(test|bench|webview-ui|scripts)(/|$)', 'the product (src/)'),
  layer(['src/shared/**/*.ts'], '^(?!\\./)', 'src/shared/: only itself (runs everywhere)'),
  layer(
    ['src/model/**/*.ts'],
    '^(?!\\./|\\.\\./shared/)',
    'src/model/: only src/shared/ (pure: no node:, vscode or DOM; runs in the webview too)',
  ),
  layer(
    ['src/model/*/**/*.ts'],
    '^(?!\\./|\\.\\./(?!\\.\\./)|\\.\\./\\.\\./shared/)',
    'src/model/ subfolders: src/model/ and src/shared/ only (pure, like src/model/)',
  ),
  layer(
    ['src/tracer/**/*.ts'],
    '^(?!\\./|\\.\\./shared/|node:)',
    "src/tracer/: only node: built-ins and src/shared/ (it runs inside the user's program)",
  ),
  layer(
    ['src/sampler/**/*.ts'],
    '^(?!\\./|\\.\\./shared/|node:)',
    'src/sampler/: only node: built-ins and src/shared/ (it runs in a worker thread too)',
  ),
  layer(
    ['src/launch/**/*.ts'],
    '^(?!\\./|\\.\\./(shared|sampler)/|node:|vscode$)',
    'src/launch/: src/shared/, src/sampler/, node: and vscode (it runs programs; it reads no trace)',
  ),
  layer(
    ['src/cli/**/*.ts'],
    '^(?!\\./|\\.\\./(shared|model|launch|sampler)/|node:)',
    'src/cli/: src/shared/, src/model/, src/launch/, src/sampler/ and node: (no vscode)',
  ),
  layer(
    ['src/cli/*/**/*.ts'],
    '^(?!\\./|\\.\\./(?!\\.\\./)|\\.\\./\\.\\./(shared|model|launch|sampler)/|\\.\\./\\.\\./panel/html$|node:)',
    // The HTML export reuses the panel's page and CSP (src/panel/html.ts is pure).
    'src/cli/*/: src/cli/, src/shared/, src/model/, src/launch/, src/sampler/, src/panel/html and node:',
  ),
  layer(
    ['src/panel/**/*.ts', 'src/editor/**/*.ts', 'src/lessons/**/*.ts'],
    '^(?!\\./|\\.\\./(shared|model)/|node:|vscode$)',
    'the panel and editor: src/shared/, src/model/, node: and vscode',
  ),
  layer(
    ['src/editor/insightsQuickFix.ts'],
    '^(?!typescript$)',
    'the quick fix: only the TypeScript parser (bundled apart: dist/insightsQuickFix.js)',
  ),
  layer(
    ['webview-ui/**/*.ts'],
    '^(node:|vscode$|(\\.\\./)+(src/(?!shared/|model/)|test/|bench/|scripts/|dist/))',
    'webview-ui/: only itself, src/shared/ and src/model/ (and browser packages)',
  ),
  {
    // Pure code: no host or page globals either (the root tsconfig has no DOM lib; this also
    // catches Node's globals, which its types declare).
    files: ['src/model/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', 'global', 'window', 'document'].map(
          (name) => ({ name, message: 'src/model/ and src/shared/ are pure: no host or DOM.' }),
        ),
      ],
    },
  },
  {
    // Tests never import benchmarks (the benchmarks may use test harnesses).
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+bench/', message: 'test/ never imports bench/.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
