import { formatRuleExplanation } from '../../cli/rules-command';
import { PARAMETERS } from '../../engine/params';
import { configRuleName } from '../../engine/rule';
import { RULES } from '../../rules';
import { expectOneLineError, hasAnsi, maxLineWidth, runCli } from './helpers';

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
    documentation: string;
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
      expect(rule.documentation).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
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

describe('rules ID (issue 11)', () => {
  it('explains one rule: title, id, severity, Config rule, why, parameters, remediation, documentation', () => {
    const rule = RULES.find((r) => r.meta.id === 'VPC_ENDPOINTS_AZ_COVERAGE')!.meta;
    const result = runCli(['rules', 'VPC_ENDPOINTS_AZ_COVERAGE']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const text = result.stdout;
    expect(text.split('\n')[0]).toBe('VPC_ENDPOINTS_AZ_COVERAGE');
    expect(text).toMatch(/^Severity: +medium$/m);
    expect(text).toMatch(/^Config rule: +private-eks-vpc-endpoints-az-coverage$/m);
    expect(text).toMatch(/^Needs: +ec2\.VpcEndpoints, ec2\.Subnets/m);
    const flat = text.replace(/\s+/g, ' ');
    for (const part of [rule.title, rule.rationale, rule.remediation, rule.documentation]) {
      expect(flat).toContain(part.replace(/\s+/g, ' '));
    }
    for (const heading of [
      'What it checks',
      'Why it matters',
      'Parameters',
      'Remediation',
      'Documentation',
    ]) {
      expect(text).toMatch(new RegExp(`^${heading}$`, 'm'));
    }
    // Its parameters, with default and allowed values from the one parameter table.
    for (const name of rule.parameters) {
      const spec = PARAMETERS.find((p) => p.name === name)!;
      expect(text).toMatch(
        new RegExp(
          `^  ${name}: default ${spec.defaultText === '' ? 'not set' : spec.defaultText.replace(/[.]/g, '\\.')}$`,
          'm',
        ),
      );
      expect(flat).toContain(`Allowed: ${spec.allowed}`);
    }
    expect(hasAnsi(text)).toBe(false);
    // 80 columns, except a URL that is longer than a line (kept whole, so it can be opened).
    for (const line of text.split('\n'))
      if (!/https:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(80);
  });

  it.each([
    ['rules', 'subnets_multi_az'],
    ['rules', 'private-eks-subnets-multi-az'],
    ['rules', '--explain', 'Subnets_Multi_AZ'],
  ])('accepts the id in any case or the Config rule name: %s %s %s', (...argv) => {
    const result = runCli(argv);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('SUBNETS_MULTI_AZ');
    expect(result.stdout).toMatch(/^Parameters\n {2}none$/m);
  });

  it('--format json gives the same as JSON', () => {
    const result = runCli(['rules', 'ENDPOINT_PUBLIC_ACCESS', '--format', 'json']);
    expect(result.status).toBe(0);
    const rule = JSON.parse(result.stdout) as CatalogJson['rules'][number];
    const catalog = JSON.parse(runCli(['rules', '--format', 'json']).stdout) as CatalogJson;
    expect(rule).toEqual(catalog.rules.find((r) => r.id === 'ENDPOINT_PUBLIC_ACCESS'));
    expect(rule.parameters.map((p) => p.name)).toEqual(['publicAccess', 'allowedPublicCidrs']);
  });

  it('an unknown id is one line naming the known ids, exit 2', () => {
    expectOneLineError(
      runCli(['rules', 'VPC_ENDPOINT']),
      /unknown rule "VPC_ENDPOINT"; known rule ids: ENDPOINT_PRIVATE_ACCESS, .*SUBNETS_INTERNAL_ELB_TAG$/,
    );
  });

  it('every rule reads within 80 columns (URLs aside)', () => {
    for (const rule of RULES) {
      for (const line of formatRuleExplanation(rule, false).split('\n')) {
        if (!/https:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(80);
      }
    }
  });
});
