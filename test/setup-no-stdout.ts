/**
 * Tests print nothing to stdout: the run's stdout is the reporter's closing "N passed, N failed" line alone,
 * which is what CI reads. Anything a test or the code under test writes to process.stdout (Powertools' Logger and
 * EMF metrics write there directly), or through console.log/info/debug, fails the test that wrote it, with the
 * text in the failure. Figures worth printing belong in the benchmarks (`npm run bench`).
 *
 * A test that means to read what code prints captures it itself: replacing process.stdout.write for the call and
 * restoring it (test/functions/lambda-stack.test.ts), or jest.spyOn(console, 'log').mockImplementation(...); what
 * it captures never reaches this guard.
 */
import { afterAll, afterEach, expect } from '@jest/globals';

interface Written {
  via: string;
  text: string;
  test: string;
}

interface StdoutGuard {
  /** While a test file runs; outside one, writes pass through (jest's own, the summary reporter's). */
  active: boolean;
  /** The writes since the last check. */
  written: Written[];
  wrapper?: typeof process.stdout.write;
}

/**
 * process.stdout is the process's own stream (a worker's, or jest's with --runInBand), shared by every test file
 * run there, so the guard's state lives on it, found again through this symbol.
 */
const GUARD = Symbol.for('private-eks-guard.stdout-guard');
const stdout = process.stdout as NodeJS.WriteStream & { [GUARD]?: StdoutGuard };
const state: StdoutGuard = (stdout[GUARD] ??= { active: false, written: [] });

function currentTest(): string {
  const { testPath, currentTestName } = expect.getState();
  return `${testPath ?? 'unknown file'}${currentTestName ? ` › ${currentTestName}` : ''}`;
}

// Wrapped again if someone else replaced it since (jest's reporter restores its own original after a run).
if (stdout.write !== state.wrapper) {
  const original = stdout.write.bind(stdout) as (...args: unknown[]) => boolean;
  state.wrapper = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (!state.active) return original(chunk, ...rest);
    // Recorded, not written: the run's stdout stays the summary line, and the failure below shows the text.
    state.written.push({ via: 'process.stdout.write', text: String(chunk), test: currentTest() });
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  }) as typeof process.stdout.write;
  stdout.write = state.wrapper;
}
state.active = true;

// jest's console is this file's own (one per test file), so its stdout methods are wrapped here, for this file.
for (const method of ['log', 'info', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (!state.active) return original(...args);
    state.written.push({ via: `console.${method}`, text: args.map(String).join(' '), test: currentTest() });
  };
}

function check(): void {
  if (state.written.length === 0) return;
  const lines = state.written.splice(0).map(({ via, text, test }) => {
    const shown = text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
    return `  ${test}: ${via}(${JSON.stringify(shown)})`;
  });
  throw new Error(
    `A test wrote to stdout, which carries only the run's summary line (test/setup-no-stdout.ts):\n${lines.join('\n')}`,
  );
}

afterEach(check);
// Writes from module scope or beforeAll. This hook runs before the test file's own afterAll hooks (registered
// later), so those are not checked: what they print reaches stdout, where `npx jest 2>/dev/null` shows it.
afterAll(() => {
  state.active = false;
  check();
});
