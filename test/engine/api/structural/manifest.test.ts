// Scenarios for parseManifests: documents, List items, syntax errors, duplicate keys, and where a
// Kubernetes field path sits in the source.
import assert from 'node:assert/strict';
import { parseManifests } from '../../../../engine/api/manifest/index';

const text = [
  '# the web tier', //                     1
  'apiVersion: v1', //                     2
  'kind: ConfigMap', //                    3
  'metadata:', //                          4
  '  name: settings', //                   5
  '  labels:', //                          6
  '    app.kubernetes.io/name: web', //    7
  'data:', //                              8
  '  mode: "a"', //                        9
  '  mode: "b"', //                        10
  '---', //                                11
  'apiVersion: apps/v1', //                12
  'kind: Deployment', //                   13
  'metadata: {name: web}', //              14
  'spec:', //                              15
  '  template:', //                        16
  '    spec:', //                          17
  '      containers:', //                  18
  '        - name: web', //                19
  '          image: nginx', //             20
  '        - name: sidecar', //            21
  '          image: envoy', //             22
  '          tty: yes', //                 23
  '---', //                                24
  '---', //                                25
  'apiVersion: v1', //                     26
  'kind: List', //                         27
  'items:', //                             28
  '- apiVersion: v1', //                   29
  '  kind: Service', //                    30
  '  metadata:', //                        31
  '    name: web', //                      32
].join('\n');

describe('parseManifests', () => {
  const manifests = parseManifests(text, 'app.yaml');

  it('yields one manifest per non-empty document and per List item', () => {
    assert.deepEqual(
      manifests.map((m) => [m.documentIndex, m.itemPath, (m.object as any).kind]),
      [
        [0, undefined, 'ConfigMap'],
        [1, undefined, 'Deployment'],
        [3, 'items[0]', 'Service'],
      ],
    );
    assert.equal(manifests[0]!.fileName, 'app.yaml');
  });

  it('gives each document its line range', () => {
    assert.deepEqual(manifests.map((m) => [m.range.start.line, m.range.end.line]), [[2, 11], [12, 24], [29, 32]]);
  });

  it('reads YAML as Kubernetes does: `yes` is a boolean', () => {
    assert.equal((manifests[1]!.object as any).spec.template.spec.containers[1].tty, true);
  });

  // go-yaml hands timestamps to untyped values as their text, reads no base-60 numbers, and parses
  // integers with Go's prefixes: what kubectl sends for these is strings and octal 420.
  it('reads timestamps, times of day and 0o octals as go-yaml does', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: c',
      '  annotations: {released: 2026-11-30, reviewed: 2026-11-30T09:15:00Z}',
      'data: {window: 02:30, mode: 0o644, legacy: 0644, hex: 0x1F}',
    ].join('\n');
    const object = parseManifests(yaml, 'c.yaml')[0]!.object as any;
    assert.deepEqual(object.metadata.annotations, { released: '2026-11-30', reviewed: '2026-11-30T09:15:00Z' });
    assert.deepEqual(object.data, { window: '02:30', mode: 420, legacy: 420, hex: 31 });
  });

  it('reads floats as go-yaml does: digits before or after the point, or the scalar stays text', () => {
    const yaml = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: e1', 'data: {a: e1, b: E5, c: -e3, d: ., e: 1., f: .5, g: 1e3, h: -2.5E-3, i: 1_000.5, j: 1.5e}'].join('\n');
    const object = parseManifests(yaml, 'c.yaml')[0]!.object as any;
    assert.equal(object.metadata.name, 'e1');
    assert.deepEqual(object.data, { a: 'e1', b: 'E5', c: '-e3', d: '.', e: 1, f: 0.5, g: 1000, h: -0.0025, i: 1000.5, j: '1.5e' });
  });

  it('reports a key given twice, keeping the last value', () => {
    assert.deepEqual(manifests[0]!.duplicateFields, [{ field: 'data.mode', type: 'DuplicateField' }]);
    assert.equal((manifests[0]!.object as any).data.mode, 'b');
    assert.deepEqual(manifests[1]!.duplicateFields, []);
  });

  describe('locating a field path', () => {
    const cases: [number, string, { line: number; column: number }, { line: number; column: number }][] = [
      [0, 'metadata.name', { line: 5, column: 3 }, { line: 5, column: 9 }],
      [0, 'metadata.labels[app.kubernetes.io/name]', { line: 7, column: 5 }, { line: 7, column: 29 }],
      [0, 'data[mode]', { line: 10, column: 3 }, { line: 10, column: 9 }],
      [1, 'metadata.name', { line: 14, column: 12 }, { line: 14, column: 18 }],
      [1, 'spec.template.spec.containers[1].image', { line: 22, column: 11 }, { line: 22, column: 18 }],
      [2, 'metadata.name', { line: 32, column: 5 }, { line: 32, column: 11 }],
    ];
    for (const [doc, path, key, value] of cases) {
      it(`finds ${path} in document ${doc}`, () => {
        const loc = manifests[doc]!.locate(path)!;
        assert.equal(loc.exact, true);
        assert.deepEqual({ line: loc.key!.start.line, column: loc.key!.start.column }, key);
        assert.deepEqual({ line: loc.value!.start.line, column: loc.value!.start.column }, value);
        const last = /(?:\[([^\]]+)\]|\.?([^.[\]]+))$/.exec(path)!;
        assert.equal(text.slice(loc.key!.start.offset, loc.key!.end.offset), last[1] ?? last[2]);
      });
    }

    it('points a list item at the item itself', () => {
      const loc = manifests[1]!.locate('spec.template.spec.containers[1]')!;
      assert.equal(loc.key, undefined);
      assert.deepEqual([loc.value!.start.line, loc.value!.start.column], [21, 11]);
    });

    it('falls back to the deepest existing ancestor for a missing field', () => {
      const loc = manifests[1]!.locate('spec.selector.matchLabels')!;
      assert.equal(loc.exact, false);
      assert.equal(loc.path, 'spec');
      assert.deepEqual([loc.key!.start.line, loc.key!.start.column], [15, 1]);
    });
  });

  it('reports a YAML syntax error at its line and column, with the documents before it intact', () => {
    const broken = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [\n', 'bad.yaml');
    assert.deepEqual(broken[0]!.syntaxErrors, []);
    assert.equal((broken[0]!.object as any).kind, 'ConfigMap');
    const err = broken[1]!.syntaxErrors[0]!;
    assert.match(err.message, /Flow sequence/);
    assert.equal(err.range.start.line, 7);
  });

  it('reads JSON, duplicate keys included', () => {
    const [m] = parseManifests('{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "a", "name": "b"}\n}\n', 'ns.json');
    assert.equal((m!.object as any).metadata.name, 'b');
    assert.deepEqual(m!.duplicateFields.map((e) => e.field), ['metadata.name']);
    assert.deepEqual([m!.locate('kind')!.value!.start.line, m!.locate('kind')!.value!.start.column], [3, 11]);
  });

  it('skips empty and comment-only documents', () => {
    assert.deepEqual(parseManifests('# nothing here\n---\n\n---\n', 'empty.yaml'), []);
  });
});
