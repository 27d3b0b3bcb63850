// kube-scheduler's default profile: the plugins in its order and its default score weights.
// https://kubernetes.io/docs/reference/scheduling/config/#scheduling-plugins
import type { WeightedPlugin } from '../framework';
import { defaultPreemption } from './defaultPreemption';
import { imageLocality } from './imageLocality';
import { interPodAffinity } from './interPodAffinity';
import { nodeAffinity } from './nodeAffinity';
import { nodeName } from './nodeName';
import { nodePorts } from './nodePorts';
import { nodeResourcesBalancedAllocation } from './nodeResourcesBalancedAllocation';
import { nodeResourcesFit } from './nodeResourcesFit';
import { nodeUnschedulable } from './nodeUnschedulable';
import { podTopologySpread } from './podTopologySpread';
import { taintToleration } from './taintToleration';
import { newVolumeBinding, type VolumeBindingOptions } from './volumeBinding';

/**
 * Filters run in this order and a node's first failing filter is its reason, as in kube-scheduler.
 * VolumeBinding takes part when there are claim, volume and class caches to read.
 */
export function defaultProfile(volumes?: VolumeBindingOptions): WeightedPlugin[] {
  return [
    { plugin: nodeUnschedulable, weight: 0 },
    { plugin: nodeName, weight: 0 },
    { plugin: taintToleration, weight: 3 },
    { plugin: nodeAffinity, weight: 2 },
    { plugin: nodePorts, weight: 0 },
    { plugin: nodeResourcesFit, weight: 1 },
    ...(volumes ? [{ plugin: newVolumeBinding(volumes), weight: 0 }] : []),
    { plugin: podTopologySpread, weight: 2 },
    { plugin: interPodAffinity, weight: 2 },
    { plugin: nodeResourcesBalancedAllocation, weight: 1 },
    { plugin: imageLocality, weight: 1 },
    { plugin: defaultPreemption, weight: 0 },
  ];
}
