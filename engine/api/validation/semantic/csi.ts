// The CSI kinds of storage.k8s.io/v1 (pkg/apis/storage/validation and the registry strategies):
// CSIDriver, CSINode, VolumeAttachment, CSIStorageCapacity and VolumeAttributesClass.
//
// Values in messages follow kube-apiserver 1.34 and later: lists and structs as JSON. Validation runs on
// Kubernetes' internal types, which carry no json tags, so their structs print with Go's field names
// (`{"Name":"…","NodeID":"…"}`), while a metav1.LabelSelector prints with its own tags.
//
// Some strategies run a check twice on update (ValidateCSINode and ValidateVolumeAttachment both
// run from the strategy and again from the *Update function). kube-apiserver drops repeated messages
// when it prints them, so each check runs once here.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { Quantity } from '../../quantity.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from '../names.js';
import { arr, at, deepEqual, has, isObj, jsonLabelSelector, jsonValue, num, obj, str } from './common.js';
import { type Obj, registerKindRules } from './registry.js';

const group = 'storage.k8s.io';
const root = FieldPath.root;
const spec = root('spec');
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

// ---- shared ----

/** ValidateCSIDriverName (pkg/apis/core/validation): a DNS subdomain once lowercased, at most 63 bytes. */
export function validateCSIDriverName(name: string, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(fieldError.required(fld));
  if (bytes(name) > 63) errs.push(fieldError.tooLong(fld, name, 63));
  errs.push(...isDNS1123Subdomain(name.toLowerCase()).map((m) => fieldError.invalid(fld, name, m)));
  return errs;
}

/** ValidateQualifiedName: each message an Invalid at `fld`. */
function validateQualifiedName(value: string, fld: FieldPath): FieldError[] {
  return isQualifiedName(value).map((m) => fieldError.invalid(fld, value, m));
}

/** validateProvisioner: required, then a qualified name once lowercased (the lowercased value is printed). */
function validateProvisioner(value: string, fld: FieldPath): FieldError[] {
  if (!value) return [fieldError.required(fld)];
  return validateQualifiedName(value.toLowerCase(), fld);
}

const maxParameters = 512;
const maxParametersSize = 256 * (1 << 10);

/** validateParameters: at most 512 keys, none empty, 256 KiB in all; VolumeAttributesClass needs one. */
function validateParameters(params: unknown, allowEmpty: boolean, fld: FieldPath): FieldError[] {
  const p = obj(params);
  const keys = Object.keys(p);
  if (keys.length > maxParameters) return [fieldError.tooLong(fld, '', maxParameters)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of keys) {
    if (!k) errs.push(fieldError.invalid(fld, k, 'field can not be empty.'));
    size += bytes(k) + bytes(str(p[k]));
  }
  if (size > maxParametersSize) errs.push(fieldError.tooLong(fld, '', maxParametersSize));
  if (!allowEmpty && keys.length === 0) errs.push(fieldError.required(fld, 'must contain at least one key/value pair'));
  return errs;
}

/** A name checked as a DNS subdomain (ValidateNodeName, ValidateClassName, ValidatePersistentVolumeName). */
function validateSubdomainValue(value: string, fld: FieldPath): FieldError[] {
  return nameIsDNSSubdomain(value, false).map((m) => fieldError.invalid(fld, value, m));
}

/** Keeps the first of errors that print the same, as kube-apiserver's message does. */
function unique(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const key = JSON.stringify([e.field, e.type, e.value instanceof GoValue ? e.value.text : e.value, e.detail]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- CSIDriver ----

const fsGroupPolicies = ['File', 'None', 'ReadWriteOnceWithFSType'];
const lifecycleModes = ['Persistent', 'Ephemeral'];
const minTokenSeconds = 600;
const maxTokenSeconds = 2 ** 32;

/** validateTokenRequests: distinct audiences, and lifetimes between ten minutes and 2^32 seconds. */
function validateTokenRequests(requests: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const audiences = new Set<string>();
  arr(requests).forEach((r, i) => {
    const tr = obj(r);
    const p = fld.index(i);
    const audience = str(tr.audience);
    if (audiences.has(audience)) {
      errs.push(fieldError.duplicate(p.child('audience'), audience));
      return;
    }
    audiences.add(audience);
    const seconds = num(tr.expirationSeconds);
    if (seconds === undefined) return;
    if (seconds < minTokenSeconds) errs.push(fieldError.invalid(p.child('expirationSeconds'), seconds, 'may not specify a duration less than 10 minutes'));
    if (seconds > maxTokenSeconds) errs.push(fieldError.invalid(p.child('expirationSeconds'), seconds, 'may not specify a duration larger than 2^32 seconds'));
  });
  return errs;
}

/**
 * validateCSIDriverSpec. The booleans are defaulted, so Required only fires for an explicit null. Kubernetes
 * reports attachRequired under the misspelt path `spec.attachedRequired`, kept here.
 */
function validateCSIDriverSpec(s: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!has(s, 'attachRequired')) errs.push(fieldError.required(spec.child('attachedRequired')));
  if (!has(s, 'podInfoOnMount')) errs.push(fieldError.required(spec.child('podInfoOnMount')));
  if (!has(s, 'storageCapacity')) errs.push(fieldError.required(spec.child('storageCapacity')));
  if (has(s, 'fsGroupPolicy') && !fsGroupPolicies.includes(str(s.fsGroupPolicy)))
    errs.push(fieldError.notSupported(spec.child('fsGroupPolicy'), s.fsGroupPolicy, fsGroupPolicies));
  errs.push(...validateTokenRequests(s.tokenRequests, spec.child('tokenRequests')));
  for (const mode of arr(s.volumeLifecycleModes))
    if (!lifecycleModes.includes(str(mode))) errs.push(fieldError.notSupported(spec.child('volumeLifecycleModes'), mode, lifecycleModes));
  // SELinuxMountReadWriteOncePod is on, so seLinuxMount is required (and defaulted).
  if (!has(s, 'seLinuxMount')) errs.push(fieldError.required(spec.child('seLinuxMount')));
  const period = num(s.nodeAllocatableUpdatePeriodSeconds);
  if (period !== undefined && period < 10)
    errs.push(fieldError.invalid(spec.child('nodeAllocatableUpdatePeriodSeconds'), period, 'must be greater than or equal to 10 seconds'));
  return errs;
}

registerKindRules(group, 'CSIDriver', {
  name: nameIsDNSSubdomain,
  validate: (d) => validateCSIDriverSpec(obj(d.spec)),
  // Everything else in the spec may change (fsGroupPolicy has been mutable since 1.29).
  validateUpdate: (n, o) => {
    const ns = obj(n.spec);
    const os = obj(o.spec);
    const errs: FieldError[] = [];
    if (!deepEqual(ns.attachRequired, os.attachRequired)) errs.push(fieldError.invalid(spec.child('attachedRequired'), ns.attachRequired ?? null, 'field is immutable'));
    if (!deepEqual(ns.volumeLifecycleModes, os.volumeLifecycleModes))
      errs.push(fieldError.invalid(spec.child('volumeLifecycleModes'), jsonValue(ns.volumeLifecycleModes ?? null), 'field is immutable'));
    return errs;
  },
});

// ---- CSINode ----

/** The strategy allows the longer node ID limit (AllowLongNodeID) on create and update. */
const csiNodeIDMaxLength = 256;

function validateCSINodeDriver(d: Obj, seen: Set<string>, fld: FieldPath): FieldError[] {
  const name = str(d.name);
  const nodeID = str(d.nodeID);
  const errs = validateCSIDriverName(name, fld.child('name'));
  if (!nodeID) errs.push(fieldError.required(fld.child('nodeID')));
  if (bytes(nodeID) > csiNodeIDMaxLength) errs.push(fieldError.invalid(fld.child('nodeID'), nodeID, `must be ${csiNodeIDMaxLength} characters or less`));
  const count = num(obj(d.allocatable).count);
  if (count !== undefined && count < 0) errs.push(fieldError.invalid(at(fld, 'allocatable', 'count'), count, 'must be greater than or equal to 0'));
  if (seen.has(name)) errs.push(fieldError.duplicate(fld.child('name'), name));
  seen.add(name);
  // Topology key errors are reported on the driver itself, not on topologyKeys.
  const keys = new Set<string>();
  for (const k of arr(d.topologyKeys)) {
    const key = str(k);
    if (!key) errs.push(fieldError.required(fld));
    if (keys.has(key)) errs.push(fieldError.duplicate(fld, key));
    keys.add(key);
    errs.push(...validateQualifiedName(key, fld));
  }
  return errs;
}

/** A CSINodeDriver as the internal struct prints in JSON, allocatable cleared as the update check compares it. */
function csiNodeDriverValue(d: Obj): GoValue {
  const keys = Array.isArray(d.topologyKeys) ? d.topologyKeys : null;
  return new GoValue(`{"Name":${JSON.stringify(str(d.name))},"NodeID":${JSON.stringify(str(d.nodeID))},"TopologyKeys":${JSON.stringify(keys)},"Allocatable":null}`);
}

registerKindRules(group, 'CSINode', {
  name: nameIsDNSSubdomain,
  validate: (n) => {
    const seen = new Set<string>();
    const drivers = spec.child('drivers');
    return arr(obj(n.spec).drivers).flatMap((d, i) => validateCSINodeDriver(obj(d), seen, drivers.index(i)));
  },
  // A driver, once registered, keeps its name, node ID and topology keys. MutableCSINodeAllocatableCount
  // is on, so its allocatable count may change.
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    const withoutAllocatable = (d: unknown): Obj => {
      const { allocatable: _, ...rest } = obj(d);
      return rest;
    };
    for (const od of arr(obj(o.spec).drivers)) {
      for (const nd of arr(obj(n.spec).drivers)) {
        if (str(obj(od).name) !== str(obj(nd).name)) continue;
        if (!deepEqual(withoutAllocatable(nd), withoutAllocatable(od)))
          errs.push(fieldError.invalid(spec.child('drivers'), csiNodeDriverValue(obj(nd)), 'field is immutable'));
      }
    }
    return errs;
  },
});

// ---- VolumeAttachment ----

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** The persistent volume sources in the order ValidatePersistentVolumeSpec counts them, with the path of its "more than 1" error. */
const pvSources: [field: string, errorPath: string][] = [
  ['hostPath', 'hostPath'], ['gcePersistentDisk', 'gcePersistentDisk'], ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'], ['flocker', 'flocker'], ['nfs', 'nfs'], ['rbd', 'rbd'], ['quobyte', 'quobyte'], ['cephfs', 'cephFS'],
  ['iscsi', 'iscsi'], ['cinder', 'cinder'], ['fc', 'fc'], ['flexVolume', ''], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'], ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['scaleIO', 'scaleIO'],
  ['local', 'local'], ['storageos', 'storageos'], ['csi', 'csi'],
];
const inlineOnly = 'may not be specified in the context of inline volumes';

/** validatePVSecretReference */
function validateSecretReference(ref: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ref.name);
  const ns = str(ref.namespace);
  if (!name) errs.push(fieldError.required(fld.child('name')));
  else errs.push(...isDNS1123Subdomain(name).map((m) => fieldError.invalid(fld.child('name'), name, m)));
  if (!ns) errs.push(fieldError.required(fld.child('namespace')));
  else errs.push(...isDNS1123Label(ns).map((m) => fieldError.invalid(fld.child('namespace'), ns, m)));
  return errs;
}

/** validateCSIPersistentVolumeSource */
function validateCSIVolumeSource(csi: Obj, fld: FieldPath): FieldError[] {
  const errs = validateCSIDriverName(str(csi.driver), fld.child('driver'));
  if (!str(csi.volumeHandle)) errs.push(fieldError.required(fld.child('volumeHandle')));
  for (const ref of ['controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodePublishSecretRef', 'nodeExpandSecretRef'])
    if (isObj(csi[ref])) errs.push(...validateSecretReference(csi[ref], fld.child(ref)));
  return errs;
}

function validateInlineAccessModes(s: Obj, fld: FieldPath): FieldError[] {
  const modes = arr(s.accessModes).map(str);
  const errs: FieldError[] = [];
  if (modes.length === 0) errs.push(fieldError.required(fld));
  for (const m of modes) if (!accessModes.includes(m)) errs.push(fieldError.notSupported(fld, m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && accessModes.includes(m)))
    errs.push(fieldError.forbidden(fld, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/**
 * ValidatePersistentVolumeSpec for an inline volume (validateInlinePersistentVolumeSpec): a CSI source
 * and nothing a bound volume would carry. The checks of the other volume sources are not repeated here:
 * a source other than csi is already an error for an inline volume.
 */
function validateInlineVolumeSpec(s: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (has(s, 'claimRef')) errs.push(fieldError.forbidden(fld.child('claimRef'), inlineOnly));
  if (Object.keys(obj(s.capacity)).length) errs.push(fieldError.forbidden(fld.child('capacity'), inlineOnly));
  if (!has(s, 'csi')) errs.push(fieldError.required(fld.child('csi'), 'has to be specified in the context of inline volumes'));
  errs.push(...validateInlineAccessModes(s, fld.child('accessModes')));
  if (str(s.persistentVolumeReclaimPolicy) && s.persistentVolumeReclaimPolicy !== 'Retain')
    errs.push(fieldError.forbidden(fld.child('persistentVolumeReclaimPolicy'), 'may only be Retain in the context of inline volumes'));
  if (has(s, 'nodeAffinity')) errs.push(fieldError.forbidden(fld.child('nodeAffinity'), inlineOnly));
  let volumes = 0;
  for (const [source, errorPath] of pvSources) {
    if (!has(s, source)) continue;
    // flexVolume is counted without the "more than 1" check, as Kubernetes does.
    if (volumes > 0 && errorPath) {
      errs.push(fieldError.forbidden(fld.child(errorPath), 'may not specify more than 1 volume type'));
      continue;
    }
    volumes++;
    if (source === 'csi') errs.push(...validateCSIVolumeSource(obj(s.csi), fld.child('csi')));
  }
  if (volumes === 0) errs.push(fieldError.required(fld, 'must specify a volume type'));
  if (str(s.storageClassName)) errs.push(fieldError.forbidden(fld.child('storageClassName'), inlineOnly));
  if (has(s, 'volumeMode') && s.volumeMode !== 'Filesystem')
    errs.push(fieldError.forbidden(fld.child('volumeMode'), 'may not specify volumeMode other than Filesystem in the context of inline volumes'));
  if (has(s, 'volumeAttributesClassName')) {
    const vac = str(s.volumeAttributesClassName);
    if (!vac) errs.push(fieldError.required(fld.child('volumeAttributesClassName'), 'an empty string is disallowed'));
    else errs.push(...validateSubdomainValue(vac, fld.child('volumeAttributesClassName')));
    if (!has(s, 'csi')) errs.push(fieldError.required(fld.child('csi'), 'has to be specified when using volumeAttributesClassName'));
  }
  return errs;
}

/** validateVolumeAttachmentSource: exactly one of persistentVolumeName and inlineVolumeSpec. */
function validateVolumeAttachmentSource(src: Obj, fld: FieldPath): FieldError[] {
  const exactlyOne = 'must specify exactly one of inlineVolumeSpec and persistentVolumeName';
  const byName = has(src, 'persistentVolumeName');
  const inline = has(src, 'inlineVolumeSpec');
  if (!byName && !inline) return [fieldError.required(fld, exactlyOne)];
  if (byName && inline) return [fieldError.forbidden(fld, exactlyOne)];
  if (byName) return str(src.persistentVolumeName) ? [] : [fieldError.required(fld.child('persistentVolumeName'), 'must specify non empty persistentVolumeName')];
  return validateInlineVolumeSpec(obj(src.inlineVolumeSpec), fld.child('inlineVolumeSpec'));
}

const maxAttachedVolumeMetadataSize = 256 * (1 << 10);
const maxVolumeErrorMessageSize = 1024;

/** validateVolumeError. Kubernetes reports a long message with the metadata limit, 262144, as its maximum. */
function validateVolumeError(e: unknown, fld: FieldPath): FieldError[] {
  if (!isObj(e)) return [];
  const errs: FieldError[] = [];
  if (bytes(str(e.message)) > maxVolumeErrorMessageSize) errs.push(fieldError.tooLong(fld.child('message'), '', maxAttachedVolumeMetadataSize));
  const code = num(e.errorCode);
  if (code !== undefined && code < 0) errs.push(fieldError.invalid(fld.child('errorCode'), code, inclusiveRangeError(0, 2147483647)));
  return errs;
}

/** ValidateVolumeAttachment: the spec and the status. */
function validateVolumeAttachment(va: Obj): FieldError[] {
  const s = obj(va.spec);
  const st = obj(va.status);
  const status = root('status');
  const errs: FieldError[] = [];
  if (!str(s.attacher)) errs.push(fieldError.required(spec.child('attacher')));
  errs.push(...validateVolumeAttachmentSource(obj(s.source), spec.child('source')));
  errs.push(...validateSubdomainValue(str(s.nodeName), spec.child('nodeName')));
  const metadata = obj(st.attachmentMetadata);
  const size = Object.entries(metadata).reduce((n, [k, v]) => n + bytes(k) + bytes(str(v)), 0);
  if (size > maxAttachedVolumeMetadataSize) errs.push(fieldError.tooLong(status.child('attachmentMetadata'), '', maxAttachedVolumeMetadataSize));
  errs.push(...validateVolumeError(st.attachError, status.child('attachError')));
  errs.push(...validateVolumeError(st.detachError, status.child('detachError')));
  return errs;
}

/** ValidateVolumeAttachmentV1: the stricter checks of a newly created v1 attachment. */
function validateVolumeAttachmentV1(va: Obj): FieldError[] {
  const s = obj(va.spec);
  const errs = validateCSIDriverName(str(s.attacher), spec.child('attacher'));
  const src = obj(s.source);
  if (has(src, 'persistentVolumeName')) errs.push(...validateSubdomainValue(str(src.persistentVolumeName), at(spec, 'source', 'persistentVolumeName')));
  return errs;
}

/** A JSON object's keys as Go's exported field names: an approximation of an internal struct's JSON. */
function goNames(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(goNames);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), goNames(x)]));
}

/**
 * The internal VolumeAttachmentSpec as JSON. Its own fields are exact; an inline volume spec is printed
 * with only the fields it sets (Kubernetes prints every field of the internal PersistentVolumeSpec).
 */
function volumeAttachmentSpecValue(s: Obj): GoValue {
  const src = obj(s.source);
  const inline = isObj(src.inlineVolumeSpec) ? JSON.stringify(goNames(src.inlineVolumeSpec)) : 'null';
  const pvName = typeof src.persistentVolumeName === 'string' ? JSON.stringify(src.persistentVolumeName) : 'null';
  return new GoValue(`{"Attacher":${JSON.stringify(str(s.attacher))},"Source":{"PersistentVolumeName":${pvName},"InlineVolumeSpec":${inline}},"NodeName":${JSON.stringify(str(s.nodeName))}}`);
}

/** ValidateVolumeAttachmentUpdate: the spec is read-only. */
function validateVolumeAttachmentUpdate(n: Obj, o: Obj): FieldError[] {
  return deepEqual(n.spec ?? {}, o.spec ?? {}) ? [] : [fieldError.invalid(spec, volumeAttachmentSpecValue(obj(n.spec)), 'field is immutable')];
}

registerKindRules(group, 'VolumeAttachment', {
  name: nameIsDNSSubdomain,
  // The v1 checks apply to creation only: attachments stored before them must stay updatable.
  validate: (va, _kind, old) => unique(old ? validateVolumeAttachment(va) : [...validateVolumeAttachment(va), ...validateVolumeAttachmentV1(va)]),
  validateUpdate: validateVolumeAttachmentUpdate,
  // The status strategy inherits the main one's ValidateUpdate; the stored spec is kept.
  validateStatusUpdate: (n, o) => [...validateVolumeAttachment(n), ...validateVolumeAttachmentUpdate(n, o)],
});

// ---- CSIStorageCapacity ----

/** hasInvalidLabelValueInLabelSelector: a stored selector with a bad value may keep it on update. */
function hasInvalidLabelValue(sel: unknown): boolean {
  return arr(obj(sel).matchExpressions).some((e) => arr(obj(e).values).some((v) => isValidLabelValue(str(v)).length > 0));
}

registerKindRules(group, 'CSIStorageCapacity', {
  name: nameIsDNSSubdomain,
  validate: (c, _kind, old) => {
    const allowInvalidLabelValueInSelector = old !== undefined && hasInvalidLabelValue(old.nodeTopology);
    const errs = isObj(c.nodeTopology) ? validateLabelSelector(c.nodeTopology as LabelSelector, root('nodeTopology'), { allowInvalidLabelValueInSelector }) : [];
    errs.push(...validateSubdomainValue(str(c.storageClassName), root('storageClassName')));
    // ValidateNonnegativeQuantity; maximumVolumeSize is not checked by Kubernetes.
    const q = Quantity.tryParse(c.capacity);
    if (q && q.sign() < 0) errs.push(fieldError.invalid(root('capacity'), q.toString(), 'must be greater than or equal to 0'));
    return errs;
  },
  // The inputs of the CSI GetCapacity call are fixed; capacity itself is what the driver updates.
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    if (!deepEqual(n.nodeTopology ?? null, o.nodeTopology ?? null)) errs.push(fieldError.invalid(root('nodeTopology'), jsonLabelSelector(n.nodeTopology), 'field is immutable'));
    if (str(n.storageClassName) !== str(o.storageClassName)) errs.push(fieldError.invalid(root('storageClassName'), str(n.storageClassName), 'field is immutable'));
    return errs;
  },
});

// ---- VolumeAttributesClass ----

function validateVolumeAttributesClass(vac: Obj): FieldError[] {
  return [...validateProvisioner(str(vac.driverName), root('driverName')), ...validateParameters(vac.parameters, false, root('parameters'))];
}

registerKindRules(group, 'VolumeAttributesClass', {
  name: nameIsDNSSubdomain,
  // On update Kubernetes reports the forbidden changes before re-validating the class, so both live here.
  validate: (vac, _kind, old) => {
    if (!old) return validateVolumeAttributesClass(vac);
    const errs: FieldError[] = [];
    if (str(vac.driverName) !== str(old.driverName)) errs.push(fieldError.forbidden(root('driverName'), 'updates to driverName are forbidden.'));
    if (!deepEqual(vac.parameters ?? {}, old.parameters ?? {})) errs.push(fieldError.forbidden(root('parameters'), 'updates to parameters are forbidden.'));
    return [...errs, ...validateVolumeAttributesClass(vac)];
  },
});
