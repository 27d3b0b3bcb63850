// Applies manifest files and folders to a cluster as `kubectl apply --server-side -f` does: every
// object of every .yaml/.yml/.json file (folders in name order), namespaces and CRDs first so the
// objects in them can follow, each one server-side applied under one field manager.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StatusError } from '../api/errors';
import { kinds } from '../api/kinds/index';
import { parseManifests } from '../api/manifest/index';
import type { ApiClient } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';

export interface AppliedManifest {
  file: string;
  /** `deployment.apps/web`, as kubectl names objects. */
  name: string;
  /** The error, if the object was not applied. */
  error?: string;
}

/** The manifest files of a path: the file itself, or a folder's .yaml/.yml/.json files walked in name order (dot entries skipped). */
export async function manifestFiles(p: string): Promise<string[]> {
  const stat = await fs.stat(p);
  if (!stat.isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of (await fs.readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const child = path.join(p, entry.name);
    if (entry.isDirectory()) out.push(...(await manifestFiles(child)));
    else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(child);
  }
  return out;
}

function displayName(obj: Obj): string {
  const info = typeof obj.apiVersion === 'string' && typeof obj.kind === 'string' ? kinds().lookup(obj.apiVersion, obj.kind) : undefined;
  const resource = info ? (info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase()) : String(obj.kind ?? 'object').toLowerCase();
  return `${resource}/${obj.metadata?.name ?? ''}`;
}

export async function applyManifests(client: ApiClient, paths: readonly string[], fieldManager = 'kubeside'): Promise<AppliedManifest[]> {
  const objects: { file: string; obj: Obj }[] = [];
  const results: AppliedManifest[] = [];
  for (const p of paths) {
    for (const file of await manifestFiles(p)) {
      for (const m of parseManifests(await fs.readFile(file, 'utf8'), file)) {
        if (m.syntaxErrors.length) results.push({ file, name: `${path.basename(file)} document ${m.documentIndex + 1}`, error: m.syntaxErrors[0]!.message });
        else if (typeof m.object === 'object' && m.object !== null && !Array.isArray(m.object)) objects.push({ file, obj: m.object as Obj });
      }
    }
  }
  const first = (o: Obj) => (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' ? 0 : 1);
  const ordered = objects.map((o, i) => ({ ...o, i })).sort((a, b) => first(a.obj) - first(b.obj) || a.i - b.i);
  for (const { file, obj } of ordered) {
    const name = displayName(obj);
    try {
      const info = kinds().lookup(String(obj.apiVersion), String(obj.kind));
      if (info?.namespaced && !obj.metadata?.namespace) obj.metadata = { ...(obj.metadata ?? {}), namespace: 'default' };
      await client.apply(obj, fieldManager);
      results.push({ file, name });
    } catch (err) {
      results.push({ file, name, error: err instanceof StatusError ? err.message : String(err) });
    }
  }
  return results;
}
