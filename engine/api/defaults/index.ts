// applyDefaults: what the API server fills in before validating and storing an object, per kind, after
// pkg/apis/<group>/v1/defaults.go (and the canonical form of quantities, which decoding produces).

import { deepCopy } from '../patch/jsonValue.js';
import { defaulterFor, isObj } from './registry.js';
// One file per kind; importing each registers its defaulter.
import './pod.js';
import './podtemplate.js';
import './replicationcontroller.js';
import './deployment.js';
import './replicaset.js';
import './statefulset.js';
import './daemonset.js';
import './job.js';
import './cronjob.js';
import './service.js';
import './endpoints.js';
import './secret.js';
import './namespace.js';
import './node.js';
import './persistentvolume.js';
import './persistentvolumeclaim.js';
import './resourcequota.js';
import './limitrange.js';
import './networkpolicy.js';
import './ingressclass.js';
import './apiservice.js';
import './endpointslice.js';
import './storageclass.js';
import './csi.js';
import './priorityclass.js';
import './horizontalpodautoscaler.js';
import './rbac.js';
import './customresourcedefinition.js';
import './admissionregistration.js';
import './flowcontrol.js';

/** The object's group: the part of apiVersion before '/', or "" for the core group ("v1"). */
function groupOf(apiVersion: unknown): string {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = s.indexOf('/');
  return slash < 0 ? '' : s.slice(0, slash);
}

/** A defaulted deep copy of `obj`; the input is never changed. Kinds without defaults come back as copies. */
export function applyDefaults<T extends object>(obj: T): T {
  // Objects here are decoded JSON: deepCopy copies them as structuredClone would, several times faster.
  return defaultInPlace(deepCopy(obj));
}

/**
 * Defaults `obj` itself and returns it: for a caller that already holds its own copy (the API
 * server defaults the body it decoded), so the object is not copied once more.
 */
export function defaultInPlace<T extends object>(obj: T): T {
  const o: unknown = obj;
  if (!isObj(o)) return obj;
  const defaulter = defaulterFor(groupOf(o.apiVersion), String(o.kind ?? ''));
  defaulter?.(o);
  return obj;
}

export { imageTag } from './pod.js';
