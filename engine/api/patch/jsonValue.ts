// Plain-JSON helpers shared by the patch and apply code: the value kinds JSON has, deep copy and
// equality, and Go's `%v` rendering that apimachinery's patch errors print values with.

export type JSONObject = { [key: string]: unknown };

/** The JSON kind of a decoded value, the way Go's `reflect.TypeOf` tells a map from a slice. */
export type JSONKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export function kindOf(v: unknown): JSONKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'null';
  }
}

export function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a JSON value; much cheaper than structuredClone for the small trees of API objects. */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = deepCopy(v[i]);
    return out as T;
  }
  if (isObject(v)) {
    const out: JSONObject = {};
    // for…in, not Object.keys: a JSON object has no enumerable inherited members, and the walk
    // allocates no array of keys per object (a pod has dozens of objects).
    for (const k in v) setMember(out, k, deepCopy(v[k]));
    return out as T;
  }
  return v;
}

/**
 * A shallow copy of a JSON object, made member by member. Not `{ ...obj }` when the copy then gains
 * members `obj` lacks: V8 (Node 20) gives each such copy a hidden class of its own, a microsecond
 * to make and more garbage for the old generation, where a copy made this way shares its hidden
 * class with every object that gained the same members in the same order.
 */
export function shallowCopy<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const k in obj) setMember(out, k, obj[k]);
  return out as T;
}

/**
 * `out[k] = value` as an own member, as JSON.parse makes every member: for "__proto__", plain
 * assignment would set the object's prototype instead, and the member would be lost.
 */
export function setMember(out: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    // Counted with for…in rather than Object.keys, which would allocate two arrays per object.
    let members = 0;
    for (const k in a) {
      members++;
      if (!(k in b) || !deepEqual(a[k], b[k])) return false;
    }
    for (const _ in b) members--;
    return members === 0;
  }
  return false;
}

/**
 * Go's `fmt.Sprintf("%v", v)` for decoded JSON: `map[image:nginx name:web]` (keys sorted), `[a b]`,
 * `<nil>`. Patch errors embed values this way, and scalar lists are sorted by this text.
 */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  }
  return String(v);
}
