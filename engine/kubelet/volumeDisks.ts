// Storage the simulated containers read and write. A PersistentVolumeClaim's disk is keyed by the
// claim's uid and shared by every node (a network disk follows its claim), so a StatefulSet pod that
// comes back, wherever it lands, finds its data; an emptyDir lives and dies with its pod.

/** One volume's contents: a key-value "filesystem". */
export type Disk = Map<string, string>;

export class VolumeDisks {
  private readonly disks = new Map<string, Disk>();

  /** The disk of a claim, created empty on first use. */
  claim(claimUid: string): Disk {
    return this.open(`pvc/${claimUid}`);
  }

  /** A pod's emptyDir volume, created empty on first use. */
  emptyDir(podUid: string, volume: string): Disk {
    return this.open(`emptydir/${podUid}/${volume}`);
  }

  /** Frees every emptyDir of a pod: the pod is gone from the node. */
  removePodVolumes(podUid: string): void {
    const prefix = `emptydir/${podUid}/`;
    for (const key of [...this.disks.keys()]) if (key.startsWith(prefix)) this.disks.delete(key);
  }

  /** Frees a claim's disk (its volume was deleted). */
  removeClaim(claimUid: string): void {
    this.disks.delete(`pvc/${claimUid}`);
  }

  /** Reads a claim's disk without creating it. */
  peekClaim(claimUid: string): ReadonlyMap<string, string> | undefined {
    return this.disks.get(`pvc/${claimUid}`);
  }

  private open(key: string): Disk {
    let disk = this.disks.get(key);
    if (!disk) this.disks.set(key, (disk = new Map()));
    return disk;
  }
}
