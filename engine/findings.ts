export const COMPLIANCE = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;
export type Compliance = (typeof COMPLIANCE)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What resolves one detail: AWS CLI v2 command lines with the snapshot's real ids, Region and
 * partition, in the order to run them; where no safe command follows from the snapshot (which
 * CIDR to open, what a custom DNS server should do), `commands` is empty and `decide` says
 * what to choose first, rather than a guess.
 */
export interface Fix {
  commands: string[];
  decide?: string;
  /** The AWS documentation page behind the fix. */
  documentation: string;
}

/**
 * The fix of a detail whose rule gave none: the engine puts the rule's remediation (or, for an
 * unknown, how to capture what is missing) in its place. Compared by identity.
 */
export const UNRESOLVED_FIX: Fix = Object.freeze({
  commands: Object.freeze([]) as unknown as string[],
  documentation: '',
});

/** One offending resource or flow behind a finding, untruncated (issue 11). */
export interface Detail {
  resourceId: string;
  /** The CloudFormation type, e.g. `AWS::EC2::SecurityGroup`. */
  resourceType: string;
  /** Plain words: which flow, port, CIDR, entry or route, and what is wrong with it. */
  problem: string;
  fix: Fix;
}

/** What a rule says about one cluster. */
export interface Outcome {
  compliance: Compliance;
  annotation: string;
  offenders: string[];
  /**
   * Every violation (NON_COMPLIANT) or every unknown (INSUFFICIENT_DATA), one per offending
   * resource or flow; empty for COMPLIANT and NOT_APPLICABLE. The annotation summarises them.
   */
  details: Detail[];
}

/** One finding of SPEC §5. */
export interface Finding extends Outcome {
  ruleId: string;
  configRuleName: string;
  severity: Severity;
  resourceType: 'AWS::EKS::Cluster';
  resourceId: string;
  clusterArn: string;
  vpcId: string;
}

/** AWS Config's limit for an annotation. */
export const MAX_ANNOTATION = 256;

/**
 * Joins annotation parts, keeping within MAX_ANNOTATION: parts that do not fit are
 * counted (`… (+3 more)`) rather than cut mid-word, so the reader knows more exists.
 */
export function joinAnnotation(parts: readonly string[], separator = '; '): string {
  // Most findings carry one short part (a compliant rule's summary): nothing to join or cut.
  if (parts.length === 1 && parts[0]!.length <= MAX_ANNOTATION) return parts[0]!;
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const candidate = text ? text + separator + parts[i] : parts[i]!;
    const rest = parts.length - i - 1;
    const suffix = rest > 0 ? ` … (+${rest} more)` : '';
    if (candidate.length + suffix.length <= MAX_ANNOTATION) {
      text = candidate;
      continue;
    }
    if (!text) {
      // Not even the first part fits: show it cut short, and count only the parts after it.
      const tail = rest > 0 ? ` … (+${rest} more)` : '';
      return truncate(parts[i]!, MAX_ANNOTATION - tail.length) + tail;
    }
    return `${text} … (+${parts.length - i} more)`;
  }
  return truncate(text, MAX_ANNOTATION);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** SPEC §5: sorted by severity, cluster, rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}

/**
 * The findings of every cluster (one list per cluster, in evaluation order) in compareFindings
 * order, exactly as a stable sort of them all would put them, but without comparing every
 * finding with others (1,000 clusters: 100,000 comparisons): clusters are ordered by name
 * once, and rules by severity and id once. Where those orders have ties (two clusters of one
 * name, a rule named twice) or the clusters' rules differ, it is the sort after all.
 */
export function inSpecOrder(perCluster: readonly (readonly Finding[])[]): Finding[] {
  const sortAll = () => perCluster.flat().sort(compareFindings);
  const first = perCluster[0];
  if (first === undefined || first.length === 0) return sortAll();
  for (const list of perCluster) {
    if (list.length !== first.length) return sortAll();
    for (let r = 0; r < list.length; r++) {
      if (list[r]!.ruleId !== first[r]!.ruleId || list[r]!.severity !== first[r]!.severity) return sortAll();
    }
  }
  // Within one cluster compareFindings orders by severity, then rule id.
  const rules = first.map((_, r) => r).sort((a, b) => compareFindings(first[a]!, first[b]!));
  const nameOf = (c: number) => perCluster[c]![0]!.resourceId;
  const clusters = perCluster.map((_, c) => c).sort((a, b) => byText(nameOf(a), nameOf(b)));
  for (let i = 1; i < rules.length; i++) {
    if (compareFindings(first[rules[i - 1]!]!, first[rules[i]!]!) === 0) return sortAll();
  }
  for (let i = 1; i < clusters.length; i++) {
    if (nameOf(clusters[i - 1]!) === nameOf(clusters[i]!)) return sortAll();
  }
  const out: Finding[] = [];
  for (const severity of SEVERITIES) {
    const ofSeverity = rules.filter((r) => first[r]!.severity === severity);
    for (const c of clusters) for (const r of ofSeverity) out.push(perCluster[c]![r]!);
  }
  return out;
}

/** Code-unit order of two texts (what the default sort does), as a comparator to chain with `||`. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summarize(findings: readonly Finding[]): Record<Compliance, number> {
  const summary = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
  for (const finding of findings) summary[finding.compliance]++;
  return summary;
}

/** One message's share of an annotation: the rest is room for Verdict's "… (+N more)". */
export const MESSAGE_BUDGET = MAX_ANNOTATION - 16;

/**
 * Joins `items` with ", " within `max` characters; what does not fit is counted ("+2 more"),
 * so a long list never pushes the rest of an annotation past AWS Config's limit.
 */
export function listWithin(items: readonly string[], max: number): string {
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const candidate = text ? `${text}, ${items[i]}` : items[i]!;
    const rest = items.length - i - 1;
    if (candidate.length + (rest > 0 ? ` +${rest} more`.length : 0) <= max) {
      text = candidate;
      continue;
    }
    const more = `+${items.length - i} more`;
    return text ? `${text} ${more}` : more;
  }
  return text;
}
