// Walking a kind's schema along a path of a manifest, and naming schema types the way
// `kubectl explain` prints them (`[]Container`, `map[string]string`, `Object`).
import { kinds, type KindInfo } from '../engine/api/kinds/index';
import type { SchemaNode } from '../engine/api/schema/node';
import { scalarString, type PathSegment } from './parsedDocument';

/** The kind and schema of an object, from its apiVersion and kind; undefined when either is unknown. */
export function kindSchema(value: unknown): { info: KindInfo; schema: SchemaNode } | undefined {
  const apiVersion = scalarString(value, 'apiVersion');
  const kind = scalarString(value, 'kind');
  if (!apiVersion || !kind) return undefined;
  const registry = kinds();
  const info = registry.lookup(apiVersion, kind);
  const schema = info && registry.schema(info);
  return info && schema ? { info, schema } : undefined;
}

/** The schema of the value at `path` below `root`: fields, map values and list items. */
export function schemaAt(root: SchemaNode, path: readonly PathSegment[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? node.items() : (node.property(segment) ?? node.additionalProperties());
  }
  return node;
}

/** Whether the field at the end of `path` is in its parent's `required` list. */
export function isRequired(root: SchemaNode, path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return false;
  const parent = schemaAt(root, path.slice(0, -1));
  return !!parent?.required?.includes(last) && !!parent.property(last);
}

/** A type as `kubectl explain` names it. */
export function typeName(node: SchemaNode): string {
  if (node.intOrString) return 'IntOrString';
  if (node.type === 'array') {
    const items = node.items();
    return `[]${items ? typeName(items) : 'Object'}`;
  }
  if (node.type === 'object' || node.definition) {
    const values = node.additionalProperties();
    if (values && node.propertyNames().length === 0) return `map[string]${typeName(values)}`;
    const definition = node.definition;
    return definition ? definition.slice(definition.lastIndexOf('.') + 1) : 'Object';
  }
  return node.type ?? 'Object';
}

/** Whether values of this schema are written as nested blocks (objects and lists) rather than scalars. */
export function isBlock(node: SchemaNode): 'map' | 'list' | undefined {
  if (node.intOrString) return undefined;
  if (node.type === 'array') return 'list';
  if (node.type === 'object' || node.propertyNames().length > 0 || node.additionalProperties()) return 'map';
  return undefined;
}
