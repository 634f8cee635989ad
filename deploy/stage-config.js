'use strict';
/**
 * Reads deploy/stages/<stage>.yml — the CLI's --config format plus `alerts` and `schedule`,
 * validated by the one shared schema (cli/config-file.ts) — and resolves it into what the
 * template needs. A stage without a file deploys the built-in defaults; every mistake in a file
 * fails `serverless package` with one StageConfigError naming the file and the key, never a
 * deployed Lambda.
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadSources, REPO_ROOT } = require('./sources');

const DEFAULT_STAGES_DIR = path.join(REPO_ROOT, 'deploy', 'stages');
/** Where the stage files live instead of deploy/stages (the tests point it at a temp dir). */
const STAGES_DIR_VARIABLE = 'PRIVATE_EKS_GUARD_STAGES_DIR';
const DEFAULT_SWEEP_SCHEDULE = 'rate(1 hour)';
const DEFAULT_CONFIG_PERIODIC = 'TwentyFour_Hours';
/** AWS Config's limit on a rule's InputParameters. */
const INPUT_PARAMETERS_MAX_CHARS = 1024;
/** How errors name a configuration that did not come from a file. */
const DEFAULT_SOURCE = 'stage configuration';

/** A mistake in the stage name or the stage configuration: the message is the whole story, one line. */
class StageConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StageConfigError';
  }
}

function stagesDir() {
  const dir = process.env[STAGES_DIR_VARIABLE];
  return dir ? path.resolve(dir) : DEFAULT_STAGES_DIR;
}

function stageConfigPath(stage, dir = stagesDir()) {
  // The stage names a file: keep it to a plain name so `--stage ../x` cannot read elsewhere.
  if (typeof stage !== 'string' || !/^[A-Za-z0-9-]+$/.test(stage)) {
    throw new StageConfigError(`stage "${stage}" must be letters, digits and '-'`);
  }
  return path.join(dir, `${stage}.yml`);
}

/** Repository-relative inside the repository (`deploy/stages/prod.yml`), absolute elsewhere. */
function displayPath(file) {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** The stage file's schema: the shared one (cli/config-file.ts), which the CLI's --config reads too. */
function stageSchema() {
  return loadSources().ConfigFileSchema;
}

function defaultsNotice(stage, file) {
  const { RULES } = loadSources();
  return (
    `Stage "${stage}" has no ${displayPath(file)}: deploying the built-in defaults ` +
    `(all ${RULES.length} rules, SPEC default parameters, no email subscriptions, no Slack notifier); ` +
    `create that file (deploy/stages/dev.yml is an example) to choose`
  );
}

/**
 * What `stage` deploys from: `config` and `source` (how errors name it) from its file, or `{}` — the
 * built-in defaults — and the one-line `notice` that says so when the stage has no file.
 */
function loadStage(stage, dir = stagesDir()) {
  const file = stageConfigPath(stage, dir);
  const shown = displayPath(file);
  const source = `config file ${shown}`;
  if (!fs.existsSync(file)) return { config: {}, source, notice: defaultsNotice(stage, file) };
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StageConfigError(`${source}: cannot be read (${error.code ?? error.message})`);
  }
  const { parseConfigText, UsageError } = loadSources();
  try {
    // ConfigError: `config file <shown>: <key>: <what is wrong>`.
    return { config: parseConfigText(text, shown, stageSchema()), source };
  } catch (error) {
    if (error instanceof UsageError) throw new StageConfigError(error.message);
    throw error;
  }
}

/** The stage's validated configuration; `{}` (the defaults) when it has no file. */
function loadStageConfig(stage, dir = stagesDir()) {
  return loadStage(stage, dir).config;
}

/** Enabled rules in catalog order; an unknown id is an error rather than a silently missing rule. */
function enabledRules(config, source) {
  return loadSources().parseRuleSelection(config.rules, {
    empty: () => new StageConfigError(`${source}: rules: the stage configuration enables no rules`),
    unknown: (id) => new StageConfigError(`${source}: rules: unknown rule id "${id}"`),
  });
}

/** `{"ruleId", ...the rule's own parameters that the stage sets}`; unset ones take the engine's defaults. */
function inputParameters(rule, texts, source) {
  const input = { ruleId: rule.meta.id };
  for (const name of rule.meta.parameters) {
    if (texts[name] !== undefined) input[name] = texts[name];
  }
  const json = JSON.stringify(input);
  if (json.length > INPUT_PARAMETERS_MAX_CHARS) {
    const [longest] = Object.keys(input)
      .filter((name) => name !== 'ruleId')
      .sort((a, b) => input[b].length - input[a].length);
    throw new StageConfigError(
      `${source}: parameters: InputParameters of ${rule.meta.id} are ${json.length} chars; ` +
        `AWS Config allows ${INPUT_PARAMETERS_MAX_CHARS} (longest: ${longest}, ${input[longest].length} chars)`,
    );
  }
  return json;
}

/**
 * A deploy-only section of the stage file (`securityHub`, `organization`), checked here too for a configuration that
 * did not come through the file's schema (buildDeployment's callers): a bad value is one line naming the key and what
 * it takes. Returns the parsed section, undefined when absent.
 */
function checkedSection(config, key, source, allowed) {
  const setting = config[key];
  if (setting === undefined) return undefined;
  const result = stageSchema().shape[key].safeParse(setting);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = [key, ...issue.path].join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${name}.${issue.keys.join(', ')}`
        : `${name}: ${issue.message}`;
    throw new StageConfigError(`${source}: ${message} (allowed: ${key}: { ${allowed} })`);
  }
  return result.data;
}

/** The member roles' default names: aws/member-role-name.ts's, the ones the hub's functions assume by default. */
const {
  MEMBER_ROLE_NAME: DEFAULT_MEMBER_ROLE_NAME,
  CONFIG_REPORTER_ROLE_NAME: DEFAULT_CONFIG_REPORTER_ROLE_NAME,
} = loadSources();

/**
 * `organization`: whether the stage is an AWS Organizations hub (deploy/org: its sweep also covers every ACTIVE member
 * account, and its sweep role may list the Organization's accounts), the external id the member roles require, and
 * the names of the two member roles, which the hub's functions (aws/member-access.ts) and both Organization templates
 * take from here.
 */
function organizationSettings(config, source) {
  const setting =
    checkedSection(
      config,
      'organization',
      source,
      'hub: true | false, memberRoleExternalId: ID, memberRoleName: NAME, configReporterRoleName: NAME',
    ) ?? {};
  return {
    organizationHub: setting.hub === true,
    memberRoleExternalId: setting.memberRoleExternalId,
    memberRoleNames: {
      reader: setting.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
      configReporter: setting.configReporterRoleName ?? DEFAULT_CONFIG_REPORTER_ROLE_NAME,
    },
  };
}

/**
 * Everything the template is generated from, for one validated stage configuration. `source` names
 * the configuration in error messages (`config file deploy/stages/prod.yml`).
 */
function resolveStageConfig(config, source = DEFAULT_SOURCE) {
  const { parameterTexts, parseParams, configRuleName, UsageError } = loadSources();
  const texts = parameterTexts(config);
  try {
    // ParameterError on an unknown name or a bad value, worded as the CLI words it.
    parseParams(texts);
  } catch (error) {
    if (error instanceof UsageError) throw new StageConfigError(`${source}: ${error.message}`);
    throw error;
  }
  const rules = enabledRules(config, source).map((rule) => ({
    id: rule.meta.id,
    configRuleName: configRuleName(rule.meta.id),
    inputParameters: inputParameters(rule, texts, source),
  }));
  return {
    rules,
    parameterTexts: texts,
    emails: config.alerts?.emails ?? [],
    slackWebhookParameter: config.alerts?.slackWebhookParameter,
    sweepSchedule: config.schedule?.sweep ?? DEFAULT_SWEEP_SCHEDULE,
    configPeriodic: config.schedule?.configPeriodic ?? DEFAULT_CONFIG_PERIODIC,
    securityHubImport:
      checkedSection(config, 'securityHub', source, 'importFindings: true | false')?.importFindings === true,
    ...organizationSettings(config, source),
  };
}

module.exports = {
  stageSchema,
  loadStage,
  loadStageConfig,
  resolveStageConfig,
  stageConfigPath,
  StageConfigError,
  STAGES_DIR_VARIABLE,
  INPUT_PARAMETERS_MAX_CHARS,
  DEFAULT_SWEEP_SCHEDULE,
  DEFAULT_CONFIG_PERIODIC,
  DEFAULT_MEMBER_ROLE_NAME,
  DEFAULT_CONFIG_REPORTER_ROLE_NAME,
};
