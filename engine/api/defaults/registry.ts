// Per-kind defaulting functions, keyed by group and kind (the SetDefaults_<Kind> of pkg/apis/<group>/v1).

export type Obj = Record<string, any>;
export type Defaulter = (obj: Obj) => void;

const defaulters = new Map<string, Defaulter>();

export function registerDefaulter(group: string, kind: string, fn: Defaulter): void {
  defaulters.set(`${group}/${kind}`, fn);
}

export function defaulterFor(group: string, kind: string): Defaulter | undefined {
  return defaulters.get(`${group}/${kind}`);
}

// ---- helpers for in-place defaulting of plain JSON ----

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object at `o[key]`, created empty when absent (a Go struct field that is never nil). */
export function child(o: Obj, key: string): Obj {
  if (!isObj(o[key])) o[key] = {};
  return o[key] as Obj;
}

/** Sets `o[key]` when it is absent (Go: a nil pointer or an empty string). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
