// Finds the manifests of the workspace folders: every *.yaml, *.yml and *.json file, read one at a
// time with asynchronous I/O so the server keeps answering while a large workspace is indexed.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Directories that hold dependencies, build output or VCS data, never a user's manifests. */
const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test']);
const manifestFile = /\.(ya?ml|json)$/i;
/** Larger files are generated data, not manifests someone edits; they would only slow the index. */
const maxFileBytes = 2 * 1024 * 1024;
const maxFiles = 20_000;

/** Files read ahead while earlier ones are parsed, so disk latency overlaps with indexing. */
const readAhead = 8;

/** Calls `visit` with each manifest file's uri and text; resolves to the number of files visited. */
export async function scanWorkspace(folders: readonly string[], visit: (uri: string, text: string) => Promise<void> | void): Promise<number> {
  let visited = 0;
  const queue = folders.filter((f) => f.startsWith('file:')).map((f) => fileURLToPath(f));
  while (queue.length && visited < maxFiles) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) queue.push(full);
      } else if (entry.isFile() && manifestFile.test(entry.name)) {
        files.push(full);
      }
    }
    // Visit in order, with up to `readAhead` reads in flight.
    const reads: Promise<string | undefined>[] = [];
    let next = 0;
    while (next < files.length && reads.length < readAhead) reads.push(readManifest(files[next++]!));
    for (let i = 0; i < files.length && visited < maxFiles; i++) {
      const text = await reads.shift()!;
      if (next < files.length) reads.push(readManifest(files[next++]!));
      if (text === undefined) continue;
      await visit(pathToFileURL(files[i]!).toString(), text);
      visited++;
    }
  }
  return visited;
}

/** The text of a file that may be a manifest, or undefined (too large, unreadable, or JSON that is no API object). */
async function readManifest(file: string): Promise<string | undefined> {
  try {
    if ((await stat(file)).size > maxFileBytes) return undefined;
    const text = await readFile(file, 'utf8');
    // A JSON file is a manifest only if it looks like an API object; package.json and friends are not.
    if (/\.json$/i.test(file) && !/"apiVersion"\s*:/.test(text)) return undefined;
    return text;
  } catch {
    return undefined; // unreadable or vanished since the listing: nothing to index
  }
}
