import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import type { AssumedCredentials } from './organization';

export interface AwsClients {
  ec2: EC2Client;
  eks: EKSClient;
  sts: STSClient;
}

export interface ClientOptions {
  region: string;
  /** A named profile; otherwise the standard provider chain (env, SSO, IMDS, …) decides. */
  profile?: string;
  /** Attempts per call, retries included, for the SDK's adaptive retry mode. */
  maxAttempts?: number;
  /**
   * Credentials to use instead of the provider chain: an assumed member role (organization runs, and an
   * Organization hub's Lambdas through `fromTemporaryCredentials`, aws/member-access.ts).
   */
  credentials?: () => Promise<
    Pick<AssumedCredentials, 'accessKeyId' | 'secretAccessKey' | 'expiration'> & { sessionToken?: string }
  >;
  /**
   * The account `credentials` act in. The clients do not need it (the credentials decide); it
   * names the account to whoever creates clients, such as a test double answering as that account.
   */
  accountId?: string;
}

/**
 * Clients for one Region. Adaptive retry both backs off on throttling errors and slows the
 * client's own send rate after them; endpoints and partitions (aws, aws-cn, aws-us-gov)
 * follow from the Region.
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = clientConfig(options);
  return { ec2: new EC2Client(config), eks: new EKSClient(config), sts: new STSClient(config) };
}

/** The SDK client configuration every client of ours is built with (aws/hub-clients.ts's too). */
export function clientConfig(options: ClientOptions) {
  return {
    region: options.region,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.credentials !== undefined
      ? { credentials: options.credentials }
      : options.profile === undefined
        ? {}
        : { profile: options.profile }),
  };
}

export function destroyClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.eks.destroy();
  clients.sts.destroy();
}
