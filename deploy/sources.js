'use strict';
/**
 * The TypeScript modules the deployment is generated from (rule catalog, Config rule names, rule
 * selection, config schema, drift pattern, IAM action list, table schema), compiled in memory with
 * esbuild. Reading the sources rather than dist/ means a stale or partial build can never deploy a
 * template that disagrees with the code the Lambdas are bundled from (and state/ is not part of the
 * dist build).
 */
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const REPO_ROOT = path.resolve(__dirname, '..');

const ENTRY = `
export { RULES } from './rules/index';
export { CONFIG_RULE_NAME_PREFIX, configRuleName } from './engine/config-rule-names';
export { parseRuleSelection } from './engine/rule-selection';
export { UsageError } from './engine/errors';
export { parseParams } from './engine/params';
export { ConfigFileSchema, parseConfigText, parameterTexts } from './cli/config-file';
export { DRIFT_EVENT_PATTERN } from './drift/event-pattern';
export { COLLECTOR_IAM_ACTIONS } from './aws/permissions';
export { memberRolePolicy, memberRoleTrustPolicy } from './aws/member-role';
export { MEMBER_ROLE_NAME, CONFIG_REPORTER_ROLE_NAME } from './aws/member-role-name';
export { SCOPE_RESOURCE_TYPES } from './config-rules/scope';
export { stateTableCloudFormationProperties } from './state/table-schema';
`;

let loaded;

function loadSources() {
  if (loaded) return loaded;
  const result = esbuild.buildSync({
    stdin: { contents: ENTRY, resolveDir: REPO_ROOT, sourcefile: 'deploy-sources.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // zod, yaml, ipaddr.js … load from node_modules as usual; only our own code is compiled.
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  loaded = compileModule(result.outputFiles[0].text, path.join(REPO_ROOT, 'deploy', '.sources.generated.js'));
  return loaded;
}

/** Runs CommonJS `code` as the module `file` (never written), resolving packages from the repository. */
function compileModule(code, file) {
  const compiled = new Module(file, module);
  compiled.filename = file;
  compiled.paths = Module._nodeModulePaths(REPO_ROOT);
  compiled._compile(code, file);
  return compiled.exports;
}

module.exports = { loadSources, compileModule, REPO_ROOT };
