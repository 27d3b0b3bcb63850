// ImageLocality: prefers nodes that already hold the pod's images, by their size, discounted by how
// few nodes hold them (so one node with a popular image does not attract every pod).
import type { SchedulerCache } from '../cache';
import { maxNodeScore, type Plugin, skip } from '../framework';
import type { NodeInfo } from '../nodeInfo';
import type { PodInfo } from '../podInfo';

export const imageLocalityName = 'ImageLocality';
const mb = 1024 * 1024;
/** Below this the images are too small to matter; above maxContainerThreshold per container the score is full. */
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;

/** A reference without a tag or digest means `:latest`, as the container runtime reads it. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

interface State {
  images: string[];
  cache: SchedulerCache;
}

export const imageLocality: Plugin<undefined, State> = {
  name: imageLocalityName,
  preScore: (pod: PodInfo, _nodes: readonly NodeInfo[], cache: SchedulerCache) => {
    if (cache.imageNodes.size === 0) return skip;
    const spec = pod.pod.spec;
    const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
    return { images, cache };
  },
  score: ({ images, cache }, _pod, node) => {
    const total = cache.numNodes;
    let sum = 0;
    for (const image of images) {
      const size = node.images.get(image);
      if (size === undefined) continue;
      sum += Math.trunc((size * (cache.imageNodes.get(image) ?? 0)) / total);
    }
    const maxThreshold = maxContainerThreshold * images.length;
    sum = Math.min(Math.max(sum, minThreshold), maxThreshold);
    return Math.trunc((maxNodeScore * (sum - minThreshold)) / (maxThreshold - minThreshold));
  },
};
