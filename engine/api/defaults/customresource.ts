// Structural defaulting of custom resources: the `default`s of a CRD's openAPIV3Schema, filled in while
// apiextensions-apiserver decodes a request, before the object is validated (KEP-575). A property that
// is absent, or null where its schema is not nullable, gets a copy of its default; then every value
// present, defaulted ones included, is defaulted by its own schema. So a required field with a
// default may be left out.
// See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting
import { deepCopy } from '../patch/jsonValue.js';
import type { SchemaConstraints, SchemaNode } from '../schema/node';
import { isObj } from './registry.js';

/** `value` with the schema's defaults filled in; the input is never changed (unchanged parts are shared). */
export function defaultCustomResource<T>(value: T, schema: SchemaNode | undefined): T {
  if (!schema) return value;
  if (Array.isArray(value)) {
    const items = schema.items();
    if (!items) return value;
    const out = value.map((v) => defaultCustomResource(v, items));
    return (out.some((v, i) => v !== value[i]) ? out : value) as T;
  }
  if (!isObj(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const name of schema.propertyNames()) {
    const property = schema.property(name) as (SchemaNode & SchemaConstraints) | undefined;
    if (property?.default === undefined) continue;
    const v = value[name];
    if (v === undefined || (v === null && !property.nullable)) (out ??= { ...value } as Record<string, unknown>)[name] = deepCopy(property.default);
  }
  const additional = schema.additionalProperties();
  for (const [name, v] of Object.entries(out ?? value)) {
    const defaulted = defaultCustomResource(v, schema.property(name) ?? additional);
    if (defaulted !== v) (out ??= { ...value } as Record<string, unknown>)[name] = defaulted;
  }
  return (out ?? value) as T;
}
