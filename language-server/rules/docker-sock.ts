// docker-sock: a pod that mounts the container runtime's socket from its node.
import { hostPathVolumesOf, podKinds, podSpecOf } from './podSpecs';
import type { LintRule } from './types';

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
    return (pod ? hostPathVolumesOf(pod) : [])
      .filter(({ hostPath }) => /^\/(var\/)?run\/docker\.sock\/?$/.test(hostPath))
      .map(({ path, volume, hostPath }) => ({ path, message: `volume "${volume}" mounts the Docker socket ${hostPath} from the node` }));
  },
};
