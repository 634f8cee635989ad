/** Where a command writes, and what it knows about the terminal: process streams in the binary, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colour is only ever used then, or when forced). */
  stdoutIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  // `private-eks-guard check … | head` closes the pipe early: that is the reader's choice, not a
  // crash. The rest of the output is dropped and the exit code still reports the findings.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    env: process.env,
  };
}

/**
 * Colour only on a terminal. NO_COLOR (no-color.org: set and non-empty) always wins;
 * FORCE_COLOR (non-empty, not "0") turns it on for pipes, as picocolors reads it. CI
 * alone does not: CI logs are often parsed by tools that choke on escape codes.
 */
export function colorEnabled(io: Pick<CliIo, 'stdoutIsTTY' | 'env'>): boolean {
  const { NO_COLOR, FORCE_COLOR, TERM } = io.env;
  if (NO_COLOR) return false;
  if (FORCE_COLOR) return FORCE_COLOR !== '0' && FORCE_COLOR !== 'false';
  return io.stdoutIsTTY && TERM !== 'dumb';
}
