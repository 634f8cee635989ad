import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { generateSnapshot } from '../../bench/generate';
import { checkSnapshot } from '../../cli/check-command';
import { formatJson } from '../../cli/format/json';
import { formatTable } from '../../cli/format/table';
import { colors } from '../../cli/format/text';
import { resolveCheckSettings } from '../../cli/settings';
import type { Report } from '../../engine/report';
import { parseSnapshotText } from '../../snapshot/load';

/*
 * Issue 10 made check --snapshot faster (schema, JSON and table output) without moving a
 * byte of its output. These are the SHA-256 digests of what the code before that work
 * (commit 579ba8a) printed for the shipped examples and a generated snapshot of 150 clusters
 * (bench/generate.ts): JSON, the default table, and the colour table with --all.
 * A deliberate change to a rule, an example or the generator changes them: regenerate
 * them then (print `digests(name)` below), and say why in the commit.
 *
 * Issue 11 added what follows each finding (its details and fixes): the JSON's `details` and
 * the table's "How to fix" section. Both are taken out before hashing, so these digests still
 * say that everything else is byte for byte what it was.
 */

const NOW = new Date('2026-11-22T10:00:05Z');

const GOLDEN: Record<string, { json: string; table: string; tableAllColour: string }> = {
  'compliant-private-cluster.json': {
    json: 'd29e5176193ed84749dcad7e9ba0f290185bf00c3f7a37a19dc8da2464815f46',
    table: 'c84e354e80c604106a77515ed0ce9ff785d48a0aa18b86df7279bf64cb08b14f',
    tableAllColour: 'aed9ee9bda90a00b4e8762946cf8e3d86db4fa78bc5bc3b981c96f29d57cf32b',
  },
  'drifted-account.json': {
    json: '546efa9742e1c25a2c85a889a04d744e9843806f9fc535599c12e99fe25d7190',
    table: '77451cb9aeeb2b8c7d6cc33f2266e213d5c71e597d6247e4c02e28233e78721c',
    tableAllColour: '46d7d644723da1c41a50296d63df8d99500fc2da30959c11748ccc0745196bdd',
  },
  'china-region.json': {
    json: '6f20f53b4c0b153886a67960bdeb1a2e2515745ccee32c7e83b26d5387a87285',
    table: 'b85ce289cf10b1207069938e7139bf71077f33a5acac480bf6837b92960f38c8',
    tableAllColour: 'dffd7226b7b58306e458775dfe315bf187ca94716c6cdb20ba4587ffbd509cd6',
  },
  'generated-150': {
    json: '373737aec7cb20ff7fbf4f9391dcdca28535d51dcef4e38a4270fd17b445f40d',
    table: '8be765dbe00de6e81ad584e68f3ab1f53751a333465fa3f327eaffe88cc61996',
    tableAllColour: '6e4d831492b1dbb85a30cd07a9eed466a78e8dcfe4df1af66ab477d2d9e70e68',
  },
};

function input(name: string): string {
  if (name === 'generated-150') return JSON.stringify(generateSnapshot(150).snapshot);
  return readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');
}

/**
 * The JSON document with issue 11's `details` taken out again: what is left must still be the
 * SPEC §5 document as it was, byte for byte (issue 11 keeps those fields as they are).
 */
function withoutDetails(json: string): string {
  const document = JSON.parse(json) as { findings: Record<string, unknown>[] };
  for (const finding of document.findings) {
    expect(Object.keys(finding).at(-1)).toBe('details');
    delete finding.details;
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The table with issue 11's "How to fix" section taken out again (the lines from its heading up
 * to the summary): what is left must still be the table as it was, byte for byte. The section
 * is there exactly when a listed finding has details; it prints the rules' detail texts and is
 * held to them in test/cli/format.test.ts.
 */
function withoutFixSection(table: string, report: Report): string {
  const lines = table.split('\n');
  const start = lines.findIndex((l) => l.startsWith('How to fix ('));
  const needs = report.findings.some(
    (f) => (f.compliance === 'NON_COMPLIANT' || f.compliance === 'INSUFFICIENT_DATA') && f.details.length > 0,
  );
  expect(start >= 0).toBe(needs);
  if (start < 0) return table;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('Summary:'));
  expect(lines[start - 1]).toBe('');
  expect(lines[end - 1]).toBe('');
  return [...lines.slice(0, start - 1), ...lines.slice(end)].join('\n');
}

function digests(name: string) {
  const report = checkSnapshot(parseSnapshotText(input(name), name), resolveCheckSettings({}), NOW);
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  return {
    json: sha(withoutDetails(formatJson(report))),
    table: sha(withoutFixSection(formatTable(report, colors(false), {}), report)),
    tableAllColour: sha(withoutFixSection(formatTable(report, colors(true), { all: true }), report)),
  };
}

describe('check --snapshot output is what it was before issue 10, byte for byte', () => {
  it.each(Object.keys(GOLDEN))('%s', (name) => {
    expect(digests(name)).toEqual(GOLDEN[name]);
  });
});
