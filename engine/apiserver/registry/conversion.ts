// A version of a resource served over another version's storage (autoscaling/v1 HorizontalPodAutoscaler
// over autoscaling/v2's): the same keys in the store, objects kept in the storage version, and every
// object converted on its way in and out, as kube-apiserver's storage codec converts between the
// request's version and the storage version. Requests through it work in the served version
// throughout (decoding, defaulting, patches, server-side apply, managed fields, watch events); what
// is stored is the storage version, defaulted as that version defaults it.
import { defaultInPlace } from '../../api/defaults/index';
import type { VersionConversion } from '../../api/conversion/index';
import type { KindInfo } from '../../api/kinds/index';
import type { KeyValue, Store } from '../../store/index';
import type { UserInfo } from '../auth/user';
import { ResourceStorage } from './resource';
import { keepStoredAnnotations, type Obj, specChanged, type Strategy } from './strategy';

export class ConvertedStorage extends ResourceStorage {
  constructor(info: KindInfo, strategy: Strategy, store: Store, readonly conversion: VersionConversion, private readonly storageVersion: ResourceStorage) {
    super(info, new ConvertedStrategy(strategy, conversion), store);
  }

  override decode(kv: KeyValue): Obj {
    return this.conversion.fromStorage(this.storageVersion.decode(kv));
  }

  /** What was written is read back through the conversion, as a client of this version sees it. */
  override decodeWritten(_obj: Obj, kv: KeyValue): Obj {
    return this.decode(kv);
  }

  /**
   * Not kept: what this version writes is stored converted and defaulted as the storage version, so
   * readers of the write (the watch fan-out's shared decodes) must read it back through the conversion.
   */
  override noteWritten(): void {}

  override encode(obj: Obj): string {
    return this.storageVersion.encode(defaultInPlace(this.conversion.toStorage(obj)));
  }

  /** The served version's defaults: the storage version's come with `encode`, after conversion. */
  override defaultInPlace(obj: Obj): Obj {
    this.conversion.defaultServed(obj);
    return obj;
  }
}

/**
 * The resource's strategy, judged on what is stored: a change of the served version's annotations
 * that carry storage-version fields (autoscaling/v1's metrics annotation) is a change of the spec,
 * and the annotations that carry status fields are status, kept from the stored object.
 */
class ConvertedStrategy implements Strategy {
  readonly hasStatus: boolean;
  readonly tracksGeneration: boolean;
  readonly returnDeletedObject: boolean;
  readonly statusResetFields: readonly (readonly string[])[];

  constructor(private readonly inner: Strategy, private readonly conversion: VersionConversion) {
    this.hasStatus = inner.hasStatus;
    this.tracksGeneration = inner.tracksGeneration;
    this.returnDeletedObject = inner.returnDeletedObject;
    this.statusResetFields = inner.statusResetFields;
  }

  prepareForCreate(obj: Obj, now: string, user?: UserInfo): void {
    this.inner.prepareForCreate(obj, now, user);
    if (this.hasStatus) keepStoredAnnotations(obj, undefined, this.conversion.statusAnnotations);
  }

  prepareForUpdate(obj: Obj, old: Obj): void {
    this.inner.prepareForUpdate(obj, old);
    if (this.hasStatus) keepStoredAnnotations(obj, old, this.conversion.statusAnnotations);
    if (this.tracksGeneration) {
      const prior = old.metadata?.generation ?? 1;
      obj.metadata.generation = specChanged(this.conversion.toStorage(obj), this.conversion.toStorage(old)) ? prior + 1 : prior;
    }
  }

  /** The spec-carrying annotations are spec: `/status` keeps the stored ones. */
  prepareForStatusUpdate(obj: Obj, old: Obj, applied: boolean, now: string): Obj {
    const out = this.inner.prepareForStatusUpdate(obj, old, applied, now);
    keepStoredAnnotations(out, old, this.conversion.specAnnotations);
    return out;
  }

  gracePeriodSeconds(obj: Obj, requested: number | undefined): number {
    return this.inner.gracePeriodSeconds(obj, requested);
  }
}
