// Quantities are stored in canonical form: the API server decodes each into a resource.Quantity and
// encodes it back, so `0.5` is stored as `500m` and `1.5Gi` as `1536Mi`.

import { Quantity } from '../quantity.js';
import { isObj, type Obj } from './registry.js';

/** Rewrites a quantity in place when it parses; an unparsable one is left for validation to report. */
export function canonicalizeQuantity(o: Obj, key: string): void {
  if (o[key] === undefined || o[key] === null) return;
  const q = Quantity.tryParse(o[key]);
  if (q) o[key] = q.toString();
}

/**
 * SetDefaults_ResourceList: every value of a v1.ResourceList is rounded up to milli-units (so `1n` of
 * cpu is stored as `1m`), then stored canonical.
 */
export function canonicalizeResourceList(list: unknown): void {
  if (!isObj(list)) return;
  for (const key of Object.keys(list)) {
    const q = Quantity.tryParse(list[key]);
    if (q) list[key] = q.roundUp(-3).toString();
  }
}
