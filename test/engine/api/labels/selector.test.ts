import assert from 'node:assert/strict';
import { FieldPath } from '../../../../engine/api/errors';
import { formatLabelSelector, labelSelectorAsSelector, validateLabelSelector } from '../../../../engine/api/labels/labelSelector';
import { everything, LabelSelectorError, nothing, parseSelector, selectorFromSet } from '../../../../engine/api/labels/selector';

describe('label selector string syntax', () => {
  const canonical: [string, string][] = [
    ['app=web,tier in (a,b),!canary,env!=prod,x', 'app=web,!canary,env!=prod,tier in (a,b),x'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['  a == b ', 'a==b'],
    ['tier in (b, a, b)', 'tier in (a,b)'],
    ['a=', 'a='],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['replicas>3,age<10', 'age<10,replicas>3'],
    ['example.com/owner=team-a', 'example.com/owner=team-a'],
    ['', ''],
  ];
  for (const [input, out] of canonical) {
    it(`parses ${JSON.stringify(input)} and prints it canonically as ${JSON.stringify(out)}`, () => {
      assert.equal(parseSelector(input).toString(), out);
    });
  }

  const errors: [string, string][] = [
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['n>x', "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)} with apimachinery's message`, () => {
      assert.throws(() => parseSelector(input), (e: unknown) => e instanceof LabelSelectorError && e.message === message);
    });
  }

  // The example list inside these messages comes from the shared name checks; only the part this
  // module builds (prefix, path, value, which check) is pinned here.
  const invalid: [string, string, string][] = [
    ['-app=web', 'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters', "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
    ['app=-web', 'unable to parse requirement: values[0][app]: Invalid value: "-web": a valid label must be an empty string or consist of alphanumeric characters', "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
  ];
  for (const [input, head, tail] of invalid) {
    it(`rejects ${JSON.stringify(input)}: ${head.slice(29, 60)}…`, () => {
      assert.throws(() => parseSelector(input), (e: unknown) => e instanceof LabelSelectorError && e.message.startsWith(head) && e.message.endsWith(tail) && e.errors.length === 1);
    });
  }
});

describe('label selector matching', () => {
  const web = { app: 'web', tier: 'front', env: 'prod', replicas: '5' };
  const table: [string, Record<string, string> | undefined, boolean][] = [
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=api', web, false],
    ['app!=api', web, true],
    ['missing!=x', web, true],
    ['tier in (front,back)', web, true],
    ['tier in (back)', web, false],
    ['tier notin (front)', web, false],
    ['missing notin (front)', web, true],
    ['tier', web, true],
    ['!tier', web, false],
    ['!canary', web, true],
    ['replicas>4', web, true],
    ['replicas<5', web, false],
    ['app>1', web, false],
    ['app=web,env!=prod', web, false],
    ['app=web', undefined, false],
    ['!app', undefined, true],
    ['constructor', {}, false],
    ['', web, true],
  ];
  for (const [sel, labels, want] of table) {
    it(`${JSON.stringify(sel)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(parseSelector(sel).matches(labels), want);
    });
  }

  it('everything matches all and is empty; nothing matches none', () => {
    assert.equal(everything().matches({}), true);
    assert.equal(everything().empty(), true);
    assert.equal(nothing().matches({ a: 'b' }), false);
    assert.equal(nothing().empty(), false);
    assert.equal(nothing().requirements(), undefined);
  });

  it('selectorFromSet selects exactly the set, sorted by key', () => {
    const s = selectorFromSet({ tier: 'front', app: 'web' });
    assert.equal(s.toString(), 'app=web,tier=front');
    assert.equal(s.matches({ app: 'web', tier: 'front', extra: 'x' }), true);
    assert.equal(s.matches({ app: 'web' }), false);
    assert.equal(s.requiresExactMatch('app'), 'web');
    assert.equal(selectorFromSet(undefined).empty(), true);
  });
});

describe('metav1.LabelSelector', () => {
  it('a missing selector selects nothing; an empty one selects everything', () => {
    assert.equal(labelSelectorAsSelector(undefined).matches({ a: 'b' }), false);
    assert.equal(labelSelectorAsSelector({}).matches({ a: 'b' }), true);
    assert.equal(formatLabelSelector({}), '<none>');
  });

  it('converts matchLabels and matchExpressions into one AND', () => {
    const s = labelSelectorAsSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    // Requirements sort by key, so `!canary` prints between `app` and `tier`.
    assert.equal(s.toString(), 'app=web,!canary,tier in (edge,front)');
    assert.equal(s.matches({ app: 'web', tier: 'edge' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'edge', canary: 'true' }), false);
  });

  it('an unknown operator is an error with the operator quoted', () => {
    assert.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Equals' }] }), /^LabelSelectorError: "Equals" is not a valid label selector operator$/);
  });

  it('validation reports each problem at its field path', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key!': 'ok' },
        matchExpressions: [
          { key: 'tier', operator: 'In' },
          { key: 'canary', operator: 'Exists', values: ['x'] },
          { key: 'app', operator: 'Equals', values: ['-bad'] },
        ],
      },
      FieldPath.root('spec').child('selector'),
    );
    assert.deepEqual(
      errs.map((e) => `${e.field} ${e.type}`),
      [
        'spec.selector.matchLabels Invalid',
        'spec.selector.matchExpressions[0].values Required',
        'spec.selector.matchExpressions[1].values Forbidden',
        'spec.selector.matchExpressions[2].operator Invalid',
        'spec.selector.matchExpressions[2].values[0] Invalid',
      ],
    );
  });
});

describe('label selector matching speed', () => {
  it('matches 100k label sets against a compiled 4-requirement selector in well under a second', () => {
    const s = parseSelector('app=web,tier in (front,edge),!canary,env!=dev');
    const pods = Array.from({ length: 100_000 }, (_, i) => ({ app: i % 2 ? 'web' : 'api', tier: i % 3 ? 'front' : 'back', env: 'prod' }));
    const start = process.hrtime.bigint();
    let n = 0;
    for (const p of pods) if (s.matches(p)) n++;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.equal(n, pods.filter((_, i) => i % 2 && i % 3).length);
    assert.ok(ms < 1000, `took ${ms} ms`);
  });
});
