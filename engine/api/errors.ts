// Errors in Kubernetes' own shapes: field errors as apimachinery's `field.Error` (path, type, value,
// detail) and API errors as `metav1.Status`. Every layer of the engine reports through these, so the
// CLI, the language server and the REST API print exactly what a real API server would.
// See k8s.io/apimachinery/pkg/util/validation/field/errors.go and pkg/api/errors/errors.go.

/** apimachinery's field.ErrorType: the text is what Kubernetes prints, the cause is `FieldValue<Type>`. */
export type FieldErrorType =
  | 'NotFound'
  | 'Required'
  | 'Duplicate'
  | 'Invalid'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'Internal'
  | 'TypeInvalid'
  // Strict decoding problems (sigs.k8s.io/json): not field.Errors in Kubernetes, but reported per
  // field, as errors (fieldValidation=Strict) or warnings (Warn), e.g. `unknown field "spec.foo"`.
  | 'UnknownField'
  | 'DuplicateField';

const typeText: Record<FieldErrorType, string> = {
  NotFound: 'Not found',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Internal: 'Internal error',
  TypeInvalid: 'Invalid value',
  UnknownField: 'unknown field',
  DuplicateField: 'duplicate field',
};

export interface FieldError {
  /** Kubernetes' field path, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
  readonly type: FieldErrorType;
  /** The offending value, when Kubernetes prints one. */
  readonly value?: unknown;
  readonly detail?: string;
  /** Set for field errors that are warnings (fieldValidation=Warn): the object is still accepted. */
  readonly warning?: boolean;
}

/** Builds a field path the way Kubernetes prints it: `a.b[0].c`, `metadata.labels[app.kubernetes.io/name]`. */
export class FieldPath {
  /** The path as text, worked out when first asked for: most paths a validator makes never are. */
  private text: string | undefined;
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly segment: string | number,
    /** Whether the segment is a field name (`a.b`) or a subscript (`a[0]`, `a[key]`). */
    private readonly subscript: boolean,
  ) {}
  static root(name = ''): FieldPath {
    const root = new FieldPath(undefined, name, false);
    root.text = name;
    return root;
  }
  child(name: string): FieldPath {
    return new FieldPath(this, name, false);
  }
  index(i: number): FieldPath {
    return new FieldPath(this, i, true);
  }
  key(k: string): FieldPath {
    return new FieldPath(this, k, true);
  }
  /**
   * The field names from the root, without subscripts (`spec.template.spec.containers.env.value`):
   * how Go's JSON decoder names a field in its errors.
   */
  fieldNames(): string {
    const names: string[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) if (!p.subscript && p.segment !== '') names.push(String(p.segment));
    return names.reverse().join('.');
  }
  toString(): string {
    if (this.text === undefined) {
      const parent = this.parent!.toString();
      this.text = this.subscript ? `${parent}[${this.segment}]` : parent ? `${parent}.${this.segment}` : String(this.segment);
    }
    return this.text;
  }
}

export const fieldError = {
  required: (field: FieldPath | string, detail?: string): FieldError => ({ field: String(field), type: 'Required', ...(detail ? { detail } : {}) }),
  invalid: (field: FieldPath | string, value: unknown, detail?: string): FieldError => ({ field: String(field), type: 'Invalid', value, ...(detail ? { detail } : {}) }),
  notSupported: (field: FieldPath | string, value: unknown, supported: readonly string[]): FieldError => ({
    field: String(field),
    type: 'NotSupported',
    value,
    ...(supported.length ? { detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` } : {}),
  }),
  duplicate: (field: FieldPath | string, value: unknown): FieldError => ({ field: String(field), type: 'Duplicate', value }),
  forbidden: (field: FieldPath | string, detail: string): FieldError => ({ field: String(field), type: 'Forbidden', detail }),
  notFound: (field: FieldPath | string, value: unknown): FieldError => ({ field: String(field), type: 'NotFound', value }),
  tooLong: (field: FieldPath | string, value: unknown, max: number): FieldError => ({ field: String(field), type: 'TooLong', value, detail: `may not be more than ${max} bytes` }),
  tooMany: (field: FieldPath | string, actual: number, max: number): FieldError => ({ field: String(field), type: 'TooMany', value: actual, detail: `must have at most ${max} items` }),
  typeInvalid: (field: FieldPath | string, value: unknown, detail: string): FieldError => ({ field: String(field), type: 'TypeInvalid', value, detail }),
  internal: (field: FieldPath | string, detail: string): FieldError => ({ field: String(field), type: 'Internal', detail }),
  unknownField: (field: FieldPath | string): FieldError => ({ field: String(field), type: 'UnknownField' }),
  duplicateField: (field: FieldPath | string): FieldError => ({ field: String(field), type: 'DuplicateField' }),
};

/**
 * A value Kubernetes prints with Go's %#v or a String() method (`map[string]string{"app":"web"}`,
 * `&LabelSelector{...}`): carried pre-rendered and shown verbatim in messages.
 */
export class GoValue {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** Go's %#v-ish rendering Kubernetes uses for values in messages: strings quoted, numbers bare. */
function renderValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The message of one field error without its path, e.g. `Unsupported value: "Alwayz": supported values: "Always", …`. */
export function fieldErrorMessage(e: FieldError): string {
  if (e.type === 'UnknownField' || e.type === 'DuplicateField') return `${typeText[e.type]} ${JSON.stringify(e.field)}`;
  const head = typeText[e.type];
  // As field.Error.ErrorBody: Required, Forbidden, TooLong and Internal never print the value (TooMany does).
  const hasValue = e.type !== 'Required' && e.type !== 'Forbidden' && e.type !== 'Internal' && e.type !== 'TooLong' && 'value' in e;
  let s = head;
  if (hasValue) s += `: ${renderValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `path: message`, as field.Error.Error() prints it. */
export function formatFieldError(e: FieldError): string {
  const pathInMessage = e.type === 'UnknownField' || e.type === 'DuplicateField';
  return e.field && !pathInMessage ? `${e.field}: ${fieldErrorMessage(e)}` : fieldErrorMessage(e);
}

// ---- metav1.Status ----

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'ServiceUnavailable'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

/** An error that carries a metav1.Status; thrown by the API server and rendered as-is by HTTP. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

function status(code: number, reason: StatusReason, message: string, details?: Status['details']): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

/** "deployments.apps" for group "apps", "pods" for the core group. */
function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const statusErrors = {
  notFound: (resource: string, group: string, name: string) =>
    status(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource }),
  alreadyExists: (resource: string, group: string, name: string) =>
    status(409, 'AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource }),
  conflict: (resource: string, group: string, name: string, why: string) =>
    status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`, { name, group, kind: resource }),
  badRequest: (message: string) => status(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => status(401, 'Unauthorized', message),
  forbidden: (message: string, details?: Status['details']) => status(403, 'Forbidden', message, details),
  gone: (message: string) => status(410, 'Expired', message),
  tooManyRequests: (message: string, retryAfterSeconds?: number) =>
    status(429, 'TooManyRequests', message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }),
  internal: (message: string) => status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  methodNotAllowed: (message: string) => status(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (message: string) => status(415, 'UnsupportedMediaType', message),
  tooLarge: (message: string) => status(413, 'RequestEntityTooLarge', message),
  /**
   * 422 Invalid, as Kubernetes renders it:
   * `Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, …]`.
   */
  invalid: (kind: string, group: string, name: string, errors: readonly FieldError[]) => {
    const list = errors.map(formatFieldError);
    const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return status(422, 'Invalid', `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${joined}`, {
      name,
      group,
      kind,
      causes: errors.map((e) => ({ reason: `FieldValue${e.type === 'TypeInvalid' ? 'TypeInvalid' : e.type}`, message: fieldErrorMessage(e), field: e.field })),
    });
  },
};
