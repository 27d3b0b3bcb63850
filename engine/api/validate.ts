// The one validation path for an object, whoever asks (API server, language server, CLI): resolve its
// kind from apiVersion/kind, check it against its schema (structural), default it, then check it
// against Kubernetes' own rules (semantic) — the order the API server decodes, defaults and validates
// a request body in.
import { fieldError, type FieldError } from './errors';
import { kinds, parseAPIVersion, type KindInfo } from './kinds/index';
import { customResourceSchema } from './schema/index';
import type { SchemaNode } from './schema/node';
import { conversionFor } from './conversion/index';
import { applyDefaults, defaultInPlace } from './defaults/index';
import { deepCopy } from './patch/jsonValue';
import { defaultCustomResource } from './defaults/customresource';
import { hasRules, validateRules } from './validation/cel/rules';
import { validateStructure, type FieldValidationMode } from './validation/structural';
import { validateSemantics } from './validation/semantic/index';

export type { FieldValidationMode } from './validation/structural';

export interface ValidateOptions {
  /**
   * How unknown and duplicate fields are treated. Strict by default, as `kubectl apply` asks; the API
   * server itself assumes Warn for clients that do not say.
   */
  fieldValidation?: FieldValidationMode;
  /** The stored object, for an update: immutable fields are compared against it. */
  oldObject?: unknown;
  /**
   * `status` for an update through the status subresource, which keeps the stored spec: as each
   * kind's status strategy does, the rules check the metadata update (and the status), not the
   * spec again.
   */
  subresource?: string;
  /**
   * With `subresource: 'status'`, the object as the request made it (a PUT's body, a patch applied
   * to the stored object), before the status strategy kept all but its status from the stored
   * object (`obj`). kube-apiserver decodes that whole object first: a value that does not decode,
   * or an unknown field under Strict, fails the request wherever it is. The schema's constraints
   * judge its status only, and the rules judge `obj`. `pruned` is then this object's.
   */
  sent?: unknown;
  /**
   * Answer as the embedded cluster does: a kind it does not serve is `no matches for kind` even though
   * Kubernetes knows it. Off by default, since manifests are usually meant for any cluster.
   */
  servedOnly?: boolean;
  /**
   * The namespace a namespaced object without `metadata.namespace` lands in: kubectl and the API
   * server fill it in from the request before validating. Defaults to `default`.
   */
  namespace?: string;
  /**
   * The kind and schema to judge the object by, instead of the kinds registry's: how an API server
   * validates a custom resource against the CRD in its own store.
   */
  customKind?: { info: KindInfo; schema: SchemaNode };
  /**
   * The object has been defaulted already (the API server defaults what it decoded before it
   * validates): the rules judge it as it is, without defaulting a copy of it once more.
   */
  defaulted?: boolean;
}

export interface ValidateResult {
  errors: FieldError[];
  warnings: FieldError[];
  kind?: KindInfo;
  /** The object with unknown fields dropped, when any were (what the API server would store). */
  pruned?: unknown;
  /** For an unknown apiVersion/kind: the nearest real one, for "did you mean" and quick fixes. */
  suggestion?: { apiVersion: string; kind: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kubectl's RESTMapper error for a kind it cannot find, with the nearest real kind when there is one. */
function noMatch(apiVersion: string, kind: string, known: KindInfo | undefined): ValidateResult {
  const reg = kinds();
  let detail = `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`;
  if (known) {
    detail += `: ${kind} is part of Kubernetes but not served by the embedded cluster`;
    return { errors: [fieldError.invalid('kind', kind, detail)], warnings: [], kind: known };
  }
  const near = reg.suggest(apiVersion, kind);
  if (!near) return { errors: [fieldError.invalid('kind', kind, `${detail}; ensure CRDs are installed first`)], warnings: [] };
  const [sApiVersion, sKind] = near.split(' ') as [string, string];
  // Point at the part that is wrong: the kind when misspelt, else the version.
  const field = sKind === kind ? 'apiVersion' : 'kind';
  const value = field === 'kind' ? kind : apiVersion;
  return { errors: [fieldError.invalid(field, value, `${detail}; did you mean ${JSON.stringify(near)}?`)], warnings: [], suggestion: { apiVersion: sApiVersion, kind: sKind } };
}

const errorKey = (e: FieldError) => `${e.field}\u0000${e.type}\u0000${e.detail ?? ''}\u0000${JSON.stringify(e.value ?? null)}`;

/**
 * What decoding a built-in kind's object as a request sent it finds, before anything defaults or
 * validates it: the decoder's error for the first value that does not decode into its Go type (a
 * wrong JSON type, a malformed quantity, a number its integer cannot hold), and, when `strict`, the
 * members its type does not have (the strict decoder's errors).
 */
export function decodeProblems(obj: Record<string, unknown>, info: KindInfo, strict: boolean): { decodeError?: string; unknownFields: FieldError[]; schema?: SchemaNode } {
  const schema = kinds().schema(info);
  if (!schema) return { unknownFields: [] };
  const result = validateStructure(obj, schema, strict ? 'Strict' : 'Ignore', { goTimes: true });
  return { ...(result.decodeError !== undefined ? { decodeError: result.decodeError } : {}), unknownFields: result.errors.filter((e) => e.type === 'UnknownField'), schema };
}

/**
 * Validates one Kubernetes object. Errors come in the API server's words and field paths; warnings
 * are what it would send back in `Warning:` headers (unknown fields under fieldValidation=Warn).
 */
export function validateObject(obj: unknown, options: ValidateOptions = {}): ValidateResult {
  const mode = options.fieldValidation ?? 'Strict';
  if (!isObject(obj)) return { errors: [fieldError.invalid('', obj, 'a Kubernetes object must be a JSON/YAML mapping')], warnings: [] };
  const { apiVersion, kind } = obj;
  const missing: FieldError[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') missing.push(fieldError.required('apiVersion', 'apiVersion not set'));
  if (typeof kind !== 'string' || kind === '') missing.push(fieldError.required('kind', 'kind not set'));
  if (missing.length) return { errors: missing, warnings: [] };

  const reg = kinds();
  const info = options.customKind?.info ?? reg.lookup(apiVersion as string, kind as string);
  if (!info) return noMatch(apiVersion as string, kind as string, undefined);
  const custom = options.customKind !== undefined || reg.isCustom(info);
  if (options.servedOnly && !info.served && !custom) return noMatch(apiVersion as string, kind as string, info);

  const schema = options.customKind?.schema ?? reg.schema(info);
  const result: ValidateResult = { errors: [], warnings: [], kind: info };
  let subject: unknown = obj;
  if (schema) {
    const sent = options.subresource === 'status' && options.sent !== undefined ? options.sent : undefined;
    const decoded = sent ?? obj;
    const only = sent !== undefined ? { constraintsOnlyUnder: 'status' } : {};
    // A custom resource is judged with its schema's defaults filled in, as decoding fills them.
    const defaulted = custom ? defaultCustomResource(decoded, schema) : undefined;
    const structural = custom ? validateStructure(defaulted, customResourceSchema(schema), mode, { listTypes: true, ...only }) : validateStructure(decoded, schema, mode, { goTimes: true, ...only });
    result.errors.push(...(custom ? structural.errors : structural.errors.filter((e) => !requiredOfConvertedAbsentBefore(e, info, options.oldObject))));
    result.warnings.push(...structural.warnings);
    if (custom && hasRules(schema)) {
      // The CEL rules judge the object as it would be stored, once its shape is right.
      if (structural.errors.some((e) => e.type === 'TypeInvalid' || e.type === 'NotSupported')) {
        result.errors.push(fieldError.invalid('<nil>', null, 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
      } else {
        const verdict = validateRules(schema, structural.pruned ?? defaulted, options.oldObject);
        result.errors.push(...verdict.errors);
        result.warnings.push(...verdict.warnings);
      }
    }
    if (structural.pruned !== undefined) result.pruned = structural.pruned;
    if (structural.pruned !== undefined && sent === undefined) subject = structural.pruned;
    // A built-in kind's body that does not decode is a 400 before any validation runs; a custom
    // resource is schema-validated and metadata-validated together (apiextensions-apiserver).
    if (structural.undecodable && !custom) return result;
    // Under Strict, unknown fields fail decoding itself ("strict decoding error"), for every kind.
    if (structural.errors.some((e) => e.type === 'UnknownField')) return result;
  }

  if (info.namespaced && isObject(subject)) {
    const meta = isObject(subject['metadata']) ? subject['metadata'] : undefined;
    if (meta && meta['namespace'] === undefined) subject = { ...subject, metadata: { ...meta, namespace: options.namespace ?? 'default' } };
  }
  // The API server defaults what it decoded before validating it (an EndpointSlice port's protocol,
  // a Deployment's strategy), so the rules judge the object as it would be stored.
  // A version served over another version's storage is judged as the object it converts to, as
  // kube-apiserver validates the internal object whatever version the request was in.
  const conversion = custom ? undefined : conversionFor(info.group, info.version, info.kind);
  let version = info.version;
  let oldObject = options.oldObject;
  if (conversion && isObject(subject)) {
    // A copy: the defaulter registry is keyed by group and kind, so the storage version's defaults
    // must not touch the served version's object.
    const served = deepCopy(subject);
    if (!options.defaulted) conversion.defaultServed(served);
    subject = defaultInPlace(conversion.toStorage(served));
    if (isObject(oldObject)) oldObject = conversion.toStorage(oldObject);
    version = conversion.storage;
  } else if (!custom && !options.defaulted && isObject(subject)) subject = applyDefaults(subject);
  const { group } = parseAPIVersion(apiVersion as string);
  let semantic: FieldError[];
  try {
    semantic = validateSemantics(subject, { group, version, kind: info.kind, namespaced: info.namespaced }, oldObject, options.subresource);
  } catch (err) {
    // A rule that trips over a shape the schema already rejected must not hide the schema's errors.
    if (result.errors.length) semantic = [];
    else throw err;
  }
  // A rule may restate what the schema said (a required field, an enum): report each problem once.
  const seen = new Set(result.errors.map(errorKey));
  for (const e of semantic) {
    const k = errorKey(e);
    if (!seen.has(k)) result.errors.push(e), seen.add(k);
  }
  return result;
}

/**
 * Whether `e` is the schema's Required error for a top-level field that the stored object, read
 * through a conversion, lacks as well. An object stored through another version may lack what this
 * version's schema requires (an old-style core/v1 Event has no eventTime, which events.k8s.io/v1
 * lists as required); kube-apiserver never enforces a built-in schema's required list, so writing
 * such an object back through this version, unchanged there, must not fail on it.
 */
function requiredOfConvertedAbsentBefore(e: FieldError, info: KindInfo, oldObject: unknown): boolean {
  if (e.type !== 'Required' || e.detail || !isObject(oldObject) || !conversionFor(info.group, info.version, info.kind)) return false;
  return /^[A-Za-z]+$/.test(e.field) && (oldObject[e.field] === undefined || oldObject[e.field] === null);
}
