import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import type { Subnet } from '../snapshot/schema';
import type { Detail } from '../engine/findings';
import { resourceTypeOf } from '../fixes/resource-types';
import { tagResource } from '../fixes/subnet-attributes';

const DOCUMENTATION = 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#node-subnet-reqs';

const INTERNAL_ELB_TAG = 'kubernetes.io/role/internal-elb';
const ACCEPTED_VALUES = ['1', ''];

function tagDetail(region: string, subnetId: string, problem: string): Detail {
  return {
    resourceId: subnetId,
    resourceType: resourceTypeOf(subnetId),
    problem,
    fix: { commands: [tagResource(region, subnetId, INTERNAL_ELB_TAG, '1')], documentation: DOCUMENTATION },
  };
}

function checkTag(subnet: Subnet, verdict: Verdict, region: string): void {
  const id = subnet.SubnetId;
  const tags = subnet.Tags.filter((tag) => tag.Key === INTERNAL_ELB_TAG);
  // AWS always returns a tag's Value (possibly ''); an absent one reads as the empty value.
  const values = tags.map((tag) => tag.Value ?? '');
  if (values.some((value) => ACCEPTED_VALUES.includes(value))) return;
  if (values.length > 0) {
    const shown = values.map((v) => `"${v}"`).join(', ');
    verdict
      .fail(`${id}: tag ${INTERNAL_ELB_TAG} is ${shown}, not 1 or empty`, id)
      .because(
        tagDetail(
          region,
          id,
          `${id} has the tag ${INTERNAL_ELB_TAG} set to ${shown}, not 1 or empty: the load balancer ` +
            'controller does not place internal load balancers in it',
        ),
      );
  } else if (subnet.Tags.some((tag) => tag.Key === undefined)) {
    verdict.unknown(`${id} has a tag without Key, which may be ${INTERNAL_ELB_TAG}`, id);
  } else {
    verdict
      .fail(`${id} has no ${INTERNAL_ELB_TAG} tag`, id)
      .because(
        tagDetail(
          region,
          id,
          `${id} has no ${INTERNAL_ELB_TAG} tag: the load balancer controller does not place internal ` +
            'load balancers in it',
        ),
      );
  }
}

/** The load balancer controller only places internal load balancers in subnets tagged for them. */
export const subnetsInternalElbTag: Rule = {
  meta: {
    id: 'SUBNETS_INTERNAL_ELB_TAG',
    title: 'Node subnets are tagged for internal load balancers',
    severity: 'low',
    rationale:
      'In a VPC with only private subnets, the AWS Load Balancer Controller (and the in-tree cloud provider) discover subnets for internal load balancers by the tag kubernetes.io/role/internal-elb; without it, Services of type LoadBalancer and Ingresses stay pending.',
    remediation:
      'aws ec2 create-tags --resources <subnet> --tags Key=kubernetes.io/role/internal-elb,Value=1',
    documentation: DOCUMENTATION,
    parameters: ['nodeSubnetIds'],
    needs: ['Subnets'],
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    for (const reason of ctx.nodeSubnets.unknown) verdict.unknown(reason);
    for (const subnetId of ctx.nodeSubnets.ids) {
      const subnet = ctx.view.subnet(subnetId);
      if (subnet === undefined) verdict.unknown(`${subnetId} is not in ec2.Subnets`, subnetId);
      else checkTag(subnet, verdict, ctx.view.region);
    }
    return verdict.outcome(
      `${ctx.nodeSubnets.ids.length} node subnets carry ${INTERNAL_ELB_TAG} (1 or empty)`,
    );
  },
};
