// no-read-only-root-fs: a container that may write to its own root file system.
import { containersOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const noReadOnlyRootFs: LintRule = {
  id: 'no-read-only-root-fs',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A container whose root file system is writable (`securityContext.readOnlyRootFilesystem` not `true`).',
  description:
    'A read-only root file system stops an intruder from dropping binaries or changing configuration inside the container. Mount an `emptyDir` where the application must write (caches, `/tmp`). Quick fix: set `readOnlyRootFilesystem: true`.',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    if (!pod) return [];
    return containersOf(pod)
      .filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true)
      .map(({ path, label }) => {
        const field = [...path, 'securityContext', 'readOnlyRootFilesystem'];
        return { path: field, message: `${label} does not have a read-only root file system`, fix: { title: 'Set readOnlyRootFilesystem: true', set: field, value: true } };
      });
  },
};
