// docker-sock: a pod that mounts the container runtime's socket from its node.
import { podKinds, podSpecOf } from './podSpecs';
import type { Finding, LintRule } from './types';

export const dockerSock: LintRule = {
  id: 'docker-sock',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A `hostPath` volume of the Docker socket (`/var/run/docker.sock`).',
  description:
    'Whoever can talk to the Docker daemon can start a privileged container on the node: mounting its socket hands the pod the node. Build images with a daemonless builder instead. No quick fix.',
  docs: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  appliesTo: podKinds,
  check(object, { kind }) {
    const pod = podSpecOf(kind, object);
    const findings: Finding[] = [];
    (Array.isArray(pod?.spec.volumes) ? pod.spec.volumes : []).forEach((volume, i) => {
      const path = volume?.hostPath?.path;
      if (typeof path === 'string' && /^\/(var\/)?run\/docker\.sock\/?$/.test(path)) {
        findings.push({ path: [...pod!.path, 'volumes', i, 'hostPath', 'path'], message: `volume "${volume.name}" mounts the Docker socket ${path} from the node` });
      }
    });
    return findings;
  },
};
