/**
 * Boxes of (address range × port range), inclusive on both axes. A set of traffic is a list
 * of disjoint boxes; NACL evaluation subtracts each entry's box from what is still undecided.
 */
export interface Box {
  addressFrom: bigint;
  addressTo: bigint;
  portFrom: number;
  portTo: number;
}

export function intersects(a: Box, b: Box): boolean {
  return (
    a.addressFrom <= b.addressTo &&
    b.addressFrom <= a.addressTo &&
    a.portFrom <= b.portTo &&
    b.portFrom <= a.portTo
  );
}

export function intersectsAny(boxes: readonly Box[], box: Box): boolean {
  return boxes.some((b) => intersects(b, box));
}

/** `boxes` minus `cut`: each box overlapping `cut` splits into at most four disjoint pieces. */
export function subtract(boxes: readonly Box[], cut: Box): Box[] {
  const out: Box[] = [];
  for (const box of boxes) {
    if (!intersects(box, cut)) {
      out.push(box);
      continue;
    }
    if (box.addressFrom < cut.addressFrom) out.push({ ...box, addressTo: cut.addressFrom - 1n });
    if (box.addressTo > cut.addressTo) out.push({ ...box, addressFrom: cut.addressTo + 1n });
    const addressFrom = box.addressFrom > cut.addressFrom ? box.addressFrom : cut.addressFrom;
    const addressTo = box.addressTo < cut.addressTo ? box.addressTo : cut.addressTo;
    if (box.portFrom < cut.portFrom)
      out.push({ addressFrom, addressTo, portFrom: box.portFrom, portTo: cut.portFrom - 1 });
    if (box.portTo > cut.portTo)
      out.push({ addressFrom, addressTo, portFrom: cut.portTo + 1, portTo: box.portTo });
  }
  return out;
}
