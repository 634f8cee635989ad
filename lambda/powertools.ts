/**
 * The Powertools pieces every handler shares: one Logger and one Metrics per function (EMF in the namespace of
 * telemetry/metrics.ts), and the adapters that let the drivers log and count without importing Powertools.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { GuardLogger } from '../telemetry/log';
import { METRICS_NAMESPACE, type GuardMetrics, type MetricName } from '../telemetry/metrics';

export interface Powertools {
  logger: Logger;
  metrics: Metrics;
}

/** POWERTOOLS_SERVICE_NAME (set by the deployment) wins over `fallbackService`. */
export function createPowertools(fallbackService: string, env: NodeJS.ProcessEnv = process.env): Powertools {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || fallbackService;
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

export function loggerPort(logger: Logger): GuardLogger {
  return {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
  };
}

/** Names counted since the last flush, per Metrics instance (Powertools keeps its buffer private). */
const counted = new WeakMap<Metrics, Set<MetricName>>();

export function metricsPort(metrics: Metrics): GuardMetrics {
  return {
    count: (name, value = 1) => {
      metrics.addMetric(name, MetricUnit.Count, value);
      let names = counted.get(metrics);
      if (!names) counted.set(metrics, (names = new Set()));
      names.add(name);
    },
  };
}

/** The names counted since the last call, which starts a new invocation's set. */
export function takeCountedNames(metrics: Metrics): ReadonlySet<MetricName> {
  const names = counted.get(metrics) ?? new Set<MetricName>();
  counted.delete(metrics);
  return names;
}
