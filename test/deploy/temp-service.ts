/**
 * A service directory of its own for `serverless package` runs with temp stage files (the pattern of
 * stage-defaults.test.ts): serverless-esbuild builds in the service directory's .esbuild/ and removes it afterwards,
 * so a command there must not share the repository's with package.test.ts's. The directory holds a copy of
 * serverless.yml (osls wants a regular file) and a symlink to every other top-level entry of the repository; the
 * command enters it through a `--require` preload, since runServerless starts in the repository. Stage files go to
 * `stagesDir` (PRIVATE_EKS_GUARD_STAGES_DIR), so nothing is written to deploy/stages.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runServerless, type CommandResult } from './serverless-cli';

/** What serverless-esbuild and the Framework write into the service directory, and git's own. */
const NOT_LINKED = new Set(['.esbuild', '.serverless', '.git', 'serverless.yml']);

export interface TempService {
  scratch: string;
  stagesDir: string;
  /** `serverless package --stage <stage> --region <region>` into `<scratch>/out-<stage>`. */
  packageStage(stage: string, region?: string): Promise<{ run: CommandResult; outDir: string }>;
  remove(): void;
}

export function tempService(prefix: string): TempService {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  const stagesDir = join(scratch, 'stages');
  const serviceDir = join(scratch, 'service');
  mkdirSync(stagesDir);
  mkdirSync(serviceDir);
  for (const entry of readdirSync(REPO)) {
    if (!NOT_LINKED.has(entry)) symlinkSync(join(REPO, entry), join(serviceDir, entry));
  }
  copyFileSync(join(REPO, 'serverless.yml'), join(serviceDir, 'serverless.yml'));
  const preload = join(scratch, 'enter-service-dir.js');
  // Only the main thread: esbuild's buildSync (deploy/sources.js) runs in a worker, which inherits NODE_OPTIONS and
  // may not chdir.
  writeFileSync(
    preload,
    `if (require('node:worker_threads').isMainThread) process.chdir(${JSON.stringify(serviceDir)});\n`,
  );
  return {
    scratch,
    stagesDir,
    async packageStage(stage, region = 'eu-west-1') {
      const outDir = join(scratch, `out-${stage}`);
      const run = await runServerless(
        ['package', '--stage', stage, '--region', region, '--package', outDir],
        scratch,
        {
          PRIVATE_EKS_GUARD_STAGES_DIR: stagesDir,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
        },
      );
      return { run, outDir };
    },
    remove: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
