import type { Rule } from '../engine/rule';
import { clusterSecurityGroup } from './cluster-security-group';
import { dhcpOptionsComplete } from './dhcp-options-complete';
import { dnsResolverAmazon } from './dns-resolver-amazon';
import { endpointPrivateAccess } from './endpoint-private-access';
import { endpointPublicAccess } from './endpoint-public-access';
import { networkAcls } from './network-acls';
import { s3GatewayRoutes } from './s3-gateway-routes';
import { subnetsFreeIps } from './subnets-free-ips';
import { subnetsInternalElbTag } from './subnets-internal-elb-tag';
import { subnetsMultiAz } from './subnets-multi-az';
import { subnetsPrivate } from './subnets-private';
import { vpcDnsAttributes } from './vpc-dns-attributes';
import { vpcEndpointsAzCoverage } from './vpc-endpoints-az-coverage';
import { vpcEndpointsPresent } from './vpc-endpoints-present';
import { vpcEndpointsPrivateDns } from './vpc-endpoints-private-dns';
import { vpcEndpointsSecurityGroups } from './vpc-endpoints-security-groups';

/** The catalog of SPEC §4, in its order. An explicit list, so a missing rule is a compile error. */
export const RULES: readonly Rule[] = [
  endpointPrivateAccess,
  endpointPublicAccess,
  vpcDnsAttributes,
  dhcpOptionsComplete,
  dnsResolverAmazon,
  vpcEndpointsPresent,
  vpcEndpointsPrivateDns,
  vpcEndpointsAzCoverage,
  vpcEndpointsSecurityGroups,
  s3GatewayRoutes,
  clusterSecurityGroup,
  networkAcls,
  subnetsPrivate,
  subnetsMultiAz,
  subnetsFreeIps,
  subnetsInternalElbTag,
];

const BY_ID = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}
