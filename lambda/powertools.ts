/**
 * The Powertools pieces every handler shares: one Logger and one Metrics per function (EMF in the namespace of
 * telemetry/metrics.ts), and the adapters that let the drivers log and count without importing Powertools.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type GuardMetrics } from '../telemetry/metrics';

export interface PortLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

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

export function loggerPort(logger: Logger): PortLogger {
  return {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
  };
}

export function metricsPort(metrics: Metrics): GuardMetrics {
  return { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
}
