// The embedded cluster's etcd: what the API server imports.

export { StoreError, isStoreError, storeErrors, type StoreErrorKind } from './errors';
export { prefixEnd, registryKey, registryRoot, type RegistryKeyParts } from './keys';
export { MvccStore, type Change, type LeaseChange, type MvccStoreOptions } from './mvcc-store';
export { readSnapshot, writeSnapshot, type SnapshotContents } from './snapshot';
export { Store, type AutoCompaction, type RecoveryReport, type StoreOptions } from './store';
export type {
  Compare,
  CompareResult,
  EventType,
  GuardedWriteResult,
  KeyValue,
  LeaseInfo,
  RangeOptions,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
  Value,
  WatchEvent,
} from './types';
export { Watch, type WatchOptions, type WatchResponse } from './watch';
