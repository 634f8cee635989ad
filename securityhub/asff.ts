/**
 * The AWS Security Finding Format (ASFF) of our findings, for Security Hub's BatchImportFindings (issue 11):
 * `--format asff` prints every finding of a report this way, and the drift pipeline imports its transitions with
 * the same builder.
 *
 * What AWS documents and this follows (Security Hub User Guide "Required top-level ASFF attributes", "BatchImportFindings
 * for finding providers", "Integrating Security Hub with custom products"; API reference AwsSecurityFinding,
 * Compliance, Severity, Workflow, Resource, Recommendation):
 * - A customer's own findings are imported under the product ARN
 *   `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`, by the account they name.
 * - Security Hub creates a finding for a new `Id` and updates the finding of a known one, only when the update's
 *   `UpdatedAt` is later than the stored one: the `Id` here is deterministic per account, Region, cluster and rule,
 *   so a re-import updates instead of duplicating, and an older or identical import changes nothing.
 * - After creation the provider cannot change `Workflow` (customers own it, through BatchUpdateFindings), and it should
 *   change `Severity` and `Types` through `FindingProviderFields`: both are sent, the top-level ones count on creation.
 * - `ProductName` is taken from a custom integration's findings; `Region` and the `aws/` ProductFields are Security
 *   Hub's own and left out.
 * - Limits: Title ≤ 256, Description ≤ 1,024, Id and GeneratorId ≤ 512, Recommendation.Text ≤ 512, at most 32
 *   Resources, ProductFields and Resources[].Details.Other at most 50 pairs (keys < 128 characters; values ≤ 2,048
 *   and < 1,024 characters respectively).
 *
 * Types only from the SDK: the CLI formats without loading the Security Hub client.
 */
import type {
  AwsSecurityFinding,
  ComplianceStatus,
  Partition,
  RecordState,
  Resource,
  ResourceDetails,
  SeverityLabel,
  WorkflowStatus,
} from '@aws-sdk/client-securityhub';
import type { Compliance, Detail, Finding, Severity } from '../engine/findings';
import type { Report } from '../engine/report';
import type { RuleMeta } from '../engine/rule';
import { partitionOfRegion } from '../snapshot/load';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** What Security Hub shows as the product of a custom integration's findings. */
export const ASFF_PRODUCT_NAME = 'private-eks-guard';
/**
 * The Types taxonomy's namespace and category for configuration checks against AWS guidance ("Types taxonomy for
 * ASFF"); a partial path is valid, and every rule is such a check, so no per-rule classifier has to be kept up.
 */
export const ASFF_FINDING_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** Field limits of the ASFF (API reference AwsSecurityFinding, Recommendation, Resource; "Other object in ASFF"). */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  id: 512,
  generatorId: 512,
  recommendationText: 512,
  resources: 32,
  productFields: 50,
  productFieldKey: 127,
  productFieldValue: 2048,
  otherPairs: 50,
  /** "fewer than 128 characters" */
  otherKey: 127,
  /** "fewer than 1,024 characters" */
  otherValue: 1023,
} as const;

/** The values of Resource.Partition the API accepts (the SDK's Partition enum, but for Azure). */
export const ASFF_PARTITIONS: readonly Partition[] = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-us-iso',
  'aws-us-iso-b',
];

/**
 * SPEC §4 compliance → Compliance.Status. AWS's own definitions decide: WARNING is "some information is missing",
 * which is exactly INSUFFICIENT_DATA; NOT_AVAILABLE is documented as what an AWS Config NOT_APPLICABLE becomes.
 */
export const COMPLIANCE_STATUS: Readonly<Record<Compliance, ComplianceStatus>> = {
  COMPLIANT: 'PASSED',
  NON_COMPLIANT: 'FAILED',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
  INSUFFICIENT_DATA: 'WARNING',
};

const SEVERITY_LABEL: Readonly<Record<Severity, SeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

/** ASFF resource types (ResourceDetails members) for the CloudFormation types our details name; the rest are Other. */
const ASFF_RESOURCE_TYPE: Readonly<Record<string, string>> = {
  'AWS::EKS::Cluster': 'AwsEksCluster',
  'AWS::EC2::VPC': 'AwsEc2Vpc',
  'AWS::EC2::Subnet': 'AwsEc2Subnet',
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::EC2::NetworkAcl': 'AwsEc2NetworkAcl',
  'AWS::EC2::RouteTable': 'AwsEc2RouteTable',
};

/**
 * The ARN resource part of an EC2 id, by CloudFormation type (Service Authorization Reference, Amazon EC2 resource
 * types). A prefix list is left as its id: an AWS-managed list belongs to no account of ours.
 */
const EC2_ARN_RESOURCE: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::SecurityGroup': 'security-group',
  'AWS::EC2::NetworkAcl': 'network-acl',
  'AWS::EC2::RouteTable': 'route-table',
  'AWS::EC2::VPCEndpoint': 'vpc-endpoint',
  'AWS::EC2::DHCPOptions': 'dhcp-options',
  'AWS::EC2::InternetGateway': 'internet-gateway',
  'AWS::EC2::EgressOnlyInternetGateway': 'egress-only-internet-gateway',
  'AWS::EC2::NatGateway': 'natgateway',
};

/** Where a finding is imported and how this import presents it. */
export interface AsffContext {
  accountId: string;
  region: string;
  partition: string;
  /** Default: the account's default product in `region` (productArn()). */
  productArn?: string;
  /** RFC 3339. When the issue was first seen (drift: when the violation began). */
  createdAt: string;
  /** RFC 3339. Must grow from import to import: Security Hub ignores an update whose UpdatedAt is not later. */
  updatedAt: string;
  /**
   * Overrides the status the finding's compliance maps to (the drift import states its transition: a RESOLVED is
   * PASSED even when the rule now says NOT_APPLICABLE).
   */
  status?: ComplianceStatus;
}

export interface AsffOptions {
  /** Default: partitionOfRegion(report.region); pass the snapshot's own when it names one. */
  partition?: string;
  /** Default: the account's default product in the report's Region. */
  productArn?: string;
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`: where a customer's own findings go. */
export function productArn(partition: string, region: string, accountId: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/**
 * The finding's `Id`: one per account, Region, cluster and rule, the same from the CLI and the drift pipeline, so
 * every import of that pair updates one Security Hub finding. Cluster names hold no `/` and rule ids are
 * `[A-Z0-9_]`, so no two pairs share an Id.
 */
export function asffFindingId(
  accountId: string,
  region: string,
  clusterName: string,
  ruleId: string,
): string {
  return `${ASFF_PRODUCT_NAME}/${accountId}/${region}/${clusterName}/${ruleId}`;
}

/** `GeneratorId`: the rule (the "discrete unit of logic" that produced the finding), whatever the cluster. */
export function asffGeneratorId(ruleId: string): string {
  return `${ASFF_PRODUCT_NAME}/${ruleId}`;
}

/** Every finding of `report` in ASFF, in report order; `rules` must hold the rule of every finding. */
export function asffFindings(
  report: Report,
  rules: readonly { meta: RuleMeta }[],
  options: AsffOptions = {},
): AwsSecurityFinding[] {
  const metaById = new Map(rules.map((rule) => [rule.meta.id, rule.meta]));
  const context: AsffContext = {
    accountId: report.accountId,
    region: report.region,
    partition: options.partition ?? report.partition ?? partitionOfRegion(report.region),
    ...(options.productArn !== undefined ? { productArn: options.productArn } : {}),
    createdAt: report.generatedAt,
    updatedAt: report.generatedAt,
  };
  return report.findings.map((finding) => {
    const meta = metaById.get(finding.ruleId);
    if (meta === undefined)
      throw new Error(`no rule ${JSON.stringify(finding.ruleId)} to describe its finding`);
    return asffFinding(finding, meta, context);
  });
}

/**
 * `--format asff`: a JSON array for `aws securityhub batch-import-findings --findings file://FILE`. The API takes at
 * most 100 findings a call; a longer array must be sent in slices (securityhub/import-findings.ts does).
 */
export function formatAsff(
  report: Report,
  rules: readonly { meta: RuleMeta }[],
  options: AsffOptions = {},
): string {
  return JSON.stringify(asffFindings(report, rules, options), null, 2) + '\n';
}

/** One finding in ASFF. */
export function asffFinding(finding: Finding, rule: RuleMeta, context: AsffContext): AwsSecurityFinding {
  const status = context.status ?? COMPLIANCE_STATUS[finding.compliance];
  const failed = status === 'FAILED';
  // "INFORMATIONAL – no issue was found": only a failed check is an issue of the rule's severity.
  const severity = {
    Label: failed ? SEVERITY_LABEL[finding.severity] : 'INFORMATIONAL',
    Original: finding.severity,
  };
  const types = [ASFF_FINDING_TYPE];
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffFindingId(context.accountId, context.region, finding.resourceId, finding.ruleId),
    ProductArn: context.productArn ?? productArn(context.partition, context.region, context.accountId),
    ProductName: ASFF_PRODUCT_NAME,
    GeneratorId: asffGeneratorId(finding.ruleId),
    AwsAccountId: context.accountId,
    // No top-level Region: Security Hub sets it itself and takes it from no import.
    Types: types,
    CreatedAt: context.createdAt,
    UpdatedAt: context.updatedAt,
    FirstObservedAt: context.createdAt,
    LastObservedAt: context.updatedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: cut(rule.title, ASFF_LIMITS.title),
    Description: description(finding, rule),
    Remediation: {
      Recommendation: {
        Text: cut(rule.remediation, ASFF_LIMITS.recommendationText),
        Url: rule.documentation,
      },
    },
    ProductFields: productFields(finding),
    Resources: resources(finding, context),
    Compliance: { Status: status },
    // Counts when the finding is created; afterwards Security Hub keeps the customer's workflow (and itself moves a
    // RESOLVED or NOTIFIED finding back to NEW when its status leaves PASSED). The drift pipeline resolves an existing
    // finding with BatchUpdateFindings (securityhub/update-workflow.ts).
    Workflow: { Status: workflowOf(status) },
    // What Security Hub does with control findings whose Config result is NOT_APPLICABLE (after three days): ours is
    // definite, so at once. A later FAILED import makes it ACTIVE (and NEW) again.
    RecordState: (status === 'NOT_AVAILABLE' ? 'ARCHIVED' : 'ACTIVE') satisfies RecordState,
  };
}

function workflowOf(status: ComplianceStatus): WorkflowStatus {
  // PASSED: nothing to do. NOT_AVAILABLE: the check does not apply. FAILED: fix it; WARNING: capture what is missing.
  return status === 'PASSED' || status === 'NOT_AVAILABLE' ? 'RESOLVED' : 'NEW';
}

/** The annotation (what is wrong, naming the resources), then why it matters, within 1,024 characters. */
function description(finding: Finding, rule: RuleMeta): string {
  const head = finding.annotation.trim() || rule.title;
  return cut(`${head}\n\n${rule.rationale}`.trim(), ASFF_LIMITS.description);
}

function productFields(finding: Finding): Record<string, string> {
  const prefix = `${ASFF_PRODUCT_NAME}/`;
  const fields: Record<string, string> = {
    // What "Integrating Security Hub with custom products" recommends for naming the product of the findings.
    ProviderName: ASFF_PRODUCT_NAME,
    [`${prefix}RuleId`]: finding.ruleId,
    [`${prefix}ConfigRuleName`]: finding.configRuleName,
    [`${prefix}Compliance`]: finding.compliance,
    [`${prefix}ClusterName`]: finding.resourceId,
    [`${prefix}VpcId`]: finding.vpcId,
  };
  if (finding.offenders.length > 0) {
    fields[`${prefix}Offenders`] = wholeItems(finding.offenders, ', ', ASFF_LIMITS.productFieldValue);
  }
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}

interface ResourceEntry {
  /** Without Details: the typed ones sit in `typed`, the details' problems and fixes are added last. */
  resource: Resource;
  typed: ResourceDetails | undefined;
  details: Detail[];
}

/**
 * The cluster first, then every resource the details name (once each, in the details' order), at most 32; each
 * carries its problems and fixes in Details.Other, since the typed ASFF details have no place for them.
 */
function resources(finding: Finding, context: AsffContext): Resource[] {
  const partition = (ASFF_PARTITIONS as readonly string[]).includes(context.partition)
    ? { Partition: context.partition as Partition }
    : {};
  const byId = new Map<string, ResourceEntry>();
  const cluster: ResourceEntry = {
    resource: { Type: 'AwsEksCluster', Id: finding.clusterArn, ...partition, Region: context.region },
    typed: { AwsEksCluster: { Name: finding.resourceId, Arn: finding.clusterArn } },
    details: [],
  };
  byId.set(cluster.resource.Id!, cluster);
  let omitted = 0;
  for (const detail of finding.details) {
    const isCluster = detail.resourceType === 'AWS::EKS::Cluster' && detail.resourceId === finding.resourceId;
    const id = isCluster ? finding.clusterArn : resourceId(detail, context);
    let entry = byId.get(id);
    if (entry === undefined) {
      if (byId.size >= ASFF_LIMITS.resources) {
        omitted++;
        continue;
      }
      const type = ASFF_RESOURCE_TYPE[detail.resourceType] ?? 'Other';
      entry = {
        resource: { Type: type, Id: id, ...partition, Region: context.region },
        typed: typedDetails(type, detail),
        details: [],
      };
      byId.set(id, entry);
    }
    entry.details.push(detail);
  }
  const list = [...byId.values()];
  return list.map((entry, index) => {
    const other = otherDetails(entry.details, index === list.length - 1 ? omitted : 0);
    const details: ResourceDetails = { ...entry.typed, ...(other ? { Other: other } : {}) };
    return Object.keys(details).length > 0 ? { ...entry.resource, Details: details } : entry.resource;
  });
}

/** An ARN where the id's ARN is certain (partition, Region and account of the finding), else the id itself. */
function resourceId(detail: Detail, context: AsffContext): string {
  const { partition, region, accountId } = context;
  if (detail.resourceType === 'AWS::EKS::Cluster') {
    return `arn:${partition}:eks:${region}:${accountId}:cluster/${detail.resourceId}`;
  }
  const ec2 = EC2_ARN_RESOURCE[detail.resourceType];
  return ec2 ? `arn:${partition}:ec2:${region}:${accountId}:${ec2}/${detail.resourceId}` : detail.resourceId;
}

/** The typed details' identifiers, where the ASFF type has a member for them. */
function typedDetails(type: string, detail: Detail): ResourceDetails | undefined {
  const id = detail.resourceId;
  switch (type) {
    case 'AwsEc2SecurityGroup':
      return { AwsEc2SecurityGroup: { GroupId: id } };
    case 'AwsEc2Subnet':
      return { AwsEc2Subnet: { SubnetId: id } };
    case 'AwsEc2NetworkAcl':
      return { AwsEc2NetworkAcl: { NetworkAclId: id } };
    case 'AwsEc2RouteTable':
      return { AwsEc2RouteTable: { RouteTableId: id } };
    case 'AwsEksCluster':
      return { AwsEksCluster: { Name: id } };
    default:
      return undefined;
  }
}

/**
 * `Problem`, `Commands`, `Decide`, `Documentation` of one detail, numbered (`Problem.2`) when a resource has several;
 * what does not fit in 50 pairs is counted in `Omitted`.
 */
function otherDetails(
  details: readonly Detail[],
  omittedResources: number,
): Record<string, string> | undefined {
  const pairs: [string, string][] = [];
  const room = ASFF_LIMITS.otherPairs - 1;
  let omittedDetails = 0;
  details.forEach((detail, index) => {
    const suffix = details.length > 1 ? `.${index + 1}` : '';
    const entries: [string, string][] = [[`Problem${suffix}`, detail.problem]];
    // Whole command lines only: a command cut short could do something else when pasted.
    if (detail.fix.commands.length > 0) {
      entries.push([`Commands${suffix}`, wholeItems(detail.fix.commands, '\n', ASFF_LIMITS.otherValue)]);
    }
    if (detail.fix.decide) entries.push([`Decide${suffix}`, detail.fix.decide]);
    if (detail.fix.documentation) entries.push([`Documentation${suffix}`, detail.fix.documentation]);
    const kept = entries.filter(([, value]) => value.trim() !== '');
    if (pairs.length + kept.length > room) {
      omittedDetails++;
      return;
    }
    for (const [key, value] of kept) pairs.push([key, cut(value, ASFF_LIMITS.otherValue)]);
  });
  const omitted = [
    omittedDetails > 0 ? `${omittedDetails} more detail(s) of this resource` : '',
    omittedResources > 0 ? `${omittedResources} more resource(s): see the CLI's --format json` : '',
  ].filter(Boolean);
  if (omitted.length > 0) pairs.push(['Omitted', cut(omitted.join('; '), ASFF_LIMITS.otherValue)]);
  return pairs.length > 0 ? Object.fromEntries(pairs) : undefined;
}

/**
 * `items` joined by `separator` within `max` UTF-16 units, never cutting an item: what does not fit is counted
 * (`(+2 more: see --format json)`), so a reader knows the list goes on.
 */
export function wholeItems(items: readonly string[], separator: string, max: number): string {
  const note = (rest: number) => `(+${rest} more: see --format json)`;
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const candidate = text ? `${text}${separator}${items[i]}` : items[i]!;
    const rest = items.length - i - 1;
    const reserve = rest > 0 ? separator.length + note(rest).length : 0;
    if (candidate.length + reserve <= max) {
      text = candidate;
      continue;
    }
    const more = note(items.length - i);
    return text ? `${text}${separator}${more}` : more;
  }
  return text;
}

/** At most `max` UTF-16 units, ending in `…` when cut, never inside a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
