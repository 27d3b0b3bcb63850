// What the views' context menus do to an object, in kubectl's terms: scale, rollout restart, rollout
// undo, and the YAML of an object (Secret values masked unless revealed). Plain functions
// of a ClusterBackend, so they are tested without VS Code and behave the same on every backend.
import { stringify } from 'yaml';
import { type ClusterBackend, ClusterError, type KubeObj, type ObjectRef } from '../backend/clusterBackend';

const revisionAnnotation = 'deployment.kubernetes.io/revision';

/** `kubectl scale --replicas=N`: through the scale subresource, as kubectl does. */
export async function scale(backend: ClusterBackend, ref: ObjectRef, replicas: number): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be a whole number ≥ 0, not ${replicas}`);
  await backend.patch(ref, 'merge', { spec: { replicas } }, 'scale');
}

/** `kubectl rollout restart`: a new template annotation makes the controller roll every pod. */
export async function restart(backend: ClusterBackend, ref: ObjectRef, now: Date = new Date()): Promise<void> {
  await backend.patch(ref, 'strategic', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } });
}

/** A Deployment's revisions, newest first: each ReplicaSet it owns with its revision number. */
export function rolloutHistory(deployment: KubeObj, replicaSetsOf: (uid: string) => KubeObj[]): { revision: number; replicaSet: KubeObj }[] {
  return replicaSetsOf(deployment.metadata.uid)
    .map((rs) => ({ revision: Number(rs.metadata?.annotations?.[revisionAnnotation] ?? 0), replicaSet: rs }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision);
}

/**
 * `kubectl rollout undo [--to-revision=N]`: the Deployment's pod template becomes the one of the
 * given (default: the previous) revision's ReplicaSet, without its pod-template-hash label.
 * Resolves with the revision rolled back to.
 */
export async function rollback(backend: ClusterBackend, ref: ObjectRef, replicaSetsOf: (uid: string) => KubeObj[], toRevision?: number): Promise<number> {
  const deployment = await backend.get(ref);
  if (!deployment) throw new ClusterError(`deployments.apps "${ref.name}" not found`, 404, 'NotFound');
  const history = rolloutHistory(deployment, replicaSetsOf);
  const target = toRevision === undefined ? history[1] : history.find((h) => h.revision === toRevision);
  if (!target) throw new Error(toRevision === undefined ? `no rollout history found for deployment "${ref.name}"` : `unable to find specified revision ${toRevision} in history`);
  const template = structuredClone(target.replicaSet.spec.template);
  delete template.metadata?.labels?.['pod-template-hash'];
  await backend.patch(ref, 'json', [
    { op: 'test', path: '/metadata/resourceVersion', value: deployment.metadata.resourceVersion },
    { op: 'replace', path: '/spec/template', value: template },
  ]);
  return target.revision;
}

/** The object as YAML without its managedFields; a Secret's values read `***` unless `reveal`. */
export function objectYaml(obj: KubeObj, options: { reveal?: boolean } = {}): string {
  const { managedFields: _, ...metadata } = obj.metadata ?? {};
  const shown: KubeObj = { ...obj, metadata };
  if (obj.kind === 'Secret' && !options.reveal) {
    if (obj.data) shown.data = Object.fromEntries(Object.keys(obj.data).map((k) => [k, '***']));
    const annotations = { ...(metadata.annotations ?? {}) };
    // kubectl's client-side apply keeps the whole Secret, values included, in this annotation.
    if (annotations['kubectl.kubernetes.io/last-applied-configuration']) annotations['kubectl.kubernetes.io/last-applied-configuration'] = '***';
    if (metadata.annotations) shown.metadata = { ...metadata, annotations };
  }
  if (obj.kind === 'Secret' && options.reveal && obj.data) {
    // Revealed: decoded, as a user wants to read them (the YAML says so in a comment).
    shown.data = Object.fromEntries(Object.entries(obj.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return `# data values decoded from base64 for reading\n${stringify(shown, { lineWidth: 0 })}`;
  }
  return stringify(shown, { lineWidth: 0 });
}
