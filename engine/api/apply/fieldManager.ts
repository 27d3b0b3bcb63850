// The field manager of server-side apply (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager over
// structured-merge-diff's merge.Updater): `apply` merges an applied configuration into the live
// object under ownership rules and reports conflicts; `update` records which fields a create,
// update or patch changed. Both return the object with its metadata.managedFields rewritten.
// See https://kubernetes.io/docs/reference/using-api/server-side-apply/.
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1';
import { StatusError, statusErrors } from '../errors';
import { deepCopy, deepEqual, isObject, type JSONObject, setMember } from '../patch/jsonValue';
import type { SchemaNode } from '../schema/node';
import { withoutManagedFields as withoutManagedFieldsView } from '../meta/managedFields';
import { dropIgnored, FieldSet, fieldSetOf, FieldSetError, type Path, pathString } from './fieldSet';
import { compare, type Comparison, createdFieldsV1, mergeApplied, removeItems } from './structuredMerge';

export interface FieldManagerOptions {
  /** The kind's root schema: list types, map keys and atomic maps decide the field sets. */
  schema: SchemaNode | undefined;
  /** The fieldManager of the request (for kubectl: "kubectl", "kubectl-client-side-apply", …). */
  manager: string;
  /** The apiVersion the request was made in (`apps/v1`). */
  apiVersion: string;
  /** The request time, RFC 3339, from the engine's Clock. */
  time: string;
  /** "status" or "scale" for writes through a subresource. */
  subresource?: string;
  /** Fields this endpoint resets and nobody may own through it, e.g. [['f:status']] for the main resource. */
  ignoredFields?: readonly Path[];
}

export interface ApplyOptions extends FieldManagerOptions {
  /** `force=true`: take the conflicting fields from their managers instead of failing. */
  force?: boolean;
}

/** One field another manager owns that an apply would change. */
export interface Conflict {
  /** The manager's identifier (its managedFields entry as JSON, without fields and time). */
  manager: string;
  path: Path;
}

/** An apply that would change fields other managers own: a 409 Conflict listing each of them. */
export class ApplyConflictError extends Error {
  /** The 409 the API server answers, causes and all. */
  readonly statusError: StatusError;
  constructor(readonly conflicts: readonly Conflict[]) {
    const message = conflictMessage(conflicts);
    super(message);
    this.name = 'ApplyConflictError';
    this.statusError = new StatusError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: 'Conflict',
      details: { causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })) },
      code: 409,
    });
  }
}

type Operation = 'Apply' | 'Update';

interface ManagerState {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/**
 * BuildManagerIdentifier: the entry as JSON without fields, fields type and time; an applier's
 * identity leaves out the apiVersion too, so it stays one manager across versions.
 */
export function managerIdentifier(entry: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  // JSON.stringify of an object with these keys in this order, spelt out: it runs several times per write.
  let id = '';
  if (entry.manager) id += `,"manager":${JSON.stringify(entry.manager)}`;
  if (entry.operation) id += `,"operation":${JSON.stringify(entry.operation)}`;
  if (entry.apiVersion && entry.operation !== 'Apply') id += `,"apiVersion":${JSON.stringify(entry.apiVersion)}`;
  if (entry.subresource) id += `,"subresource":${JSON.stringify(entry.subresource)}`;
  return `{${id.slice(1)}}`;
}

/** How conflicts name a manager: `"kubectl"`, `"kube-controller-manager" using apps/v1`, `… with subresource "scale"`. */
export function printManager(identifier: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string; time?: string };
  try {
    e = JSON.parse(identifier);
  } catch {
    return JSON.stringify(identifier);
  }
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion ?? ''} at ${e.time}` : ` using ${e.apiVersion ?? ''}`;
  return s;
}

/** The 409 message of the field manager, word for word. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.manager)}: ${pathString(conflicts[0]!.path)}`;
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(m)}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

// ---- managedFields encoding ----

type Managers = Map<string, ManagerState>;

/**
 * The managers of stored entries (`stored`: written by this server, so in canonical form) or of
 * entries a request sent, which are decoded at once so that what is written back is canonical.
 */
function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, stored = true): Managers {
  const managers: Managers = new Map();
  for (const e of entries ?? []) {
    if (!e || !e.operation) continue;
    const state: ManagerState = {
      manager: e.manager ?? '',
      operation: e.operation as Operation,
      apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
      set: stored ? FieldSet.fromStoredFieldsV1(e.fieldsV1) : FieldSet.fromFieldsV1(e.fieldsV1),
    };
    managers.set(managerIdentifier(state), state);
  }
  return managers;
}

function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    // The stored form, without the fields every object has. The written object shares the trees
    // it is given: frozen encodings, or parts of the stored entries decoded for this request.
    // Nothing changes them before the object is stored and copied for the caller.
    const fieldsV1 = m.set.toStrippedFieldsV1();
    if (!fieldsV1) continue;
    entries.push({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: fieldsV1 as ManagedFieldsEntry['fieldsV1'],
      ...(m.subresource ? { subresource: m.subresource } : {}),
    });
  }
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation!, q.operation!) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager ?? '', q.manager ?? '') ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** The managed fields of an object as a set per manager identifier, for display and tests. */
export function managedFieldSets(obj: object): Map<string, FieldSet> {
  return new Map([...decodeManagedFields((obj as Obj).metadata?.managedFields)].map(([k, v]) => [k, v.set]));
}

// ---- the updater ----

type Obj = JSONObject & { metadata?: JSONObject & { managedFields?: ManagedFieldsEntry[] } };

function withoutManagedFields(obj: unknown): Obj {
  const copy = (isObject(obj) ? deepCopy(obj) : {}) as Obj;
  if (isObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** DefaultMaxUpdateManagers: past this many Update entries the oldest are folded into buckets. */
export const maxUpdateManagers = 10;
const oldUpdatesManagerName = 'ancient-changes';

/**
 * capManagersManager: while there are more than `maxUpdateManagers` Update entries, the oldest
 * ones are merged, per apiVersion, into one "ancient-changes" entry, so controllers that each
 * touch an object once cannot grow managedFields without bound.
 */
function capUpdateManagers(managers: Managers): void {
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update').map(([id]) => id);
  if (updaters.length <= maxUpdateManagers) return;
  updaters.sort((a, b) => seconds(managers.get(a)!.time) - seconds(managers.get(b)!.time) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const id = updaters[i]!;
    const m = managers.get(id)!;
    const bucket = managerIdentifier({ manager: oldUpdatesManagerName, operation: 'Update', apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      const f = managers.get(first)!;
      managers.delete(first);
      managers.set(bucket, { manager: oldUpdatesManagerName, operation: 'Update', apiVersion: m.apiVersion, set: f.set });
    }
    const b = managers.get(bucket)!;
    // The bucket takes the time of the newest update merged into it.
    managers.set(bucket, { ...b, set: b.set.union(m.set), ...(m.time ? { time: m.time } : {}) });
    managers.delete(id);
    length--;
  }
}

function withManagedFields<T>(obj: Obj, managers: Managers): T {
  capUpdateManagers(managers);
  const entries = encodeManagedFields(managers);
  // Copied key by key, managedFields in its place or last: a spread copy that then gains or loses
  // the key would get a hidden class of its own (V8, Node 20) on every write.
  const source: Record<string, unknown> = isObject(obj.metadata) ? obj.metadata : {};
  const metadata: Record<string, unknown> = {};
  for (const k in source) {
    if (k !== 'managedFields') setMember(metadata, k, source[k]);
    else if (entries.length) metadata.managedFields = entries;
  }
  if (entries.length && metadata.managedFields === undefined) metadata.managedFields = entries;
  return { ...obj, metadata } as T;
}

function filtered(c: Comparison, ignored: readonly Path[]): Comparison {
  return { added: dropIgnored(c.added, ignored), modified: dropIgnored(c.modified, ignored), removed: dropIgnored(c.removed, ignored) };
}

/**
 * Updater.update: every other manager loses the fields `workflow` changed (a conflict unless
 * forced) and the fields that disappeared.
 */
function updateOthers(managers: Managers, cmp: Comparison, workflow: string, force: boolean): void {
  // Nothing changed and nothing went away: no manager loses a field.
  if (cmp.modified.empty() && cmp.added.empty() && cmp.removed.empty()) return;
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflict[] = [];
  const taken = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const conflictSet = m.set.intersection(changed);
    if (!conflictSet.empty()) {
      taken.set(id, conflictSet);
      for (const path of conflictSet.paths()) conflicts.push({ manager: id, path });
    }
  }
  if (!force && conflicts.length) throw new ApplyConflictError(conflicts.sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0)));
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    let set = m.set;
    const lost = taken.get(id);
    if (lost) set = set.difference(lost);
    if (!cmp.removed.empty()) set = set.difference(cmp.removed);
    if (set.empty()) managers.delete(id);
    else if (set !== m.set) managers.set(id, { ...m, set });
  }
}

/**
 * Server-side apply: merges `applied` into `live` (undefined to create) for `opts.manager`.
 * Fields the manager applied before and no longer applies are removed unless another manager owns
 * them; changing a field another manager owns is a conflict (ApplyConflictError, 409) unless
 * `force`, which takes ownership. Inputs are not changed.
 */
export function apply<T extends object>(live: T | undefined, applied: object, opts: ApplyOptions): T {
  const ignored = opts.ignoredFields ?? [];
  const appliedMeta = (applied as Obj).metadata;
  if (isObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw statusErrors.badRequest('metadata.managedFields must be nil');
  }
  const managers = decodeManagedFields((live as Obj | undefined)?.metadata?.managedFields);
  const current = withoutManagedFields(live);
  const config = withoutManagedFields(applied);

  let appliedSet: FieldSet;
  try {
    appliedSet = fieldSetOf(config, opts.schema, ignored);
  } catch (e) {
    if (!(e instanceof FieldSetError)) throw e;
    const [group, version] = String(config.apiVersion ?? '').includes('/') ? String(config.apiVersion).split('/') : ['', String(config.apiVersion ?? '')];
    throw statusErrors.internal(`failed to create typed patch object (${group}/${version}, Kind=${String(config.kind ?? '')}): ${e.message}`);
  }
  let merged = mergeApplied(current, config, opts.schema) as Obj;
  const id = managerIdentifier({ manager: opts.manager, operation: 'Apply', subresource: opts.subresource });
  const lastSet = managers.get(id)?.set;
  managers.set(id, { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, ...(opts.subresource ? { subresource: opts.subresource } : {}), time: opts.time, set: appliedSet });

  // Prune: what this manager applied last time, applies no more, and nobody else owns goes away.
  // When it applies everything it applied before (the usual re-apply) there is nothing to prune.
  if (lastSet && !lastSet.empty() && !lastSet.isSubsetOf(appliedSet)) {
    let owned = new FieldSet();
    for (const m of managers.values()) owned = owned.union(m.set);
    const toRemove = lastSet.withNamedFieldsAsMembers().difference(owned.withNamedFieldsAsMembers());
    merged = removeItems(merged, toRemove, opts.schema) as Obj;
  }

  updateOthers(managers, filtered(compare(current, merged, opts.schema), ignored), id, opts.force ?? false);
  if (managers.get(id)?.set.empty()) managers.delete(id);
  return withManagedFields<T>(merged, managers);
}

/**
 * Records a create, update or non-apply patch by `opts.manager` (operation Update): it takes the
 * fields it added or changed from every other manager and keeps what it already owned; fields
 * that disappeared are owned by nobody. A request that sets metadata.managedFields to something
 * new replaces the tracked state, as the API server allows.
 */
export function update<T extends object>(live: T | undefined, updated: T, opts: FieldManagerOptions): T {
  // The result shares the subtrees the update did not touch with `updated`; neither input changes.
  try {
    return trackUpdate(live, updated, opts);
  } catch (e) {
    if (!(e instanceof FieldSetError)) throw e;
    // UpdateNoErrors: an update is never refused for its field sets (a PUT may legally repeat an
    // env name); the object is stored without managedFields rather than with wrong ones.
    return withoutManagedFields(updated) as T;
  }
}

function trackUpdate<T extends object>(live: T | undefined, updated: T, opts: FieldManagerOptions): T {
  const ignored = opts.ignoredFields ?? [];
  const liveEntries = (live as Obj | undefined)?.metadata?.managedFields;
  const sent = (updated as Obj).metadata?.managedFields;
  if (live === undefined && !(Array.isArray(sent) && sent.length > 0)) return trackCreate(updated, opts);
  const replaced = Array.isArray(sent) && sent.length > 0 && !deepEqual(sent, liveEntries);
  const managers = decodeManagedFields(replaced ? sent : liveEntries, !replaced);
  // The objects as the comparison sees them: shallow views that share every other subtree (nothing
  // here changes them), instead of a deep copy per write.
  const before = live === undefined ? {} : (withoutManagedFieldsView(live as Obj) as Obj);
  const after = withoutManagedFieldsView(updated as Obj) as Obj;

  const cmp = filtered(compare(before, after, opts.schema), ignored);
  const id = managerIdentifier({ manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource });
  updateOthers(managers, cmp, id, true);
  const previous = managers.get(id);
  const set = (previous?.set ?? new FieldSet()).difference(cmp.removed).union(cmp.modified).union(cmp.added);
  if (set.empty()) managers.delete(id);
  else {
    const changed = !previous || !previous.set.equals(set);
    managers.set(id, {
      manager: opts.manager,
      operation: 'Update',
      apiVersion: opts.apiVersion,
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
      ...(changed || !previous?.time ? { time: opts.time } : { time: previous.time }),
      // A manager whose fields did not change keeps its set as decoded, and so its stored fieldsV1.
      set: changed ? set : previous!.set,
    });
  }
  return withManagedFields<T>(after, managers);
}

/**
 * trackUpdate of a create that sends no managedFields: its manager owns every field the object has
 * (less the ignored ones), encoded in one walk of the object instead of a diff against nothing
 * and a set to encode.
 */
function trackCreate<T extends object>(created: T, opts: FieldManagerOptions): T {
  const after = withoutManagedFieldsView(created as Obj) as Obj;
  const fieldsV1 = createdFieldsV1(after, opts.schema, opts.ignoredFields ?? []);
  const managers: Managers = new Map();
  if (fieldsV1) {
    const id = managerIdentifier({ manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, subresource: opts.subresource });
    managers.set(id, {
      manager: opts.manager,
      operation: 'Update',
      apiVersion: opts.apiVersion,
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
      time: opts.time,
      set: FieldSet.fromStoredFieldsV1(fieldsV1),
    });
  }
  return withManagedFields<T>(after, managers);
}
