// Checks of a manifest against the running cluster, from the facts the extension sends: pod templates
// no node can ever take (judged by kube-scheduler's own filter plugins over each node's allocatable),
// node selectors no node's labels satisfy, ConfigMaps, Secrets, claims and namespaces that exist
// neither in the cluster nor in the workspace, and edits of a workload's pod template that applying
// would roll out to its running pods. Pure functions of (document, facts, workspace index).
import type { Pod, PodSpec } from 'kubernetes-types/core/v1';
import { applyDefaults } from '../engine/api/defaults/index';
import { FieldPath } from '../engine/api/errors';
import type { ParsedManifest } from '../engine/api/manifest/index';
import { Quantity } from '../engine/api/quantity';
import { FitError, type FilterResult, type Plugin, skip } from '../engine/scheduler/framework';
import { NodeInfo } from '../engine/scheduler/nodeInfo';
import { newPodInfo, type PodInfo } from '../engine/scheduler/podInfo';
import { nodeAffinity } from '../engine/scheduler/plugins/nodeAffinity';
import { nodeResourcesFit } from '../engine/scheduler/plugins/nodeResourcesFit';
import { nodeUnschedulable } from '../engine/scheduler/plugins/nodeUnschedulable';
import { taintToleration } from '../engine/scheduler/plugins/taintToleration';
import { addResourceList, emptyResource, resourceCPU, resourceMemory } from '../engine/scheduler/resources';
import { podTemplateDigest, type ClusterFacts } from './clusterFacts';
import { isRecord, scalarString, valueAt, type ParsedDocument, type PathSegment, type Span } from './parsedDocument';
import { findReferences, isClusterScoped, podTemplatePath } from './resourceReferences';
import type { ManifestDiagnostic } from './validation';
import type { WorkspaceIndex } from './workspaceIndex';

/** The facts, made ready for checking: nodes as the scheduler sees them, names in sets. */
export interface KnownCluster {
  readonly facts: ClusterFacts;
  readonly nodes: readonly NodeInfo[];
  readonly namespaces: ReadonlySet<string>;
  /** `namespace/name` by kind. */
  readonly objects: ReadonlyMap<ReferencedKind, ReadonlySet<string>>;
}

type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';

/** A question a check asked the workspace index, and its answer; when an answer changes, the check is stale. */
export interface WorkspaceLookup {
  readonly kind: string;
  /** As the referring manifest gives it ('' when it leaves the namespace to kubectl). */
  readonly namespace: string;
  readonly name: string;
  readonly found: boolean;
}

export interface ClusterCheckResult {
  readonly diagnostics: ManifestDiagnostic[];
  readonly lookups: readonly WorkspaceLookup[];
}

export function knownCluster(facts: ClusterFacts): KnownCluster {
  const nodes = Object.entries(facts.nodes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => {
      const info = new NodeInfo(name);
      info.setNode({ metadata: { name, labels: { ...n.labels } }, spec: { taints: [...n.taints], unschedulable: n.unschedulable } });
      info.allocatable = { milliCPU: n.allocatable.milliCPU, memory: n.allocatable.memory, ephemeralStorage: 0, allowedPodNumber: n.allocatable.pods, scalar: undefined };
      return info;
    });
  return {
    facts,
    nodes,
    namespaces: new Set(facts.namespaces),
    objects: new Map<ReferencedKind, ReadonlySet<string>>([
      ['ConfigMap', new Set(facts.configMaps)],
      ['Secret', new Set(facts.secrets)],
      ['PersistentVolumeClaim', new Set(facts.persistentVolumeClaims)],
    ]),
  };
}

/** Whether the index still answers every lookup of `result` as it did. */
export function lookupsHold(result: ClusterCheckResult, index: WorkspaceIndex): boolean {
  return result.lookups.every((l) => declared(index, l.kind, l.namespace, l.name) === l.found);
}

function declared(index: WorkspaceIndex, kind: string, namespace: string, name: string): boolean {
  return index.find(kind, namespace, name).length > 0;
}

export function checkAgainstCluster(doc: ParsedDocument, cluster: KnownCluster, index: WorkspaceIndex): ClusterCheckResult {
  const diagnostics: ManifestDiagnostic[] = [];
  const lookups: WorkspaceLookup[] = [];
  // As validation does: an object whose YAML did not parse is not judged.
  if (doc.syntaxErrors.some((e) => !e.warning)) return { diagnostics, lookups };
  for (const manifest of doc.manifests) {
    const kind = scalarString(manifest.object, 'kind');
    if (!kind || !scalarString(manifest.object, 'apiVersion')) continue;
    const check = new ManifestCheck(manifest, kind, cluster, index, diagnostics, lookups);
    check.namespace();
    check.references();
    check.scheduling();
    check.rollout();
  }
  return { diagnostics, lookups };
}

/**
 * The default profile's filters that read only the pod and the node, in kube-scheduler's order (a
 * node's first failing filter is its reason). None of them reads the scheduler's cache.
 */
const nodeFilters: readonly Plugin<any, any>[] = [nodeUnschedulable, taintToleration, nodeAffinity, nodeResourcesFit];
const insufficient = { [resourceCPU]: 'Insufficient cpu', [resourceMemory]: 'Insufficient memory' } as const;
const affinityMismatch = "node(s) didn't match Pod's node affinity/selector";

/** Reference fields a pod cannot start without (imagePullSecrets only warn: a public image still pulls). */
const blockingReference = (kind: string, path: readonly PathSegment[]): kind is ReferencedKind =>
  (kind === 'ConfigMap' || kind === 'Secret' || kind === 'PersistentVolumeClaim') && !path.includes('imagePullSecrets');

class ManifestCheck {
  private readonly object: Record<string, unknown>;

  constructor(
    private readonly manifest: ParsedManifest,
    private readonly kind: string,
    private readonly cluster: KnownCluster,
    private readonly index: WorkspaceIndex,
    private readonly diagnostics: ManifestDiagnostic[],
    private readonly lookups: WorkspaceLookup[],
  ) {
    this.object = manifest.object as Record<string, unknown>;
  }

  /** `metadata.namespace` as written ('' when left to kubectl). */
  private get givenNamespace(): string {
    return isClusterScoped(this.kind) ? '' : (scalarString(this.object, 'metadata', 'namespace') ?? '');
  }

  /** The namespace the object lands in when applied without a namespace of its own: kubectl's default. */
  private get effectiveNamespace(): string {
    return this.givenNamespace || 'default';
  }

  private lookUp(kind: string, namespace: string, name: string): boolean {
    const found = declared(this.index, kind, namespace, name);
    this.lookups.push({ kind, namespace, name, found });
    return found;
  }

  namespace(): void {
    const namespace = this.givenNamespace;
    if (!namespace || this.cluster.namespaces.has(namespace) || this.lookUp('Namespace', '', namespace)) return;
    const span = this.valueSpan(fieldPath(['metadata', 'namespace']));
    if (span) this.add(span, 'information', 'cluster/namespace-not-found', `namespace "${namespace}" not found in the running cluster`);
  }

  /** ConfigMaps, Secrets and claims a pod needs (not marked `optional: true`) that exist nowhere. */
  references(): void {
    for (const ref of findReferences(this.kind, this.object)) {
      if (!blockingReference(ref.kind, ref.path)) continue;
      const holder = valueAt(this.object, ref.path.slice(0, -1)) as { optional?: unknown } | undefined;
      if (holder?.optional === true) continue;
      const namespace = ref.namespace ?? this.effectiveNamespace;
      if (this.cluster.objects.get(ref.kind)?.has(`${namespace}/${ref.name}`)) continue;
      if (this.lookUp(ref.kind, ref.namespace ?? this.givenNamespace, ref.name)) continue;
      const span = this.valueSpan(fieldPath(ref.path));
      // The kubelet's and the scheduler's words: `configmap "x" not found`.
      const resource = ref.kind.toLowerCase();
      if (span) this.add(span, 'information', `cluster/${resource}-not-found`, `${resource} "${ref.name}" not found in namespace "${namespace}" of the running cluster`);
    }
  }

  /** Whether any node could ever take the object's pods, as kube-scheduler would judge each node. */
  scheduling(): void {
    const specPath = this.kind === 'Pod' ? ['spec'] : this.kind === 'PodTemplate' ? undefined : podTemplatePath(this.kind)?.concat('spec');
    const nodes = this.cluster.nodes;
    if (!specPath || nodes.length === 0) return;
    const spec = valueAt(this.object, specPath);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
    // The pod as the API server would store it: requests default to limits where only a limit is set.
    const pod: Pod = applyDefaults({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: this.effectiveNamespace }, spec: spec as PodSpec });
    // A pod that names its node skips the scheduler altogether.
    if (pod.spec?.nodeName) return;
    const info = newPodInfo(pod);
    // The facts hold only cpu, memory and pods: other resources cannot be judged, so they are left out.
    const podInfo: PodInfo = { ...info, requests: { ...info.requests, ephemeralStorage: 0, scalar: undefined } };
    // PreFilter reads only the pod for these plugins.
    const states = nodeFilters.map((p) => (p.preFilter ? (p.preFilter as (pod: PodInfo) => unknown)(podInfo) : undefined));
    const reasons = new Map<string, number>();
    let fits = false;
    for (const node of nodes) {
      let failed: FilterResult = null;
      for (let i = 0; i < nodeFilters.length && !failed; i++) {
        if (states[i] !== skip) failed = nodeFilters[i]!.filter?.(states[i], podInfo, node) ?? null;
      }
      if (!failed) fits = true;
      else for (const reason of failed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    if (fits) {
      this.freeRoom(specPath, pod, podInfo);
      return;
    }
    const message = FitError.format(nodes.length, reasons);
    for (const resource of [resourceCPU, resourceMemory] as const) {
      if (!reasons.has(insufficient[resource])) continue;
      const span = this.requestSpan(specPath, pod, resource);
      if (span) this.add(span, 'warning', `cluster/insufficient-${resource}`, message);
    }
    if (reasons.has(affinityMismatch)) this.nodeSelection(specPath, message);
  }

  /**
   * Fits some node's allocatable but not the room left now: new pods would wait (a rollout's surge
   * pod too). Information only: pods may finish, and the cluster autoscaler may add nodes.
   */
  private freeRoom(specPath: readonly string[], pod: Pod, podInfo: PodInfo): void {
    const free = this.cluster.facts.largestFree;
    const wanted = { [resourceCPU]: podInfo.requests.milliCPU, [resourceMemory]: podInfo.requests.memory };
    for (const resource of [resourceCPU, resourceMemory] as const) {
      const available = resource === resourceCPU ? free.milliCPU : free.memory;
      if (wanted[resource] <= available) continue;
      const span = this.requestSpan(specPath, pod, resource);
      const text = (n: number) => (resource === resourceCPU ? Quantity.fromMilli(n) : Quantity.fromValue(n, 'BinarySI')).toString();
      if (span) {
        this.add(
          span,
          'information',
          `cluster/insufficient-free-${resource}`,
          `no Ready, schedulable node has ${text(wanted[resource])} of ${resource} free now (the most is ${text(Math.max(0, available))}): new pods would stay Pending until room frees up`,
        );
      }
    }
  }

  /**
   * No node's labels pass nodeSelector and required node affinity. The precise culprit when there is
   * one: a nodeSelector label no node carries, or a nodeSelector no node satisfies as a whole.
   */
  private nodeSelection(specPath: readonly string[], fitMessage: string): void {
    const nodeSelector = valueAt(this.object, [...specPath, 'nodeSelector']);
    const entries = isRecord(nodeSelector) ? Object.entries(nodeSelector).map(([k, v]) => [k, String(v)] as const) : [];
    const nodes = this.cluster.nodes;
    let reported = false;
    const selectorPath = fieldPath([...specPath, 'nodeSelector']);
    for (const [key, value] of entries) {
      if (nodes.some((n) => n.labels[key] === value)) continue;
      const span = this.keySpan(selectorPath.key(key));
      if (span) this.add(span, 'warning', 'cluster/node-selector-mismatch', `no node matches nodeSelector ${key}=${value}`);
      reported = true;
    }
    if (reported) return;
    if (entries.length && !nodes.some((n) => entries.every(([k, v]) => n.labels[k] === v))) {
      const span = this.keySpan(selectorPath);
      if (span) this.add(span, 'warning', 'cluster/node-selector-mismatch', `no node matches nodeSelector ${entries.map(([k, v]) => `${k}=${v}`).join(', ')}`);
      return;
    }
    // The labels fail only together with required node affinity, or on nodes other filters turned away first.
    const affinity = [...specPath, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'];
    const anchor = valueAt(this.object, affinity) !== undefined ? fieldPath(affinity) : entries.length ? selectorPath : undefined;
    const span = anchor && this.keySpan(anchor);
    if (span) this.add(span, 'warning', 'cluster/node-affinity-mismatch', fitMessage);
  }

  /** The request value to point at: the container asking most of `resource` (its limit when the request came from it). */
  private requestSpan(specPath: readonly string[], pod: Pod, resource: typeof resourceCPU | typeof resourceMemory): Span | undefined {
    let best: { path: PathSegment[]; amount: number } | undefined;
    for (const list of ['containers', 'initContainers'] as const) {
      const containers = pod.spec?.[list] ?? [];
      for (let i = 0; i < containers.length; i++) {
        const r = emptyResource();
        addResourceList(r, { [resource]: containers[i]!.resources?.requests?.[resource] ?? 0 });
        const amount = resource === resourceCPU ? r.milliCPU : r.memory;
        if (amount > 0 && (!best || amount > best.amount)) best = { path: [...specPath, list, i, 'resources'], amount };
      }
    }
    if (!best) return undefined;
    const { path } = best;
    return this.valueSpan(fieldPath([...path, 'requests', resource])) ?? this.valueSpan(fieldPath([...path, 'limits', resource]));
  }

  /**
   * A Deployment, StatefulSet or DaemonSet that runs in the cluster, whose pod template in the
   * manifest (defaulted as the API server will) differs from the one stored: applying it starts a
   * rollout that replaces its pods, in the way its update strategy says.
   */
  rollout(): void {
    if (this.kind !== 'Deployment' && this.kind !== 'StatefulSet' && this.kind !== 'DaemonSet') return;
    if (scalarString(this.object, 'apiVersion') !== 'apps/v1') return;
    const name = scalarString(this.object, 'metadata', 'name');
    const live = name && this.cluster.facts.workloads?.[`${this.kind}/${this.effectiveNamespace}/${name}`];
    if (!live || live.pods === 0) return;
    const spec = this.object['spec'];
    if (!isRecord(spec) || !isRecord(spec['template'])) return;
    if (manifestTemplateDigest(this.object) === live.template) return;
    const span = this.keySpan(fieldPath(['spec', 'template']));
    if (!span) return;
    const pods = `${live.pods} pod${live.pods === 1 ? '' : 's'}`;
    const what = `applying this changes the pod template of ${this.kind} ${name}:`;
    const how =
      live.strategy === 'OnDelete'
        ? `its ${pods} keep the old template until each is deleted (updateStrategy OnDelete)`
        : live.strategy === 'Recreate'
          ? `its ${pods} will all be stopped before new ones start (strategy Recreate)`
          : this.kind === 'StatefulSet'
            ? `its ${pods} will be replaced one at a time, from the highest ordinal`
            : `its ${pods} will be replaced by a rolling update`;
    this.add(span, 'information', 'cluster/rollout', `${what} ${how}`);
  }

  private valueSpan(path: FieldPath): Span | undefined {
    const location = this.manifest.locate(path.toString());
    return location?.exact && location.value ? [location.value.start.offset, location.value.end.offset] : undefined;
  }

  private keySpan(path: FieldPath): Span | undefined {
    const location = this.manifest.locate(path.toString());
    return location?.exact && location.key ? [location.key.start.offset, location.key.end.offset] : undefined;
  }

  private add(span: Span, severity: ManifestDiagnostic['severity'], code: string, message: string): void {
    this.diagnostics.push({ span, severity, code, message });
  }
}

/**
 * The digest of a manifest's pod template, defaulted as the API server will: the manifest's object
 * does not change while its text does not, and new facts arrive often, so it is computed once.
 */
const templateDigests = new WeakMap<object, string>();
function manifestTemplateDigest(object: Record<string, unknown>): string {
  let digest = templateDigests.get(object);
  if (digest === undefined) {
    const defaulted = applyDefaults(object) as { spec?: { template?: unknown } };
    templateDigests.set(object, (digest = podTemplateDigest(defaulted.spec?.template)));
  }
  return digest;
}

function fieldPath(path: readonly PathSegment[]): FieldPath {
  let p = FieldPath.root();
  for (const s of path) p = typeof s === 'number' ? p.index(s) : p.child(s);
  return p;
}

