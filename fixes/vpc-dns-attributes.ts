/**
 * `aws ec2 modify-vpc-attribute` lines that turn a VPC's DNS attributes on. EC2 takes one
 * attribute per call, and DNS hostnames only once DNS resolution is on.
 */
import { awsCli } from './aws-cli';

export const VPC_DNS_DOCUMENTATION = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html';

/** EnableDnsSupport, an AttributeBooleanValue, as the boolean flag the CLI accepts for it. */
export function enableDnsSupport(region: string, vpcId: string): string {
  return awsCli('ec2', 'modify-vpc-attribute', region, [
    ['vpc-id', vpcId],
    ['enable-dns-support', true],
  ]);
}

export function enableDnsHostnames(region: string, vpcId: string): string {
  return awsCli('ec2', 'modify-vpc-attribute', region, [
    ['vpc-id', vpcId],
    ['enable-dns-hostnames', true],
  ]);
}
