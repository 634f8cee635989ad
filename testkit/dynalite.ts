import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stateTableCreateInput } from '../state/table-schema';

// dynalite ships no types; this is the one call we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs?: number }) => Server;

export interface LocalDynamo {
  client: DynamoDBClient;
  /** `http://127.0.0.1:<port>`, for clients built elsewhere (AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  /** The first (usually the only) table created. */
  tableName: string;
  close(): Promise<void>;
}

/**
 * A real DynamoDB engine on loopback with state tables created from the production schema;
 * used by the tests and the handler benchmark.
 */
export async function startDynalite(
  tableNames: string | readonly string[] = 'eks-guard-state',
): Promise<LocalDynamo> {
  const names = typeof tableNames === 'string' ? [tableNames] : [...tableNames];
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
  });
  const close = async () => {
    client.destroy();
    // Other clients reach the endpoint too (handlers build theirs from AWS_ENDPOINT_URL_DYNAMODB) and are not
    // destroyed; ending every connection lets close() finish instead of waiting for their sockets.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  try {
    for (const name of names) {
      await client.send(new CreateTableCommand(stateTableCreateInput(name)));
      for (;;) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } catch (error) {
    // The caller gets no handle to close, so a listening server would keep the jest worker from exiting.
    await close();
    throw error;
  }
  return { client, endpoint, tableName: names[0]!, close };
}
