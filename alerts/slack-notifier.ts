import type { SSMClient } from '@aws-sdk/client-ssm';
import { SecureStringProvider, secureStringFailure } from './secure-string-provider';
import { buildSlackPayload } from './slack-message';
import type { Transition } from './transition';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface NotifierLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface SlackNotifierOptions {
  ssmClient: SSMClient;
  /** Name of the SSM SecureString parameter that holds the incoming-webhook URL. */
  parameterName: string;
  /** How long a warm container keeps the URL before reading SSM again. Default 300 s. */
  urlMaxAgeSeconds?: number;
  /** Retries after the first attempt (so `retries + 1` requests at most). Default 3. */
  retries?: number;
  fetch?: typeof fetch;
  logger?: NotifierLogger;
  /** First backoff delay; doubled per retry, with full jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Upper bound for one backoff delay. Default 5 s. */
  maxDelayMs?: number;
  /** Upper bound for a 429's Retry-After, so one answer cannot eat the Lambda's timeout. Default 10 s. */
  maxRetryAfterMs?: number;
  /** Per-request timeout. Default 5 s. */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Every error this module throws. Messages are built only from status codes, Slack's error
 * codes and SSM parameter names: the webhook URL is a credential (its path is the secret) and
 * must never reach logs or error reports.
 */
export class SlackNotifyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SlackNotifyError';
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds (Slack's form) or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Slack answers errors with a short code (`invalid_payload`, `no_service`); anything else is not echoed. */
async function slackErrorCode(response: Response): Promise<string> {
  const body = (await response.text().catch(() => '')).trim();
  return /^[a-z_]{1,64}$/.test(body) ? ` (${body})` : '';
}

/** Duck-typed: fetch errors come from Node's own realm, where `instanceof Error` can be false. */
function networkErrorCode(error: unknown): string {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  return typeof cause?.code === 'string' && /^[A-Z_]{1,40}$/.test(cause.code) ? cause.code : 'network error';
}

/** Why `value` cannot be the webhook URL, or undefined when it can. */
function webhookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'does not hold a URL';
  }
  // The URL is the credential: plain http would send it readable to every hop. Loopback (a local
  // relay, the tests' server) is the only place that is harmless.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return 'does not hold an https URL';
  }
  return undefined;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; delayMs?: number; error: SlackNotifyError };

/** Posts alerts to a Slack incoming webhook whose URL lives in an SSM SecureString. */
export class SlackNotifier {
  private readonly parameters: SecureStringProvider;
  /** Set after the webhook answered as revoked: the next read skips the cache. */
  private refreshUrl = false;
  private readonly retries: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: SlackNotifierOptions) {
    this.parameters = new SecureStringProvider(options.ssmClient);
    this.retries = Math.max(0, Math.floor(options.retries ?? 3));
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  async notify(transition: Transition): Promise<void> {
    const body = JSON.stringify(buildSlackPayload(transition));
    const url = await this.url();
    const attempts = this.retries + 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(url, body);
      if (outcome.ok) return;
      if (outcome.error.status === 403 || outcome.error.status === 404 || outcome.error.status === 410) {
        // A revoked or rotated webhook: read the parameter again on the next invocation.
        this.refreshUrl = true;
      }
      if (!outcome.retry || attempt >= attempts) {
        const tail = outcome.retry ? ` after ${attempt} attempt${attempt === 1 ? '' : 's'}` : '';
        throw new SlackNotifyError(`${outcome.error.message}${tail}`, outcome.error.status);
      }
      const delayMs = outcome.delayMs ?? this.backoffMs(attempt);
      this.options.logger?.warn('Slack webhook post failed; retrying', {
        reason: outcome.error.message,
        attempt,
        attempts,
        delayMs,
      });
      await this.sleep(delayMs);
    }
  }

  /** The URL, cached by Powertools Parameters for urlMaxAgeSeconds; a failed read is not cached. */
  private async url(): Promise<string> {
    const name = this.options.parameterName;
    let stored: unknown;
    try {
      stored = await this.parameters.get(name, {
        maxAge: this.options.urlMaxAgeSeconds ?? 300,
        forceFetch: this.refreshUrl,
      });
    } catch (error) {
      const failure = secureStringFailure(error);
      throw new SlackNotifyError(failure?.message ?? `reading SSM parameter ${name} failed: error`);
    }
    const value = typeof stored === 'string' ? stored.trim() : '';
    const problem = webhookUrlProblem(value);
    // A value that fails the check is read again next time rather than kept for the cache's max age.
    this.refreshUrl = problem !== undefined;
    if (problem) throw new SlackNotifyError(`SSM parameter ${name} ${problem}`);
    return value;
  }

  private async post(url: string, body: string): Promise<Attempt> {
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5_000),
      });
    } catch (error) {
      // The fetch error may embed the URL; only its code is kept.
      return {
        ok: false,
        retry: true,
        error: new SlackNotifyError(`Slack webhook unreachable: ${networkErrorCode(error)}`),
      };
    }
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: true };
    }
    const status = response.status;
    const error = new SlackNotifyError(
      `Slack webhook answered HTTP ${status}${await slackErrorCode(response)}`,
      status,
    );
    if (status === 429) {
      const asked = retryAfterMs(response.headers.get('retry-after'));
      const cap = this.options.maxRetryAfterMs ?? 10_000;
      return {
        ok: false,
        retry: true,
        delayMs: asked === undefined ? undefined : Math.min(asked, cap),
        error,
      };
    }
    return { ok: false, retry: status >= 500, error };
  }

  private backoffMs(attempt: number): number {
    const base = this.options.baseDelayMs ?? 250;
    const max = this.options.maxDelayMs ?? 5_000;
    const ceiling = Math.min(max, base * 2 ** (attempt - 1));
    // Full jitter: concurrent Lambdas hitting the same rate limit spread out instead of retrying together.
    return Math.round(this.random() * ceiling);
  }
}
