// The shapes of a request to the API server, named as Kubernetes names them (metav1.ListOptions,
// CreateOptions, PatchOptions, DeleteOptions): the in-process client and the REST layer both build
// these, so there is one code path behind them.
import type { UserInfo } from './auth/user';

/** Who is asking, and how (for the audit log). */
export interface RequestContext {
  readonly user: UserInfo;
  readonly requestURI?: string;
  readonly userAgent?: string;
}

/** What a request is about: a collection, one object, or one object's subresource. */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  /** The plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface GetOptions {
  resourceVersion?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  /**
   * In-process callers only (no query parameter sets it): objects come without
   * metadata.managedFields, as kube-controller-manager's, kube-scheduler's and kube-apiserver's own
   * informers trim them (they never read them, and they are most of an object's memory).
   */
  trimManagedFields?: boolean;
  /**
   * In-process callers only: the caller reads the items and keeps none of them (the REST API, which
   * serializes them), so each is the stored version decoded once and shared, frozen, by every such
   * list until it changes, instead of a fresh decode per list.
   */
  readOnly?: boolean;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  /** Ends the watch after this many seconds of the cluster's clock. */
  timeoutSeconds?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const patchContentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: PropagationPolicy;
  dryRun?: boolean;
}

/** A result with the warnings Kubernetes would send as `Warning:` headers. */
export interface Result<T> {
  object: T;
  warnings: string[];
}

/**
 * The result of a write whose object is built when first read: a caller that never reads it (an
 * event recorder, most controllers' status writes) costs no copy of what was written.
 */
export function writtenResult<T>(build: () => T, warnings: string[]): Result<T> {
  return new WrittenResult(build, warnings);
}

/**
 * A class rather than a literal with a getter: V8 makes every object literal that defines an
 * accessor a dictionary-mode object, about a microsecond to make on every write. The getter is
 * on the prototype, so `object` is not an own member: a Result is read, never spread or cloned.
 */
class WrittenResult<T> implements Result<T> {
  private built: T | undefined;

  constructor(private readonly build: () => T, readonly warnings: string[]) {}

  get object(): T {
    return (this.built ??= this.build());
  }
}
