import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { PutEvaluationsError } from '../../config-rules/errors';
import { evaluatedClusterNames, putEvaluations, toEvaluation } from '../../config-rules/evaluations';

const config = mockClient(ConfigServiceClient);
const client = new ConfigServiceClient({ region: 'eu-west-1' });
const AT = new Date('2026-11-22T10:00:00Z');

beforeEach(() => config.reset());

function evaluations(count: number): Evaluation[] {
  return Array.from({ length: count }, (_, i) =>
    toEvaluation({ clusterName: `c-${i}`, compliance: 'COMPLIANT', annotation: 'ok' }, AT)!,
  );
}

describe('toEvaluation', () => {
  it('names the cluster and carries compliance, annotation and ordering timestamp', () => {
    expect(
      toEvaluation({ clusterName: 'prod', compliance: 'NON_COMPLIANT', annotation: ' bad ' }, AT),
    ).toEqual({
      ComplianceResourceType: 'AWS::EKS::Cluster',
      ComplianceResourceId: 'prod',
      ComplianceType: 'NON_COMPLIANT',
      Annotation: 'bad',
      OrderingTimestamp: AT,
    });
  });

  it('omits an empty annotation and cuts a long one to 256 characters', () => {
    expect(
      toEvaluation({ clusterName: 'p', compliance: 'COMPLIANT', annotation: '' }, AT),
    ).not.toHaveProperty('Annotation');
    const long = toEvaluation({ clusterName: 'p', compliance: 'COMPLIANT', annotation: 'x'.repeat(400) }, AT);
    expect(long?.Annotation).toHaveLength(256);
  });

  it('never produces INSUFFICIENT_DATA', () => {
    expect(
      toEvaluation({ clusterName: 'p', compliance: 'INSUFFICIENT_DATA', annotation: 'why' }, AT),
    ).toBeUndefined();
  });
});

describe('putEvaluations', () => {
  it('writes 250 evaluations as 100, 100 and 50, each with the result token', async () => {
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    expect(await putEvaluations(client, 'token-1', evaluations(250))).toBe(3);
    const calls = config.commandCalls(PutEvaluationsCommand);
    expect(calls.map((c) => c.args[0].input.Evaluations?.length)).toEqual([100, 100, 50]);
    expect(calls.every((c) => c.args[0].input.ResultToken === 'token-1')).toBe(true);
    expect(calls.flatMap((c) => c.args[0].input.Evaluations!.map((e) => e.ComplianceResourceId))).toEqual(
      evaluations(250).map((e) => e.ComplianceResourceId),
    );
  });

  it('makes no call when there is nothing to write', async () => {
    expect(await putEvaluations(client, 't', [])).toBe(0);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });

  it('throws when PutEvaluations reports FailedEvaluations, and writes no further batch', async () => {
    const [first] = evaluations(1);
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [first!] });
    await expect(putEvaluations(client, 't', evaluations(150))).rejects.toThrow(PutEvaluationsError);
    await expect(putEvaluations(client, 't', evaluations(150))).rejects.toThrow(/rejected 1 of 100 .*c-0/);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(2);
  });

  it('lets a PutEvaluations error propagate', async () => {
    config.on(PutEvaluationsCommand).rejects(new Error('InvalidResultTokenException'));
    await expect(putEvaluations(client, 't', evaluations(1))).rejects.toThrow('InvalidResultTokenException');
  });
});

describe('evaluatedClusterNames', () => {
  it('reads every page, keeps only clusters, and asks for COMPLIANT/NON_COMPLIANT results of this rule', async () => {
    const result = (type: string, id: string) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: { ConfigRuleName: 'r', ResourceType: type, ResourceId: id },
      },
    });
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [result('AWS::EKS::Cluster', 'b'), result('AWS::EC2::VPC', 'vpc-1')],
        NextToken: 'p2',
      })
      .resolvesOnce({ EvaluationResults: [result('AWS::EKS::Cluster', 'a')] });
    expect(await evaluatedClusterNames(client, 'private-eks-x')).toEqual(['a', 'b']);
    const inputs = config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        ConfigRuleName: 'private-eks-x',
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
        NextToken: undefined,
      },
      {
        ConfigRuleName: 'private-eks-x',
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
        NextToken: 'p2',
      },
    ]);
  });
});
