/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // Fails a test that writes to stdout: the run's stdout is the closing summary line alone.
  setupFilesAfterEnv: ['<rootDir>/test/setup-no-stdout.ts'],
  reporters: ['default', '<rootDir>/test/plain-summary-reporter.js'],
  // A run of one file (in band, verbose) prints the tests' console output to stdout unless told otherwise; with
  // this, everything jest prints goes to stderr, as in a run on workers.
  useStderr: true,
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile only; type checking is `npm run lint`'s job.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // @middy/core 6 ships only an ES module. Node 20 require()s it in dist/ and esbuild bundles it, but jest 29's
    // module loader is CommonJS-only, so its one file is transpiled to CommonJS like our own sources.
    '/node_modules/@middy/core/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/core/)'],
  // The CLI tests spawn the compiled binary; two workers match the 2-core CI machine.
  maxWorkers: 2,
  // Tests against dynalite, HTTP servers and spawned binaries: a loaded 2-core CI machine is slower than a laptop.
  // This bounds a hung test; no test asserts speed (that is the benchmarks' job).
  testTimeout: 30_000,
};
