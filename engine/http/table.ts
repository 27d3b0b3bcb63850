// Server-side printing: objects as a meta.k8s.io/v1 Table, the columns `kubectl get` shows, as
// kube-apiserver's printers compute them (kubernetes/pkg/printers/internalversion). A resource
// without a printer gets the default table convertor's columns.
import { conversionFor } from '../api/conversion/index';
import { eventsV1Event } from '../api/conversion/events';
import { parseAPIVersion } from '../api/kinds/index';
import { formatLabelSelector } from '../api/labels/labelSelector';
import { openapi } from '../api/schema/index';
import { humanDuration, nodeRoles, nodeStatus, podStatus, serviceExternalIP, servicePorts } from './printers';

export { humanDuration, nodeRoles, nodeStatus, podStatus, type PodStatus, servicePorts } from './printers';

type Obj = Record<string, any>;

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Object' | 'PartialObjectMetadata';

export interface Printer {
  columns: TableColumnDefinition[];
  /** The cells of one object's row, in the columns' order; `now` is the cluster clock's. */
  cells(obj: Obj, now: number): unknown[];
}

/** A column's description: the field's own, from the OpenAPI definition, as kube-apiserver's printers take SwaggerDoc's. */
const fieldDoc = (definition: string, field: string) => openapi().definition(definition)?.property(field)?.description ?? '';
const metaDoc = (field: string) => fieldDoc('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', field);

function column(name: string, type: TableColumnDefinition['type'], description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}
const nameColumn = () => column('Name', 'string', metaDoc('name'), 0, 'name');
const ageColumn = () => column('Age', 'string', metaDoc('creationTimestamp'));

/** translateTimestampSince: "<unknown>" for a missing time. */
function since(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

const age = (obj: Obj, now: number) => since(obj.metadata?.creationTimestamp, now);
const none = (s: string | undefined | null) => (s ? s : '<none>');

/** labels.FormatLabels: sorted `k=v` pairs, or "<none>". */
function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

function templateColumns(): TableColumnDefinition[] {
  return [column('Containers', 'string', 'Names of each container in the template.', 1), column('Images', 'string', 'Images referenced by each container in the template.', 1)];
}
function templateCells(obj: Obj): string[] {
  const containers: Obj[] = obj.spec?.template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}
const selectorText = (obj: Obj) => (obj.spec?.selector ? formatLabelSelector(obj.spec.selector) || '<none>' : '<none>');

// ---- pods ----

function podCells(pod: Obj, now: number): unknown[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const { ready, total, status: reason, restarts, lastRestart } = podStatus(pod);
  const restartsText = restarts > 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates: Obj[] = spec.readinessGates ?? [];
  const gatesText = gates.length
    ? `${gates.filter((g) => (status.conditions ?? []).some((c: Obj) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
    : '<none>';
  return [pod.metadata?.name, `${ready}/${total}`, reason, restartsText, age(pod, now), none(status.podIP), none(spec.nodeName), none(status.nominatedNodeName), gatesText];
}

// ---- services ----

// ---- nodes ----

function nodeAddress(node: Obj, type: string): string {
  return (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

// ---- events, ingresses, claims ----

function eventSource(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host && component ? `${component}, ${host}` : component || host || '<unknown>';
}

function ingressHosts(ing: Obj): string {
  const hosts: string[] = (ing.spec?.rules ?? []).map((r: Obj) => r.host).filter(Boolean);
  if (!hosts.length) return '*';
  // formatHosts: at most three, then "+ N more...".
  return hosts.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${hosts.length - 3} more...` : hosts.join(',');
}

function loadBalancerAddress(obj: Obj): string {
  return (obj.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean).join(',');
}

const accessModeShort: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

// ---- replication controllers, horizontal pod autoscalers ----

const rcDoc = (type: 'Spec' | 'Status', field: string) => fieldDoc(`io.k8s.api.core.v1.ReplicationController${type}`, field);

const hpaDoc = (type: 'Spec' | 'Status', field: string) => fieldDoc(`io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler${type}`, field);

/** formatHPAMetrics: `cpu: 40%/50%` per metric (`<unknown>` before the first reading), at most two then "+ N more...". */
function hpaTargets(hpa: Obj): string {
  const specs: Obj[] = hpa.spec?.metrics ?? [];
  if (!specs.length) return '<none>';
  const statuses: Obj[] = hpa.status?.currentMetrics ?? [];
  const list = specs.map((spec, i) => {
    const status = statuses[i] ?? {};
    const value = (q: unknown) => (q === undefined || q === null ? '<unknown>' : String(q));
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
        const source = spec[key] ?? {};
        const current = status[key]?.current;
        if (source.target?.averageValue !== undefined) return `${source.name}: ${value(current?.averageValue)}/${source.target.averageValue}`;
        const used = current?.averageUtilization !== undefined ? `${current.averageUtilization}%` : '<unknown>';
        const target = source.target?.averageUtilization !== undefined ? `${source.target.averageUtilization}%` : '<auto>';
        return `${source.name}: ${used}/${target}`;
      }
      case 'Pods':
        return `${value(status.pods?.current?.averageValue)}/${spec.pods?.target?.averageValue}`;
      case 'Object': {
        const t = spec.object?.target ?? {};
        const c = status.object?.current ?? {};
        return t.averageValue !== undefined ? `${value(c.averageValue)}/${t.averageValue} (avg)` : `${value(c.value)}/${t.value}`;
      }
      case 'External': {
        const t = spec.external?.target ?? {};
        const c = status.external?.current ?? {};
        return t.averageValue !== undefined ? `${value(c.averageValue)}/${t.averageValue} (avg)` : `${value(c.value)}/${t.value}`;
      }
      default:
        return '<unknown type>';
    }
  });
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

// ---- the printers, by group/resource ----

// A binding's paramRef as kubectl prints it: namespace/name (a star for every namespace), or its selector.
function paramRefCell(ref: { name?: string; namespace?: string; selector?: unknown } | undefined): string {
  if (!ref) return '<unset>';
  if (ref.name) return `${ref.namespace || '*'}/${ref.name}`;
  return ref.selector ? formatLabelSelector(ref.selector as never) : '<unset>';
}

const csrDoc = (type: 'Spec' | 'Status', field: string) => fieldDoc(`io.k8s.api.certificates.v1.CertificateSigningRequest${type}`, field);

/** extractCSRStatus: Denied over Approved over Pending, then Failed and Issued when they apply. */
function csrCondition(csr: Obj): string {
  const types = new Set((csr.status?.conditions ?? []).map((c: Obj) => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (csr.status?.certificate) status += ',Issued';
  return status;
}

function webhookConfigurationPrinter(): Printer {
  return {
    columns: [nameColumn(), column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn()],
    cells: (c, now) => [c.metadata.name, (c.webhooks ?? []).length, age(c, now)],
  };
}

const printers: Record<string, () => Printer> = {
  '/pods': () => ({
    columns: [
      nameColumn(),
      column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'string', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      ageColumn(),
      column('IP', 'string', 'IP address allocated to the pod.', 1),
      column('Node', 'string', 'Name of the node the pod is assigned to.', 1),
      column('Nominated Node', 'string', 'Name of the node where the pod is nominated to run, when preemption made room for it.', 1),
      column('Readiness Gates', 'string', 'The readiness gates of the pod: how many are true, of how many.', 1),
    ],
    cells: podCells,
  }),
  '/podtemplates': () => ({
    columns: [
      nameColumn(),
      column('Containers', 'string', 'Names of each container in the template.'),
      column('Images', 'string', 'Images referenced by each container in the template.'),
      column('Pod Labels', 'string', 'The labels for the pod template.'),
    ],
    cells: (pt) => {
      const containers: Obj[] = pt.template?.spec?.containers ?? [];
      return [pt.metadata.name, containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), formatLabels(pt.template?.metadata?.labels)];
    },
  }),
  '/replicationcontrollers': () => ({
    columns: [
      nameColumn(),
      column('Desired', 'integer', rcDoc('Spec', 'replicas')),
      column('Current', 'integer', rcDoc('Status', 'replicas')),
      column('Ready', 'integer', rcDoc('Status', 'readyReplicas')),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', rcDoc('Spec', 'selector'), 1),
    ],
    // A ReplicationController's selector is a label map, printed as labels are.
    cells: (rc, now) => [rc.metadata.name, rc.spec?.replicas ?? 0, rc.status?.replicas ?? 0, rc.status?.readyReplicas ?? 0, age(rc, now), ...templateCells(rc), formatLabels(rc.spec?.selector)],
  }),
  'apps/deployments': () => ({
    columns: [
      nameColumn(),
      column('Ready', 'string', 'Number of the pod with ready state'),
      column('Up-to-date', 'integer', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      column('Available', 'integer', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', 'Label selector for pods.', 1),
    ],
    cells: (d, now) => [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d, now), ...templateCells(d), selectorText(d)],
  }),
  'apps/replicasets': () => ({
    columns: [
      nameColumn(),
      column('Desired', 'integer', 'Replicas is the number of desired pods.'),
      column('Current', 'integer', 'Replicas is the most recently observed number of non-terminating pods.'),
      column('Ready', 'integer', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells: (rs, now) => [rs.metadata.name, rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now), ...templateCells(rs), selectorText(rs)],
  }),
  'apps/statefulsets': () => ({
    columns: [nameColumn(), column('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), ...templateColumns()],
    cells: (s, now) => [s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, age(s, now), ...templateCells(s)],
  }),
  'autoscaling/horizontalpodautoscalers': () => ({
    columns: [
      nameColumn(),
      column('Reference', 'string', hpaDoc('Spec', 'scaleTargetRef')),
      column('Targets', 'string', hpaDoc('Spec', 'metrics')),
      column('MinPods', 'string', hpaDoc('Spec', 'minReplicas')),
      column('MaxPods', 'string', hpaDoc('Spec', 'maxReplicas')),
      column('Replicas', 'string', hpaDoc('Status', 'currentReplicas')),
      ageColumn(),
    ],
    cells: (h, now) => [h.metadata.name, `${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`, hpaTargets(h), h.spec?.minReplicas !== undefined ? String(h.spec.minReplicas) : '<unset>', h.spec?.maxReplicas ?? 0, h.status?.currentReplicas ?? 0, age(h, now)],
  }),
  'apps/daemonsets': () => ({
    columns: [
      nameColumn(),
      column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
      column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
      column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod.'),
      column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
      column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    cells: (d, now) => {
      const s = d.status ?? {};
      return [d.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, formatLabels(d.spec?.template?.spec?.nodeSelector), age(d, now), ...templateCells(d), selectorText(d)];
    },
  }),
  'batch/jobs': () => ({
    columns: [
      nameColumn(),
      column('Status', 'string', 'Status of the job.'),
      column('Completions', 'string', 'The completion status of the job.'),
      column('Duration', 'string', 'Time required to complete the job.'),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
    ],
    cells: (j, now) => {
      const spec = j.spec ?? {};
      const status = j.status ?? {};
      const has = (type: string) => (status.conditions ?? []).some((c: Obj) => c.type === type && c.status === 'True');
      const state = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : j.metadata?.deletionTimestamp ? 'Terminating' : has('Suspended') ? 'Suspended' : has('FailureTarget') ? 'FailureTarget' : has('SuccessCriteriaMet') ? 'SuccessCriteriaMet' : 'Running';
      const succeeded = status.succeeded ?? 0;
      const completions = spec.completions != null ? `${succeeded}/${spec.completions}` : spec.parallelism > 1 ? `${succeeded}/1 of ${spec.parallelism}` : `${succeeded}/1`;
      const start = status.startTime ? Date.parse(status.startTime) : undefined;
      const duration = start === undefined ? '' : humanDuration((status.completionTime ? Date.parse(status.completionTime) : now) - start);
      return [j.metadata.name, state, completions, duration, age(j, now), ...templateCells(j), selectorText(j)];
    },
  }),
  'batch/cronjobs': () => ({
    columns: [
      nameColumn(),
      column('Schedule', 'string', 'The schedule in Cron format.'),
      column('Timezone', 'string', 'The time zone name for the given schedule.'),
      column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
      column('Active', 'integer', 'A list of pointers to currently running jobs.'),
      column('Last Schedule', 'string', 'Information when was the last time the job was successfully scheduled.'),
      ageColumn(),
      ...templateColumns(),
      column('Selector', 'string', 'A label query over pods that should match the pod count.', 1),
    ],
    cells: (c, now) => {
      const template = c.spec?.jobTemplate ?? {};
      return [
        c.metadata.name,
        c.spec?.schedule ?? '',
        c.spec?.timeZone ?? '<none>',
        c.spec?.suspend === undefined ? '<unset>' : c.spec.suspend ? 'True' : 'False',
        (c.status?.active ?? []).length,
        c.status?.lastScheduleTime ? since(c.status.lastScheduleTime, now) : '<none>',
        age(c, now),
        ...templateCells(template),
        selectorText(template),
      ];
    },
  }),
  '/services': () => ({
    columns: [
      nameColumn(),
      column('Type', 'string', 'type determines how the Service is exposed.'),
      column('Cluster-IP', 'string', 'clusterIP is the IP address of the service.'),
      column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
      ageColumn(),
      column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (s, now) => [s.metadata.name, s.spec?.type ?? 'ClusterIP', none(s.spec?.clusterIPs?.[0] ?? s.spec?.clusterIP), serviceExternalIP(s), servicePorts(s), age(s, now), formatLabels(s.spec?.selector)],
  }),
  '/componentstatuses': () => ({
    columns: [nameColumn(), column('Status', 'string', 'Status of the component conditions'), column('Message', 'string', 'Message of the component conditions'), column('Error', 'string', 'Error of the component conditions')],
    cells: (c) => {
      const healthy = (c.conditions ?? []).find((x: Obj) => x.type === 'Healthy');
      return [c.metadata.name, healthy?.status === 'True' ? 'Healthy' : 'Unhealthy', healthy?.message ?? '', healthy?.error ?? ''];
    },
  }),
  '/nodes': () => ({
    columns: [
      nameColumn(),
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      ageColumn(),
      column('Version', 'string', 'Kubelet Version reported by the node.'),
      column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
      column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    cells: (n, now) => {
      const info = n.status?.nodeInfo ?? {};
      return [n.metadata.name, nodeStatus(n), nodeRoles(n), age(n, now), info.kubeletVersion ?? '', nodeAddress(n, 'InternalIP'), nodeAddress(n, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>'];
    },
  }),
  'node.k8s.io/runtimeclasses': () => ({
    columns: [nameColumn(), column('Handler', 'string', 'Handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'), ageColumn()],
    cells: (rc, now) => [rc.metadata.name, rc.handler ?? '', age(rc, now)],
  }),
  'apiregistration.k8s.io/apiservices': () => ({
    columns: [
      nameColumn(),
      column('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
      column('Available', 'string', 'Whether this service is available.'),
      ageColumn(),
    ],
    cells: (a, now) => {
      const available = (a.status?.conditions ?? []).find((c: Obj) => c.type === 'Available');
      const status = !available ? 'Unknown' : available.status === 'True' || !available.reason ? available.status : `${available.status} (${available.reason})`;
      return [a.metadata.name, a.spec?.service ? `${a.spec.service.namespace}/${a.spec.service.name}` : 'Local', status, age(a, now)];
    },
  }),
  'storage.k8s.io/csinodes': () => ({
    columns: [nameColumn(), column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn()],
    cells: (n, now) => [n.metadata.name, (n.spec?.drivers ?? []).length, age(n, now)],
  }),
  'storage.k8s.io/csidrivers': () => ({
    columns: [
      nameColumn(),
      column('AttachRequired', 'boolean', 'Indicates this CSI volume driver requires an attach operation, and that Kubernetes should call attach and wait for any attach operation to complete before proceeding to mount.'),
      column('PodInfoOnMount', 'boolean', 'Indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations.'),
      column('StorageCapacity', 'boolean', 'Indicates this CSI volume driver should have storage capacity tracking.'),
      column('TokenRequests', 'string', 'Indicates the CSI driver needs pods\' service account tokens it is mounting volume for to do necessary authentication.'),
      column('RequiresRepublish', 'boolean', 'Indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume'),
      column('Modes', 'string', 'Defines the kind of volumes this CSI volume driver supports.'),
      ageColumn(),
    ],
    cells: (d, now) => [
      d.metadata.name,
      d.spec?.attachRequired ?? true,
      d.spec?.podInfoOnMount ?? false,
      d.spec?.storageCapacity ?? false,
      (d.spec?.tokenRequests ?? []).map((t: Obj) => t.audience).join(',') || '<unset>',
      d.spec?.requiresRepublish ?? false,
      (d.spec?.volumeLifecycleModes ?? []).join(',') || '<none>',
      age(d, now),
    ],
  }),
  'storage.k8s.io/volumeattachments': () => ({
    columns: [
      nameColumn(),
      column('Attacher', 'string', 'Attacher indicates the name of the volume driver that MUST handle this request.'),
      column('PV', 'string', 'Name of the persistent volume to attach.'),
      column('Node', 'string', 'The node that the volume should be attached to.'),
      column('Attached', 'boolean', 'Indicates the volume is successfully attached.'),
      ageColumn(),
    ],
    cells: (v, now) => [v.metadata.name, v.spec?.attacher ?? '', v.spec?.source?.persistentVolumeName ?? '', v.spec?.nodeName ?? '', v.status?.attached ?? false, age(v, now)],
  }),
  'storage.k8s.io/csistoragecapacities': () => ({
    columns: [nameColumn(), column('StorageClassName', 'string', 'StorageClassName represents the name of the StorageClass that the reported capacity applies to.'), column('Capacity', 'string', 'Capacity is the value reported by the CSI driver in its GetCapacityResponse.'), ageColumn()],
    cells: (c, now) => [c.metadata.name, c.storageClassName ?? '', c.capacity ?? '<unset>', age(c, now)],
  }),
  'storage.k8s.io/volumeattributesclasses': () => ({
    columns: [nameColumn(), column('DriverName', 'string', 'Name of the CSI driver'), ageColumn()],
    cells: (c, now) => [c.metadata.name, c.driverName ?? '', age(c, now)],
  }),
  'certificates.k8s.io/certificatesigningrequests': () => ({
    columns: [
      nameColumn(),
      ageColumn(),
      column('SignerName', 'string', csrDoc('Spec', 'signerName')),
      column('Requestor', 'string', csrDoc('Spec', 'request')),
      column('RequestedDuration', 'string', csrDoc('Spec', 'expirationSeconds')),
      column('Condition', 'string', csrDoc('Status', 'conditions')),
    ],
    cells: (c, now) => [
      c.metadata.name,
      age(c, now),
      none(c.spec?.signerName),
      c.spec?.username ?? '',
      typeof c.spec?.expirationSeconds === 'number' ? humanDuration(c.spec.expirationSeconds * 1000) : '<none>',
      csrCondition(c),
    ],
  }),
  'flowcontrol.apiserver.k8s.io/flowschemas': () => ({
    columns: [
      nameColumn(),
      column('PriorityLevel', 'string', "The name of the priority level configuration that this FlowSchema's flows are assigned to."),
      column('MatchingPrecedence', 'integer', 'The matching precedence of this FlowSchema: lower values take precedence.'),
      column('DistinguisherMethod', 'string', 'How flows are distinguished within this FlowSchema: by user, by namespace, or * for none.'),
      ageColumn(),
      column('MissingPL', 'string', 'Whether the priority level this FlowSchema references is missing (the Dangling condition).'),
    ],
    cells: (f, now) => [
      f.metadata.name,
      f.spec?.priorityLevelConfiguration?.name ?? '',
      f.spec?.matchingPrecedence ?? 0,
      f.spec?.distinguisherMethod?.type ?? '*',
      age(f, now),
      (f.status?.conditions ?? []).find((c: Obj) => c.type === 'Dangling')?.status ?? '?',
    ],
  }),
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': () => ({
    columns: [
      nameColumn(),
      column('Type', 'string', 'Whether requests of this priority level are limited (Limited) or exempt from limits (Exempt).'),
      column('NominalConcurrencyShares', 'string', "This level's share of the server's concurrency limit."),
      column('Queues', 'string', 'The number of queues of this priority level.'),
      column('HandSize', 'string', 'The number of queues a flow is shuffle-sharded to.'),
      column('QueueLengthLimit', 'string', 'The most requests a queue holds waiting.'),
      ageColumn(),
    ],
    cells: (p, now) => {
      const limited = p.spec?.limited;
      const queuing = limited?.limitResponse?.queuing;
      const or = (v: unknown) => (v === undefined ? '<none>' : v);
      return [p.metadata.name, p.spec?.type ?? '', or(limited?.nominalConcurrencyShares), or(queuing?.queues), or(queuing?.handSize), or(queuing?.queueLengthLimit), age(p, now)];
    },
  }),
  'networking.k8s.io/ipaddresses': () => ({
    columns: [nameColumn(), column('ParentRef', 'string', 'ParentRef references the resource (usually 1) that an IP address is allocated to'), ageColumn()],
    cells: (ip, now) => {
      const ref = ip.spec?.parentRef ?? {};
      return [ip.metadata.name, `${ref.resource ?? ''}${ref.group ? `.${ref.group}` : ''}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ''}`, age(ip, now)];
    },
  }),
  'networking.k8s.io/servicecidrs': () => ({
    columns: [nameColumn(), column('CIDRs', 'string', 'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs.'), ageColumn()],
    cells: (c, now) => [c.metadata.name, (c.spec?.cidrs ?? []).join(','), age(c, now)],
  }),
  'admissionregistration.k8s.io/validatingwebhookconfigurations': () => webhookConfigurationPrinter(),
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': () => webhookConfigurationPrinter(),
  'admissionregistration.k8s.io/validatingadmissionpolicies': () => ({
    columns: [
      nameColumn(),
      column('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
      column('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
      ageColumn(),
    ],
    cells: (p, now) => [p.metadata.name, (p.spec?.validations ?? []).length, p.spec?.paramKind ? `${p.spec.paramKind.apiVersion}/${p.spec.paramKind.kind}` : '<unset>', age(p, now)],
  }),
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': () => ({
    columns: [
      nameColumn(),
      column('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
      column('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
      ageColumn(),
    ],
    cells: (b, now) => [b.metadata.name, b.spec?.policyName ?? '', paramRefCell(b.spec?.paramRef), age(b, now)],
  }),
  '/namespaces': () => ({
    columns: [nameColumn(), column('Status', 'string', 'The status of the namespace'), ageColumn()],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? 'Active', age(ns, now)],
  }),
  '/configmaps': () => ({
    columns: [nameColumn(), column('Data', 'integer', 'Data contains the configuration data.'), ageColumn()],
    cells: (cm, now) => [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm, now)],
  }),
  '/secrets': () => ({
    columns: [nameColumn(), column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'integer', 'Data contains the secret data.'), ageColumn()],
    cells: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)],
  }),
  '/serviceaccounts': () => ({
    columns: [nameColumn(), column('Secrets', 'integer', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn()],
    cells: (sa, now) => [sa.metadata.name, (sa.secrets ?? []).length, age(sa, now)],
  }),
  '/events': () => ({
    columns: [
      column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
      column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      column('Object', 'string', 'The object that this event is about.'),
      column('Subobject', 'string', 'The field of the object this event is about.', 1),
      column('Source', 'string', 'The component reporting this event.', 1),
      column('Message', 'string', 'A human-readable description of the status of this operation.'),
      column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
      column('Count', 'string', 'The number of times this event has occurred.', 1),
      { ...nameColumn(), priority: 1 },
    ],
    cells: (e, now) => {
      const first = e.firstTimestamp ?? e.eventTime;
      const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? first;
      const involved = e.involvedObject ?? {};
      return [since(last, now), e.type ?? '', e.reason ?? '', `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`, involved.fieldPath ?? '', eventSource(e), e.message ?? '', since(first, now), String(e.series?.count ?? e.count ?? 1), e.metadata.name];
    },
  }),
  // events.k8s.io/v1 Events print as core Events do: kube-apiserver converts both to one internal
  // type. One served through the API arrives here converted (printable); a bare events.k8s.io body
  // (no apiVersion) is converted here.
  'events.k8s.io/events': () => {
    const core = printers['/events']!();
    return { columns: core.columns, cells: (e, now) => core.cells(e.apiVersion === 'v1' ? e : eventsV1Event.toStorage(e), now) };
  },
  'networking.k8s.io/ingresses': () => ({
    columns: [
      nameColumn(),
      column('Class', 'string', 'The name of the IngressClass cluster resource.'),
      column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'string', 'Ports of TLS configurations that open'),
      ageColumn(),
    ],
    cells: (i, now) => [i.metadata.name, none(i.spec?.ingressClassName), ingressHosts(i), loadBalancerAddress(i), (i.spec?.tls ?? []).length ? '80, 443' : '80', age(i, now)],
  }),
  '/persistentvolumeclaims': () => ({
    columns: [
      nameColumn(),
      column('Status', 'string', 'The phase of the claim.'),
      column('Volume', 'string', 'The binding reference to the PersistentVolume backing this claim.'),
      column('Capacity', 'string', 'The actual resources of the underlying volume.'),
      column('Access Modes', 'string', 'The access modes the volume has.'),
      column('StorageClass', 'string', 'The name of the StorageClass required by the claim.'),
      column('VolumeAttributesClass', 'string', 'The name of the VolumeAttributesClass the claim uses.'),
      ageColumn(),
      column('VolumeMode', 'string', 'What type of volume is required by the claim.', 1),
    ],
    cells: (c, now) => {
      const bound = !!c.spec?.volumeName;
      const modes: string[] = c.status?.accessModes ?? [];
      return [
        c.metadata.name,
        c.metadata.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? 'Pending'),
        c.spec?.volumeName ?? '',
        bound ? (c.status?.capacity?.storage ?? '') : '',
        bound ? modes.map((m) => accessModeShort[m] ?? m).join(',') : '',
        c.spec?.storageClassName ?? '',
        c.spec?.volumeAttributesClassName ?? '<unset>',
        age(c, now),
        c.spec?.volumeMode ?? '<unset>',
      ];
    },
  }),
};

/** What apiserver's DefaultTableConvertor shows for resources without a printer of their own (e.g. ClusterRoles). */
const defaultPrinter = (): Printer => ({
  columns: [nameColumn(), column('Created At', 'date', metaDoc('creationTimestamp'))],
  cells: (o) => [o.metadata?.name, o.metadata?.creationTimestamp ?? ''],
});

/** Resources whose kube-apiserver printer shows only the name and age. */
const nameAgePrinter = (): Printer => ({ columns: [nameColumn(), ageColumn()], cells: (o, now) => [o.metadata?.name, age(o, now)] });
const defaultConvertorResources = new Set(['rbac.authorization.k8s.io/clusterroles', 'rbac.authorization.k8s.io/roles', 'apiextensions.k8s.io/customresourcedefinitions']);

// ---- custom resources: the CRD's additionalPrinterColumns ----

/** A CRD version's additionalPrinterColumns entry. */
export interface CustomResourceColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/**
 * The values a CRD column's JSONPath selects: the subset CRDs use — `.field`, `[n]`, `[*]` and
 * `[?(@.field=="value")]` filters (e.g. `.status.conditions[?(@.type=="Ready")].status`).
 */
export function selectJsonPath(obj: unknown, path: string): unknown[] {
  const tokens = path.replace(/^\{|\}$/g, '').match(/\.[^.[\]]+|\[\?\(@\.[^=!]+(?:==|!=)(?:"[^"]*"|'[^']*'|[^)]*)\)\]|\[\*\]|\[\d+\]/g) ?? [];
  let current: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (t.startsWith('.')) {
        const child = (v as Obj)[t.slice(1)];
        if (child !== undefined) next.push(child);
      } else if (t === '[*]') {
        next.push(...(Array.isArray(v) ? v : Object.values(v)));
      } else if (t.startsWith('[?')) {
        const m = /^\[\?\(@\.([^=!]+)(==|!=)(?:"([^"]*)"|'([^']*)'|([^)]*))\)\]$/.exec(t)!;
        const want = m[3] ?? m[4] ?? m[5]!;
        for (const item of Array.isArray(v) ? v : []) {
          const got = item && typeof item === 'object' ? String((item as Obj)[m[1]!]) : undefined;
          if ((got === want) === (m[2] === '==')) next.push(item);
        }
      } else {
        const item = Array.isArray(v) ? v[Number(t.slice(1, -1))] : undefined;
        if (item !== undefined) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

/**
 * One cell of a CRD column, as apiextensions-apiserver's table convertor makes it: the first value
 * the path selects, if it has the column's type (else empty); strings print any value; dates print
 * as an age.
 */
function customCell(type: string, v: unknown, now: number): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? '<invalid>' : since(v, now)) : null;
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** The printer a CRD version declares; with no columns of its own, a CRD shows Age (apiextensions' default). */
export function customResourcePrinter(columns: readonly CustomResourceColumn[]): Printer {
  const declared = columns.length ? columns : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  return {
    columns: [nameColumn(), ...declared.map((c) => column(c.name, (['integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as TableColumnDefinition['type'], c.description ?? '', c.priority ?? 0, c.format ?? ''))],
    cells: (o, now) => [o.metadata?.name, ...declared.map((c) => customCell(c.type, selectJsonPath(o, c.jsonPath)[0], now))],
  };
}

const cache = new Map<string, Printer>();

function printerFor(group: string, resource: string): Printer {
  const key = `${group}/${resource}`;
  let p = cache.get(key);
  if (!p) {
    p = printers[key]?.() ?? (defaultConvertorResources.has(key) ? defaultPrinter() : nameAgePrinter());
    cache.set(key, p);
  }
  return p;
}

function rowObject(obj: Obj, include: IncludeObject): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/**
 * What a printer reads: the storage version of an object served through a conversion, as
 * kube-apiserver prints the internal object whatever version was asked for (autoscaling/v1 HPAs
 * show the v2 Targets column).
 */
function printable(obj: Obj): Obj {
  const { group, version } = parseAPIVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  const conversion = typeof obj.kind === 'string' ? conversionFor(group, version, obj.kind) : undefined;
  return conversion ? conversion.toStorage(obj) : obj;
}

/** A Table of objects (a list's items, or one object); `listMeta` carries resourceVersion and continue. */
export function toTable(group: string, resource: string, objects: readonly Obj[], listMeta: Obj, options: { include: IncludeObject; noHeaders?: boolean; now: number; apiVersion?: string; printer?: Printer }): Obj {
  const printer = options.printer ?? printerFor(group, resource);
  return {
    kind: 'Table',
    apiVersion: options.apiVersion ?? 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(options.noHeaders ? {} : { columnDefinitions: printer.columns }),
    rows: objects.map((o) => {
      const object = rowObject(o, options.include);
      return { cells: printer.cells(printable(o), options.now), ...(object ? { object } : {}) };
    }),
  };
}
