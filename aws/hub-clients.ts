import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { clientConfig, type ClientOptions } from './clients';

/**
 * The caller's own clients in an organization run: Organizations to list the accounts, STS to
 * assume the member role in each. Kept apart from AwsClients, which every Region's collection
 * creates: only `--org` / `--accounts` load the Organizations client.
 */
export interface HubClients {
  organizations: OrganizationsClient;
  sts: STSClient;
}

/** Organizations resolves to its one endpoint per partition whatever Region it is given. */
export function createHubClients(options: ClientOptions): HubClients {
  const config = clientConfig(options);
  return { organizations: new OrganizationsClient(config), sts: new STSClient(config) };
}

export function destroyHubClients(clients: HubClients): void {
  clients.organizations.destroy();
  clients.sts.destroy();
}
