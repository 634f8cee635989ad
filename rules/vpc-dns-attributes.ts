import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known } from '../network/tri';
import { enableDnsHostnames, enableDnsSupport, VPC_DNS_DOCUMENTATION } from '../fixes/vpc-dns-attributes';
import { resourceTypeOf } from '../fixes/resource-types';

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
    documentation: VPC_DNS_DOCUMENTATION,
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
      const { region } = ctx.view;
      const vpcId = ctx.vpcId;
      const detail = (problem: string, commands: string[]) => ({
        resourceId: vpcId,
        resourceType: resourceTypeOf(vpcId),
        problem,
        fix: { commands, documentation: VPC_DNS_DOCUMENTATION },
      });
      const support = verdict.check(
        known(attributes.EnableDnsSupport?.Value),
        `${vpcId}: DNS resolution (enableDnsSupport) is off`,
        [vpcId],
        `${vpcId}: VpcAttributes EnableDnsSupport.Value is absent`,
      );
      if (support === false) {
        verdict.because(
          detail(
            `${vpcId} has DNS resolution (enableDnsSupport) off: the Amazon DNS server does not answer its ` +
              'instances, so nodes resolve neither the VPC endpoints nor the EKS API server',
            [enableDnsSupport(region, vpcId)],
          ),
        );
      }
      const hostnames = verdict.check(
        known(attributes.EnableDnsHostnames?.Value),
        `${vpcId}: DNS hostnames (enableDnsHostnames) is off`,
        [vpcId],
        `${vpcId}: VpcAttributes EnableDnsHostnames.Value is absent`,
      );
      if (hostnames === false) {
        // EC2 turns hostnames on only with resolution on; when the snapshot does not say that it
        // is, turning it on first is harmless (and a resolution found off has its own detail above).
        const first = support === null ? [enableDnsSupport(region, vpcId)] : [];
        verdict.because(
          detail(
            `${vpcId} has DNS hostnames (enableDnsHostnames) off: the private hosted zones of interface ` +
              'endpoints with private DNS and of the private EKS API server endpoint do not answer in it',
            [...first, enableDnsHostnames(region, vpcId)],
          ),
        );
      }
    }
    return verdict.outcome(`${ctx.vpcId}: DNS resolution and DNS hostnames are on`);
  },
};
