/**
 * The one middy stack of every handler in functions/: the Powertools Logger with the Lambda context and a
 * correlation id taken from the event, Powertools Metrics flushed once per invocation, and a count of AWS read
 * errors on the way out (the error is re-thrown, so Lambda's retry and dead-letter path is unchanged).
 */
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { isReadFailure } from '../aws/errors';
import { readField } from '../event-schemas/read-field';
import type { MetricName } from '../telemetry/metrics';
import { metricsPort, takeCountedNames, type Powertools } from './powertools';

export interface StackOptions {
  /**
   * The log's correlation_id from the event. A function rather than injectLambdaContext's JMESPath option, which
   * needs the Powertools JMESPath engine bundled into every function for one field.
   */
  correlationId?: (event: unknown) => unknown;
  /**
   * Metrics this function reports, published as 0 when an invocation adds none of that name: a steady series for
   * alarms, and no "No application metrics to publish" warning on every quiet invocation.
   */
  reports: readonly MetricName[];
}

/** The first record of an SQS or SNS event (for its id), else undefined. */
export function firstRecord(event: unknown): unknown {
  const records = readField(event, 'Records');
  return Array.isArray(records) ? records[0] : undefined;
}

export { isReadFailure };

function metricsBaseline(tools: Powertools, options: StackOptions): MiddlewareObj {
  const { count } = metricsPort(tools.metrics);
  // Runs before logMetrics' flush (middy unwinds in reverse order), once per invocation, success or error.
  const fillZeros = () => {
    const seen = takeCountedNames(tools.metrics);
    for (const name of options.reports)
      if (!seen.has(name)) tools.metrics.addMetric(name, MetricUnit.Count, 0);
  };
  return {
    before: () => void takeCountedNames(tools.metrics),
    after: fillZeros,
    onError: (request) => {
      if (isReadFailure(request.error)) count('AwsReadErrors');
      fillZeros();
    },
  };
}

export function withPowertools<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  tools: Powertools,
  options: StackOptions,
): MiddyfiedHandler<TEvent, TResult, Error, Context> {
  const { correlationId } = options;
  const stack = middy<TEvent, TResult, Error, Context>(handler)
    // resetKeys: the correlation id is a per-invocation key, dropped before the next invocation of the container.
    .use(injectLambdaContext(tools.logger, { resetKeys: true }))
    .use({
      before: (request) => {
        const id = correlationId?.(request.event);
        if (typeof id === 'string' && id !== '') tools.logger.setCorrelationId(id);
      },
    });
  // A function that reports nothing gets no metrics flush at all (it would only warn that nothing was added).
  if (options.reports.length === 0) return stack;
  return stack.use(logMetrics(tools.metrics)).use(metricsBaseline(tools, options));
}
