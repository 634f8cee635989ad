'use strict';
/**
 * Reads deploy/stages/<stage>.yml — the CLI's --config format plus `alerts` and `schedule`,
 * validated by the one shared schema (cli/config-file.ts) — and resolves it into what the
 * template needs. Every mistake fails `serverless package`, never a deployed Lambda.
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadSources, REPO_ROOT } = require('./sources');

const STAGES_DIR = path.join(REPO_ROOT, 'deploy', 'stages');
const DEFAULT_SWEEP_SCHEDULE = 'rate(1 hour)';
const DEFAULT_CONFIG_PERIODIC = 'TwentyFour_Hours';
/** AWS Config's limit on a rule's InputParameters. */
const INPUT_PARAMETERS_MAX_CHARS = 1024;

function stageConfigPath(stage) {
  // The stage names a file: keep it to a plain name so `--stage ../x` cannot read elsewhere.
  if (!/^[A-Za-z0-9-]+$/.test(stage)) {
    throw new Error(`stage "${stage}" must be letters, digits and '-'`);
  }
  return path.join(STAGES_DIR, `${stage}.yml`);
}

function loadStageConfig(stage) {
  const file = stageConfigPath(stage);
  if (!fs.existsSync(file)) {
    throw new Error(`no stage configuration ${path.relative(REPO_ROOT, file)}: copy deploy/stages/dev.yml`);
  }
  const { loadConfigFile, ConfigFileSchema } = loadSources();
  return loadConfigFile(file, ConfigFileSchema);
}

/** Enabled rules in catalog order; an unknown id is an error rather than a silently missing rule. */
function enabledRules(config) {
  const { RULES, ruleById, configRuleIds } = loadSources();
  const ids = configRuleIds(config);
  if (ids === undefined) return [...RULES];
  const wanted = new Set();
  for (const raw of ids) {
    const rule = ruleById(raw);
    if (!rule) throw new Error(`unknown rule id "${raw.trim()}" in the stage configuration`);
    wanted.add(rule.meta.id);
  }
  return RULES.filter((rule) => wanted.has(rule.meta.id));
}

/** `{"ruleId", ...the rule's own parameters that the stage sets}`; unset ones take the engine's defaults. */
function inputParameters(rule, texts) {
  const input = { ruleId: rule.meta.id };
  for (const name of rule.meta.parameters) {
    if (texts[name] !== undefined) input[name] = texts[name];
  }
  const json = JSON.stringify(input);
  if (json.length > INPUT_PARAMETERS_MAX_CHARS) {
    throw new Error(
      `InputParameters of ${rule.meta.id} are ${json.length} chars; AWS Config allows ${INPUT_PARAMETERS_MAX_CHARS}`,
    );
  }
  return json;
}

/** Everything the template is generated from, for one validated stage configuration. */
function resolveStageConfig(config) {
  const { parameterTexts, parseParams, configRuleName } = loadSources();
  const texts = parameterTexts(config);
  // Throws ParameterError on an unknown name or a bad value, as the CLI would.
  parseParams(texts);
  const rules = enabledRules(config).map((rule) => ({
    id: rule.meta.id,
    configRuleName: configRuleName(rule.meta.id),
    inputParameters: inputParameters(rule, texts),
  }));
  if (rules.length === 0) throw new Error('the stage configuration enables no rules');
  return {
    rules,
    parameterTexts: texts,
    emails: config.alerts?.emails ?? [],
    slackWebhookParameter: config.alerts?.slackWebhookParameter,
    sweepSchedule: config.schedule?.sweep ?? DEFAULT_SWEEP_SCHEDULE,
    configPeriodic: config.schedule?.configPeriodic ?? DEFAULT_CONFIG_PERIODIC,
  };
}

module.exports = {
  loadStageConfig,
  resolveStageConfig,
  stageConfigPath,
  INPUT_PARAMETERS_MAX_CHARS,
  DEFAULT_SWEEP_SCHEDULE,
  DEFAULT_CONFIG_PERIODIC,
};
