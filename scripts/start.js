#!/usr/bin/env node
'use strict';
// `npm start`: runs the real CLI on the example snapshot shipped in the repository (SPEC §6).
// The drifted example is meant to have NON_COMPLIANT findings, so exit code 1 is success here;
// exit code 2 (or a crash) means something is broken and must fail `npm start`.
// Usage: node scripts/start.js [SNAPSHOT]   (default: examples/drifted-account.json)

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const DEFAULT_SNAPSHOT = 'examples/drifted-account.json';
const snapshot = process.argv[2] || DEFAULT_SNAPSHOT;
const binary = path.join(root, 'bin', 'private-eks-guard.js');

const result = spawnSync(process.execPath, [binary, 'check', '--snapshot', snapshot, '--format', 'table'], {
  cwd: root,
  stdio: 'inherit',
});

const MEANING = {
  0: 'no NON_COMPLIANT findings',
  1: snapshot === DEFAULT_SNAPSHOT ? 'drifted on purpose' : 'NON_COMPLIANT findings present',
  2: 'the CLI could not evaluate the snapshot; see the error above',
};

let exitCode;
let outcome;
if (result.error) {
  outcome = `could not start the CLI: ${result.error.message}`;
  exitCode = 2;
} else if (result.status === null) {
  outcome = `the CLI was stopped by ${result.signal}`;
  exitCode = 2;
} else {
  outcome = `exit code ${result.status} (${MEANING[result.status] || 'unexpected exit code'})`;
  exitCode = result.status === 0 || result.status === 1 ? 0 : result.status;
}
console.log(`npm start: ${path.basename(snapshot)}: ${outcome}`);
process.exitCode = exitCode;
