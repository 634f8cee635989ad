/**
 * Several Config rules fire for one change, each in its own invocation, usually in the same warm container: they
 * share one collection per scope. The cache holds the PROMISE, so invocations that overlap wait for the one read in
 * flight rather than starting their own; a failed collection is dropped at once so the retry reads again.
 */
import { collectSnapshot } from '../aws/collect';
import type { AwsReader } from '../aws/reader';
import { parseSnapshot } from '../snapshot/load';
import { SnapshotView } from '../snapshot/view';

/** Short: long enough to cover one change's burst of rule invocations, short enough never to hide a later change. */
export const DEFAULT_COLLECTION_TTL_MS = 30_000;

export type CollectionScope = { vpcIds: readonly string[] } | { wholeRegion: true };

export interface CollectionCacheOptions {
  ttlMs?: number;
  now?: () => number;
  /** How a scope is collected; default collectSnapshot + parseSnapshot. */
  collect?: (reader: AwsReader, scope: CollectionScope) => Promise<SnapshotView>;
}

interface Entry {
  expiresAt: number;
  view: Promise<SnapshotView>;
}

export async function collectView(reader: AwsReader, scope: CollectionScope): Promise<SnapshotView> {
  const raw = await collectSnapshot(reader, 'vpcIds' in scope ? { vpcIds: scope.vpcIds } : {});
  return new SnapshotView(parseSnapshot(raw));
}

/**
 * `account`: the member account the reader acts in (an Organization hub, deploy/org); undefined = the Lambda's own.
 * Two accounts' VPCs are never one entry, even where their ids or Regions coincide.
 */
export function scopeKey(region: string, scope: CollectionScope, account?: string): string {
  const key = `${region}|${'vpcIds' in scope ? [...new Set(scope.vpcIds)].sort().join(',') : 'whole'}`;
  return account === undefined ? key : `${account}|${key}`;
}

export class CollectionCache {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly collect: (reader: AwsReader, scope: CollectionScope) => Promise<SnapshotView>;
  private readonly entries = new Map<string, Entry>();

  constructor(options: CollectionCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_COLLECTION_TTL_MS;
    this.now = options.now ?? (() => Date.now());
    this.collect = options.collect ?? collectView;
  }

  /**
   * The view of `scope`, collected at most once per TTL. A fresh whole-Region view also serves any VPC scope: it
   * holds every VPC (callers select clusters by VPC themselves). `account`: the member account `reader` acts in
   * (undefined = the Lambda's own); each account has entries of its own.
   */
  view(reader: AwsReader, scope: CollectionScope, account?: string): Promise<SnapshotView> {
    const now = this.now();
    this.evictExpired(now);
    const key = scopeKey(reader.region, scope, account);
    const hit =
      this.entries.get(key) ?? this.entries.get(scopeKey(reader.region, { wholeRegion: true }, account));
    if (hit) return hit.view;
    const view = this.collect(reader, scope);
    this.entries.set(key, { expiresAt: now + this.ttlMs, view });
    view.catch(() => {
      if (this.entries.get(key)?.view === view) this.entries.delete(key);
    });
    return view;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** The warm container's cache, shared by every invocation the container serves. */
export const sharedCollectionCache = new CollectionCache();
