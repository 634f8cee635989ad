/**
 * Replacing a VPC's DHCP option set. Sets cannot be edited, so the fix creates a new one and
 * associates it with the VPC; instances pick it up when they renew their DHCP lease. The
 * old set stays, since other VPCs may use it.
 */
import type { DhcpOptionSet } from '../snapshot/schema';
import { awsCli, shellCapture, shellExpansion, vpcVariable } from './aws-cli';

export const DHCP_OPTIONS_DOCUMENTATION =
  'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html';

export const AMAZON_PROVIDED_DNS = 'AmazonProvidedDNS';

/** A NewDhcpConfiguration of CreateDhcpOptions. */
export interface DhcpConfiguration {
  Key: string;
  Values: string[];
}

/**
 * The domain name of AWS's default option set, which matches the instances' EC2 private DNS
 * names (`ip-10-0-0-1.eu-west-1.compute.internal`); the same form in aws-cn and aws-us-gov.
 */
export function defaultDomainName(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

const REQUIRED = ['domain-name', 'domain-name-servers'] as const;

/**
 * What the replacement set holds: every configuration of `current` (ntp-servers and the like
 * included, empty values left out), with `domain-name` (AWS's default) and
 * `domain-name-servers` (AmazonProvidedDNS) added where missing. Both DHCP rules build the
 * same set from the same VPC, so their fixes agree whichever runs last.
 */
export function completedConfigurations(
  current: DhcpOptionSet | undefined,
  region: string,
): DhcpConfiguration[] {
  const byKey = new Map<string, string[]>();
  for (const { Key, Values } of current?.DhcpConfigurations ?? []) {
    if (Key === undefined) continue;
    // A misspelt required key (`Domain-Name`) is one the rule found missing: its proper form replaces it.
    if (REQUIRED.some((key) => key === Key.toLowerCase() && key !== Key)) continue;
    const values = byKey.get(Key) ?? [];
    for (const { Value } of Values) {
      const value = Value?.trim();
      if (value && !values.includes(value)) values.push(value);
    }
    byKey.set(Key, values);
  }
  if (!byKey.get('domain-name')?.length) byKey.set('domain-name', [defaultDomainName(region)]);
  if (!byKey.get('domain-name-servers')?.length) byKey.set('domain-name-servers', [AMAZON_PROVIDED_DNS]);
  return [...byKey].filter(([, values]) => values.length > 0).map(([Key, Values]) => ({ Key, Values }));
}

/** A shell variable per VPC (`DOPT_ID_0A1B2C`), so a script fixing several VPCs keeps their new sets apart. */
export function dhcpOptionsVariable(vpcId: string): string {
  return vpcVariable('DOPT_ID', vpcId);
}

/** Creates a set of `configurations` and associates it with `vpcId`, in that order. */
export function replaceDhcpOptionSet(
  region: string,
  vpcId: string,
  configurations: readonly DhcpConfiguration[],
): string[] {
  const variable = dhcpOptionsVariable(vpcId);
  const create = awsCli('ec2', 'create-dhcp-options', region, [
    ['dhcp-configurations', configurations.map(({ Key, Values }) => ({ Key, Values }))],
    ['query', 'DhcpOptions.DhcpOptionsId'],
    ['output', 'text'],
  ]);
  // The id is known only once the set exists, so the second line reads it from the first.
  const associate = awsCli('ec2', 'associate-dhcp-options', region, [
    ['vpc-id', vpcId],
    ['dhcp-options-id', shellExpansion(`$${variable}`)],
  ]);
  return [shellCapture(variable, create), associate];
}
