/** The drift Lambdas' GUARD_CONFIG: the stage's rules and parameters, as deploy/resources.js writes them. */
import * as z from 'zod';
import { configFileShape, parameterTexts } from '../engine/guard-config';
import { parseParams } from '../engine/params';
import { parseRuleSelection } from '../engine/rule-selection';
import type { GuardConfig } from './drift-deps';

const GuardConfigSchema = z.strictObject({
  rules: configFileShape.rules,
  parameters: configFileShape.parameters,
});

/** GUARD_CONFIG (`{"rules":[ids],"parameters":{name:text}}`); absent = every rule with default parameters. */
export function parseGuardConfig(text: string | undefined): GuardConfig {
  const parsed = GuardConfigSchema.parse(text === undefined || text.trim() === '' ? {} : JSON.parse(text));
  const rules = parseRuleSelection(parsed.rules, {
    unknown: (id) => new Error(`GUARD_CONFIG names unknown rule ${JSON.stringify(id)}`),
    order: 'given',
  });
  return { rules, params: parseParams(parameterTexts(parsed)) };
}
