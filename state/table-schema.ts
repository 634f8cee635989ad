import type {
  AttributeDefinition,
  CreateTableCommandInput,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/**
 * The last-known-state table (SPEC §8): one item per cluster × rule, plus one registry
 * item per cluster so the sweep can list known clusters without a Scan.
 *
 * Key design: partition key `pk` = cluster name, sort key `sk` = rule id. A cluster's
 * rows share a partition, so "everything we know about cluster X" (needed to forget a
 * deleted cluster) is one Query. Registry items live under REGISTRY_PK, which can never
 * be a cluster name because EKS names start with a letter or digit.
 *
 * These constants are the single source for both the tests' CreateTable call and
 * serverless.yml's AWS::DynamoDB::Table, whose properties have the same shapes.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Partition holding one item per known cluster (sk = cluster name). */
export const REGISTRY_PK = '#CLUSTERS';

/** An account × Region whose state an Organization hub keeps beside its own (deploy/org). */
export interface StateScope {
  accountId: string;
  region: string;
}

/**
 * Keys of a member account's clusters in a hub (deploy/org): `<account>/<region>/<cluster>` rows and a registry
 * partition `#CLUSTERS/<account>/<region>`. The hub's own clusters keep the single-account keys above (the cluster
 * name alone, `#CLUSTERS`), so a deployment that was single-account before needs no migration. The two never
 * collide: EKS cluster names are letters, digits, `-` and `_` only, so no cluster name contains `/`, and a
 * 12-digit account id plus a Region is never a prefix the single-account keys use.
 */
export function scopePrefix(scope: StateScope | undefined): string {
  return scope === undefined ? '' : `${scope.accountId}/${scope.region}/`;
}

export function registryPartition(scope: StateScope | undefined): string {
  return scope === undefined ? REGISTRY_PK : `${REGISTRY_PK}/${scope.accountId}/${scope.region}`;
}

export const STATE_TABLE_KEY_SCHEMA: readonly KeySchemaElement[] = [
  { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
  { AttributeName: SORT_KEY, KeyType: 'RANGE' },
];

/** Only key attributes may be declared; the rest of the item is schemaless. */
export const STATE_TABLE_ATTRIBUTE_DEFINITIONS: readonly AttributeDefinition[] = [
  { AttributeName: PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: SORT_KEY, AttributeType: 'S' },
];

/** Traffic is a few writes per CloudTrail event and per hourly sweep: on-demand costs least. */
export const STATE_TABLE_BILLING_MODE = 'PAY_PER_REQUEST';

/**
 * `Properties` of the AWS::DynamoDB::Table resource. Point-in-time recovery is left to the
 * deployer (the table is a cache of re-derivable state; losing it costs at most one
 * round of duplicate alerts).
 */
export function stateTableCloudFormationProperties(tableName?: string): Record<string, unknown> {
  return {
    ...(tableName === undefined ? {} : { TableName: tableName }),
    BillingMode: STATE_TABLE_BILLING_MODE,
    KeySchema: STATE_TABLE_KEY_SCHEMA.map((k) => ({ ...k })),
    AttributeDefinitions: STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((a) => ({ ...a })),
    SSESpecification: { SSEEnabled: true },
  };
}

/** The same table as a CreateTable request (used by tests against a local engine). */
export function stateTableCreateInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: STATE_TABLE_BILLING_MODE,
    KeySchema: STATE_TABLE_KEY_SCHEMA.map((k) => ({ ...k })),
    AttributeDefinitions: STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((a) => ({ ...a })),
    SSESpecification: { Enabled: true },
  };
}
