// The store's failures, each a distinct kind so the API server can map them exactly: a compacted
// revision becomes 410 Gone/Expired, a future revision 504/timeout semantics, corruption refuses to start.
// Messages follow etcd's (server/storage/mvcc/kvstore.go, storage/wal) where etcd has one.

export type StoreErrorKind =
  /** The requested revision is at or below the compact revision: history for it is gone (etcd ErrCompacted). */
  | 'compacted'
  /** The requested revision is newer than the store's current revision (etcd ErrFutureRev). */
  | 'futureRevision'
  /** A watch ended by the store rather than by its consumer. */
  | 'watchCancelled'
  /** A request the store cannot accept (e.g. the same key twice in one transaction). */
  | 'invalidRequest'
  /** A write larger than the store accepts (etcd ErrRequestTooLarge). */
  | 'requestTooLarge'
  /** The lease named by a put, revoke or keep-alive does not exist (etcd ErrLeaseNotFound). */
  | 'leaseNotFound'
  /** Persisted data failed its checksum or framing: the store refuses to start on it. */
  | 'corrupt'
  /** Writing to the log failed; the store stops accepting writes rather than diverge from disk. */
  | 'persistenceFailed'
  /** The store has been closed. */
  | 'closed';

export interface StoreErrorDetails {
  /** For `compacted`: the store's compact revision at the time of the failure. */
  compactRevision?: number;
  /** For `futureRevision`: the store's current revision. */
  currentRevision?: number;
  /** For `corrupt`: the damaged file and the byte offset of the damaged record within it. */
  file?: string;
  offset?: number;
  cause?: unknown;
}

export class StoreError extends Error {
  readonly compactRevision?: number;
  readonly currentRevision?: number;
  readonly file?: string;
  readonly offset?: number;

  constructor(readonly kind: StoreErrorKind, message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StoreError';
    if (details.compactRevision !== undefined) this.compactRevision = details.compactRevision;
    if (details.currentRevision !== undefined) this.currentRevision = details.currentRevision;
    if (details.file !== undefined) this.file = details.file;
    if (details.offset !== undefined) this.offset = details.offset;
  }
}

export const storeErrors = {
  compacted: (compactRevision: number) =>
    new StoreError('compacted', `mvcc: required revision has been compacted (compact revision ${compactRevision})`, { compactRevision }),
  futureRevision: (currentRevision: number) =>
    new StoreError('futureRevision', `mvcc: required revision is a future revision (current revision ${currentRevision})`, { currentRevision }),
  corrupt: (file: string, offset: number, what: string) =>
    new StoreError('corrupt', `${file}: corrupt data at byte offset ${offset}: ${what}`, { file, offset }),
  closed: () => new StoreError('closed', 'store is closed'),
};

export function isStoreError(e: unknown, kind?: StoreErrorKind): e is StoreError {
  return e instanceof StoreError && (kind === undefined || e.kind === kind);
}
