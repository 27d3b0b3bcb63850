// How kube-apiserver turns the object a strategic merge patch made into its Go type: not through
// JSON, as a body or a JSON or merge patch is, but with the unstructured converter
// (runtime.DefaultUnstructuredConverter.FromUnstructured), whose rules and words differ. A number
// becomes any integer field (even past its range) and an integral float too; the other mismatches
// stop it with a bare message, without the field's path: `unrecognized type: string`, `cannot
// convert int64 to string`, `cannot restore struct from: string`. Types with a JSON decoder of their
// own (Quantity, IntOrString, Time) decode the value as JSON, in that decoder's words. And the patcher
// shows the patch as Go prints a map (`%+v`): `map[spec:map[replicas:three]]`.
import type { SchemaNode } from '../schema/node';
import { goType, validateStructure } from './structural';

/** The Go kind of a JSON value as the unstructured form holds it (numbers are int64 when integral). */
function unstructuredKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return Array.isArray(v) ? 'slice' : 'map';
}

/** Whether a type decodes itself from JSON (a Quantity, an IntOrString, a Time): the converter hands it the value's JSON. */
function decodesItself(node: SchemaNode): boolean {
  return node.format === 'quantity' || node.intOrString === true || node.format === 'date-time';
}

/**
 * The converter's error for the first value of `value` (in the order it walks, field by field) that
 * cannot become its Go type under `node`; undefined when the object converts. Members the schema does
 * not declare are not its concern (the strict check reports them).
 */
export function unstructuredConvertError(value: unknown, node: SchemaNode): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (decodesItself(node)) return validateStructure(value, node, 'Ignore', { goTimes: true }).decodeError;
  const kind = unstructuredKind(value);
  switch (node.type) {
    case 'string':
    case 'boolean':
    case 'integer':
    case 'number': {
      if (node.type === 'string' && node.format === 'byte') {
        // []byte from a string is base64, decoded through JSON.
        if (kind !== 'string') return kind === 'slice' ? undefined : `cannot restore slice from ${kind}`;
        const error = validateStructure(value, node, 'Ignore', { goTimes: true }).decodeError;
        return error === undefined ? undefined : `error decoding from json: ${error}`;
      }
      const target = goType(node);
      if (node.type === 'string') return kind === 'string' ? undefined : kind === 'int64' ? `cannot convert int64 to ${target}` : `unrecognized type: ${target}`;
      if (node.type === 'boolean') return kind === 'bool' ? undefined : `unrecognized type: ${target}`;
      if (kind === 'int64') return undefined;
      if (kind === 'float64') return node.type === 'number' ? undefined : `cannot convert float64 to ${target}`;
      return `unrecognized type: ${target}`;
    }
    case 'array': {
      if (kind !== 'slice') return `cannot restore slice from ${kind}`;
      const items = node.items();
      if (!items) return undefined;
      for (const item of value as unknown[]) {
        const error = unstructuredConvertError(item, items);
        if (error !== undefined) return error;
      }
      return undefined;
    }
    case 'object': {
      const values = node.additionalProperties();
      const fields = node.propertyNames();
      if (!values && fields.length === 0) return undefined;
      if (kind !== 'map') return values && fields.length === 0 ? `cannot restore map from ${kind}` : `cannot restore struct from: ${kind}`;
      const object = value as Record<string, unknown>;
      for (const key in object) {
        const child = values && fields.length === 0 ? values : node.property(key);
        if (!child) continue;
        const error = unstructuredConvertError(object[key], child);
        if (error !== undefined) return error;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A JSON value as Go's `%+v` prints the map it decodes to: `map[a:1 b:[x y]]`, keys sorted. */
export function goMapString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goMapString).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${keys.map((k) => `${k}:${goMapString(o[k])}`).join(' ')}]`;
  }
  return String(v);
}
