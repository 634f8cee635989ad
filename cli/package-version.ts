import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAM } from './errors-exit';

let version: string | undefined;

/** The package version, found from both cli/ (ts-jest) and dist/cli/ (the binary); read once. */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === PROGRAM && pkg.version) return (version = pkg.version);
    } catch {
      // not this directory
    }
  }
  return (version = 'unknown');
}
