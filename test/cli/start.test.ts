import { join } from 'node:path';
import { overlongLines, REPO_ROOT, runNode, TempFiles } from './helpers';

const START = join(REPO_ROOT, 'scripts', 'start.js');
const files = new TempFiles();
afterAll(() => files.cleanup());

describe('npm start (scripts/start.js)', () => {
  it('checks the shipped drifted example and succeeds: exit code 1 is the expected result there', () => {
    const result = runNode(START, []);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('│ Severity │');
    const lines = result.stdout.trimEnd().split('\n');
    expect(overlongLines(result.stdout)).toEqual([]);
    expect(lines.at(-1)).toBe('npm start: drifted-account.json: exit code 1 (drifted on purpose)');
  });

  it('fails with the CLI exit code 2 when the snapshot cannot be evaluated', () => {
    const file = files.write('broken.json', '{');
    const result = runNode(START, [file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^private-eks-guard: .*broken\.json is not valid JSON/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/exit code 2 \(the CLI could not evaluate/);
  });
});
