import type { Rule } from '../engine/rule';
import { dhcpValues, judgeDhcpOptionSet, replaceSetDetail } from './shared/dhcp-options';

const REQUIRED_KEYS = ['domain-name', 'domain-name-servers'] as const;

/** Nodes without a domain name or name servers from DHCP fail to resolve and to join the cluster. */
export const dhcpOptionsComplete: Rule = {
  meta: {
    id: 'DHCP_OPTIONS_COMPLETE',
    title: 'Cluster VPC DHCP option set has a domain name and name servers',
    severity: 'critical',
    rationale:
      'Nodes take their DNS domain and resolvers from the VPC DHCP option set; without domain-name and domain-name-servers they cannot resolve endpoint or API server names, get unexpected hostnames, and fail to join the cluster ("Nodes fail to join cluster").',
    remediation:
      'aws ec2 create-dhcp-options --dhcp-configurations "Key=domain-name,Values=<region>.compute.internal" "Key=domain-name-servers,Values=AmazonProvidedDNS", then aws ec2 associate-dhcp-options --dhcp-options-id <dopt> --vpc-id <vpc>; replace existing nodes so they pick it up',
    documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html',
    parameters: [],
    needs: ['Vpcs'],
    readsVpcObject: true,
  },
  evaluate(ctx) {
    return judgeDhcpOptionSet(
      ctx,
      `${ctx.vpcId} has no DHCP option set (DhcpOptionsId default): no domain-name or domain-name-servers`,
      (set, vpc, verdict) => {
        const label = `${set.DhcpOptionsId} (DHCP options of ${vpc.VpcId})`;
        const missing = REQUIRED_KEYS.filter((key) => dhcpValues(set, key).length === 0);
        if (missing.length > 0) {
          const problem = `${label} has no ${missing.join(' or ')}`;
          verdict
            .fail(problem, set.DhcpOptionsId)
            .because(replaceSetDetail(ctx, set, set.DhcpOptionsId, problem));
        }
        const values = REQUIRED_KEYS.map((key) => `${key} ${dhcpValues(set, key).join(', ')}`);
        return `${label} sets ${values.join('; ')}`;
      },
    );
  },
};
