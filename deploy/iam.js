'use strict';
/**
 * Least-privilege roles, one per function (SPEC §10). Every ARN is an Fn::Sub over
 * ${AWS::Partition}/${AWS::Region}/${AWS::AccountId} or a GetAtt, so one template deploys
 * unchanged to aws, aws-cn and aws-us-gov.
 */
const { loadSources } = require('./sources');

const sub = (text) => ({ 'Fn::Sub': text });
const getAtt = (logicalId, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attribute] });

const STATE_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];

function allow(actions, resource, condition) {
  return {
    Effect: 'Allow',
    Action: [...actions],
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  };
}

/**
 * The ASFF fields BatchUpdateFindings can change besides Workflow (User Guide "BatchUpdateFindings for customers":
 * Confidence, Criticality, Note, RelatedFindings, Severity, Types, UserDefinedFields, VerificationState), Note and
 * Severity by their members (the SDK model's NoteUpdate, SeverityUpdate). The roles' BatchUpdateFindings is
 * allowed only while each of these is absent: a `Null: true` on a path the request does not carry is always met, so
 * the list can only narrow the grant, never refuse our own call (which sends Workflow.Status alone).
 */
const BATCH_UPDATE_OTHER_FIELDS = [
  'Confidence',
  'Criticality',
  'Note.Text',
  'Note.UpdatedBy',
  'RelatedFindings',
  'Severity.Label',
  'Severity.Normalized',
  'Severity.Product',
  'Types',
  'UserDefinedFields',
  'VerificationState',
];

/** The grants each role is built from; exported so tests can hold the template to them. */
const grants = {
  // The collector's Describe*/List*/Get* calls do not support resource-level permissions.
  collector: () => allow(loadSources().COLLECTOR_IAM_ACTIONS, '*'),
  // PutEvaluations is authorised by the invocation's ResultToken, not a rule ARN: it takes no resource.
  putEvaluations: () => allow(['config:PutEvaluations'], '*'),
  logs: (functionName) =>
    allow(
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      sub(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName}:*`,
      ),
    ),
  deadLetter: () => allow(['sqs:SendMessage'], getAtt('DeadLetterQueue')),
  stateTable: () => allow(STATE_TABLE_ACTIONS, getAtt('StateTable')),
  publishAlerts: () => [
    allow(['sns:Publish'], [{ Ref: 'ChatTopic' }, { Ref: 'EmailTopic' }]),
    // Publishing to a KMS-encrypted topic needs the caller to use the topic's key.
    allow(['kms:GenerateDataKey', 'kms:Decrypt'], getAtt('TopicKey')),
  ],
  sendRecheck: () => allow(['sqs:SendMessage'], getAtt('RecheckQueue')),
  // The SQS event source mapping polls with the function's own role.
  consumeRecheck: () =>
    allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], getAtt('RecheckQueue')),
  // BatchImportFindings' resource is the product findings are imported under (Service Authorization Reference,
  // Security Hub: resource type `product`): the account's own default product in this Region, and no other.
  importFindings: () => allow(['securityhub:BatchImportFindings'], securityHubProductArn()),
  // A RESOLVED's Workflow RESOLVED (securityhub/update-workflow.ts): BatchImportFindings ignores Workflow once a
  // finding exists. BatchUpdateFindings' resource is the account's hub in this Region (Service Authorization
  // Reference, Security Hub: resource type `hub`), and its condition keys `securityhub:ASFFSyntaxPath/<field>` hold it
  // to the one field and value we set: Workflow.Status RESOLVED, with every other field BatchUpdateFindings accepts
  // absent from the request (User Guide "BatchUpdateFindings for customers", configuring access).
  resolveFindings: () =>
    allow(['securityhub:BatchUpdateFindings'], securityHubHubArn(), {
      StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': 'RESOLVED' },
      Null: Object.fromEntries(
        BATCH_UPDATE_OTHER_FIELDS.map((field) => [`securityhub:ASFFSyntaxPath/${field}`, 'true']),
      ),
    }),
  // A hub stage's sweep lists the Organization's accounts. ListAccounts has no resource type in the Service
  // Authorization Reference (AWS Organizations): it is granted on '*' or not at all.
  listAccounts: () => allow(['organizations:ListAccounts'], '*'),
  readSlackWebhook: (parameterName) => [
    allow(
      ['ssm:GetParameter'],
      sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:${ssmParameterPath(parameterName)}`),
    ),
    // The SecureString's key is the deployer's (aws/ssm or their own): allow Decrypt only through SSM.
    allow(['kms:Decrypt'], sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'), {
      StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.${AWS::URLSuffix}') },
    }),
  ],
};

/** The account's Security Hub (its `hub` resource) in this Region: what BatchUpdateFindings is authorised on. */
function securityHubHubArn() {
  return sub('arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default');
}

/** The account's default Security Hub product, where a customer's own findings are imported. */
function securityHubProductArn() {
  return sub(
    'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
  );
}

/** `parameter/a/b` for both `/a/b` and `a/b` — the ARN has exactly one slash after `parameter`. */
function ssmParameterPath(name) {
  return `parameter/${name.replace(/^\//, '')}`;
}

function lambdaRole(statements) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      // No RoleName: IAM is global, so a fixed name would collide between Regions of one account.
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        {
          PolicyName: 'least-privilege',
          PolicyDocument: { Version: '2012-10-17', Statement: statements.flat() },
        },
      ],
    },
  };
}

/**
 * Rights on the Config rules themselves. A rule's ARN carries a generated id, so it is only known
 * through GetAtt; and the rules depend on the evaluator (and so on its role). A separate
 * AWS::IAM::Policy attached after the rules exist breaks that cycle.
 */
function configRulesPolicy(actions, roleLogicalIds, ruleLogicalIds) {
  return {
    Type: 'AWS::IAM::Policy',
    Properties: {
      PolicyName: 'config-rules',
      Roles: roleLogicalIds.map((id) => ({ Ref: id })),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          allow(
            actions,
            ruleLogicalIds.map((id) => getAtt(id)),
          ),
        ],
      },
    },
  };
}

/**
 * One role per function: logical id → resource. `securityHubImport`: drift and sweep import their transitions.
 * `organizationHub`: the sweep lists the Organization's accounts. The right to assume the member roles is not here:
 * the hub template (deploy/org/templates.js AssumeMemberRolesPolicy) owns it, since only it knows the Organization's
 * id for its `aws:ResourceOrgID` condition and the member roles' names.
 */
function roleResources({
  functionNames,
  ruleLogicalIds,
  slackWebhookParameter,
  securityHubImport = false,
  organizationHub = false,
}) {
  const importFindings = securityHubImport ? [grants.importFindings(), grants.resolveFindings()] : [];
  const resources = {
    ConfigEvaluatorRole: lambdaRole([
      grants.collector(),
      grants.putEvaluations(),
      grants.deadLetter(),
      grants.logs(functionNames.configEvaluator),
    ]),
    DriftRole: lambdaRole([
      grants.collector(),
      grants.stateTable(),
      grants.publishAlerts(),
      grants.sendRecheck(),
      grants.consumeRecheck(),
      grants.deadLetter(),
      grants.logs(functionNames.drift),
      ...importFindings,
    ]),
    SweepRole: lambdaRole([
      grants.collector(),
      grants.stateTable(),
      grants.publishAlerts(),
      grants.sendRecheck(),
      grants.deadLetter(),
      grants.logs(functionNames.sweep),
      ...importFindings,
      ...(organizationHub ? [grants.listAccounts()] : []),
    ]),
    // The periodic run lists rules' past results to retire clusters that no longer exist (SPEC §8).
    ConfigEvaluatorRulesPolicy: configRulesPolicy(
      ['config:GetComplianceDetailsByConfigRule'],
      ['ConfigEvaluatorRole'],
      ruleLogicalIds,
    ),
    DriftRulesPolicy: configRulesPolicy(
      ['config:StartConfigRulesEvaluation'],
      ['DriftRole', 'SweepRole'],
      ruleLogicalIds,
    ),
  };
  if (slackWebhookParameter !== undefined) {
    resources.SlackNotifierRole = lambdaRole([
      grants.readSlackWebhook(slackWebhookParameter),
      grants.deadLetter(),
      grants.logs(functionNames.slackNotifier),
    ]);
  }
  return resources;
}

module.exports = {
  roleResources,
  grants,
  ssmParameterPath,
  securityHubProductArn,
  securityHubHubArn,
  BATCH_UPDATE_OTHER_FIELDS,
  STATE_TABLE_ACTIONS,
  sub,
  getAtt,
};
