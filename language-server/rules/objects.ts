// Small readers of any object the rules judge: its namespace and labels, as plain JSON read defensively.
import { isRecord, valueAt, type PathSegment } from '../parsedDocument';
import type { KubeObject } from './types';

/** `metadata.namespace`, or '' when the manifest leaves it to kubectl (the workspace queries' convention). */
export function namespaceOf(object: KubeObject): string {
  const namespace = valueAt(object, ['metadata', 'namespace']);
  return typeof namespace === 'string' ? namespace : '';
}

/** A label map (or a Service selector) at `path`, values as strings; undefined when there is no map. */
export function labelsAt(object: KubeObject, path: readonly PathSegment[]): Record<string, string> | undefined {
  const labels = valueAt(object, path);
  return isRecord(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : undefined;
}

/** `k=v,k2=v2`, as kubectl writes a selector. */
export const labelsText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
