// The per-kind semantic rules, keyed by group and kind: each kind names its object-name rule and, where
// Kubernetes has them, its create and update validations (pkg/apis/*/validation).

import type { FieldError } from '../../errors.js';
import type { ValidateNameFunc } from '../names.js';

/** The identity of a served kind; structurally compatible with the kinds registry's KindInfo. */
export interface KindRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export type Obj = Record<string, unknown>;

export interface KindRules {
  /** How metadata.name is checked; apimachinery's path-segment rule when absent. */
  readonly name?: ValidateNameFunc;
  /** Everything but metadata, on create and again on update. */
  readonly validate?: (obj: Obj, kind: KindRef) => FieldError[];
  /** Rules that compare with the stored object (immutability). */
  readonly validateUpdate?: (obj: Obj, oldObj: Obj, kind: KindRef) => FieldError[];
}

const rules = new Map<string, KindRules>();

export const kindKey = (group: string, kind: string): string => `${group}/${kind}`;

export function registerKindRules(group: string, kind: string, r: KindRules): void {
  rules.set(kindKey(group, kind), r);
}

export function kindRules(group: string, kind: string): KindRules | undefined {
  return rules.get(kindKey(group, kind));
}
