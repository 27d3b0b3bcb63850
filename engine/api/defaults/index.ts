// applyDefaults: what the API server fills in before validating and storing an object, per kind, after
// pkg/apis/<group>/v1/defaults.go (and the canonical form of quantities, which decoding produces).

import { defaulterFor, isObj } from './registry.js';
import './pod.js';
import './apps.js';
import './batch.js';
import './core.js';
import './cluster.js';

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
