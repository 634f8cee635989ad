import { parseSnapshot } from '../snapshot/load';
import { SnapshotView } from '../snapshot/view';
import type { RawSnapshot } from './private-cluster';

/** Validates a raw snapshot exactly as the CLI does and indexes it. */
export function viewOf(raw: RawSnapshot | Record<string, unknown>): SnapshotView {
  return new SnapshotView(parseSnapshot(structuredClone(raw)));
}
