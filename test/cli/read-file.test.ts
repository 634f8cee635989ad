import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { UsageError } from '../../engine/errors';
import { readUserFile } from '../../cli/read-file';

describe('readUserFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'peg-read-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // It reads bytes and decodes them itself (faster on Node 20): the text must be what
  // readFileSync(path, 'utf8') gives, malformed sequences and all.
  it('decodes any bytes exactly as readFileSync(path, "utf8") does', () => {
    const file = join(dir, 'bytes');
    const utf8ish = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((b) => [b]),
      fc.constantFrom([0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80], [0xc3]),
    );
    fc.assert(
      fc.property(fc.array(utf8ish, { maxLength: 40 }), (pieces) => {
        writeFileSync(file, Buffer.from(pieces.flat()));
        const expected = readFileSync(file, 'utf8');
        const bom = expected.charCodeAt(0) === 0xfeff;
        expect(readUserFile(file, 'snapshot')).toBe(bom ? expected.slice(1) : expected);
      }),
      { numRuns: 300 },
    );
  });

  it('drops a leading byte-order mark and keeps the rest', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, '\ufeff{"région": "eu-west-1"}');
    expect(readUserFile(file, 'snapshot')).toBe('{"région": "eu-west-1"}');
  });

  it('names the file and the cause in one line when it cannot read', () => {
    expect(() => readUserFile(join(dir, 'absent.json'), 'snapshot')).toThrow(
      new UsageError(`cannot read snapshot ${join(dir, 'absent.json')}: no such file`),
    );
    expect(() => readUserFile(dir, 'snapshot')).toThrow(/: it is a directory$/);
  });
});
