/** The drift Lambdas' GUARD_CONFIG: the stage's rules and parameters, as deploy/resources.js writes them. */
import * as z from 'zod';
import { configFileShape, configRuleIds, parameterTexts } from '../engine/guard-config';
import { parseParams } from '../engine/params';
import { RULES, ruleById } from '../rules';
import type { GuardConfig } from './drift-deps';

const GuardConfigSchema = z.strictObject({
  rules: configFileShape.rules,
  parameters: configFileShape.parameters,
});

/** GUARD_CONFIG (`{"rules":[ids],"parameters":{name:text}}`); absent = every rule with default parameters. */
export function parseGuardConfig(text: string | undefined): GuardConfig {
  const parsed = GuardConfigSchema.parse(text === undefined || text.trim() === '' ? {} : JSON.parse(text));
  const ids = configRuleIds(parsed);
  const rules =
    ids === undefined
      ? RULES
      : ids.map((raw) => {
          const id = raw.trim();
          const rule = ruleById(id);
          if (!rule) throw new Error(`GUARD_CONFIG names unknown rule ${JSON.stringify(id)}`);
          return rule;
        });
  return { rules, params: parseParams(parameterTexts(parsed)) };
}
