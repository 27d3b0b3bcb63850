// The store's request and response shapes, in etcd's terms (api/mvccpb/kv.proto, etcdserverpb/rpc.proto):
// what kube-apiserver's etcd3 storage layer sends and reads.

/** A value as the caller stored it: the API server stores JSON text; bytes are kept as bytes. */
export type Value = string | Uint8Array;

/** etcd's mvccpb.KeyValue. Objects handed out are shared and must be treated as immutable. */
export interface KeyValue {
  readonly key: string;
  readonly value: Value;
  /** Revision of the last creation of this key; reset by a delete followed by a put. */
  readonly createRevision: number;
  /** Revision of the last modification; what the API server exposes as resourceVersion. */
  readonly modRevision: number;
  /** Number of modifications since the last creation (1 on create); 0 for a deleted key. */
  readonly version: number;
  /** ID of the lease the key is attached to; 0 for none. */
  readonly lease: number;
}

export type EventType = 'PUT' | 'DELETE';

/**
 * etcd's mvccpb.Event. For a DELETE, `kv` carries only the key and the deletion's revision as
 * `modRevision` (value empty, createRevision, version and lease 0), as etcd sends it.
 */
export interface WatchEvent {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The key's value before this event; only when the watch asked for it and the key existed. */
  readonly prevKv?: KeyValue;
}

export type CompareResult = '=' | '!=' | '<' | '>';

/**
 * One condition of a transaction (etcd's Compare). A missing key compares as version 0,
 * createRevision 0 and modRevision 0, so `modRevision = 0` means "does not exist".
 */
export type Compare =
  | { key: string; target: 'version' | 'createRevision' | 'modRevision'; result: CompareResult; value: number }
  | { key: string; target: 'value'; result: CompareResult; value: Value };

export interface RangeOptions {
  /** Exclusive end of the range; omitted means the single key. Use `prefixEnd(prefix)` for a prefix. */
  end?: string;
  /** Maximum number of key-values returned; 0 or omitted means no limit. */
  limit?: number;
  /** Read the store as of this revision; 0 or omitted means the current revision. */
  revision?: number;
  /** Only count the matching keys, returning no key-values. */
  countOnly?: boolean;
}

export interface RangeResponse {
  kvs: KeyValue[];
  /** True when `limit` cut the result short. */
  more: boolean;
  /** Number of keys in the range at the read revision, regardless of `limit`. */
  count: number;
  /** The store's current revision when the read was served (etcd's header revision). */
  revision: number;
}

export type RequestOp =
  | { type: 'put'; key: string; value: Value; lease?: number }
  | { type: 'delete'; key: string; end?: string }
  | ({ type: 'range'; key: string } & RangeOptions);

export type ResponseOp =
  | { type: 'put'; prevKv?: KeyValue }
  | { type: 'delete'; deleted: number; prevKvs: KeyValue[] }
  | ({ type: 'range' } & RangeResponse);

/** etcd's TxnRequest: if every compare holds, run `success`, else `failure`, atomically. */
export interface TxnRequest {
  compare?: readonly Compare[];
  success?: readonly RequestOp[];
  failure?: readonly RequestOp[];
}

export interface TxnResponse {
  succeeded: boolean;
  /** The store's revision after the transaction: its own revision if it wrote anything. */
  revision: number;
  responses: ResponseOp[];
}

/** The outcome of a guarded write (create-if-absent, update or delete if unchanged). */
export interface GuardedWriteResult {
  succeeded: boolean;
  /** On success, the key-value as written (for a delete, the deleted one). */
  kv?: KeyValue;
  /** On failure, the key's current key-value, if it exists, so the caller can report or retry. */
  current?: KeyValue;
  revision: number;
}

/** A granted lease, as etcd's LeaseGrant and LeaseTimeToLive report it. */
export interface LeaseInfo {
  id: number;
  /** Granted time to live, in seconds. */
  ttl: number;
}
