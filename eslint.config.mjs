// ESLint (typescript-eslint) for every TypeScript and script file; Prettier owns the layout (eslint-config-prettier
// turns off the rules that would disagree with it), and `npm run lint` runs both.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-*/**',
      'node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      'bench/results/**',
      '.data/**',
      'libs/client/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Prettier wraps code at 140; this catches what it cannot: comments and plain strings. Template literals hold SQL
      // and messages whose text would change if wrapped.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreTemplateLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through libs/config (AppConfig), not process.env.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // A test's title says the behaviour it proves, in one searchable string.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreTemplateLiterals: true, ignoreStrings: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': 'off',
    },
  },
  {
    // The client is what an outside consumer installs: nothing of the apps or the other libs may leak into it.
    files: ['libs/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@app/*', '**/apps/**', '../../*'], message: '@flowline/client depends only on its own files.' }] },
      ],
    },
  },
  {
    // Landed migrations are never edited (migration-checksums.spec), so their long lines stay.
    files: ['libs/database/src/migrations/1*.ts'],
    rules: { 'max-len': 'off' },
  },
  {
    files: ['libs/config/**/*.ts', 'scripts/**', 'bench/**', '**/*.cjs', '**/*.mjs', 'jest.config.js'],
    rules: { 'no-restricted-syntax': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
