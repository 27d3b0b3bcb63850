// Owner references as controllers use them (k8s.io/apimachinery/pkg/apis/meta/v1 controller_ref.go
// and pkg/controller/controller_ref_manager.go): find the controller of an object, build a
// controller reference, decide whether a controller adopts, keeps or releases an object, and the
// strategic merge patches that adopt and release. Validation of ownerReferences lives with the
// other ObjectMeta checks (validateOwnerReferences in ../validation/names).
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';

/** Anything with ObjectMeta. */
export interface MetaObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** metav1.GetControllerOf: the owner reference with controller=true, if any. */
export function getControllerOf(obj: MetaObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** metav1.IsControlledBy: the object's controller reference points at `owner` (by uid). */
export function isControlledBy(obj: MetaObject, owner: MetaObject): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && owner.metadata?.uid !== undefined && ref.uid === owner.metadata.uid;
}

/**
 * metav1.NewControllerRef: a reference to `owner` that marks it as the controller and blocks its
 * foreground deletion until this dependent is gone.
 */
export function newControllerRef(owner: MetaObject, apiVersion = owner.apiVersion ?? '', kind = owner.kind ?? ''): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** What a controller does with an object its selector may or may not match. */
export type ClaimDecision =
  /** It controls the object and still selects it. */
  | 'owned'
  /** It has no controller; this one selects it and should adopt it. */
  | 'adopt'
  /** It controls the object but no longer selects it: release it. */
  | 'release'
  /** Not this controller's business (another controller's, being deleted, or not selected). */
  | 'ignore';

/**
 * BaseControllerRefManager.ClaimObject's decision. `matches` is the controller's selector applied
 * to the object's labels.
 */
export function claimDecision(controller: MetaObject, obj: MetaObject, matches: boolean): ClaimDecision {
  const ref = getControllerOf(obj);
  if (ref) {
    if (ref.uid !== controller.metadata?.uid) return 'ignore';
    if (matches) return 'owned';
    // A controller being deleted no longer releases its objects; the garbage collector takes over.
    if (controller.metadata?.deletionTimestamp) return 'ignore';
    return 'release';
  }
  if (controller.metadata?.deletionTimestamp || !matches) return 'ignore';
  if (obj.metadata?.deletionTimestamp) return 'ignore';
  const ns = controller.metadata?.namespace ?? '';
  if (ns && ns !== (obj.metadata?.namespace ?? '')) return 'ignore';
  return 'adopt';
}

/**
 * The strategic merge patch a controller sends to adopt `obj`: its controller reference merged
 * into ownerReferences by uid, and the object's uid as a precondition against a recreated object.
 */
export function adoptionPatch(controller: MetaObject, obj: MetaObject, apiVersion?: string, kind?: string): { metadata: { ownerReferences: OwnerReference[]; uid: string } } {
  return { metadata: { ownerReferences: [newControllerRef(controller, apiVersion, kind)], uid: obj.metadata?.uid ?? '' } };
}

/** The strategic merge patch that releases `obj`: `$patch: delete` of the owner's reference. */
export function releasePatch(ownerUID: string, obj: MetaObject): { metadata: { ownerReferences: { $patch: 'delete'; uid: string }[]; uid: string } } {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUID }], uid: obj.metadata?.uid ?? '' } };
}

/** A copy of `obj` with `ref` added, replacing any reference to the same uid. */
export function withOwnerReference<T extends MetaObject>(obj: T, ref: OwnerReference): T {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [...refs, ref] } };
}

/**
 * A copy of `obj` without the reference to `ownerUID` (orphaning it, as the garbage collector does
 * for `propagationPolicy: Orphan`). An emptied list is removed, as Kubernetes omits it.
 */
export function withoutOwnerReference<T extends MetaObject>(obj: T, ownerUID: string): T {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ownerUID);
  const metadata: ObjectMeta = { ...obj.metadata };
  if (refs.length) metadata.ownerReferences = refs;
  else delete metadata.ownerReferences;
  return { ...obj, metadata };
}
