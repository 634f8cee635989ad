/**
 * A set of resource ids that may be incomplete: `unknown` holds the reasons (e.g. a node
 * group without `subnets`). A rule checking "every member …" adds an unknown when the
 * set is incomplete; a rule needing "some member …" may still succeed on `ids`.
 */
export interface IdSet {
  ids: readonly string[];
  unknown: readonly string[];
}
