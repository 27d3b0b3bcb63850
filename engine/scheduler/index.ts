// The embedded cluster's kube-scheduler: the Scheduler and what a caller may configure it with.
export { Scheduler, defaultSchedulerName, type SchedulerOptions, type SchedulerStats } from './scheduler';
export { FitError, numFeasibleNodesToFind, type Plugin, type WeightedPlugin } from './framework';
export { defaultProfile } from './plugins/registry';
