/**
 * Turns the look-ups of affectedResources into VPC ids (SPEC §8): one Describe call per resource kind, however many
 * ids of that kind the event named. A resource that no longer exists cannot be placed in a VPC, so the answer is the
 * whole Region (always correct, just costlier); any other read error propagates, so the invocation is retried rather
 * than silently checking too little.
 */
import { isNotFoundError } from '../aws/errors';
import type { AwsReader } from '../aws/reader';
import { readResourceVpcs } from '../aws/resource-vpcs';
import type { AffectedResources, LookupKind, ResourceLookup } from './affected-resources';

export type VpcScope = { vpcIds: string[] } | { wholeRegion: true; reason: string };

/** Raised inside this module when a named resource is gone; turned into a whole-Region scope. */
class Gone extends Error {}

async function vpcsOf(reader: AwsReader, kind: LookupKind, ids: string[]): Promise<string[]> {
  const vpcById = await readResourceVpcs(reader, kind, ids);
  // EC2 answers NotFound for an unknown id, but a response that leaves one out means the same.
  return ids.map((id) => {
    const vpcId = vpcById.get(id);
    if (vpcId === undefined)
      throw new Gone(kind === 'cluster' ? `cluster ${id} has no VPC` : `${id} was not found`);
    return vpcId;
  });
}

function idsByKind(lookups: readonly ResourceLookup[]): Map<LookupKind, string[]> {
  const byKind = new Map<LookupKind, string[]>();
  for (const { kind, id } of lookups) {
    const ids = byKind.get(kind) ?? [];
    if (!ids.includes(id)) ids.push(id);
    byKind.set(kind, ids);
  }
  return byKind;
}

/** The VPCs to re-check for `affected`, or the whole Region when they cannot be known. */
export async function resolveVpcs(reader: AwsReader, affected: AffectedResources): Promise<VpcScope> {
  if ('wholeRegion' in affected) return affected;
  if ('vpcIds' in affected) return { vpcIds: [...new Set(affected.vpcIds)].sort() };
  try {
    const resolved = await Promise.all(
      [...idsByKind(affected.lookups)].map(([kind, ids]) => vpcsOf(reader, kind, ids)),
    );
    const vpcIds = [...new Set(resolved.flat())].sort();
    return vpcIds.length > 0
      ? { vpcIds }
      : { wholeRegion: true, reason: 'no VPC found for the named resources' };
  } catch (error) {
    if (error instanceof Gone) return { wholeRegion: true, reason: error.message };
    if (isNotFoundError(error)) return { wholeRegion: true, reason: (error as Error).message };
    throw error;
  }
}
