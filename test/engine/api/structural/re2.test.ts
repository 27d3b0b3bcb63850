// CRD patterns in Go's RE2 syntax, matched as Go's regexp matches them.
import assert from 'node:assert/strict';
import { re2RegExp } from '../../../../engine/api/validation/re2';

describe('re2RegExp', () => {
  const cases: [pattern: string, value: string, matches: boolean][] = [
    ['^(?i)(debug|info|warn)$', 'WARN', true],
    ['(?i)^warn$', 'Warn', true],
    ['^(?s)a.b$', 'a\nb', true],
    ['^[[:alnum:]_.-]+$', 'pager_duty.primary', true],
    ['^[[:alnum:]_.-]+$', 'pager duty', false],
    ['^[[:upper:]][[:lower:][:digit:]]*$', 'Web2', true],
    ['^\\d+\\-\\d+$', '10-20', true],
    ['^\\pL+\\z', 'été', true],
    ['^\\pL+\\z', 'abc\n', false],
    ['\\Aab', 'ab', true],
    ['^(?P<major>\\d+)\\.(?P<minor>\\d+)$', '1.36', true],
    ['^[]a]+$', ']a]', true],
    ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', 'web-1', true],
  ];
  for (const [pattern, value, matches] of cases) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
      const re = re2RegExp(pattern);
      assert.ok(re, 'translates');
      assert.equal(re.test(value), matches);
    });
  }

  it('gives up on what it cannot translate faithfully, or what does not compile', () => {
    assert.equal(re2RegExp('a(?i)b'), undefined, 'flags after other text apply from there on');
    assert.equal(re2RegExp('(a(?i)b)'), undefined, 'flags inside a group');
    assert.equal(re2RegExp('^(?U)a+$'), undefined, 'ungreedy');
    assert.equal(re2RegExp('^[[:^alpha:]]$'), undefined, 'negated POSIX class');
    assert.equal(re2RegExp('^(a$'), undefined);
  });
});
