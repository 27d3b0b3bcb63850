// Small composable type guards for webview messages. Both ends of a panel validate what they receive
// with the same guards, because a webview is an untrusted page: a message is data until it is
// proven to have the shape its type claims. No dependency: each guard is a plain predicate.

export type Guard<T> = (value: unknown) => value is T;

export const isString: Guard<string> = (v): v is string => typeof v === 'string';
export const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
/** Finite numbers only: NaN and Infinity do not survive JSON and mean a bug upstream. */
export const isNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);

export function isLiteral<const T extends readonly (string | number | boolean)[]>(...values: T): Guard<T[number]> {
  return (v): v is T[number] => values.includes(v as T[number]);
}

export function isArrayOf<T>(item: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every(item);
}

export function isOptional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || guard(v);
}

export function isNullable<T>(guard: Guard<T>): Guard<T | null> {
  return (v): v is T | null => v === null || guard(v);
}

/** Any of the guards: a union of message types. */
export function isOneOf<T extends readonly Guard<unknown>[]>(...guards: T): Guard<T[number] extends Guard<infer U> ? U : never> {
  return (v): v is T[number] extends Guard<infer U> ? U : never => guards.some((guard) => guard(v));
}

/** A JSON object (not null, not an array), whatever its properties. */
export const isPlainObject: Guard<Record<string, unknown>> = (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object every property of which passes `value`: labels, annotations. */
export function isRecordOf<T>(value: Guard<T>): Guard<Record<string, T>> {
  return (v): v is Record<string, T> => isPlainObject(v) && Object.values(v).every(value);
}

type Shape<T> = { readonly [K in keyof T]-?: Guard<T[K]> };

/** An object whose listed properties pass their guards; properties not listed are ignored. */
export function isObject<T>(shape: Shape<T>): Guard<T> {
  const entries = Object.entries(shape) as [string, Guard<unknown>][];
  return (v): v is T => isPlainObject(v) && entries.every(([key, guard]) => guard(v[key]));
}
