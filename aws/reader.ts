import pLimit from 'p-limit';
import type { AwsClients } from './clients';
import { CallLedger } from './call-ledger';
import { toReadError } from './errors';
import { iamActionOf } from './operations';
import { TokenBucket } from './token-bucket';

export type Service = keyof AwsClients;

export interface ServiceLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Client-side pacing; undefined = none (the SDK's adaptive retry still applies). */
  bucket?: { capacity: number; refillPerSecond: number };
}

/**
 * EC2's documented request token bucket for non-mutating actions (100, refilled at 20/s),
 * and a conservative 10/s for EKS's control-plane API — each with a little less burst than
 * the server's bucket: the SDK's retries spend server tokens this bucket never sees, and
 * one throttle switches on the SDK's adaptive rate limiter, which starts slow (measured in
 * bench/collect.bench.ts: 10 clusters went from 1.48× to 1.0× the token-bucket floor).
 */
export const DEFAULT_LIMITS: Record<Service, ServiceLimits> = {
  ec2: { concurrency: 10, bucket: { capacity: 95, refillPerSecond: 20 } },
  eks: { concurrency: 10, bucket: { capacity: 9, refillPerSecond: 10 } },
  sts: { concurrency: 1 },
};

interface SdkCommand {
  readonly input: object;
}
interface SendsCommands {
  send(command: never): Promise<unknown>;
}
type Metadata = { $metadata?: { attempts?: number; totalRetryDelay?: number } };

/**
 * The one path every AWS read takes: bounded concurrency and pacing per service, the call
 * ledger, and errors mapped to a one-line AwsReadError naming the IAM action.
 */
export class AwsReader {
  readonly ledger: CallLedger;
  private readonly limits: Record<Service, { run: ReturnType<typeof pLimit>; bucket?: TokenBucket }>;

  constructor(
    readonly clients: AwsClients,
    readonly region: string,
    options: { ledger?: CallLedger; limits?: Partial<Record<Service, ServiceLimits>> } = {},
  ) {
    this.ledger = options.ledger ?? new CallLedger();
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const build = (service: Service) => {
      const { concurrency, bucket } = limits[service];
      return {
        run: pLimit(concurrency),
        ...(bucket ? { bucket: new TokenBucket(bucket.capacity, bucket.refillPerSecond) } : {}),
      };
    };
    this.limits = { ec2: build('ec2'), eks: build('eks'), sts: build('sts') };
  }

  /**
   * Sends one command. Its IAM action (`ec2:DescribeSubnets`, for the ledger and errors) is looked up by the
   * command's class in aws/operations.ts, never spelled from the class name, which a minified bundle does not keep.
   * A command missing from that table, or of another service than `service`, is rejected before anything is sent.
   */
  send<Output>(service: Service, command: SdkCommand): Promise<Output> {
    let action: string;
    try {
      action = iamActionOf(service, command);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const { run, bucket } = this.limits[service];
    return run(async () => {
      const pacedMs = bucket ? await bucket.take() : 0;
      const start = performance.now();
      try {
        const client = this.clients[service] as unknown as SendsCommands;
        const output = (await client.send(command as never)) as Output & Metadata;
        const meta = output?.$metadata;
        this.ledger.record(action, {
          attempts: meta?.attempts ?? 1,
          retryDelayMs: meta?.totalRetryDelay ?? 0,
          pacedMs,
          elapsedMs: performance.now() - start,
        });
        return output;
      } catch (error) {
        const attempts = (error as Metadata).$metadata?.attempts ?? 1;
        this.ledger.record(action, {
          attempts,
          retryDelayMs: 0,
          pacedMs,
          elapsedMs: performance.now() - start,
        });
        throw toReadError(error, action, this.region);
      }
    });
  }

  /**
   * Every page of a paginated read. `next` builds the command for a page token (undefined
   * for the first page); `tokenOf` reads the next token (EC2 `NextToken`, EKS `nextToken`).
   */
  async pages<Output>(
    service: Service,
    next: (token: string | undefined) => SdkCommand,
    tokenOf: (page: Output) => string | undefined,
  ): Promise<Output[]> {
    const pages: Output[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<Output>(service, next(token));
      pages.push(page);
      token = tokenOf(page) || undefined;
    } while (token !== undefined);
    return pages;
  }
}
