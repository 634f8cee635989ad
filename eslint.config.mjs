import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.serverless/', '.esbuild/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Rules are pure functions over a snapshot: no AWS SDK, no I/O.
    files: ['rules/**/*.ts', 'network/**/*.ts', 'engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'fs', 'node:fs', 'child_process', 'node:child_process', 'http', 'https'],
              message: 'the rule engine is pure: no AWS calls or I/O',
            },
          ],
        },
      ],
    },
  },
);
