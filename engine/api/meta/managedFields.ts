/**
 * `obj` without metadata.managedFields, as the trimming transform of Kubernetes' own informers
 * leaves it: a shallow copy of the object and of its metadata, sharing everything else with `obj`
 * (`obj` itself when it has none). An update sent without managedFields keeps the server's.
 */
export function withoutManagedFields<T extends { metadata?: { managedFields?: unknown } }>(obj: T): T {
  const meta = obj.metadata;
  if (!meta || typeof meta !== 'object' || !('managedFields' in meta)) return obj;
  const { managedFields: _managedFields, ...metadata } = meta;
  return { ...obj, metadata };
}
