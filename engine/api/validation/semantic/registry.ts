// The per-kind semantic rules, keyed by group and kind: each kind names its object-name rule and, where
// Kubernetes has them, its create and update validations (pkg/apis/*/validation).

import type { FieldError } from '../../errors.js';
import type { KindInfo } from '../../kinds/index.js';
import type { ValidateNameFunc } from '../names.js';

/** What validation needs of a kind: the registry's KindInfo has it all. */
export type KindRef = Pick<KindInfo, 'group' | 'version' | 'kind' | 'namespaced'>;

export type Obj = Record<string, unknown>;

export interface KindRules {
  /** How metadata.name is checked; a DNS subdomain when absent (as for custom resources and most kinds). */
  readonly name?: ValidateNameFunc;
  /** Everything but metadata, on create and again on update (then with the stored object). */
  readonly validate?: (obj: Obj, kind: KindRef, oldObj?: Obj) => FieldError[];
  /** Rules that compare with the stored object (immutability). */
  readonly validateUpdate?: (obj: Obj, oldObj: Obj, kind: KindRef) => FieldError[];
  /** An update through the status subresource, beyond its metadata (ValidatePodStatusUpdate and the like). */
  readonly validateStatusUpdate?: (obj: Obj, oldObj: Obj, kind: KindRef) => FieldError[];
  /** An update through a CertificateSigningRequest's approval subresource (ValidateCertificateSigningRequestApprovalUpdate). */
  readonly validateApprovalUpdate?: (obj: Obj, oldObj: Obj, kind: KindRef) => FieldError[];
  /** An update through a pod's ephemeralcontainers subresource (ValidatePodEphemeralContainersUpdate). */
  readonly validateEphemeralContainersUpdate?: (obj: Obj, oldObj: Obj) => FieldError[];
}

const rules = new Map<string, KindRules>();

export const kindKey = (group: string, kind: string): string => `${group}/${kind}`;

/** Registrations for one kind merge, so a kind's name rule and its spec rules may live in different files. */
export function registerKindRules(group: string, kind: string, r: KindRules): void {
  rules.set(kindKey(group, kind), { ...rules.get(kindKey(group, kind)), ...r });
}

export function kindRules(group: string, kind: string): KindRules | undefined {
  return rules.get(kindKey(group, kind));
}
