/**
 * What an operator watches, as CloudWatch metrics in one namespace (README "Metrics"). The drivers count through
 * this port; the Lambdas back it with Powertools Metrics (EMF, flushed once per invocation by its middy
 * middleware), tests with a recorder, the CLI with nothing.
 */
export const METRICS_NAMESPACE = 'PrivateEksGuard';

export const METRIC_NAMES = [
  /** Evaluations the Config evaluator wrote with PutEvaluations. */
  'EvaluationsWritten',
  /** Recorded state transitions (NEW_VIOLATION or RESOLVED) this invocation won. */
  'Transitions',
  /** Alerts published to every SNS topic (a resend of a pending alert included). */
  'AlertsPublished',
  /** Alerts whose publish failed (they stay pending and are resent). */
  'AlertsFailed',
  /** Delayed re-checks put on the queue (settling resources, or a Config re-evaluation refused for now). */
  'RechecksScheduled',
  /** Drift runs that fell back to the whole Region because the event could not be placed in a VPC. */
  'WholeRegionFallbacks',
  /** Invocations that failed on an AWS read (a missing permission, throttling past retries, an outage). */
  'AwsReadErrors',
  /**
   * An Organization hub's checks of member accounts that failed (a role it cannot assume, a read the member denies, any
   * other failure: drift's events, re-checks and member sweeps), and member sweeps the hub's sweep could not queue;
   * the hub's own reads stay in AwsReadErrors. Published by hub stages' drift and sweep only.
   */
  'MemberAccountFailures',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export interface GuardMetrics {
  count(name: MetricName, value?: number): void;
}

export const NO_METRICS: GuardMetrics = { count: () => undefined };
