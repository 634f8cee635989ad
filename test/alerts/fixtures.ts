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
