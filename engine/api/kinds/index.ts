// The registry of kinds: every group/version/kind of the official spec with its REST resource
// (plural, scope, verbs, subresources), the short names and categories kubectl knows them by, which of
// them the embedded cluster serves, and the custom kinds CRDs add at run time.
import { openapi, type OpenAPIResource, type SchemaNode } from '../schema/index';
import { shortNames, categories } from './short-names';
import { servedHere } from './served';

export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  /** The resource name in URLs, e.g. `deployments`; empty for kinds that are no REST resource (`Status`). */
  plural: string;
  /** Lower-case kind, as discovery's singularName. */
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
  subresources: string[];
  /** Whether the embedded cluster serves this kind (a real cluster serves every kind of the spec). */
  served: boolean;
  categories?: string[];
}

export interface KindRegistry {
  /** The kind of an object's `apiVersion` and `kind`, e.g. `lookup('apps/v1', 'Deployment')`. */
  lookup(apiVersion: string, kind: string): KindInfo | undefined;
  /** By resource, singular name, short name or kind, case-insensitively, as kubectl resolves `kubectl get deploy`. */
  byResource(group: string, version: string, resourceOrShortName: string): KindInfo | undefined;
  all(): KindInfo[];
  /** The nearest real `apiVersion kind` for one that does not exist, e.g. `apps/v1 Deployment`. */
  suggest(apiVersion: string, kind: string): string | undefined;
  /** Adds (or replaces) a custom kind with its schema; returns a function that removes it. */
  register(info: KindInfo, schema: SchemaNode): () => void;
  /** The schema objects of this kind are validated against: a CRD's if registered, else the spec's. */
  schema(info: KindInfo): SchemaNode | undefined;
  /** Whether the kind came from `register` (a custom resource) rather than the built-in spec. */
  isCustom(info: KindInfo): boolean;
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group. */
export function parseAPIVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

const key = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/** Kubernetes' API version order: GA before beta before alpha, then higher numbers first. */
export function versionPriority(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const major = Number(m[1]);
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return stage * 1_000_000 + major * 1000 + (m[3] ? Number(m[3]) : 0);
}

/** Levenshtein distance, case-insensitive, for "did you mean". */
export function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

class Registry implements KindRegistry {
  private readonly byKey = new Map<string, KindInfo>();
  private readonly custom = new Map<string, { info: KindInfo; schema: SchemaNode }>();
  private names?: Map<string, KindInfo>;

  constructor() {
    const spec = openapi();
    const resources = new Map<string, OpenAPIResource>();
    for (const r of spec.resources()) if (!resources.has(key(r.group, r.version, r.kind))) resources.set(key(r.group, r.version, r.kind), r);
    for (const gvk of spec.kinds()) {
      const r = resources.get(key(gvk.group, gvk.version, gvk.kind));
      const plural = r?.plural ?? '';
      const cats = categories[gvk.group]?.[plural];
      this.byKey.set(key(gvk.group, gvk.version, gvk.kind), {
        group: gvk.group,
        version: gvk.version,
        kind: gvk.kind,
        plural,
        singular: r ? gvk.kind.toLowerCase() : '',
        shortNames: [...(shortNames[gvk.group]?.[plural] ?? [])],
        namespaced: r?.namespaced ?? false,
        verbs: [...(r?.verbs ?? [])],
        subresources: [...(r?.subresources ?? [])],
        served: servedHere.has(key(gvk.group, gvk.version, gvk.kind)),
        ...(cats ? { categories: [...cats] } : {}),
      });
    }
  }

  lookup(apiVersion: string, kind: string): KindInfo | undefined {
    const { group, version } = parseAPIVersion(apiVersion);
    const k = key(group, version, kind);
    return this.custom.get(k)?.info ?? this.byKey.get(k);
  }

  byResource(group: string, version: string, name: string): KindInfo | undefined {
    return this.resourceIndex().get(`${group}/${version}/${name.toLowerCase()}`);
  }

  all(): KindInfo[] {
    const out = new Map(this.byKey);
    for (const [k, c] of this.custom) out.set(k, c.info);
    return [...out.values()];
  }

  /**
   * group/version/name → kind, for every name kubectl accepts, in its order of precedence: plural,
   * singular, short name, then kind. Rebuilt only after a custom kind is registered or removed.
   */
  private resourceIndex(): Map<string, KindInfo> {
    if (this.names) return this.names;
    const index = new Map<string, KindInfo>();
    const resources = this.all().filter((i) => i.plural);
    const add = (i: KindInfo, name: string) => {
      const k = `${i.group}/${i.version}/${name.toLowerCase()}`;
      if (!index.has(k)) index.set(k, i);
    };
    for (const i of resources) add(i, i.plural);
    for (const i of resources) add(i, i.singular);
    for (const i of resources) for (const s of i.shortNames) add(i, s);
    for (const i of resources) add(i, i.kind);
    this.names = index;
    return index;
  }

  suggest(apiVersion: string, kind: string): string | undefined {
    const all = this.all().filter((i) => i.plural);
    const { group } = parseAPIVersion(apiVersion);
    // The kind exists in another version: the preferred one of the same group, else of any group.
    const sameKind = all.filter((i) => i.kind === kind);
    const pick = (list: KindInfo[]) =>
      [...list].sort((a, b) => Number(b.group === group) - Number(a.group === group) || Number(b.served) - Number(a.served) || versionPriority(b.version) - versionPriority(a.version))[0];
    let best = pick(sameKind);
    if (!best) {
      // A misspelt kind: the closest name, if it is close enough to be a typo.
      let min = Infinity;
      let near: KindInfo[] = [];
      for (const i of all) {
        const d = distance(i.kind, kind);
        if (d < min) [min, near] = [d, [i]];
        else if (d === min) near.push(i);
      }
      if (min > Math.max(1, Math.floor(kind.length / 3))) return undefined;
      const sameVersion = near.filter((i) => apiVersionOf(i.group, i.version) === apiVersion);
      best = pick(sameVersion.length ? sameVersion : near);
    }
    return best && `${apiVersionOf(best.group, best.version)} ${best.kind}`;
  }

  register(info: KindInfo, schema: SchemaNode): () => void {
    const k = key(info.group, info.version, info.kind);
    const entry = { info, schema };
    this.custom.set(k, entry);
    this.names = undefined;
    return () => {
      if (this.custom.get(k) !== entry) return;
      this.custom.delete(k);
      this.names = undefined;
    };
  }

  schema(info: KindInfo): SchemaNode | undefined {
    return this.custom.get(key(info.group, info.version, info.kind))?.schema ?? openapi().forKind(info.group, info.version, info.kind);
  }

  isCustom(info: KindInfo): boolean {
    return this.custom.has(key(info.group, info.version, info.kind));
  }
}

let registry: KindRegistry | undefined;

/** The process-wide registry (memoised). */
export function kinds(): KindRegistry {
  registry ??= new Registry();
  return registry;
}
