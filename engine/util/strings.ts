// String storage, as V8 lays it out. A string built from parts (JSON.stringify's output past a few
// dozen characters, a template literal, `a + b`) is a tree of those parts, a "cons string": kept
// for long (a stored value, an audit entry), it costs the garbage collector a dozen objects to
// trace instead of one, on every full collection for as long as it lives.

/**
 * Makes V8 copy `s` into one flat string, in place: reading it as a number needs its characters in
 * order, so the tree's root comes to point at a flat copy, and the next scavenge drops the tree's
 * nodes. The string's value is unchanged; returns `s`.
 */
export function flatten(s: string): string {
  Number(s);
  return s;
}
