/**
 * An Organization hub's drift deps for tests: the harness's own account, plus member accounts read through their
 * reader role. The role is assumed by `fromTemporaryCredentials` (aws/member-access.ts) against the fake
 * Organization's STS (testkit/fake-org.ts), whose members refuse keys AssumeRole did not issue for them; every
 * AssumeRole's RoleArn is recorded in `assumed`. Member state is the harness table under the member's keys, and
 * member Config is the one `memberConfig` client (aws-sdk-client-mock answers it).
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { createClients, destroyClients, type AwsClients } from '../../aws/clients';
import { memberCredentials, type MemberAccessOptions } from '../../aws/member-access';
import { AwsReader } from '../../aws/reader';
import type { DriftDeps } from '../../drift/drift-deps';
import type { StateStore } from '../../state/state-store';
import type { FakeOrganization } from '../../testkit/fake-org';
import { REGION, type Harness } from './drift-harness';

const NO_PACING = { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } };

export interface OrganizationDeps {
  deps: DriftDeps;
  /** The RoleArn of every AssumeRole sent, in order; clear it between checks. */
  assumed: string[];
  /** The Config client every member's scope answers with. */
  memberConfig: ConfigServiceClient;
  close(): void;
}

export function organizationDeps(
  h: Harness,
  org: FakeOrganization,
  hubAccount: string,
  organizations: OrganizationsClient,
): OrganizationDeps {
  const assumed: string[] = [];
  const memberClients: AwsClients[] = [];
  const access: MemberAccessOptions = {
    partition: 'aws',
    region: REGION,
    stsPlugins: [
      {
        applyToStack: (stack) => {
          stack.add(
            (next, context) => async (args) => {
              if (context.commandName === 'AssumeRoleCommand') {
                assumed.push(String((args.input as { RoleArn?: string }).RoleArn));
              }
              return next(args);
            },
            { step: 'initialize', name: 'recordAssumeRole', override: true },
          );
          // fromTemporaryCredentials' own STS client, answered by the fake Organization's AssumeRole.
          org.installHub({ organizations, sts: { middlewareStack: stack } as unknown as STSClient });
        },
      },
    ],
  };
  const readers = new Map<string, AwsReader>();
  const memberConfig = new ConfigServiceClient({ region: REGION });
  const deps: DriftDeps = {
    ...h.deps,
    accountId: hubAccount,
    readerFor: (account, region) => {
      if (account === undefined) return h.deps.readerFor(undefined, region);
      let reader = readers.get(account);
      if (!reader) {
        const clients = createClients({
          region,
          maxAttempts: 1,
          credentials: memberCredentials(access, account, 'reader'),
          accountId: account,
        });
        memberClients.push(clients);
        org.installMember(clients, account, region);
        reader = new AwsReader(clients, region, { limits: NO_PACING });
        readers.set(account, reader);
      }
      return reader;
    },
    member: (account, region) => ({
      store: (h.deps.store as StateStore).forScope({ accountId: account, region }),
      config: memberConfig,
    }),
  };
  return { deps, assumed, memberConfig, close: () => memberClients.forEach(destroyClients) };
}
