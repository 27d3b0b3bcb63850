// App graphs of any size in the Topology protocol's shape, for the scale test and the benchmark:
// namespaces of apps, each an Ingress → Service → pods ← ReplicaSet ← Deployment with a ConfigMap
// and a Secret, and one StatefulSet with its claims; big ReplicaSets come as a PodGroup, as the
// model sends them.
import type { InitMessage, TopologyEdge, TopologyNode } from '../../extension/webviews/protocol/topology';

/** Apps of `pods` pods each (a PodGroup above 20), spread over `namespaces`; about `7 + min(pods, 21)` nodes per app. */
export function syntheticTopology(apps: number, namespaces: number, podsPerApp: (app: number) => number): InitMessage {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const node = (kind: TopologyNode['kind'], namespace: string, name: string, labels: Record<string, string>, extra: Partial<TopologyNode> = {}) => {
    const id = kind === 'PodGroup' ? `PodGroup/${namespace}/ReplicaSet/${name}` : `${kind}/${namespace}/${name}`;
    nodes.push({ id, kind, namespace, name, labels, status: 'ready', detail: 'Running 1/1', ...extra });
    return id;
  };
  const edge = (source: string, target: string, relation: TopologyEdge['relation'], ready?: boolean) =>
    edges.push({ id: `${source}>${target}`, source, target, relation, ...(ready === undefined ? {} : { ready }) });
  for (let a = 0; a < apps; a++) {
    const namespace = `team-${a % namespaces}`;
    const app = `app-${a}`;
    const labels = { 'app.kubernetes.io/name': app };
    const ingress = node('Ingress', namespace, app, {}, { detail: `${app}.example.com` });
    const service = node('Service', namespace, app, labels, { detail: 'ClusterIP 10.96.0.1' });
    const deployment = node('Deployment', namespace, app, labels);
    const rs = node('ReplicaSet', namespace, `${app}-5d8f7`, labels);
    const config = node('ConfigMap', namespace, `${app}-config`, {}, { detail: '3 keys' });
    const secret = node('Secret', namespace, `${app}-credentials`, {}, { detail: 'Opaque' });
    edge(ingress, service, 'routes');
    edge(deployment, rs, 'owns');
    const pods = podsPerApp(a);
    const podIds =
      pods > 20
        ? [node('PodGroup', namespace, `${app}-5d8f7`, labels, { count: pods, detail: `${pods}/${pods} ready` })]
        : Array.from({ length: pods }, (_, p) => node('Pod', namespace, `${app}-5d8f7-${p}`, labels));
    for (const pod of podIds) {
      edge(rs, pod, 'owns');
      edge(service, pod, 'endpoint', true);
      edge(pod, config, 'mounts');
      edge(pod, secret, 'env');
    }
  }
  return { type: 'init', nodes, edges };
}
