import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import fc from 'fast-check';
import { StateStore } from '../../state/state-store';
import type { StoredCompliance, Transition } from '../../state/transitions';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';

let local: LocalDynamo;
let store: StateStore;

beforeAll(async () => {
  local = await startDynalite();
  store = new StateStore(local.client, local.tableName);
});

afterAll(async () => {
  await local.close();
});

interface Step {
  ruleId: 'NETWORK_ACLS' | 'VPC_DNS_ATTRIBUTES';
  compliance: StoredCompliance;
  annotation: string;
  eventId: string;
  minute: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  ruleId: fc.constantFrom('NETWORK_ACLS' as const, 'VPC_DNS_ATTRIBUTES' as const),
  compliance: fc.constantFrom<StoredCompliance>('COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'),
  annotation: fc.constantFrom('', 'missing: sts', 'missing: sts, ecr.api'),
  eventId: fc.constantFrom('e0', 'e1', 'e2'),
  // A small range makes equal and out-of-order observation times common.
  minute: fc.integer({ min: 0, max: 6 }),
});

/** The specification written as plainly as possible: newest-wins, alert on entering/leaving a violation. */
class Model {
  private readonly state = new Map<string, { compliance: StoredCompliance; minute: number }>();

  apply(step: Step): Transition {
    const previous = this.state.get(step.ruleId);
    if (previous !== undefined && step.minute < previous.minute) return 'NONE';
    this.state.set(step.ruleId, { compliance: step.compliance, minute: step.minute });
    const was = previous?.compliance === 'NON_COMPLIANT';
    const is = step.compliance === 'NON_COMPLIANT';
    return was === is ? 'NONE' : is ? 'NEW_VIOLATION' : 'RESOLVED';
  }

  compliance(ruleId: string): StoredCompliance | undefined {
    return this.state.get(ruleId)?.compliance;
  }
}

describe('StateStore.record against an in-memory model', () => {
  it('reports the same transitions and ends in the same state for any sequence', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
        run += 1;
        const clusterName = `prop-${run}`;
        const model = new Model();
        for (const step of steps) {
          const result = await store.record({
            clusterName,
            ruleId: step.ruleId,
            compliance: step.compliance,
            annotation: step.annotation,
            eventId: step.eventId,
            observedAt: new Date(Date.UTC(2025, 5, 1, 10, step.minute)),
          });
          expect(result.transition).toBe(model.apply(step));
        }
        for (const ruleId of ['NETWORK_ACLS', 'VPC_DNS_ATTRIBUTES']) {
          expect((await store.get(clusterName, ruleId))?.compliance).toBe(model.compliance(ruleId));
        }
      }),
      { numRuns: 40 },
    );
  });
});
