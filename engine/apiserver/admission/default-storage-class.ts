// DefaultStorageClass: a PersistentVolumeClaim that names no storage class gets the default one
// (the class annotated `storageclass.kubernetes.io/is-default-class: "true"`; the newest if several).
import type { AdmissionPlugin } from './types';

export const defaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';

export const defaultStorageClass: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  admit(req, ctx) {
    if (req.operation !== 'CREATE' || req.kind.group !== '' || req.kind.kind !== 'PersistentVolumeClaim' || !req.object) return;
    const spec = (req.object.spec ??= {});
    // An explicit "" means "no class" and is kept.
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    const defaults = ctx
      .list('storage.k8s.io', 'storageclasses')
      .filter((sc) => sc.metadata?.annotations?.[defaultClassAnnotation] === 'true')
      .sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    if (defaults[0]) spec.storageClassName = defaults[0].metadata.name;
  },
};
