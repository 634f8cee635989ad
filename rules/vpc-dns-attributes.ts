import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known } from '../network/tri';

/** Private DNS of interface endpoints and of the API server endpoint only resolves with both VPC DNS attributes on. */
export const vpcDnsAttributes: Rule = {
  meta: {
    id: 'VPC_DNS_ATTRIBUTES',
    title: 'Cluster VPC has DNS resolution and DNS hostnames enabled',
    severity: 'critical',
    rationale:
      'Interface endpoints with private DNS and the private API server endpoint are served by Route 53 private hosted zones, which only answer in a VPC with enableDnsSupport and enableDnsHostnames on; without them nodes resolve public addresses they cannot reach and fail to join.',
    remediation:
      'aws ec2 modify-vpc-attribute --vpc-id <vpc> --enable-dns-support "{\\"Value\\":true}", then aws ec2 modify-vpc-attribute --vpc-id <vpc> --enable-dns-hostnames "{\\"Value\\":true}" (one attribute per call)',
    documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html',
    parameters: [],
    needs: ['VpcAttributes'],
    readsVpcObject: true,
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    const attributes = ctx.view.vpcAttributes(ctx.vpcId);
    if (attributes === undefined) {
      verdict.unknown(`ec2.VpcAttributes does not hold ${ctx.vpcId}`, ctx.vpcId);
    } else {
      verdict.check(
        known(attributes.EnableDnsSupport?.Value),
        `${ctx.vpcId}: DNS resolution (enableDnsSupport) is off`,
        [ctx.vpcId],
        `${ctx.vpcId}: VpcAttributes EnableDnsSupport.Value is absent`,
      );
      verdict.check(
        known(attributes.EnableDnsHostnames?.Value),
        `${ctx.vpcId}: DNS hostnames (enableDnsHostnames) is off`,
        [ctx.vpcId],
        `${ctx.vpcId}: VpcAttributes EnableDnsHostnames.Value is absent`,
      );
    }
    return verdict.outcome(`${ctx.vpcId}: DNS resolution and DNS hostnames are on`);
  },
};
