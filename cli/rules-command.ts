import { DEFAULT_PARAMS, PARAMETERS, type ParameterName } from '../engine/params';
import { configRuleName, type Rule } from '../engine/rule';
import { RULES } from '../rules';
import { drawTable, TERMINAL_WIDTH, type Column, type TableRow } from './format/table';
import { colors, paintSeverity, wrap } from './format/text';
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
    'Parameters are set with --param NAME=VALUE or a config file; rules --format json adds rationale, remediation and allowed values.',
    TERMINAL_WIDTH,
  );
  return `${table}\n${footer.join('\n')}\n`;
}

export function runRules(options: { format: RulesFormat }, io: CliIo): number {
  io.out(options.format === 'json' ? formatCatalogJson(RULES) : formatCatalogTable(RULES, colorEnabled(io)));
  return 0;
}
