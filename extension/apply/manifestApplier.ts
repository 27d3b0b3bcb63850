// Applies (or deletes, or dry-runs) the objects of one manifest text through a ClusterBackend, as
// `kubectl apply --server-side -f` does, and says for every object what happened — with each problem
// placed on its line and field in the text (a YAML error, an unknown kind, a 422's field causes), so
// the editor can show them where they are. Nothing here imports `vscode`.
import { parseManifests, type ParsedManifest, type SourceRange } from '../../engine/api/manifest/index';
import { type ApplyOptions, type ClusterBackend, ClusterError, type KubeObj, type ObjectRef, type ServedResource } from '../backend/clusterBackend';

/** A problem found at a place in the manifest text. */
export interface ManifestProblem {
  readonly range: SourceRange;
  readonly message: string;
  /** The Kubernetes field path it concerns, when there is one. */
  readonly field?: string;
}

export interface ObjectOutcome {
  /** Index of the YAML document in the file (0-based). */
  readonly documentIndex: number;
  /** `deployment.apps/web`, as kubectl names objects (or `document N` when there is no kind). */
  readonly name: string;
  readonly ref?: ObjectRef & { kind: string };
  /** What the server stored (or, for a dry run, would store). */
  readonly object?: KubeObj;
  /** Why the object was not applied or deleted; absent on success. */
  readonly error?: string;
  readonly problems: readonly ManifestProblem[];
}

export interface ManifestSelection {
  /** Only these documents of the text (0-based indexes), e.g. the one a code lens sits on. */
  readonly documents?: readonly number[];
}

interface Resolved {
  manifest: ParsedManifest;
  obj: KubeObj;
  served: ServedResource;
  ref: ObjectRef & { kind: string };
}

type Outcome = ObjectOutcome;

function kubectlName(obj: KubeObj, served?: ServedResource): string {
  const kind = String(obj.kind ?? 'object').toLowerCase();
  return `${served?.group ? `${kind}.${served.group}` : kind}/${obj.metadata?.name ?? ''}`;
}

function at(manifest: ParsedManifest, field: string | undefined, message: string): ManifestProblem {
  const located = field ? manifest.locate(field) : undefined;
  const range = located?.key ?? located?.value ?? manifest.range;
  return { range, message, ...(field ? { field } : {}) };
}

/**
 * The problems of a refused call, each on the field the server named: a 422's causes, or the
 * fields of a strict decoding error (a 400 that names them only in its message, `…: strict decoding
 * error: unknown field "spec.replica", duplicate field "kind"`).
 */
function problemsOf(manifest: ParsedManifest, err: unknown): ManifestProblem[] {
  if (ClusterError.is(err) && err.causes.length) {
    return err.causes.map((c) => at(manifest, c.field, c.message ?? err.message));
  }
  const strict = ClusterError.is(err) ? /strict decoding error: (.*)$/s.exec(err.message) : null;
  const fields = strict ? [...strict[1]!.matchAll(/(?:unknown|duplicate) field "([^"]*)"/g)] : [];
  if (fields.length) return fields.map(([text, field]) => at(manifest, field, text));
  return [at(manifest, undefined, ClusterError.is(err) ? err.display : (err as Error).message)];
}

/**
 * Parses a manifest text and resolves each object's resource type; objects that cannot be sent
 * (syntax errors, no kind, a kind the server does not serve) come back as failed outcomes.
 */
async function resolve(backend: ClusterBackend, text: string, fileName: string, selection: ManifestSelection): Promise<{ ready: Resolved[]; failed: Outcome[] }> {
  const ready: Resolved[] = [];
  const failed: Outcome[] = [];
  const wanted = selection.documents ? new Set(selection.documents) : undefined;
  for (const manifest of parseManifests(text, fileName)) {
    if (wanted && !wanted.has(manifest.documentIndex)) continue;
    const label = `document ${manifest.documentIndex + 1}`;
    if (manifest.syntaxErrors.length) {
      failed.push({ documentIndex: manifest.documentIndex, name: label, error: manifest.syntaxErrors[0]!.message, problems: manifest.syntaxErrors.map((e) => ({ range: e.range, message: e.message })) });
      continue;
    }
    const obj = manifest.object;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      failed.push({ documentIndex: manifest.documentIndex, name: label, error: 'not a Kubernetes object', problems: [at(manifest, undefined, 'a manifest document must be an object with apiVersion and kind')] });
      continue;
    }
    const o = obj as KubeObj;
    for (const field of ['apiVersion', 'kind'] as const) {
      if (typeof o[field] !== 'string' || !o[field]) {
        const message = `${field} is required`;
        failed.push({ documentIndex: manifest.documentIndex, name: label, error: message, problems: [at(manifest, field, message)] });
      }
    }
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !o.apiVersion || !o.kind) continue;
    const served = await backend.resourceFor(o.apiVersion, o.kind);
    if (!served) {
      const message = `no matches for kind "${o.kind}" in version "${o.apiVersion}"`;
      failed.push({ documentIndex: manifest.documentIndex, name: kubectlName(o), error: message, problems: [at(manifest, 'kind', message)] });
      continue;
    }
    // A namespaced object without a namespace goes to `default`, as kubectl's default context sends it.
    const namespace = served.namespaced ? (o.metadata?.namespace || 'default') : undefined;
    const withNamespace: KubeObj = namespace && !o.metadata?.namespace ? { ...o, metadata: { ...(o.metadata ?? {}), namespace } } : o;
    const name = String(o.metadata?.name ?? '');
    ready.push({ manifest, obj: withNamespace, served, ref: { type: served, ...(namespace ? { namespace } : {}), name, kind: o.kind } });
  }
  return { ready, failed };
}

/** Namespaces and CRDs first, so the objects in them can follow (kubectl orders them so too). */
function creationOrder(a: Resolved, b: Resolved): number {
  const rank = (r: Resolved) => (r.obj.kind === 'Namespace' || r.obj.kind === 'CustomResourceDefinition' ? 0 : 1);
  return rank(a) - rank(b);
}

/** Server-side applies every object of a manifest text (or the selected documents). */
export async function applyManifestText(backend: ClusterBackend, text: string, fileName: string, options: ApplyOptions & ManifestSelection = {}): Promise<ObjectOutcome[]> {
  const { ready, failed } = await resolve(backend, text, fileName, options);
  const outcomes: Outcome[] = [...failed];
  for (const r of [...ready].sort(creationOrder)) {
    const base = { documentIndex: r.manifest.documentIndex, name: kubectlName(r.obj, r.served), ref: r.ref };
    try {
      const object = await backend.apply(r.obj, options);
      outcomes.push({ ...base, object, problems: [] });
    } catch (err) {
      outcomes.push({ ...base, error: ClusterError.is(err) ? err.display : (err as Error).message, problems: problemsOf(r.manifest, err) });
    }
  }
  return outcomes.sort((a, b) => a.documentIndex - b.documentIndex);
}

/** Deletes every object a manifest text names (in reverse order: namespaces last), as `kubectl delete -f`. */
export async function deleteManifestText(backend: ClusterBackend, text: string, fileName: string, selection: ManifestSelection = {}): Promise<ObjectOutcome[]> {
  const { ready, failed } = await resolve(backend, text, fileName, selection);
  const outcomes: Outcome[] = [...failed];
  for (const r of [...ready].sort(creationOrder).reverse()) {
    const base = { documentIndex: r.manifest.documentIndex, name: kubectlName(r.obj, r.served), ref: r.ref };
    try {
      await backend.delete(r.ref, { propagationPolicy: 'Background' });
      outcomes.push({ ...base, problems: [] });
    } catch (err) {
      outcomes.push({ ...base, error: ClusterError.is(err) ? err.display : (err as Error).message, problems: problemsOf(r.manifest, err) });
    }
  }
  return outcomes.sort((a, b) => a.documentIndex - b.documentIndex);
}

/** The live object and what a server-side apply of the text would make of it, per object: "Diff with cluster". */
export async function diffManifestText(backend: ClusterBackend, text: string, fileName: string, selection: ManifestSelection = {}): Promise<{ outcomes: ObjectOutcome[]; live: KubeObj[]; merged: KubeObj[] }> {
  const { ready, failed } = await resolve(backend, text, fileName, selection);
  const outcomes: Outcome[] = [...failed];
  const live: KubeObj[] = [];
  const merged: KubeObj[] = [];
  for (const r of ready) {
    const base = { documentIndex: r.manifest.documentIndex, name: kubectlName(r.obj, r.served), ref: r.ref };
    try {
      const current = await backend.get(r.ref);
      // Namespaces that do not exist yet would fail the dry run of the objects in them; kubectl diff
      // has the same limit, and says so the same way.
      const object = await backend.apply(r.obj, { dryRun: true });
      const [before, after] = maskSecretValues(current && forDiff(current), forDiff(object));
      if (before) live.push(before);
      merged.push(after);
      outcomes.push({ ...base, object, problems: [] });
    } catch (err) {
      outcomes.push({ ...base, error: ClusterError.is(err) ? err.display : (err as Error).message, problems: problemsOf(r.manifest, err) });
    }
  }
  return { outcomes: outcomes.sort((a, b) => a.documentIndex - b.documentIndex), live, merged };
}

/** What `kubectl diff` leaves out: bookkeeping that changes on every write. */
export function forDiff(obj: KubeObj): KubeObj {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

/**
 * Secret values never reach a diff view: like kubectl diff, each becomes `***`, marked
 * `*** (before)` / `*** (after)` where the value changes so the diff still shows that it does.
 */
export function maskSecretValues(before: KubeObj | undefined, after: KubeObj): [KubeObj | undefined, KubeObj] {
  if (after.kind !== 'Secret') return [before, after];
  const old: Record<string, string> = before?.data ?? {};
  const next: Record<string, string> = after.data ?? {};
  const mask = (data: Record<string, string>, other: Record<string, string>, mark: string) =>
    Object.fromEntries(Object.keys(data).map((k) => [k, k in other && other[k] !== data[k] ? `*** (${mark})` : '***']));
  return [before && (before.data ? { ...before, data: mask(old, next, 'before') } : before), after.data ? { ...after, data: mask(next, old, 'after') } : after];
}
