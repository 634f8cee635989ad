import { PARAMETERS } from '../../engine/params';
import { configRuleName } from '../../engine/rule';
import { RULES } from '../../rules';
import { hasAnsi, maxLineWidth, runCli } from './helpers';

interface CatalogJson {
  rules: {
    id: string;
    configRuleName: string;
    severity: string;
    title: string;
    needs: string[];
    conditionalNeeds: string[];
    parameters: { name: string; default: string; allowed: string }[];
    rationale: string;
    remediation: string;
  }[];
  parameters: { name: string; default: string }[];
}

describe('rules', () => {
  it('--format json lists the 16 rules with unique ids, their metadata and parameter defaults', () => {
    const result = runCli(['rules', '--format', 'json']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const catalog = JSON.parse(result.stdout) as CatalogJson;
    expect(catalog.rules).toHaveLength(16);
    expect(new Set(catalog.rules.map((r) => r.id)).size).toBe(16);
    for (const rule of catalog.rules) {
      expect(rule.configRuleName).toBe(configRuleName(rule.id));
      expect(rule.configRuleName).toMatch(/^private-eks-[a-z0-9-]+$/);
      expect(['critical', 'high', 'medium', 'low']).toContain(rule.severity);
      expect(rule.title.length).toBeGreaterThan(0);
      expect(rule.rationale.length).toBeGreaterThan(0);
      expect(rule.remediation.length).toBeGreaterThan(0);
      for (const section of [...rule.needs, ...rule.conditionalNeeds])
        expect(section).toMatch(/^ec2\.[A-Za-z]+$/);
    }
    const freeIps = catalog.rules.find((r) => r.id === 'SUBNETS_FREE_IPS')!;
    expect(freeIps.needs).toEqual(['ec2.Subnets']);
    expect(freeIps.parameters).toEqual([expect.objectContaining({ name: 'minFreeIps', default: '6' })]);
    expect(catalog.parameters.map((p) => p.name)).toEqual(PARAMETERS.map((p) => p.name));
  });

  it('(table) lists every rule with its Config rule name, within 80 columns and without colour on a pipe', () => {
    const result = runCli(['rules']);
    expect(result.status).toBe(0);
    expect(hasAnsi(result.stdout)).toBe(false);
    expect(maxLineWidth(result.stdout)).toBeLessThanOrEqual(80);
    for (const rule of RULES) {
      expect(result.stdout).toContain(rule.meta.id);
      expect(result.stdout).toContain(configRuleName(rule.meta.id));
    }
  });
});
