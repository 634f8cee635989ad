import { ConfigEventError } from '../../config-rules/errors';
import {
  DEFAULT_RULE_NAME_PREFIX,
  ruleIdFromConfigRuleName,
  selectRule,
} from '../../config-rules/rule-selection';
import { CONFIG_RULE_NAME_PREFIX } from '../../engine/config-rule-names';
import { configRuleName } from '../../engine/rule';
import { RULES } from '../../rules';

describe('selectRule', () => {
  it('inverts configRuleName for every catalog rule', () => {
    for (const rule of RULES) {
      expect(ruleIdFromConfigRuleName(configRuleName(rule.meta.id))).toBe(rule.meta.id);
      expect(selectRule(configRuleName(rule.meta.id), {}).rule).toBe(rule);
    }
  });

  it('prefers ruleId from the InputParameters and passes the rest as parameters', () => {
    const selected = selectRule('any-name', { ruleId: 'SUBNETS_FREE_IPS', minFreeIps: '16' });
    expect(selected.rule.meta.id).toBe('SUBNETS_FREE_IPS');
    expect(selected.params.minFreeIps).toBe(16);
  });

  it('reads the ruleId as every driver reads rule ids (engine/rule-selection.ts)', () => {
    expect(selectRule('any-name', { ruleId: ' subnets_multi_az ' }).rule.meta.id).toBe('SUBNETS_MULTI_AZ');
    expect(selectRule('any-name', { ruleId: 'private-eks-subnets-multi-az' }).rule.meta.id).toBe(
      'SUBNETS_MULTI_AZ',
    );
  });

  it('uses the shared default prefix', () => {
    expect(DEFAULT_RULE_NAME_PREFIX).toBe(CONFIG_RULE_NAME_PREFIX);
  });

  it('honours a custom name prefix', () => {
    expect(selectRule('guard-subnets-multi-az', {}, 'guard-').rule.meta.id).toBe('SUBNETS_MULTI_AZ');
  });

  it.each([
    ['a name without the prefix', 'other-rule', {}, /no ruleId .* does not start with "private-eks-"/],
    ['an unknown rule', 'private-eks-no-such-rule', {}, /unknown rule id "NO_SUCH_RULE"/],
    [
      'a bad parameter value',
      'private-eks-subnets-free-ips',
      { minFreeIps: '-1' },
      /bad InputParameters: parameter minFreeIps/,
    ],
    [
      'an unknown parameter',
      'private-eks-subnets-free-ips',
      { minFreeIP: '6' },
      /unknown parameter "minFreeIP"/,
    ],
  ])('fails with one clear error for %s', (_, name, parameters, message) => {
    expect(() => selectRule(name, parameters)).toThrow(ConfigEventError);
    expect(() => selectRule(name, parameters)).toThrow(message);
  });
});
