import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known } from '../network/tri';

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
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    parameters: [],
    needs: [],
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    verdict.check(
      known(ctx.cluster.resourcesVpcConfig.endpointPrivateAccess),
      `${ctx.name}: API server endpoint private access is off`,
      [ctx.name],
      `${ctx.name}: resourcesVpcConfig.endpointPrivateAccess is absent`,
    );
    return verdict.outcome(`${ctx.name}: private API server endpoint access is on`);
  },
};
