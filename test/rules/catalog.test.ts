import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES } from '../../engine/findings';
import { PARAMETER_NAMES, parseParams, type ParameterName } from '../../engine/params';
import { configRuleName, type Rule } from '../../engine/rule';
import { RULES, ruleById } from '../../rules';
import type { SectionName } from '../../snapshot/schema';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';

/*
 * The catalog as SPEC §4 writes it, spelled out literally so that a renamed id, a changed
 * severity or a forgotten parameter is a test failure rather than a silent drift of the
 * deployed AWS Config rules.
 */
interface SpecRow {
  id: string;
  severity: (typeof SEVERITIES)[number];
  /** The "needs" column with default parameters. */
  needs: SectionName[];
  parameters: ParameterName[];
  /** The three VPC rules, which also need the cluster's VPC in a present ec2.Vpcs. */
  readsVpcObject?: true;
}

const SPEC_CATALOG: SpecRow[] = [
  { id: 'ENDPOINT_PRIVATE_ACCESS', severity: 'critical', needs: [], parameters: [] },
  {
    id: 'ENDPOINT_PUBLIC_ACCESS',
    severity: 'high',
    needs: [],
    parameters: ['publicAccess', 'allowedPublicCidrs'],
  },
  {
    id: 'VPC_DNS_ATTRIBUTES',
    severity: 'critical',
    needs: ['VpcAttributes'],
    parameters: [],
    readsVpcObject: true,
  },
  {
    id: 'DHCP_OPTIONS_COMPLETE',
    severity: 'critical',
    needs: ['Vpcs'],
    parameters: [],
    readsVpcObject: true,
  },
  {
    id: 'DNS_RESOLVER_AMAZON',
    severity: 'high',
    needs: ['Vpcs'],
    parameters: ['allowedDnsServers'],
    readsVpcObject: true,
  },
  {
    id: 'VPC_ENDPOINTS_PRESENT',
    severity: 'critical',
    needs: ['VpcEndpoints'],
    parameters: ['requiredServices'],
  },
  {
    id: 'VPC_ENDPOINTS_PRIVATE_DNS',
    severity: 'critical',
    needs: ['VpcEndpoints'],
    parameters: ['requiredServices'],
  },
  {
    id: 'VPC_ENDPOINTS_AZ_COVERAGE',
    severity: 'medium',
    needs: ['VpcEndpoints', 'Subnets'],
    parameters: ['requiredServices', 'nodeSubnetIds'],
  },
  {
    id: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    severity: 'critical',
    needs: ['VpcEndpoints', 'SecurityGroups', 'Subnets'],
    parameters: ['requiredServices', 'nodeSecurityGroupIds', 'nodeSubnetIds'],
  },
  {
    id: 'S3_GATEWAY_ROUTES',
    severity: 'critical',
    needs: ['VpcEndpoints', 'RouteTables'],
    parameters: ['requiredServices', 'nodeSubnetIds'],
  },
  {
    id: 'CLUSTER_SECURITY_GROUP',
    severity: 'critical',
    needs: ['SecurityGroups', 'Subnets'],
    parameters: ['nodeSecurityGroupIds', 'nodeSubnetIds'],
  },
  {
    id: 'NETWORK_ACLS',
    severity: 'critical',
    needs: ['NetworkAcls', 'Subnets', 'VpcEndpoints'],
    parameters: ['requiredServices', 'ephemeralPorts', 'nodeSubnetIds'],
  },
  {
    id: 'SUBNETS_PRIVATE',
    severity: 'high',
    needs: ['Subnets', 'RouteTables'],
    parameters: ['egressMode', 'nodeSubnetIds'],
  },
  { id: 'SUBNETS_MULTI_AZ', severity: 'medium', needs: ['Subnets'], parameters: [] },
  { id: 'SUBNETS_FREE_IPS', severity: 'medium', needs: ['Subnets'], parameters: ['minFreeIps'] },
  { id: 'SUBNETS_INTERNAL_ELB_TAG', severity: 'low', needs: ['Subnets'], parameters: ['nodeSubnetIds'] },
];

const RULES_DIR = join(__dirname, '../../rules');
const TESTS_DIR = __dirname;
const kebab = (id: string) => id.toLowerCase().replace(/_/g, '-');
const camel = (id: string) => id.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function rule(id: string): Rule {
  const found = RULES.find((r) => r.meta.id === id);
  if (!found) throw new Error(`RULES has no ${id}`);
  return found;
}

/** The sections step 3 requires for `params`: meta.needs plus the parameter-dependent ones. */
function effectiveNeeds(r: Rule, params: Record<string, string> = {}): SectionName[] {
  const parsed = parseParams(params);
  return [...new Set([...r.meta.needs, ...(r.meta.conditionalNeeds?.(parsed) ?? [])])].sort();
}

const rows = SPEC_CATALOG.map((row) => ({ ...row, file: kebab(row.id) }));

describe('rule catalog', () => {
  it('holds exactly the 16 SPEC §4 rules, in its order, with unique ids', () => {
    expect(RULES.map((r) => r.meta.id)).toEqual(SPEC_CATALOG.map((row) => row.id));
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(16);
  });

  it('registers every rule module in rules/', () => {
    const files = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual(rows.map((row) => row.file).sort());
  });

  it.each(rows)('$id: module rules/$file.ts exports it as a camelCase const', ({ id, file }) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(join(RULES_DIR, file)) as Record<string, unknown>;
    expect(module[camel(id)]).toBe(rule(id));
  });

  it.each(rows)('$id: has a test file test/rules/$file.test.ts', ({ file }) => {
    expect(existsSync(join(TESTS_DIR, `${file}.test.ts`))).toBe(true);
  });

  it.each(rows)('$id: severity $severity', ({ id, severity }) => {
    expect(rule(id).meta.severity).toBe(severity);
  });

  it.each(rows)('$id: title, rationale and remediation say something', ({ id }) => {
    const { title, rationale, remediation } = rule(id).meta;
    for (const text of [title, rationale, remediation]) {
      expect(text.trim()).not.toBe('');
      expect(text).toBe(text.trim());
      expect(text).not.toMatch(/\bTODO\b|\bTBD\b|not implemented/i);
    }
    // Longer texts are read in alerts and `rules` output: whole sentences, not keywords.
    expect(rationale.length).toBeGreaterThanOrEqual(40);
    expect(remediation.length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows)('$id: parameters are exactly the SPEC row ($parameters)', ({ id, parameters }) => {
    const declared = rule(id).meta.parameters;
    for (const name of declared) expect(PARAMETER_NAMES).toContain(name);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...parameters].sort());
  });

  it.each(rows)('$id: needs exactly $needs with default parameters', ({ id, needs }) => {
    expect(effectiveNeeds(rule(id))).toEqual([...needs].sort());
  });

  it.each(rows)('$id: readsVpcObject only for the three VPC rules', ({ id, readsVpcObject }) => {
    expect(rule(id).meta.readsVpcObject === true).toBe(readsVpcObject === true);
  });

  it('NETWORK_ACLS needs VpcEndpoints only while services are required', () => {
    expect(effectiveNeeds(rule('NETWORK_ACLS'), { requiredServices: '' })).toEqual([
      'NetworkAcls',
      'Subnets',
    ]);
    expect(effectiveNeeds(rule('NETWORK_ACLS'), { requiredServices: 'sts' })).toEqual([
      'NetworkAcls',
      'Subnets',
      'VpcEndpoints',
    ]);
  });

  it.each(rows)('$id: Config rule name private-eks-$file fits AWS Config', ({ id, file }) => {
    const name = configRuleName(id);
    expect(name).toBe(`private-eks-${file}`);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-z0-9-]+$/);
  });

  it.each(rows)('$id: ruleById finds it in any case', ({ id }) => {
    expect(ruleById(id.toLowerCase())).toBe(rule(id));
    expect(ruleById(` ${id} `)).toBe(rule(id));
  });
});

/** Every SPEC §4 step-3 need, one at a time: the rule reports the absent section, whatever else holds. */
const needCases = rows.flatMap((row) => row.needs.map((section) => ({ id: row.id, section })));

describe('evaluation model through each rule’s meta', () => {
  it.each(needCases)('$id without ec2.$section → INSUFFICIENT_DATA naming it', ({ id, section }) => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>)[section];
    const outcome = runRule(rule(id), snapshot);
    expect(outcome.compliance).toBe('INSUFFICIENT_DATA');
    expect(outcome.annotation).toContain(`ec2.${section}`);
  });

  // SPEC §4 step 2 comes before step 3: a short cut needs no data at all.
  it.each<{ id: string; params: Record<string, string>; expected: string }>([
    { id: 'ENDPOINT_PUBLIC_ACCESS', params: { publicAccess: 'allowed' }, expected: 'COMPLIANT' },
    { id: 'SUBNETS_PRIVATE', params: { egressMode: 'any' }, expected: 'COMPLIANT' },
    { id: 'VPC_ENDPOINTS_PRESENT', params: { requiredServices: '' }, expected: 'NOT_APPLICABLE' },
    { id: 'VPC_ENDPOINTS_PRIVATE_DNS', params: { requiredServices: '' }, expected: 'NOT_APPLICABLE' },
    { id: 'VPC_ENDPOINTS_AZ_COVERAGE', params: { requiredServices: '' }, expected: 'NOT_APPLICABLE' },
    { id: 'VPC_ENDPOINTS_SECURITY_GROUPS', params: { requiredServices: '' }, expected: 'NOT_APPLICABLE' },
    { id: 'S3_GATEWAY_ROUTES', params: { requiredServices: '' }, expected: 'NOT_APPLICABLE' },
    {
      id: 'S3_GATEWAY_ROUTES',
      params: { requiredServices: 'ec2,ecr.api,ecr.dkr,sts' },
      expected: 'NOT_APPLICABLE',
    },
  ])('$id with $params and no ec2 at all → $expected', ({ id, params, expected }) => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot as Partial<RawSnapshot>).ec2;
    expect(runRule(rule(id), snapshot, params).compliance).toBe(expected);
  });

  it.each(rows)('$id: a deleting cluster is NOT_APPLICABLE even without ec2', ({ id }) => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot as Partial<RawSnapshot>).ec2;
    snapshot.eks.clusters[0]!.status = 'DELETING';
    expect(runRule(rule(id), snapshot).compliance).toBe('NOT_APPLICABLE');
  });

  it.each(rows)('$id: the testkit cluster is COMPLIANT', ({ id }) => {
    const { snapshot } = privateClustersSnapshot(1);
    const outcome = runRule(rule(id), snapshot);
    expect(outcome).toEqual({
      compliance: 'COMPLIANT',
      annotation: expect.any(String),
      offenders: [],
      details: [],
    });
    expect(outcome.annotation.length).toBeGreaterThan(0);
  });
});
