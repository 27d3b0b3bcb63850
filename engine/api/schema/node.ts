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

/**
 * Value constraints of OpenAPI v3 schemas (CRDs' openAPIV3Schema; the built-in v2 spec declares none).
 * Optional members a SchemaNode may carry; structural validation checks those present.
 */
export interface SchemaConstraints {
  /** `nullable`: null is kept rather than pruned. */
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  /** `x-kubernetes-validations`: CEL rules, kept for whoever evaluates them. */
  readonly validations?: readonly { readonly rule: string; readonly message?: string; readonly messageExpression?: string; readonly reason?: string; readonly fieldPath?: string }[];
  /** The group/version/kinds a definition is the schema of (`x-kubernetes-group-version-kind`). */
  readonly groupVersionKinds?: readonly { readonly group: string; readonly version: string; readonly kind: string }[];
}
