import type { Detail } from '../../engine/findings';
import { ruleFacts, type Transition } from '../../alerts/transition';

export function violation(overrides: Partial<Transition> = {}): Transition {
  return {
    kind: 'NEW_VIOLATION',
    accountId: '111122223333',
    region: 'cn-northwest-1',
    partition: 'aws-cn',
    clusterName: 'prod-a',
    clusterArn: 'arn:aws-cn:eks:cn-northwest-1:111122223333:cluster/prod-a',
    ...ruleFacts('VPC_ENDPOINTS_PRESENT'),
    annotation: 'missing: ecr.dkr; vpce-0f1 (sts) is pendingAcceptance',
    actor: {
      userIdentityArn: 'arn:aws-cn:sts::111122223333:assumed-role/ops/alice',
      sourceIPAddress: '203.0.113.7',
      eventName: 'DeleteVpcEndpoints',
      eventTime: '2026-11-22T10:00:00Z',
      eventID: '6f1c2a3b-0000-4000-8000-000000000001',
    },
    ...overrides,
  };
}

export function resolved(overrides: Partial<Transition> = {}): Transition {
  return violation({ kind: 'RESOLVED', ...overrides });
}

/** 300,000 code points, most of them 4-byte emoji: well past 256 KB in any encoding. */
export const HUGE_TEXT = 'x'.repeat(1_000) + '😀'.repeat(300_000);

/** A short, realistic fix detail: one security-group rule to add, with the real command shape. */
export function detail(n = 1, overrides: Partial<Detail> = {}): Detail {
  const group = `sg-0${n}a1b2c3d4e5f6a7b8`;
  return {
    resourceId: group,
    resourceType: 'AWS::EC2::SecurityGroup',
    problem: `does not admit TCP 443 from the node subnet 10.0.${n}.0/24`,
    fix: {
      commands: [
        `aws ec2 authorize-security-group-ingress --region cn-northwest-1 --group-id ${group} --ip-permissions '[{"FromPort":443,"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.0.${n}.0/24"}],"ToPort":443}]'`,
      ],
      documentation: 'https://docs.amazonaws.cn/en_us/vpc/latest/privatelink/create-interface-endpoint.html',
    },
    ...overrides,
  };
}
