import { UsageError } from '../engine/errors';
import { DEFAULT_PARAMS, PARAMETERS, type ParameterName } from '../engine/params';
import { configRuleName, type Rule } from '../engine/rule';
import { findRule } from '../engine/rule-selection';
import { RULES } from '../rules';
import { drawTable, TERMINAL_WIDTH, type Column, type TableRow } from './format/table';
import { colors, fillKeepingWords, paintSeverity, wrap } from './format/text';
import { colorEnabled, type CliIo } from './io';

export const RULES_FORMATS = ['table', 'json'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];

const SPEC_BY_NAME = new Map(PARAMETERS.map((spec) => [spec.name, spec]));

/** A parameter as the catalog shows it: `default` is what a user would type, '' = not set. */
export interface CatalogParameter {
  name: ParameterName;
  default: string;
  allowed: string;
  description: string;
}

export interface CatalogRule {
  id: string;
  configRuleName: string;
  severity: Rule['meta']['severity'];
  title: string;
  /** `ec2.*` sections without which the rule reports INSUFFICIENT_DATA. */
  needs: string[];
  /** Sections needed only for some parameter values, as needed with the defaults. */
  conditionalNeeds: string[];
  parameters: CatalogParameter[];
  rationale: string;
  remediation: string;
  /** The AWS documentation page behind the rule's fixes. */
  documentation: string;
}

function catalogParameter(name: ParameterName): CatalogParameter {
  const spec = SPEC_BY_NAME.get(name)!;
  return { name, default: spec.defaultText, allowed: spec.allowed, description: spec.description };
}

export function catalogRule(rule: Rule): CatalogRule {
  const { meta } = rule;
  const needs = meta.needs.map((s) => `ec2.${s}`);
  const conditional = (meta.conditionalNeeds?.(DEFAULT_PARAMS) ?? [])
    .map((s) => `ec2.${s}`)
    .filter((s) => !needs.includes(s));
  return {
    id: meta.id,
    configRuleName: configRuleName(meta.id),
    severity: meta.severity,
    title: meta.title,
    needs,
    conditionalNeeds: conditional,
    parameters: meta.parameters.map(catalogParameter),
    rationale: meta.rationale,
    remediation: meta.remediation,
    documentation: meta.documentation,
  };
}

/** `rules --format json`: every rule with its metadata, and the parameter namespace they share. */
export function formatCatalogJson(rules: readonly Rule[] = RULES): string {
  const document = {
    rules: rules.map(catalogRule),
    parameters: PARAMETERS.map((spec) => catalogParameter(spec.name)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const CATALOG_COLUMNS: readonly Column[] = [
  { header: 'Rule', width: 31 },
  { header: 'Severity', width: 10 },
  { header: 'Title', width: 35 },
];

function parameterText(p: CatalogParameter): string {
  return p.default === '' ? `${p.name} (not set)` : `${p.name}=${p.default}`;
}

function details(rule: CatalogRule): string {
  const needs = [...rule.needs, ...rule.conditionalNeeds.map((s) => `${s} (with default parameters)`)];
  const parameters = rule.parameters.map(parameterText);
  return [
    `Config rule ${rule.configRuleName}`,
    `needs: ${needs.length > 0 ? needs.join(', ') : '—'}`,
    `parameters: ${parameters.length > 0 ? parameters.join(', ') : '—'}`,
  ].join('; ');
}

/** `rules` (table): id, severity and title, then the Config rule name, needs and parameters under each. */
export function formatCatalogTable(rules: readonly Rule[], color: boolean): string {
  const c = colors(color);
  const rows: TableRow[] = [];
  for (const rule of rules.map(catalogRule)) {
    rows.push({ cells: [rule.id, rule.severity, rule.title] });
    rows.push({ note: details(rule) });
  }
  const table = drawTable(CATALOG_COLUMNS, rows, c, (column, text, row) =>
    column === 1 ? paintSeverity(c, row.cells![1] as CatalogRule['severity'], text) : text,
  );
  const footer = wrap(
    'Parameters are set with --param NAME=VALUE or a config file. rules ID explains one rule (why it matters, parameters, remediation); rules --format json gives them all.',
    TERMINAL_WIDTH,
  );
  return `${table}\n${footer.join('\n')}\n`;
}

/**
 * Text wrapped at `width` columns after `indent`, at spaces. Unlike wrap(), a word longer than
 * a line (a URL) is kept whole on a line of its own, so it can still be copied or clicked.
 */
function indented(text: string, indent: string, width = TERMINAL_WIDTH): string[] {
  return text.split(/\r?\n/).flatMap((paragraph) =>
    fillKeepingWords(
      paragraph.split(/\s+/).filter((w) => w.length > 0),
      indent,
      indent,
      width,
    ),
  );
}

/** A `Label:  value` line whose value wraps under itself. */
const LABEL_WIDTH = 14;

function labelled(label: string, value: string): string[] {
  const pad = ' '.repeat(LABEL_WIDTH);
  const [first, ...rest] = indented(value, pad);
  return [`${label.padEnd(pad.length)}${first!.slice(pad.length)}`, ...rest];
}

/** `rules ID`: one rule in full, for a terminal: what it checks, why, its parameters, the fix. */
export function formatRuleExplanation(rule: Rule, color: boolean): string {
  const c = colors(color);
  const r = catalogRule(rule);
  const heading = (text: string) => c.bold(text);
  const needs = [...r.needs, ...r.conditionalNeeds.map((s) => `${s} (with the default parameters)`)];
  const lines = [
    c.bold(r.id),
    '',
    `${'Severity:'.padEnd(LABEL_WIDTH)}${paintSeverity(c, r.severity)}`,
    ...labelled('Config rule:', r.configRuleName),
    ...labelled(
      'Needs:',
      needs.length > 0
        ? `${needs.join(', ')} (without them: INSUFFICIENT_DATA)`
        : 'nothing beyond the cluster itself',
    ),
    '',
    heading('What it checks'),
    ...indented(r.title, '  '),
    '',
    heading('Why it matters'),
    ...indented(r.rationale, '  '),
    '',
    heading('Parameters'),
  ];
  if (r.parameters.length === 0) lines.push('  none');
  for (const p of r.parameters) {
    lines.push(...indented(`${p.name}: default ${p.default === '' ? 'not set' : p.default}`, '  '));
    lines.push(...indented(p.description, '    '));
    lines.push(...indented(`Allowed: ${p.allowed}`, '    '));
  }
  lines.push(
    '',
    heading('Remediation'),
    ...indented(r.remediation, '  '),
    '',
    heading('Documentation'),
    ...indented(r.documentation, '  '),
    '',
    ...indented(
      'Set parameters with --param NAME=VALUE or a config file. private-eks-guard fix prints the commands for your own findings.',
      '',
    ),
  );
  return `${lines.join('\n')}\n`;
}

/** The rule `rules ID` names: its id in any case or its Config rule name; else a usage error listing the ids. */
export function explainedRule(id: string): Rule {
  const rule = findRule(id);
  if (!rule) {
    throw new UsageError(
      `unknown rule "${id.trim()}"; known rule ids: ${RULES.map((r) => r.meta.id).join(', ')}`,
    );
  }
  return rule;
}

export interface RulesOptions {
  format: RulesFormat;
  /** `--explain ID`. */
  explain?: string;
}

/** `rules`, `rules ID` and `rules --explain ID`. */
export function runRules(options: RulesOptions, io: CliIo, id?: string): number {
  if (id !== undefined && options.explain !== undefined && findRule(id) !== findRule(options.explain)) {
    throw new UsageError('give one rule: rules ID or rules --explain ID');
  }
  const explain = id ?? options.explain;
  if (explain !== undefined) {
    const rule = explainedRule(explain);
    io.out(
      options.format === 'json'
        ? `${JSON.stringify(catalogRule(rule), null, 2)}\n`
        : formatRuleExplanation(rule, colorEnabled(io)),
    );
    return 0;
  }
  io.out(options.format === 'json' ? formatCatalogJson(RULES) : formatCatalogTable(RULES, colorEnabled(io)));
  return 0;
}
