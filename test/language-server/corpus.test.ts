// The manifest corpus (test/corpus) and the examples are objects a Kubernetes 1.36 API server accepts,
// written the way documentation pages, rendered Helm charts and operator installs write them. The
// language server must report no error on any of them (a false error teaches users to ignore the
// real ones), and the embedded API server must accept every object, so the two agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { readManifests } from '../../cli/rest/manifests';
import { manifestFiles } from '../../engine/http/manifests';
import { kinds } from '../../engine/api/kinds/index';
import { newCluster, serviceaccounts } from '../engine/apiserver/fixture';
import { LspClient, messageText } from './lspClient';

const repo = path.resolve(__dirname, '..', '..');
const corpus = path.join(repo, 'test', 'corpus');
const examples = path.join(repo, 'examples');
const folders = [corpus, examples];
const errorSeverity = 1;

/** `file:line:col [source code] message`, 1-based as editors show positions. */
function describeDiagnostic(file: string, d: Diagnostic): string {
  return `${path.relative(repo, file)}:${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source ?? '?'} ${d.code ?? ''}] ${messageText(d.message)}`;
}

describe('manifest corpus', function () {
  this.timeout(120_000);

  it('is a corpus worth the name: dozens of documents over many files, every example included', async () => {
    const files = (await Promise.all(folders.map(manifestFiles))).flat();
    const objects = await readManifests(folders, repo);
    assert.ok(files.length >= 25, `${files.length} files`);
    assert.ok(objects.length >= 60, `${objects.length} objects`);
    assert.ok(objects.some((o) => o.file.startsWith('examples')), 'the examples are part of the corpus');
  });

  it('gets no error-severity diagnostic from the language server, neither from validation nor from lint', async () => {
    const client = await LspClient.start({ workspaceFolders: folders.map((f) => pathToFileURL(f).toString()) });
    try {
      await client.workspaceScanned;
      const files = (await Promise.all(folders.map(manifestFiles))).flat();
      const uris = new Map(files.map((f) => [pathToFileURL(f).toString(), f]));
      for (const [uri, file] of uris) await client.open(uri, readFileSync(file, 'utf8'));
      // Opening a file can re-check others (cross-file references): every publication counts.
      const errors: string[] = [];
      let warnings = 0;
      for (const [uri, file] of uris) {
        const seen = new Set<string>();
        for (const published of client.publications(uri)) {
          for (const d of published.diagnostics) {
            if (d.severity !== errorSeverity) {
              warnings++;
              continue;
            }
            const line = describeDiagnostic(file, d);
            if (!seen.has(line)) errors.push(line);
            seen.add(line);
          }
        }
      }
      assert.deepEqual(errors, [], `false errors:\n${errors.join('\n')}`);
      // Lint findings stay warnings; the count only shows that the server did look at the files.
      assert.ok(warnings > 0, 'no diagnostics at all: the server did not check the corpus');
    } finally {
      await client.stop();
    }
  });

  it('is accepted object by object by the API server in a server-side dry run (namespaces and CRDs first)', async () => {
    const { client, namespace } = await newCluster();
    await client.create(serviceaccounts, 'default', { metadata: { name: 'default' } });
    const objects = await readManifests(folders, repo);
    // kubectl's order: what other objects live in or are served by comes first.
    const first = (o: Record<string, any>) => (o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' ? 0 : 1);
    const ordered = objects.map((o, i) => ({ ...o, i })).sort((a, b) => first(a.object) - first(b.object) || a.i - b.i);
    // Admission of later objects looks these up (a pod's service account or RuntimeClass, a custom
    // resource's definition), so once accepted they are created for real, as an apply would leave them.
    const prerequisites = new Set(['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'RuntimeClass']);
    const rejected: string[] = [];
    const notServed = new Set<string>();
    let accepted = 0;
    for (const { file, object } of ordered) {
      const what = `${file}: ${object.kind}/${object.metadata?.name}`;
      // Kinds of the spec the embedded cluster does not serve (PriorityClass, webhook configurations)
      // are answered as a cluster without them would answer; only the language server judges those.
      if (kinds().lookup(String(object.apiVersion), String(object.kind))?.served === false) {
        notServed.add(`${object.apiVersion} ${object.kind}`);
        continue;
      }
      try {
        const served = client.resourceFor(String(object.apiVersion), String(object.kind));
        if (served?.namespaced && !object.metadata?.namespace) object.metadata = { ...object.metadata, namespace: 'default' };
        // An object with only a generateName is created (`kubectl create -f`); apply needs a name.
        if (!object.metadata?.name && served) await client.create(served, object.metadata?.namespace, structuredClone(object), { dryRun: true });
        else await client.apply(structuredClone(object), 'kubectl', { dryRun: true });
        accepted++;
        if (!prerequisites.has(object.kind)) continue;
        if (object.kind === 'Namespace') await namespace(object.metadata.name);
        await client.apply(object, 'kubectl');
      } catch (err) {
        rejected.push(`${what}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(rejected, [], `rejected:\n${rejected.join('\n')}`);
    assert.ok(accepted >= 60, `only ${accepted} objects accepted; not served here: ${[...notServed].join(', ')}`);
  });
});
