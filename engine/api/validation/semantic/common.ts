// Helpers shared by the per-kind rules: typed reads of untyped JSON, the numeric and int-or-percent checks
// of pkg/apis/core/validation, selector checks, and Go's renderings of values that messages print.

import { fieldError, GoValue, type FieldError, type FieldPath } from '../../errors.js';
import { isValidPercent } from '../names.js';
import type { Obj } from './registry.js';

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
/** Port protocols Kubernetes accepts (supportedPortProtocols), in the order its messages list them. */
export const supportedProtocols = ['SCTP', 'TCP', 'UDP'];

/** fldPath.Child(a, b, …) */
export const at = (p: FieldPath, ...names: string[]): FieldPath => names.reduce((x, n) => x.child(n), p);
export const has = (o: Obj, k: string): boolean => o[k] !== undefined && o[k] !== null;

/** Structural equality of JSON values (reflect.DeepEqual / apiequality.Semantic for plain data). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function validateNonnegativeField(value: unknown, fld: FieldPath): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldError.invalid(fld, value, 'must be greater than or equal to 0')] : [];
}

export function validatePositiveField(value: unknown, fld: FieldPath): FieldError[] {
  return typeof value === 'number' && value <= 0 ? [fieldError.invalid(fld, value, 'must be greater than 0')] : [];
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a `N%` string (printed unquoted, as IntOrString is). */
export function validatePositiveIntOrPercent(v: unknown, fld: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldError.invalid(fld, intstr(v), m));
  if (typeof v === 'number') return validateNonnegativeField(v, fld);
  return [];
}

/** An intstr.IntOrString in a message: its String() form, unquoted (`25%`, `0`). */
export const intstr = (v: unknown): GoValue => new GoValue(String(v));

/** IsNotMoreThan100Percent */
export function isNotMoreThan100Percent(v: unknown, fld: FieldPath): FieldError[] {
  if (typeof v !== 'string' || !/^[0-9]+%$/.test(v)) return [];
  return Number(v.slice(0, -1)) > 100 ? [fieldError.invalid(fld, intstr(v), 'must not be greater than 100%')] : [];
}

/** The int-or-percent value for "is it zero" comparisons (maxSurge vs maxUnavailable). */
export function intOrPercentIsZero(v: unknown): boolean {
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1)) === 0;
  return false;
}

/**
 * A value as kube-apiserver (1.34 and later) prints maps, lists and API structs in field errors: Go's
 * json.Marshal, so map keys sorted, `omitempty` fields dropped, nil as `null` — e.g. `{"app":"web"}`.
 */
export function jsonValue(v: unknown): GoValue {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (isObj(x))
      return Object.fromEntries(
        Object.keys(x)
          .filter((k) => x[k] !== undefined)
          .sort()
          .map((k) => [k, sorted(x[k])]),
      );
    return x;
  };
  return new GoValue(v === undefined ? 'null' : JSON.stringify(sorted(v)));
}

/** A *metav1.LabelSelector as its JSON: matchLabels, then matchExpressions, each only when not empty. */
export function jsonLabelSelector(sel: unknown): GoValue {
  if (!isObj(sel)) return new GoValue('null');
  const out: Obj = {};
  if (Object.keys(obj(sel.matchLabels)).length) out.matchLabels = sel.matchLabels;
  const exprs = arr(sel.matchExpressions).map((e) => {
    const x = obj(e);
    return { key: str(x.key), operator: str(x.operator), ...(arr(x.values).length ? { values: x.values } : {}) };
  });
  if (exprs.length) out.matchExpressions = exprs;
  // Field order is the struct's (matchLabels before matchExpressions), not alphabetical.
  const body = [
    out.matchLabels !== undefined ? `"matchLabels":${jsonValue(out.matchLabels).text}` : '',
    out.matchExpressions !== undefined ? `"matchExpressions":${JSON.stringify(out.matchExpressions)}` : '',
  ].filter(Boolean);
  return new GoValue(`{${body.join(',')}}`);
}

/** ValidateImmutableField */
export function validateImmutableField(newVal: unknown, oldVal: unknown, fld: FieldPath, render: (v: unknown) => unknown = (v) => v): FieldError[] {
  return deepEqual(newVal, oldVal) ? [] : [fieldError.invalid(fld, render(newVal), 'field is immutable')];
}
