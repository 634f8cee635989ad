/** Subnet changes: `modify-subnet-attribute` and `create-tags`. */
import { awsCli } from './aws-cli';

export const SUBNET_PUBLIC_IP_DOCUMENTATION =
  'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html';

/** MapPublicIpOnLaunch, an AttributeBooleanValue, as the boolean flag the CLI accepts for it. */
export function stopPublicIpOnLaunch(region: string, subnetId: string): string {
  return awsCli('ec2', 'modify-subnet-attribute', region, [
    ['subnet-id', subnetId],
    ['map-public-ip-on-launch', false],
  ]);
}

/** Sets one tag (CreateTags overwrites a tag of the same key). */
export function tagResource(region: string, resourceId: string, key: string, value: string): string {
  return awsCli('ec2', 'create-tags', region, [
    ['resources', [resourceId]],
    ['tags', [{ Key: key, Value: value }]],
  ]);
}
