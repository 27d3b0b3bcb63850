// Readers of RBAC rules shared by the access checks: the rules of a Role or ClusterRole that grant a
// verb on a resource, with where they are written.
import { valueAt } from '../parsedDocument';
import type { KubeObject } from './types';

export interface GrantAt {
  /** The rule's index in `rules`. */
  readonly index: number;
  readonly resource: string;
  readonly verbs: readonly string[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Each (rule, resource) among `resources` that the rule grants one of `verbs` on (`*` verbs count). */
export function grants(object: KubeObject, resources: ReadonlySet<string>, verbs: ReadonlySet<string>): GrantAt[] {
  const rules = valueAt(object, ['rules']);
  if (!Array.isArray(rules)) return [];
  const found: GrantAt[] = [];
  rules.forEach((_, index) => {
    const granted = strings(valueAt(object, ['rules', index, 'verbs'])).filter((v) => v === '*' || verbs.has(v));
    if (granted.length === 0) return;
    for (const resource of strings(valueAt(object, ['rules', index, 'resources']))) if (resources.has(resource)) found.push({ index, resource, verbs: granted });
  });
  return found;
}
