/** An AWS Config rule event the evaluator cannot act on (malformed, unknown rule, bad parameters). */
export class ConfigEventError extends Error {
  override name = 'ConfigEventError';
}

/** PutEvaluations answered with FailedEvaluations: the invocation fails so Config's result is not half written. */
export class PutEvaluationsError extends Error {
  override name = 'PutEvaluationsError';
}
