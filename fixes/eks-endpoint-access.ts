/**
 * `aws eks update-cluster-config` lines that change a cluster's API server endpoint access
 * (UpdateClusterConfig `name` + `resourcesVpcConfig`, a VpcConfigRequest).
 */
import { awsCli } from './aws-cli';

export const CLUSTER_ENDPOINT_DOCUMENTATION =
  'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html';

/** Turns the private endpoint on and leaves public access as it is. */
export function enablePrivateAccess(region: string, cluster: string): string {
  return awsCli('eks', 'update-cluster-config', region, [
    ['name', cluster],
    ['resources-vpc-config', 'endpointPrivateAccess=true'],
  ]);
}

/**
 * Turns the public endpoint off. EKS refuses a cluster with neither endpoint, so the same call
 * keeps (or turns) the private endpoint on.
 */
export function disablePublicAccess(region: string, cluster: string): string {
  return awsCli('eks', 'update-cluster-config', region, [
    ['name', cluster],
    ['resources-vpc-config', 'endpointPrivateAccess=true,endpointPublicAccess=false'],
  ]);
}

/**
 * Replaces the public endpoint's CIDRs. JSON rather than shorthand: in shorthand a list of
 * CIDRs inside a structure reads ambiguously (`publicAccessCidrs=a,b,endpoint…`).
 */
export function setPublicAccessCidrs(region: string, cluster: string, cidrs: readonly string[]): string {
  return awsCli('eks', 'update-cluster-config', region, [
    ['name', cluster],
    ['resources-vpc-config', { publicAccessCidrs: [...cidrs] }],
  ]);
}
