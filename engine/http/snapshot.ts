// Snapshots of a served cluster's store: `GET /kubeside/v1/snapshot` streams one to an admin (what
// `etcdctl snapshot save` does against etcd), and `restoreStateDir` puts one in place of a stopped
// cluster's store (`etcdutl snapshot restore`), keeping the store it replaces beside it.
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { statusErrors } from '../api/errors';
import { groups, type UserInfo } from '../apiserver/auth/user';
import { Store } from '../store/index';
import type { Clock } from '../util/clock';

/** The non-resource path of the snapshot endpoint. */
export const snapshotPath = '/kubeside/v1/snapshot';
/** The response header that carries the snapshot's store revision. */
export const snapshotRevisionHeader = 'x-kubeside-snapshot-revision';

/** What can write a snapshot of itself: the cluster's Store. */
export interface SnapshotSource {
  saveSnapshot(file: string): Promise<{ revision: number }>;
}

/**
 * Answers `GET /kubeside/v1/snapshot` with the store's snapshot file. A snapshot holds every Secret,
 * so only an admin may take one: the ApiServer authorizes resource requests only, so this
 * non-resource path is allowed to system:masters (the group cluster-admin's `nonResourceURLs: ["*"]`
 * is bound to), as kube-apiserver's authorizer would allow it first.
 */
export async function serveSnapshot(source: SnapshotSource, user: UserInfo, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET') throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
  if (!user.groups.includes(groups.masters)) throw statusErrors.forbidden(`forbidden: User ${JSON.stringify(user.name)} cannot get path ${JSON.stringify(snapshotPath)}`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kubeside-snapshot-'));
  const file = path.join(dir, 'snapshot');
  try {
    // The store writes (and checksums) its snapshot to a file; streaming that file keeps memory flat.
    const { revision } = await source.saveSnapshot(file);
    const { size } = await fs.stat(file);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size, [snapshotRevisionHeader]: String(revision), 'Cache-Control': 'no-cache, private' });
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(file);
      stream.on('error', reject);
      res.on('close', resolve);
      stream.pipe(res);
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Whether a process of this id runs (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `20261123T123456Z`: a timestamp that sorts and fits in a file name. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

const exists = (file: string) => fs.stat(file).then(() => true, () => false);

/** Where a restore writes the snapshot's store (`writing`), and where it is whole (`restored`) until it takes the store's place. */
function restorePaths(stateDir: string): { writing: string; restored: string } {
  return { writing: path.join(stateDir, 'store.restoring'), restored: path.join(stateDir, 'store.restored') };
}

/**
 * Finishes a restore that a process ended between moving the old store aside and putting the
 * restored one in its place, and clears a half-written one: called before a state directory's store
 * is opened.
 */
export async function settleRestore(stateDir: string): Promise<void> {
  const { writing, restored } = restorePaths(stateDir);
  await fs.rm(writing, { recursive: true, force: true });
  const store = path.join(stateDir, 'store');
  if (await exists(restored)) {
    if (await exists(store)) await fs.rm(restored, { recursive: true, force: true });
    else await fs.rename(restored, store);
  }
}

/**
 * Replaces the store of the stopped cluster in `stateDir` with the snapshot in `file`; the previous
 * store is kept as `store.bak-<timestamp>` (`-2`, `-3`… after it for more within a second).
 * Refuses while a server holds the state directory's lock (its `serve.pid`), and holds that lock
 * itself meanwhile so no server starts halfway.
 */
export async function restoreStateDir(stateDir: string, file: string, clock: Clock): Promise<{ revision: number; backup?: string }> {
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  const lock = path.join(stateDir, 'serve.pid');
  for (;;) {
    try {
      await fs.writeFile(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new Error(`the cluster in ${stateDir} is running (process ${holder}); stop it before restoring a snapshot`);
    }
    // A lock left by a process that is gone.
    await fs.rm(lock, { force: true });
  }
  try {
    const store = path.join(stateDir, 'store');
    // Written aside first, so the store in place stays whole until the snapshot is: a restore that
    // fails, or a process that dies while writing, leaves it as it was.
    const { writing, restored } = restorePaths(stateDir);
    await fs.rm(writing, { recursive: true, force: true });
    let revision: number;
    try {
      const done = await Store.restoreSnapshot(file, { dir: writing, clock });
      revision = done.revision;
      await done.close();
    } catch (err) {
      await fs.rm(writing, { recursive: true, force: true });
      throw err;
    }
    await fs.rm(restored, { recursive: true, force: true });
    await fs.rename(writing, restored);
    let backup: string | undefined;
    if (await exists(store)) {
      // A second restore within the same second gets its own backup beside the first.
      const base = `${store}.bak-${stamp(clock.now())}`;
      backup = base;
      for (let n = 2; await exists(backup); n++) backup = `${base}-${n}`;
      await fs.rename(store, backup);
    }
    await fs.rename(restored, store);
    return { revision, ...(backup ? { backup } : {}) };
  } finally {
    await fs.rm(lock, { force: true });
  }
}
