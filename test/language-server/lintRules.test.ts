// The lint rules registry as data: one file per rule named by its id, ids unique, and the README's
// rules table and the kubeside.lint.rules settings exactly what scripts/gen-rules-doc.mjs writes from it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintRules, rulesMarkdown, rulesSettingsSchema } from '../../language-server/rules/index';

const root = path.resolve(__dirname, '..', '..');

describe('language server: the lint rules registry', () => {
  it('has one file per rule, named by its unique id', () => {
    const ids = lintRules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.ok(existsSync(path.join(root, 'language-server', 'rules', `${id}.ts`)), `language-server/rules/${id}.ts`);
  });

  it('documents every rule in the README table, as the generator writes it', () => {
    const readme = readFileSync(path.join(root, 'language-server', 'README.md'), 'utf8');
    const table = /<!-- lint-rules:start[^>]*-->\n([\s\S]*?)\n<!-- lint-rules:end -->/.exec(readme)?.[1];
    assert.equal(table, rulesMarkdown(), 'the table is out of date: run node --import tsx scripts/gen-rules-doc.mjs');
    for (const rule of lintRules) assert.ok(rule.docs.startsWith('https://kubernetes.io/docs/'), `${rule.id} links the Kubernetes documentation`);
  });

  it('offers every rule in the kubeside.lint.rules settings of package.json, as the generator writes them', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties?: Record<string, { properties?: unknown }> } } };
    const rules = [pkg.contributes.configuration].flat().find((c) => c.properties?.['kubeside.lint.rules'])?.properties?.['kubeside.lint.rules'];
    assert.deepEqual(rules?.properties, rulesSettingsSchema(), 'the settings are out of date: run node --import tsx scripts/gen-rules-doc.mjs');
  });
});
