// The objects of manifest files and folders for `apply -f` and `delete -f`, in kubectl's order:
// folders walked in name order, every document of every .yaml/.yml/.json file, Lists unpacked.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseManifests } from '../../engine/api/manifest/index';
import { manifestFiles } from '../../engine/http/manifests';

export interface ManifestObject {
  /** The file as the user named it (relative to the working directory). */
  file: string;
  object: Record<string, any>;
}

/** The objects of `paths`; a path that does not exist or a document that does not parse is an Error. */
export async function readManifests(paths: readonly string[], cwd: string): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let files: string[];
    try {
      files = await manifestFiles(abs);
    } catch {
      throw new Error(`the path "${given}" does not exist`);
    }
    for (const file of files) {
      const shown = path.relative(cwd, file) || file;
      for (const m of parseManifests(await fs.readFile(file, 'utf8'), shown)) {
        if (m.syntaxErrors.length) throw new Error(`error parsing ${shown}: ${m.syntaxErrors[0]!.message}`);
        const obj = m.object as Record<string, any> | null | undefined;
        if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) continue;
        if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) continue;
        out.push({ file: shown, object: obj });
      }
    }
  }
  return out;
}
