import type { Params } from '../../engine/params';
import type { ShortCut } from '../../engine/rule';

/** SPEC §4 step 2 for the endpoint rules: with `requiredServices=` there is nothing to judge. */
export function noServiceRequired(params: Params): ShortCut | undefined {
  return params.requiredServices.length === 0
    ? { compliance: 'NOT_APPLICABLE', annotation: 'no service is required (requiredServices is empty)' }
    : undefined;
}
