// Mirror pods: the API's reflection of a static pod a kubelet runs from a manifest on its node.
// The annotation marks them (types.ConfigMirrorAnnotationKey); its value is the static pod's hash.

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** Whether a pod is the mirror of a static pod. */
export function isMirrorPod(pod: { metadata?: { annotations?: Record<string, string> } }): boolean {
  return pod.metadata?.annotations?.[mirrorPodAnnotation] !== undefined;
}
