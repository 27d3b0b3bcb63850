// applyDefaults: what the API server fills in before validating and storing an object, per kind, after
// pkg/apis/<group>/v1/defaults.go (and the canonical form of quantities, which decoding produces).

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
import './endpointslice.js';
import './storageclass.js';
import './horizontalpodautoscaler.js';
import './rbac.js';
import './customresourcedefinition.js';

/** The object's group: the part of apiVersion before '/', or "" for the core group ("v1"). */
function groupOf(apiVersion: unknown): string {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = s.indexOf('/');
  return slash < 0 ? '' : s.slice(0, slash);
}

/** A defaulted deep copy of `obj`; the input is never changed. Kinds without defaults come back as copies. */
export function applyDefaults<T extends object>(obj: T): T {
  const copy = structuredClone(obj) as Record<string, any>;
  if (!isObj(copy)) return copy as T;
  const defaulter = defaulterFor(groupOf(copy.apiVersion), String(copy.kind ?? ''));
  defaulter?.(copy);
  return copy as T;
}

export { imageTag } from './pod.js';
