import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Rules are pure functions over a snapshot: no AWS SDK, no I/O. */
const PURE_ENGINE = {
  group: ['@aws-sdk/*', 'fs', 'node:fs', 'child_process', 'node:child_process', 'http', 'https'],
  message: 'the rule engine is pure: no AWS calls or I/O',
};

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
    rules: { 'no-restricted-imports': ['error', { patterns: [PURE_ENGINE] }] },
  },
  {
    // network/ sits below engine/ and rules/ (engine/params parses CIDRs with it): it depends
    // only on network/ and snapshot/, so the folders never import each other in a loop.
    // Repeats PURE_ENGINE: a later block's options replace an earlier block's for the same rule.
    files: ['network/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            PURE_ENGINE,
            {
              group: ['**/engine', '**/engine/*', '**/rules', '**/rules/*'],
              message:
                'network/ is below engine/ and rules/: move what needs them beside the rules (rules/shared/)',
            },
          ],
        },
      ],
    },
  },
);
