// The one view of a schema that every schema-driven feature walks: validation, defaulting hints,
// strategic merge patch, server-side apply, completion and hover. Built from the vendored official
// OpenAPI spec (and from CRDs' openAPIV3Schema); `$ref`s are resolved lazily, so walking a node
// costs only what is visited.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface SchemaNode {
  /** The definition this node came from, e.g. `io.k8s.api.core.v1.Container` (absent for inline schemas). */
  readonly definition?: string;
  /** Absent for int-or-string and for fields that accept anything (e.g. RawExtension). */
  readonly type?: SchemaType;
  readonly format?: string;
  readonly description?: string;
  readonly enum?: readonly (string | number)[];
  readonly required?: readonly string[];
  readonly default?: unknown;
  /** `x-kubernetes-int-or-string` (IntOrString) */
  readonly intOrString?: boolean;
  /** `x-kubernetes-preserve-unknown-fields` */
  readonly preserveUnknownFields?: boolean;
  /** `x-kubernetes-embedded-resource` */
  readonly embeddedResource?: boolean;
  /** `x-kubernetes-patch-strategy`: "merge", "retainKeys", "merge,retainKeys", "replace". */
  readonly patchStrategy?: string;
  /** `x-kubernetes-patch-merge-key` */
  readonly patchMergeKey?: string;
  /** `x-kubernetes-list-type` */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` */
  readonly listMapKeys?: readonly string[];
  /** `x-kubernetes-map-type` */
  readonly mapType?: 'atomic' | 'granular';
  /** Names of the declared properties (objects with fixed fields). */
  propertyNames(): readonly string[];
  /** The schema of a declared property, or undefined if the object has no such field. */
  property(name: string): SchemaNode | undefined;
  /** For maps (`additionalProperties`): the schema of each value; undefined if not a map. */
  additionalProperties(): SchemaNode | undefined;
  /** For arrays: the schema of each item. */
  items(): SchemaNode | undefined;
}
