/**
 * An Organization hub's clients in its member accounts (deploy/org), shared by the Config evaluator and the drift
 * Lambdas: per account × Region, a reader over the member's read-only role and an AWS Config client with its
 * config-reporter role's credentials, both kept by the warm container (the credentials are assumed on first use and
 * refreshed before they expire, aws/member-access.ts).
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { createClients, type AwsClients } from './clients';
import { memberCredentials, type MemberAccessOptions } from './member-access';
import { AwsReader } from './reader';

type ReaderOptions = ConstructorParameters<typeof AwsReader>[2];

export interface MemberClientScope {
  /** Reads through the member's read-only role. */
  reader: AwsReader;
  /** The member's AWS Config with the config-reporter role's credentials. */
  config: ConfigServiceClient;
}

export interface MemberScopeOptions {
  /** Attempts per call (the SDK's default mode's 8 otherwise). */
  maxAttempts?: number;
  reader?: ReaderOptions;
  /** Called once per member account × Region with its new clients (the tests answer them through it). */
  onClients?: (
    clients: AwsClients & { config: ConfigServiceClient },
    accountId: string,
    region: string,
  ) => void;
}

export function memberScopes(
  access: MemberAccessOptions,
  options: MemberScopeOptions = {},
): (accountId: string, region: string) => MemberClientScope {
  const scopes = new Map<string, MemberClientScope>();
  return (accountId, region) => {
    const key = `${accountId}/${region}`;
    let scope = scopes.get(key);
    if (!scope) {
      const clients = createClients({
        region,
        credentials: memberCredentials(access, accountId, 'reader'),
        accountId,
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
      const config = new ConfigServiceClient({
        region,
        retryMode: 'adaptive',
        credentials: memberCredentials(access, accountId, 'config-reporter'),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
      options.onClients?.({ ...clients, config }, accountId, region);
      scope = { reader: new AwsReader(clients, region, options.reader), config };
      scopes.set(key, scope);
    }
    return scope;
  };
}
