/*
 * A fake AWS Organization for the organization runs' tests and benchmark: the caller's
 * Organizations and STS (organizations:ListAccounts, sts:AssumeRole) and, behind each member
 * account's assumed role, that account's own fake EC2/EKS/STS (testkit/fake-aws.ts), each account
 * × Region with its own state, buckets and counters, as AWS keeps them.
 *
 * As in fake-aws.ts only the HTTP exchange is replaced: requests are serialized and signed by the
 * real SDK. The member side tells accounts apart the way AWS does, by the access key a request is
 * signed with: AssumeRole issues keys bound to one account, and a member account answers any other
 * key with the service's authentication error. So a collection that used the wrong (or the
 * caller's) credentials fails here as it would against AWS.
 *
 * Modelled from the API references: ListAccounts pages (MaxResults 1–20; a page may hold fewer
 * accounts than asked, even none, while a NextToken follows), `State` beside the retiring `Status`;
 * AssumeRole's RoleArn, RoleSessionName (2–64 of [\w+=,.@-]), DurationSeconds (900 up to the role's
 * maximum session, 3,600 s by default), ExternalId, and AccessDenied for a caller the role's trust
 * policy does not admit.
 */
import { OrganizationsServiceException } from '@aws-sdk/client-organizations';
import type { AwsClients } from '../aws/clients';
import type { HubClients } from '../aws/hub-clients';
import { MEMBER_ROLE_NAME } from '../aws/member-role';
import {
  accessDenied,
  errorOf,
  installFakeAws,
  type FakeAwsOptions,
  type FakeAwsServer,
  type FakeRequest,
} from './fake-aws';
import type { RawSnapshot } from './private-cluster';

type Json = Record<string, unknown>;

export type FakeAccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED' | 'PENDING_ACTIVATION';

export interface FakeMemberAccount {
  id: string;
  name?: string;
  /** Default ACTIVE. */
  state?: FakeAccountState;
  /** Each Region's state; a Region not listed is empty (no clusters). */
  regions: Record<string, RawSnapshot>;
  /** The member role refuses the caller (its trust policy does not admit it): AccessDenied. */
  denyAssume?: boolean;
  /** The ExternalId the role's trust policy requires. */
  externalId?: string;
  /** IAM actions the member role lacks, e.g. `ec2:DescribeSubnets`. */
  deny?: readonly string[];
}

export interface FakeOrganizationOptions {
  /** The most accounts the fake puts on a ListAccounts page (AWS may serve fewer than asked). */
  pageSize?: number;
  /** Serve an empty page (with a NextToken) first, as the API reference warns can happen. */
  emptyFirstPage?: boolean;
  /** Answer only the retiring `Status` (older answers), never `State`. */
  statusOnly?: boolean;
  /** The member role's name in every account. */
  roleName?: string;
  /** The member role's maximum session, seconds (IAM's default 3,600). */
  maxSessionSeconds?: number;
  /** Options for every member account × Region (latency, buckets, seed). */
  member?: Omit<FakeAwsOptions, 'inject'>;
  now?: () => number;
}

/** What the caller's side saw. */
export interface HubCounters {
  listAccounts: number;
  assumeRole: number;
  assumeRoleDenied: number;
}

const PARTITION_OF_ACCOUNT = 'aws';
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(.+)$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function organizationsError(code: string, message: string): Error {
  return new OrganizationsServiceException({
    name: code,
    $fault: 'client',
    $metadata: { httpStatusCode: 400, requestId: '00000000-fake-org-0000-000000000000' },
    message,
  });
}

/** Status has no CLOSED or PENDING_ACTIVATION: such accounts carry only State. */
function statusOf(state: FakeAccountState): string | undefined {
  return state === 'ACTIVE' || state === 'SUSPENDED' || state === 'PENDING_CLOSURE' ? state : undefined;
}

export class FakeOrganization {
  readonly hub: HubCounters = { listAccounts: 0, assumeRole: 0, assumeRoleDenied: 0 };
  /** Every member account × Region fake, in creation order. */
  readonly members: { accountId: string; region: string; server: FakeAwsServer }[] = [];
  /** Access keys AssumeRole issued, and the account each acts in. */
  private readonly issued = new Map<string, string>();
  private readonly byId: Map<string, FakeMemberAccount>;
  private keys = 0;

  constructor(
    /** The management account the caller's credentials belong to. */
    readonly managementAccount: string,
    readonly accounts: readonly FakeMemberAccount[],
    readonly options: FakeOrganizationOptions = {},
  ) {
    this.byId = new Map(accounts.map((account) => [account.id, account]));
  }

  private listAccounts(input: Json): Json {
    this.hub.listAccounts += 1;
    const requested = input.MaxResults === undefined ? 20 : Number(input.MaxResults);
    if (!Number.isInteger(requested) || requested < 1 || requested > 20) {
      throw organizationsError(
        'InvalidInputException',
        'You provided a value that does not match the required pattern.',
      );
    }
    const token = input.NextToken === undefined ? undefined : String(input.NextToken);
    let offset = 0;
    if (token !== undefined) {
      const match = /^fake-org-page-(\d+)$/.exec(token);
      if (!match) throw organizationsError('InvalidInputException', 'The NextToken is not valid.');
      offset = Number(match[1]);
    } else if (this.options.emptyFirstPage) {
      return { Accounts: [], NextToken: 'fake-org-page-0' };
    }
    const size = Math.min(requested, this.options.pageSize ?? 20);
    const page = this.accounts.slice(offset, offset + size);
    const end = offset + page.length;
    return {
      Accounts: page.map((account) => {
        const state = account.state ?? 'ACTIVE';
        const status = statusOf(state);
        return {
          Id: account.id,
          Arn: `arn:aws:organizations::${this.managementAccount}:account/o-exampleorgid/${account.id}`,
          Email: `aws+${account.id}@example.com`,
          Name: account.name ?? `account-${account.id}`,
          ...(this.options.statusOnly ? {} : { State: state }),
          ...(status === undefined ? {} : { Status: status }),
          JoinedMethod: 'CREATED',
          JoinedTimestamp: new Date('2024-01-01T00:00:00Z'),
        };
      }),
      ...(end < this.accounts.length ? { NextToken: `fake-org-page-${end}` } : {}),
    };
  }

  private assumeRole(input: Json): Json {
    this.hub.assumeRole += 1;
    const roleArn = String(input.RoleArn ?? '');
    const caller = `arn:${PARTITION_OF_ACCOUNT}:iam::${this.managementAccount}:user/auditor`;
    const denied = () => {
      this.hub.assumeRoleDenied += 1;
      return errorOf(
        'sts',
        'AccessDenied',
        403,
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    };
    if (!SESSION_NAME.test(String(input.RoleSessionName ?? ''))) {
      throw errorOf('sts', 'ValidationError', 400, 'RoleSessionName does not satisfy the constraint');
    }
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw errorOf('sts', 'ValidationError', 400, `${roleArn} is invalid`);
    const [, partition, accountId, roleName] = match;
    const account = this.byId.get(accountId!);
    // A role that does not exist, a closed account or a trust policy that does not admit the caller all read alike.
    if (
      partition !== PARTITION_OF_ACCOUNT ||
      !account ||
      (account.state ?? 'ACTIVE') !== 'ACTIVE' ||
      roleName !== (this.options.roleName ?? MEMBER_ROLE_NAME) ||
      account.denyAssume ||
      (account.externalId !== undefined && input.ExternalId !== account.externalId)
    ) {
      throw denied();
    }
    const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
    if (duration < 900 || duration > (this.options.maxSessionSeconds ?? 3600)) {
      throw errorOf(
        'sts',
        'ValidationError',
        400,
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    this.keys += 1;
    const accessKeyId = `ASIAFAKE${String(this.keys).padStart(12, '0')}`;
    this.issued.set(accessKeyId, accountId!);
    const now = (this.options.now ?? Date.now)();
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `fake-secret-${this.keys}`,
        SessionToken: `fake-session-${accountId}-${this.keys}`,
        Expiration: new Date(now + duration * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROAFAKE${accountId}:${String(input.RoleSessionName)}`,
        Arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${String(input.RoleSessionName)}`,
      },
    };
  }

  /** Answers the caller's ListAccounts and AssumeRole (the caller's own credentials sign them). */
  installHub(clients: HubClients): void {
    const answer =
      (handler: (input: Json) => Json) =>
      () =>
      async (args: { input: Json }): Promise<unknown> => ({
        output: {
          $metadata: { httpStatusCode: 200, requestId: '00000000-fake-org-0000-000000000000' },
          ...handler(args.input ?? {}),
        },
        response: {},
      });
    const install = (
      client: HubClients[keyof HubClients],
      handlers: Record<string, (input: Json) => Json>,
    ) => {
      const stack = client.middlewareStack as unknown as {
        add(m: unknown, o: object): void;
        remove(name: string): boolean;
      };
      stack.remove('fakeOrgTransport');
      stack.add(
        (_next: unknown, context: { commandName?: string }) => {
          const name = String(context.commandName ?? '').replace(/Command$/, '');
          const handler = handlers[name];
          if (!handler)
            return async () => Promise.reject(new Error(`fake organization does not answer ${name}`));
          return answer(handler)();
        },
        { step: 'finalizeRequest', priority: 'low', name: 'fakeOrgTransport' },
      );
    };
    install(clients.organizations, { ListAccounts: (input) => this.listAccounts(input) });
    install(clients.sts, { AssumeRole: (input) => this.assumeRole(input) });
  }

  /**
   * Installs account `accountId`'s fake for `region` into `clients`. Requests signed with a key
   * AssumeRole did not issue for this account are refused as AWS refuses an unknown key.
   */
  installMember(clients: AwsClients, accountId: string, region: string): FakeAwsServer {
    const account = this.byId.get(accountId);
    if (!account) throw new Error(`fake organization has no account ${accountId}`);
    const snapshot = account.regions[region];
    if (!snapshot) throw new Error(`fake account ${accountId} has no state for ${region}; give it one`);
    const denied = new Set(account.deny ?? []);
    const server = installFakeAws(clients, snapshot, {
      ...this.options.member,
      inject: (request: FakeRequest) => {
        if (this.issued.get(request.accessKeyId ?? '') !== accountId) return unknownKey(request);
        if (denied.has(request.action)) return accessDeniedIn(request, accountId, this.options.roleName);
        return undefined;
      },
    });
    this.members.push({ accountId, region, server });
    return server;
  }

  /** Requests the member fakes received, per account. */
  requestsOf(accountId: string): number {
    return this.members
      .filter((member) => member.accountId === accountId)
      .reduce((sum, member) => sum + member.server.totals().requests, 0);
  }
}

/** What each service answers a request signed with an access key it does not know. */
function unknownKey(request: FakeRequest): Error {
  if (request.service === 'ec2')
    return errorOf('ec2', 'AuthFailure', 401, 'AWS was not able to validate the provided access credentials');
  if (request.service === 'eks')
    return errorOf(
      'eks',
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    );
  return errorOf(
    'sts',
    'InvalidClientTokenId',
    403,
    'The security token included in the request is invalid.',
  );
}

/** A member's answer to its own reader role without the permission: fake-aws.ts's, with the assumed role's ARN. */
function accessDeniedIn(request: FakeRequest, accountId: string, roleName = MEMBER_ROLE_NAME): Error {
  return accessDenied(request, `arn:aws:sts::${accountId}:assumed-role/${roleName}/private-eks-guard`);
}
