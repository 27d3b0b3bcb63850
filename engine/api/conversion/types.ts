// A version of a kind that is served over another version's storage, as kube-apiserver serves
// several versions of one resource from objects stored once (in the storage version), converting
// each request and response between the two.

type Obj = Record<string, any>;

export interface VersionConversion {
  group: string;
  kind: string;
  /** The version clients read and write through this conversion, e.g. autoscaling/v1's `v1`. */
  served: string;
  /** The version objects are stored (and validated, and acted on by controllers) in. */
  storage: string;
  /**
   * The storage version's group, when it is another group's (events.k8s.io/v1 Event is stored as
   * core/v1 Event); the served group when absent.
   */
  storageGroup?: string;
  /** A served-version object as the storage version; a new object, the input is not changed. */
  toStorage(obj: Obj): Obj;
  /** A storage-version object as the served version; a new object, the input is not changed. */
  fromStorage(obj: Obj): Obj;
  /** The served version's SetDefaults, applied in place to a decoded body before it is converted. */
  defaultServed(obj: Obj): void;
  /**
   * Annotations through which the served version carries status fields it has no place for: they
   * belong to the status, so a write through the main resource keeps the stored ones.
   */
  statusAnnotations: readonly string[];
  /**
   * Annotations through which the served version carries spec fields it has no place for: they
   * belong to the spec, so a write through `/status` keeps the stored ones.
   */
  specAnnotations: readonly string[];
  /**
   * Where a field path of the storage version (as validation reports it, e.g. events' `count`)
   * lives in the served version (`deprecatedCount`), for pointing at it in a served-version
   * manifest; undefined when it is at the same path or has no single place there.
   */
  servedPath?(storagePath: string): string | undefined;
}
