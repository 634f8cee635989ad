import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known } from '../network/tri';
import { CLUSTER_ENDPOINT_DOCUMENTATION, enablePrivateAccess } from '../fixes/eks-endpoint-access';
import { CLUSTER_TYPE } from '../fixes/resource-types';

/** Nodes register with the API server through the private endpoint; without it they cannot join. */
export const endpointPrivateAccess: Rule = {
  meta: {
    id: 'ENDPOINT_PRIVATE_ACCESS',
    title: 'Cluster API server endpoint has private access enabled',
    severity: 'critical',
    rationale:
      'Nodes without internet access register with the Kubernetes API server through the private endpoint in the VPC; with private access off, new nodes cannot join and kubelets lose the control plane.',
    remediation:
      'Enable private access: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPrivateAccess=true',
    documentation: CLUSTER_ENDPOINT_DOCUMENTATION,
    parameters: [],
    needs: [],
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    const on = verdict.check(
      known(ctx.cluster.resourcesVpcConfig.endpointPrivateAccess),
      `${ctx.name}: API server endpoint private access is off`,
      [ctx.name],
      `${ctx.name}: resourcesVpcConfig.endpointPrivateAccess is absent`,
    );
    if (on === false) {
      verdict.because({
        resourceId: ctx.name,
        resourceType: CLUSTER_TYPE,
        problem:
          `${ctx.name} has its API server endpoint private access off: nodes without internet access ` +
          'cannot reach the API server, so new nodes cannot join and running ones lose the control plane',
        fix: {
          commands: [enablePrivateAccess(ctx.view.region, ctx.name)],
          documentation: CLUSTER_ENDPOINT_DOCUMENTATION,
        },
      });
    }
    return verdict.outcome(`${ctx.name}: private API server endpoint access is on`);
  },
};
