import assert from 'node:assert/strict';
import { StatusError } from '../../../../engine/api/errors';
import { fieldSelectorPredicate, parseFieldSelectorForKind, selectableFieldNames } from '../../../../engine/api/fields/selectableFields';
import { escapeValue, FieldSelectorError, parseFieldSelector, unescapeValue } from '../../../../engine/api/fields/selector';

describe('field selector syntax', () => {
  const canonical: [string, string][] = [
    ['metadata.name=web,status.phase!=Running', 'metadata.name=web,status.phase!=Running'],
    ['status.phase!=Running,metadata.name==web', 'metadata.name=web,status.phase!=Running'],
    ['spec.nodeName=', 'spec.nodeName='],
    ['metadata.name=a\\,b\\=c\\\\d', 'metadata.name=a\\,b\\=c\\\\d'],
    [',,metadata.name=x,', 'metadata.name=x'],
    ['', ''],
  ];
  for (const [input, out] of canonical) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(out)}`, () => assert.equal(parseFieldSelector(input).toString(), out));
  }

  it('unescapes values: a\\,b\\=c\\\\d is the value "a,b=c\\d"', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d').requirements(), [{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
    assert.equal(unescapeValue(escapeValue('x=y,z\\')), 'x=y,z\\');
  });

  const errors: [string, string][] = [
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)}: ${message}`, () => {
      assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof FieldSelectorError && e.message === message);
    });
  }
});

describe('field selectors per kind', () => {
  const pods = [
    { metadata: { name: 'web-1', namespace: 'shop' }, spec: { nodeName: 'node-a', restartPolicy: 'Always', hostNetwork: true }, status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] } },
    { metadata: { name: 'web-2', namespace: 'shop' }, spec: { restartPolicy: 'Always' }, status: { phase: 'Pending' } },
    { metadata: { name: 'job-1', namespace: 'batch' }, spec: { nodeName: 'node-b', restartPolicy: 'Never' }, status: { phase: 'Succeeded', podIP: '10.0.1.7' } },
  ];
  const names = (sel: string) => pods.filter(fieldSelectorPredicate('', 'Pod', sel)).map((p) => p.metadata.name);

  const table: [string, string[]][] = [
    ['status.phase=Running', ['web-1']],
    ['status.phase!=Running', ['web-2', 'job-1']],
    ['spec.nodeName=', ['web-2']],
    ['spec.nodeName=node-b,metadata.namespace=batch', ['job-1']],
    ['spec.hostNetwork=true', ['web-1']],
    ['spec.hostNetwork=false', ['web-2', 'job-1']],
    ['status.podIP=10.0.0.5', ['web-1']],
    ['status.podIP=10.0.1.7', ['job-1']],
    ['spec.restartPolicy==Never', ['job-1']],
    ['', ['web-1', 'web-2', 'job-1']],
  ];
  for (const [sel, want] of table) {
    it(`pods with ${JSON.stringify(sel)}: ${want.join(', ')}`, () => assert.deepEqual(names(sel), want));
  }

  it('an unsupported field is a 400 "field label not supported"', () => {
    assert.throws(
      () => parseFieldSelectorForKind('', 'Pod', 'spec.foo=bar'),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.status.message === 'field label not supported: spec.foo',
    );
    assert.throws(() => parseFieldSelectorForKind('apps', 'Deployment', 'status.replicas=1'), /field label not supported: status.replicas/);
  });

  it('a malformed selector is a 400 with the parser message', () => {
    assert.throws(() => parseFieldSelectorForKind('', 'Pod', 'status.phase'), (e: unknown) => e instanceof StatusError && e.code === 400);
  });

  it('each kind offers its own fields besides metadata.name and metadata.namespace', () => {
    assert.deepEqual(selectableFieldNames('', 'Secret'), ['metadata.name', 'metadata.namespace', 'type']);
    assert.deepEqual(selectableFieldNames('apps', 'Deployment'), ['metadata.name', 'metadata.namespace']);
    const secrets = [{ metadata: { name: 'tls' }, type: 'kubernetes.io/tls' }, { metadata: { name: 'plain' }, type: 'Opaque' }];
    assert.deepEqual(secrets.filter(fieldSelectorPredicate('', 'Secret', 'type=kubernetes.io/tls')).map((s) => s.metadata.name), ['tls']);
    const nodes = [{ metadata: { name: 'a' }, spec: { unschedulable: true } }, { metadata: { name: 'b' }, spec: {} }];
    assert.deepEqual(nodes.filter(fieldSelectorPredicate('', 'Node', 'spec.unschedulable=false')).map((n) => n.metadata.name), ['b']);
    const events = [{ metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'web-1' }, source: { component: 'kubelet' }, type: 'Warning', reason: 'BackOff' }];
    assert.equal(events.filter(fieldSelectorPredicate('', 'Event', 'involvedObject.name=web-1,source=kubelet,type=Warning,reason=BackOff')).length, 1);
    const rs = [{ metadata: { name: 'r' }, status: { replicas: 3 } }];
    assert.equal(rs.filter(fieldSelectorPredicate('apps', 'ReplicaSet', 'status.replicas=3')).length, 1);
    const jobs = [{ metadata: { name: 'j' }, status: { succeeded: 1 } }];
    assert.equal(jobs.filter(fieldSelectorPredicate('batch', 'Job', 'status.successful=1')).length, 1);
    const namespaces = [{ metadata: { name: 'old' }, status: { phase: 'Terminating' } }];
    assert.equal(namespaces.filter(fieldSelectorPredicate('', 'Namespace', 'status.phase=Active')).length, 0);
  });
});
