import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { createClients } from '../../aws/clients';
import { AwsReader, type Service } from '../../aws/reader';
import { installFakeAws, useFakeCredentials, type FakeAwsServer } from '../../testkit/fake-aws';
import type { ClusterIds, RawSnapshot } from '../../testkit/private-cluster';

/** The ids the events/ samples use (events/README.md), and what to put in their place. */
export const SAMPLE_IDS = {
  vpc: 'vpc-0a1b2c3d4e5f60718',
  subnet: 'subnet-0aa11bb22cc33dd44',
  securityGroup: 'sg-0123456789abcdef0',
} as const;

type Json = Record<string, unknown>;

/** An events/ sample with the sample ids replaced by a generated cluster's ids. */
export function sample(file: string, ids?: ClusterIds): Json {
  let text = readFileSync(join(__dirname, '../../events', file), 'utf8');
  if (ids) {
    text = text
      .replaceAll(SAMPLE_IDS.vpc, ids.vpcId)
      .replaceAll(SAMPLE_IDS.subnet, ids.subnetIds[0]!)
      .replaceAll(SAMPLE_IDS.securityGroup, ids.nodeSecurityGroupId);
  }
  return JSON.parse(text) as Json;
}

/** A sample whose invokingEvent (a JSON string) is edited. */
export function withInvokingEvent(event: Json, edit: (invoking: Json) => void): Json {
  const invoking = JSON.parse(event.invokingEvent as string) as Json;
  edit(invoking);
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

/** A reader that records the security groups looked up by id (the fake account answers them). */
class LookupReader extends AwsReader {
  readonly lookups: string[] = [];
  constructor(clients: ReturnType<typeof createClients>, region: string) {
    super(clients, region, {
      limits: { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } },
    });
  }

  override send<Output>(service: Service, command: { readonly input: object }): Promise<Output> {
    if (command instanceof DescribeSecurityGroupsCommand && command.input.GroupIds) {
      this.lookups.push(`ec2:DescribeSecurityGroups ${command.input.GroupIds.join(',')}`);
    }
    return super.send(service, command);
  }
}

export interface FakeAccount {
  reader: LookupReader;
  server: FakeAwsServer;
}

/** A reader over real SDK clients whose HTTP exchange is answered from `account`. */
export function fakeAccount(
  account: RawSnapshot,
  inject?: Parameters<typeof installFakeAws>[2],
): FakeAccount {
  useFakeCredentials();
  const clients = createClients({ region: account.region, maxAttempts: 1 });
  const server = installFakeAws(clients, account, { buckets: { ec2: undefined, eks: undefined }, ...inject });
  return { reader: new LookupReader(clients, account.region), server };
}
