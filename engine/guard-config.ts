import * as z from 'zod';

/*
 * The configuration shared by the CLI's `--config` file, the per-stage deploy file and the
 * Lambdas' GUARD_CONFIG: only the schema, so a handler can validate its settings without
 * loading the YAML reader the CLI uses for files (cli/config-file.ts).
 */

const PARAMETER_VALUE_EXPECTED = 'expected a string, number, boolean or list of strings';

/** A parameter value as YAML/JSON may spell it; `parameterTexts` turns it into the text `--param` would give. */
export const ParameterValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())], {
  error: PARAMETER_VALUE_EXPECTED,
});

/** AWS Config's MaximumExecutionFrequency values (ConfigRule Source.SourceDetails). */
export const CONFIG_PERIODIC_FREQUENCIES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;

/** SSM parameter names: letters, digits, `_.-`, and `/` for a hierarchy (a leading `/` or none). */
const SSM_PARAMETER_NAME = /^\/?[\w.-]+(\/[\w.-]+)*$/;

/** An IAM role name without a path (IAM's RoleName: 1–64 of [\w+=,.@-]). */
const ROLE_NAME_EXPECTED = 'expected an IAM role name of 1 to 64 characters [\\w+=,.@-], without a path';
const IAM_ROLE_NAME = z
  .string({ error: ROLE_NAME_EXPECTED })
  .regex(/^[\w+=,.@-]{1,64}$/, { error: ROLE_NAME_EXPECTED });

/**
 * The keys of the config file. Deploy-time settings (`alerts`, `schedule`) belong here
 * too, so one file serves the CLI and the deployment: add them to this shape (the CLI
 * ignores keys it does not use) rather than keeping a second schema that would reject
 * the other's keys.
 */
export const configFileShape = {
  /** Rule ids to run (like `--rules`): a list, or one comma-separated string. */
  rules: z.union([z.array(z.string()), z.string()], { error: 'expected a list of rule ids' }).optional(),
  /** Parameters (like `--param`), SPEC §4's flat namespace. */
  parameters: z.record(z.string(), ParameterValueSchema).optional(),
  /** Deploy only (the CLI ignores it): who hears about transitions (SPEC §9). */
  alerts: z
    .strictObject({
      emails: z.array(z.email({ error: 'expected an email address' })).optional(),
      /** Name of the SSM SecureString holding the Slack webhook URL; the URL itself never sits in a file. */
      slackWebhookParameter: z
        .string()
        .regex(SSM_PARAMETER_NAME, { error: 'expected an SSM parameter name such as /guard/slack-webhook' })
        .optional(),
    })
    .optional(),
  /** Deploy only (the CLI ignores it): how often the sweep and the periodic Config run happen. */
  schedule: z
    .strictObject({
      sweep: z
        .string()
        .regex(/^(rate|cron)\(.+\)$/, { error: 'expected an EventBridge schedule such as rate(1 hour)' })
        .optional(),
      configPeriodic: z.enum(CONFIG_PERIODIC_FREQUENCIES).optional(),
    })
    .optional(),
  /**
   * Deploy only (the CLI ignores it): `importFindings: true` imports every drift transition into
   * Security Hub (BatchImportFindings under the account's default product); off unless set.
   */
  securityHub: z
    .strictObject(
      { importFindings: z.boolean({ error: 'expected true or false' }).optional() },
      {
        error: (issue) =>
          issue.code === 'invalid_type' ? 'expected a mapping such as { importFindings: true }' : undefined,
      },
    )
    .optional(),
  /**
   * Deploy only (the CLI ignores it): `hub: true` makes the stage an AWS Organizations hub (deploy/org): its hourly
   * sweep also covers every ACTIVE account of the Organization (organizations:ListAccounts, so the stage must run in
   * the management or a delegated-administrator account) through the member roles; off unless set.
   */
  organization: z
    .strictObject(
      {
        hub: z.boolean({ error: 'expected true or false' }).optional(),
        /**
         * The sts:ExternalId the member roles require, if their StackSet was given one (the same
         * value as the CLI's --external-id). Not a secret: AWS documents it as a confused-deputy guard.
         */
        memberRoleExternalId: z
          .string()
          .regex(/^[\w+=,.@:/-]{2,1224}$/, {
            error: 'expected an external id of 2 to 1,224 characters [\\w+=,.@:/-]',
          })
          .optional(),
        /**
         * The member roles' names, when the member StackSet creates them under others than the defaults
         * (`private-eks-guard-reader`, `private-eks-guard-config-reporter`). A plain name: CloudFormation's
         * RoleName takes no path (IAM keeps it apart, in `Path`), unlike the CLI's `--role-name`.
         */
        memberRoleName: IAM_ROLE_NAME.optional(),
        configReporterRoleName: IAM_ROLE_NAME.optional(),
      },
      {
        error: (issue) =>
          issue.code === 'invalid_type' ? 'expected a mapping such as { hub: true }' : undefined,
      },
    )
    .optional(),
};

/** Unknown top-level keys are errors: a typo (`parameter:`) must not silently drop settings. */
export const ConfigFileSchema = z.strictObject(configFileShape);
export type ConfigFile = z.output<typeof ConfigFileSchema>;

// Re-exported: the zod-free readers of a parsed file live apart, so the CLI loads zod only for --config.
export { configRuleIds, parameterTexts } from './config-texts';
