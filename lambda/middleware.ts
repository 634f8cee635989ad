/**
 * The one middy stack of every handler in functions/: the Powertools Logger with the Lambda context and a
 * correlation id taken from the event, Powertools Metrics flushed once per invocation, and a count of AWS read
 * errors on the way out (the error is re-thrown, so Lambda's retry and dead-letter path is unchanged).
 */
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { AwsReadError } from '../aws/errors';
import type { MetricName } from '../telemetry/metrics';
import { metricsPort, type Powertools } from './powertools';

export interface StackOptions {
  /** JMESPath into the event for the log's correlation_id. */
  correlationIdPath?: string;
  /**
   * Metrics this function reports, published as 0 when an invocation adds none: a steady series for alarms, and no
   * "No application metrics to publish" warning on every quiet invocation.
   */
  reports: readonly MetricName[];
}

/** True when `error`, or one error inside an AggregateError, is an AWS read that failed. */
export function isReadFailure(error: unknown): boolean {
  if (error instanceof AwsReadError) return true;
  return error instanceof AggregateError && error.errors.some((inner) => inner instanceof AwsReadError);
}

function metricsBaseline(tools: Powertools, options: StackOptions): MiddlewareObj {
  const count = metricsPort(tools.metrics).count;
  return {
    before: () => {
      for (const name of options.reports) count(name, 0);
    },
    onError: (request) => {
      if (isReadFailure(request.error)) count('AwsReadErrors');
    },
  };
}

export function withPowertools<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  tools: Powertools,
  options: StackOptions,
): MiddyfiedHandler<TEvent, TResult, Error, Context> {
  return (
    middy<TEvent, TResult, Error, Context>(handler)
      .use(
        injectLambdaContext(tools.logger, {
          resetKeys: true,
          ...(options.correlationIdPath ? { correlationIdPath: options.correlationIdPath } : {}),
        }),
      )
      // Listed before the baseline so its `after`/`onError` flush runs last (middy unwinds in reverse order).
      .use(logMetrics(tools.metrics))
      .use(metricsBaseline(tools, options))
  );
}
