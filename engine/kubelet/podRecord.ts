// What the kubelet keeps about each pod it runs: the sandbox (IP, volumes), and per container the
// current and previous runtime instance, restart count, why it waits, and its probes.
import type { ContainerStateTerminated } from 'kubernetes-types/core/v1';
import type { ProbeWorker } from './prober';
import type { Disk } from './volumeDisks';

/** `ephemeral`: added to a running pod by `kubectl debug`; started once, never restarted. */
export type ContainerKind = 'init' | 'sidecar' | 'app' | 'ephemeral';

export interface ContainerRecord {
  readonly name: string;
  readonly kind: ContainerKind;
  /** The current instance in the runtime. */
  id?: string;
  /** The instance before it (for `lastState` and `kubectl logs --previous`). */
  previousId?: string;
  restartCount: number;
  /** The image the current instance was started from. */
  image?: string;
  /** Stopped to apply a new image: restarts at once, whatever the restart policy. */
  restartForUpdate?: boolean;
  /** How the instance before this kubelet started ended, when the runtime no longer knows it (a node reboot). */
  lostInstance?: ContainerStateTerminated;
  /** Why it is not running now: ContainerCreating, CrashLoopBackOff, CreateContainerConfigError… */
  waiting?: { reason: string; message?: string };
  /** An image pull or a start is under way. */
  busy: boolean;
  /** The startup probe passed (or there is none) since the current instance started. */
  started: boolean;
  /** The readiness probe passes (or there is none). */
  ready: boolean;
  probes: ProbeWorker[];
  /** The kubelet is stopping it (liveness failure or pod termination). */
  stopping: boolean;
  /** What the current instance's subPath mounts of written volumes show: the files as it started with them. */
  subPathFiles?: ReadonlyMap<string, string>;
}

export interface PodRecord {
  /** The kubelet's own id of the pod: the API object's uid, or for a static pod its first mirror's. */
  readonly uid: string;
  readonly key: string;
  /**
   * For a static pod (one the kubelet runs from its own manifests), the uid of the mirror pod that
   * shows it in the API now: mirrors come and go while the static pod keeps running.
   */
  mirrorUid?: string;
  ip?: string;
  startTime: string;
  /** Volumes set up (the sandbox is ready to start containers). */
  volumesReady: boolean;
  /** The files of the pod's ConfigMap, Secret, downward API and projected volumes as the kubelet last wrote them. */
  volumeFiles: Map<string, ReadonlyMap<string, string>>;
  persistentVolumes: Map<string, Disk>;
  containers: Map<string, ContainerRecord>;
  /** The kubelet refused the pod (it does not fit the node): why, as status.reason and status.message. */
  rejected?: { reason: string; message: string };
  /** Why the kubelet ended a running pod (status.reason and status.message), e.g. DeadlineExceeded. */
  failure?: { reason: string; message: string };
  /** What the pod asks of the node: CPU in millicores, memory in bytes. */
  requests: { cpu: number; memory: number };
  /** The pod reached Succeeded or Failed: nothing will run again. */
  terminalPhase?: 'Succeeded' | 'Failed';
  /** Deletion under way: containers are being stopped. */
  terminating: boolean;
  /** The final delete was sent. */
  deleted: boolean;
  /** When the pod's next periodic sync is due (its written volumes are rewritten then). */
  resyncAt?: number;
  /** When the next retry of a failed step (mount, config, back-off) is due, to avoid requeueing twice. */
  retryAt?: number;
}
