import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_KEY_SCHEMA,
  stateTableCloudFormationProperties,
} from '../../state/table-schema';
import { StateContentionError, StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';

describe('state table schema', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startDynalite('schema-check');
  });
  afterAll(async () => {
    await local.close();
  });

  it('creates a table whose keys are the exported constants', async () => {
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: 'schema-check' }));
    expect(Table?.KeySchema).toEqual(STATE_TABLE_KEY_SCHEMA);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([...STATE_TABLE_ATTRIBUTE_DEFINITIONS]),
    );
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('gives CloudFormation an on-demand, encrypted table and leaves PITR to the deployer', () => {
    expect(stateTableCloudFormationProperties('guard-state')).toEqual({
      TableName: 'guard-state',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      SSESpecification: { SSEEnabled: true },
    });
    expect(stateTableCloudFormationProperties()).not.toHaveProperty('TableName');
  });
});

describe('StateStore retry bounds (mocked DynamoDB)', () => {
  const storedItem = {
    pk: { S: 'c1' },
    sk: { S: 'NETWORK_ACLS' },
    compliance: { S: 'COMPLIANT' },
    since: { S: '2025-06-01T10:00:00.000Z' },
    lastEventId: { S: 'e0' },
    observedAt: { S: '2025-06-01T10:00:00.000Z' },
    version: { N: '3' },
    updatedAt: { S: '2025-06-01T10:00:01.000Z' },
  };
  const violation = {
    clusterName: 'c1',
    ruleId: 'NETWORK_ACLS',
    compliance: 'NON_COMPLIANT' as const,
    eventId: 'e1',
    observedAt: '2025-06-01T10:05:00Z',
  };

  it('gives up with StateContentionError after maxAttempts lost races, never reporting a transition', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(GetItemCommand).resolves({ Item: storedItem });
    dynamo
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('changed'), { name: 'ConditionalCheckFailedException' }));
    const store = new StateStore(new DynamoDBClient({}), 'table', { maxAttempts: 3 });

    await expect(store.record(violation)).rejects.toBeInstanceOf(StateContentionError);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(3);
    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': { N: '3' } },
    });
    dynamo.restore();
  });

  it('does not retry other errors', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(GetItemCommand).resolves({ Item: storedItem });
    dynamo
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    const store = new StateStore(new DynamoDBClient({}), 'table');

    await expect(store.record(violation)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
    dynamo.restore();
  });

  it('refuses to act on a corrupted stored item rather than guess a transition', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(GetItemCommand).resolves({ Item: { ...storedItem, compliance: { S: 'INSUFFICIENT_DATA' } } });
    const store = new StateStore(new DynamoDBClient({}), 'table');

    await expect(store.record(violation)).rejects.toThrow(
      /c1\/NETWORK_ACLS holds compliance INSUFFICIENT_DATA/,
    );
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(0);
    dynamo.restore();
  });
});
