// A whole cluster on a virtual clock, as the scenario tests start one: seeded, from 2026-11-23 12:00
// UTC, the admin speaking as kubectl, and `advance` moving time in 250 ms steps with the promise
// work of each step run before the next.
import { Cluster, type ClusterConfig } from '../../../engine/cluster/index';
import { VirtualClock } from '../../../engine/util/clock';

export async function bootCluster(config: Omit<ClusterConfig, 'clock'> & { seed: number }) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const cluster = await Cluster.start({ clock, ...config });
  const admin = cluster.adminClient('kubectl/v1.36.0');
  const advance = (ms: number) => clock.advanceAsync(ms, 250);
  return { cluster, clock, admin, advance };
}
