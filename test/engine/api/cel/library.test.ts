// Kubernetes' CEL libraries, evaluated through the environment validation rules and policies compile
// in: string.format and strings.quote, quantity, URL, IP and CIDR, semver, named formats and sets.
// Expected values and messages are those of the API server (cel-go and k8s.io/apiserver's libraries).

import assert from 'node:assert/strict';
import { Optional } from '@marcbachmann/cel-js';
import { celMessage, compileExpression } from '../../../../engine/api/validation/cel/environment.js';

function program(source: string) {
  const compiled = compileExpression(source, ['self']);
  if (typeof compiled === 'string') throw new Error(compiled);
  return compiled;
}

function evaluate(source: string, self: unknown = null): unknown {
  return program(source)({ self });
}

function errorOf(source: string, self: unknown = null): string {
  try {
    evaluate(source, self);
  } catch (err) {
    return celMessage(err);
  }
  return assert.fail(`${source} evaluated without an error`);
}

function compileErrorOf(source: string): string {
  const compiled = compileExpression(source, ['self']);
  assert.equal(typeof compiled, 'string', `${source} compiled`);
  return compiled as string;
}

type Case = [source: string, expected: unknown];

function results(cases: Case[]): void {
  for (const [source, expected] of cases) {
    it(`${source} is ${String(expected)}`, () => assert.deepEqual(evaluate(source), expected));
  }
}

function errors(cases: Case[]): void {
  for (const [source, expected] of cases) {
    it(`${source} fails: ${String(expected)}`, () => assert.equal(errorOf(source), expected));
  }
}

describe('CEL libraries', () => {
  describe('string.format', () => {
    results([
      ['"no substitution".format([])', 'no substitution'],
      ['"str is %s and some more".format(["filler"])', 'str is filler and some more'],
      ['"%% and also %%".format([])', '% and also %'],
      ['"%%%s%%".format(["text"])', '%text%'],
      ['"%d %d %d, %s %s %s".format([1, 2, 3, "A", "B", "C"])', '1 2 3, A B C'],
      ['"%d".format([uint(64)])', '64'],
      ['"%.3f".format([1.2345])', '1.234'],
      ['"%.2f".format([1234.5])', '1,234.50'],
      ['"%f".format([2.71828])', '2.718280'],
      ['"%.0f %.0f %.0f".format([0.5, 1.5, 2.5])', '0 2 2'],
      ['"%f %f %f".format(["NaN", "Infinity", "-Infinity"])', 'NaN ∞ -∞'],
      ['"%e".format([2.71828])', '2.718280\u202f×\u202f10⁰⁰'],
      ['"%.6e".format([1052.032911275])', '1.052033\u202f×\u202f10⁰³'],
      ['"%.2e".format([-0.00012345])', '-1.23\u202f×\u202f10⁻⁰⁴'],
      ['"this is 5 in binary: %b".format([5])', 'this is 5 in binary: 101'],
      ['"%b %b %b".format([-5, uint(64), true])', '-101 1000000 1'],
      ['"%o %o".format([11, -11])', '13 -13'],
      ['"%x is 30 in hexadecimal".format([30])', '1e is 30 in hexadecimal'],
      ['"%X %x".format([30, -30])', '1E -1e'],
      ['"%x".format(["Hello world!"])', '48656c6c6f20776f726c6421'],
      ['"%X".format([b"byte string"])', '6279746520737472696E67'],
      ['"%s".format([2.71])', '2.71'],
      ['"%s %s %s".format([1000000.0, 100000.0, 0.000000002])', '1e+06 100000 2e-09'],
      ['"%s %s".format([double("Inf"), double("-Inf")])', '+Inf -Inf'],
      ['"%s".format([[2.71]])', '[2.710000]'],
      ['"%s".format([[double("NaN"), double("Inf")]])', '["NaN", "+Inf"]'],
      ['"null: %s".format([null])', 'null: null'],
      ['"%s".format([999999999999])', '999999999999'],
      ['"some bytes: %s".format([b"xyz"])', 'some bytes: xyz'],
      ['"type is %s".format([type("test string")])', 'type is string'],
      ['"%s".format([timestamp("2023-02-03T23:31:20+00:00")])', '2023-02-03T23:31:20Z'],
      ['"%s %s".format([duration("1h45m47s"), duration("2ns")])', '6347s 0.000000002s'],
      ['"%s".format([["abc", 3.14, null, [9, 8, 7, 6], timestamp("2023-02-03T23:31:20Z")]])', '["abc", 3.140000, null, [9, 8, 7, 6], timestamp("2023-02-03T23:31:20Z")]'],
      ['"%s".format([{"key1": b"xyz", "key5": null, "key2": duration("2h"), "key4": true, "key3": 2.71828}])', '{"key1":b"xyz", "key2":duration("7200s"), "key3":2.718280, "key4":true, "key5":null}'],
      ['"true bool: %s, false bool: %s".format([true, false])', 'true bool: true, false bool: false'],
    ]);

    it('formats what a variable holds', () => {
      assert.equal(evaluate('"%s %d %.1f".format([self.s, self.i, self.d])', { s: 'a string', i: 128n, d: 4.5 }), 'a string 128 4.5');
    });

    // Arguments passed in a variable, so that the format is checked only when evaluated.
    const failures: [source: string, args: () => unknown[], message: string][] = [
      ['"%a".format(self)', () => [1n], 'could not parse formatting clause: unrecognized formatting clause "a"'],
      ['"double is %E".format(self)', () => [0.5], 'could not parse formatting clause: unrecognized formatting clause "E"'],
      ['"%d %d %d".format(self)', () => [0n, 1n], 'index 2 out of range'],
      ['"filler %".format(self)', () => [], 'index 0 out of range'],
      ['"filler %".format(self)', () => [1n], 'unexpected end of string'],
      ['"%.f".format(self)', () => [1.5], 'could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax'],
      ['"string is %b".format(self)', () => ['abc'], 'error during formatting: only integers and bools can be formatted as binary, was given string'],
      ['"%d".format(self)', () => [evaluate('duration("30m2s")')], 'error during formatting: decimal clause can only be used on integers, was given google.protobuf.Duration'],
      ['"octal: %o".format(self)', () => ['a string'], 'error during formatting: octal clause can only be used on integers, was given string'],
      ['"double is %x".format(self)', () => [0.5], 'error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given double'],
      ['"null: %d".format(self)', () => [null], 'error during formatting: decimal clause can only be used on integers, was given null_type'],
      ['"null: %f".format(self)', () => [null], 'error during formatting: fixed-point clause can only be used on doubles, was given null_type'],
      ['"null: %e".format(self)', () => [null], 'error during formatting: scientific clause can only be used on doubles, was given null_type'],
      [
        '"%s".format(self)',
        () => [[1n, evaluate('quantity("1")')]],
        'error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given kubernetes.Quantity',
      ],
    ];
    for (const [source, args, message] of failures) {
      it(`${source} fails: ${message}`, () => assert.equal(errorOf(source, args()), message));
    }

    describe('when compiled with a literal format and argument list', () => {
      const cases: Case[] = [
        ['"%s %s".format(["abc"])', 'compilation failed: ERROR: <input>:1:15: index 1 out of range'],
        ['"%s %s".format(["abc", "def", "ghi"])', 'compilation failed: ERROR: <input>:1:15: too many arguments supplied to string.format (expected 2, got 3)'],
        ['"filler %".format([])', 'compilation failed: ERROR: <input>:1:18: unexpected end of string'],
        ['"%j".format([123])', 'compilation failed: ERROR: <input>:1:12: could not parse formatting clause: unrecognized formatting clause "j"'],
        ['"int is %d".format([5.2])', 'compilation failed: ERROR: <input>:1:21: error during formatting: decimal clause can only be used on integers, was given double'],
        ['"double is %f".format([true])', 'compilation failed: ERROR: <input>:1:24: error during formatting: fixed-point clause can only be used on doubles, was given bool'],
        ['"double is %.34".format([5.0])', 'compilation failed: ERROR: <input>:1:24: could not parse formatting clause: error while parsing precision: could not find end of precision specifier'],
        ['"an octal: %o".format([3.14])', 'compilation failed: ERROR: <input>:1:24: error during formatting: octal clause can only be used on integers, was given double'],
        [
          '"list is %s".format([[1, quantity("1")]])',
          'compilation failed: ERROR: <input>:1:26: error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given kubernetes.Quantity',
        ],
      ];
      for (const [source, expected] of cases) it(`${source} does not compile`, () => assert.equal(compileErrorOf(source), expected));

      it('leaves arguments of unknown type to evaluation', () => {
        assert.equal(typeof compileExpression('"%d %s".format([self.a, self.b])', ['self']), 'function');
      });
    });
  });

  describe('strings.quote', () => {
    results([
      ['strings.quote(\'single-quote with "double quote"\')', '"single-quote with \\"double quote\\""'],
      ['strings.quote("two escape sequences \\a\\n")', '"two escape sequences \\a\\n"'],
      ['strings.quote("tab\\tand \\\\ backslash")', '"tab\\tand \\\\ backslash"'],
    ]);
  });

  describe('quantity', () => {
    results([
      ['isQuantity("20")', true],
      ['isQuantity("20M")', true],
      ['isQuantity("20Mi")', true],
      ['isQuantity("20Mo")', false],
      ['isQuantity("10Mm")', false],
      ['quantity("200M") == quantity("200M")', true],
      ['quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")', true],
      ['quantity("200M") == quantity("0.3G")', false],
      ['quantity("50M").isLessThan(quantity("50Mi"))', true],
      ['quantity("100M").isLessThan(quantity("50M"))', false],
      ['quantity("50Mi").isGreaterThan(quantity("50M"))', true],
      ['quantity("50M").isGreaterThan(quantity("100M"))', false],
      ['quantity("200M").compareTo(quantity("0.2G"))', 0n],
      ['quantity("50M").compareTo(quantity("50Mi"))', -1n],
      ['quantity("50Mi").compareTo(quantity("50M"))', 1n],
      ['quantity("50k").add(quantity("20")) == quantity("50.02k")', true],
      ['quantity("50k").add(20).isLessThan(quantity("50020"))', false],
      ['quantity("50k").sub(quantity("20")) == quantity("49.98k")', true],
      ['quantity("50k").sub(20) == quantity("49980")', true],
      ['quantity("50k").add(20).sub(quantity("100k")).asInteger()', -49980n],
      ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger()', 20n],
      ['quantity("50k").asInteger()', 50000n],
      ['quantity("50000000G").isInteger()', true],
      ['quantity("9999999999999999999999999999999999999G").isInteger()', false],
      ['quantity("50").isInteger()', true],
      ['quantity("1Ki").asInteger()', 1024n],
      ['quantity("50.703k").asApproximateFloat()', 50703],
      ['quantity("50k").sub(20000).asApproximateFloat()', 30000],
      ['quantity("-1.5").sign()', -1n],
      ['quantity("0").sign()', 0n],
      ['quantity("1m").sign()', 1n],
      ['type(quantity("1")) == type(quantity("2Gi"))', true],
      ['[quantity("1")] == [quantity("1000m")]', true],
      ['quantity("0").add(5) == quantity("5")', true],
    ]);

    // A quantity Kubernetes holds with a negative scale, or as an arbitrary-precision decimal, is
    // not an integer, whatever its value.
    results([
      ['quantity("1000m").isInteger()', false],
      ['quantity("1.5Gi").isInteger()', false],
      ['quantity("1000m").asApproximateFloat()', 1],
      ['quantity("0.3").asApproximateFloat()', 3 * 0.1],
    ]);

    errors([
      ['quantity("10Mo")', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
      ['quantity("10Mm")', "unable to parse quantity's suffix"],
      ['quantity("9999999999999999999999999999999999999G").asInteger()', 'cannot convert value to integer'],
      ['quantity("1000m").asInteger()', 'cannot convert value to integer'],
    ]);

    it('refuses a non-string argument when compiled', () => {
      assert.match(compileErrorOf('isQuantity([1, 2, 3])'), /found no matching overload for 'isQuantity\(list<int>\)'/);
    });
  });

  describe('url', () => {
    results([
      ['isURL("https://user:pass@example.com:80/path?query=val#fragment")', true],
      ['isURL("/absolute-path")', true],
      ['isURL("https://a:b:c/")', false],
      ['isURL("../relative-path")', false],
      ['url("/path").getScheme()', ''],
      ['url("https://example.com/").getScheme()', 'https'],
      ['url("HTTPS://example.com/").getScheme()', 'https'],
      ['url("https://example.com:80/").getHost()', 'example.com:80'],
      ['url("https://example.com/").getHost()', 'example.com'],
      ['url("https://[::1]:80/").getHost()', '[::1]:80'],
      ['url("https://[::1]/").getHost()', '[::1]'],
      ['url("/path").getHost()', ''],
      ['url("https://example.com:80/").getHostname()', 'example.com'],
      ['url("https://127.0.0.1:80/").getHostname()', '127.0.0.1'],
      ['url("https://[::1]:80/").getHostname()', '::1'],
      ['url("/path").getHostname()', ''],
      ['url("https://example.com:80/").getPort()', '80'],
      ['url("https://example.com/").getPort()', ''],
      ['url("/path").getPort()', ''],
      ['url("https://example.com/path").getEscapedPath()', '/path'],
      ['url("https://example.com/path with spaces/").getEscapedPath()', '/path%20with%20spaces/'],
      ['url("https://example.com/a%2Fb").getEscapedPath()', '/a%2Fb'],
      ['url("https://example.com").getEscapedPath()', ''],
      ['url("https://example.com/path#frag").getEscapedPath()', '/path'],
      ['url("https://example.com/path?k1=a&k2=b&k2=c").getQuery()', new Map([['k1', ['a']], ['k2', ['b', 'c']]])],
      ['url("https://example.com/path?key with spaces=value with spaces").getQuery()', new Map([['key with spaces', ['value with spaces']]])],
      ['url("https://example.com/path?a=1+2&b=%41;c").getQuery()', new Map([['a', ['1 2']]])],
      ['url("https://example.com/path?").getQuery()', new Map()],
      ['url("https://example.com/path").getQuery()', new Map()],
      ['url("https://example.com/path?k=v").getQuery()["k"][0]', 'v'],
      ['url("https://example.com/a") == url("https://example.com/a")', true],
      ['url("https://example.com/a") == url("https://example.com/b")', false],
    ]);

    errors([
      ['url("../relative-path")', 'URL parse error during conversion from string: parse "../relative-path": invalid URI for request'],
      ['url("")', 'URL parse error during conversion from string: parse "": empty url'],
      ['url("https://exa mple.com/")', 'URL parse error during conversion from string: parse "https://exa mple.com/": invalid character " " in host name'],
      ['url("https://example.com/%zz")', 'URL parse error during conversion from string: parse "https://example.com/%zz": invalid URL escape "%zz"'],
      ['url("https://[1.2.3.4]/")', 'URL parse error during conversion from string: parse "https://[1.2.3.4]/": invalid IP-literal'],
      ['url(":foo")', 'URL parse error during conversion from string: parse ":foo": missing protocol scheme'],
    ]);
  });

  describe('ip', () => {
    results([
      ['isIP("127.0.0.1")', true],
      ['isIP("::1")', true],
      ['isIP("127.0.0.256")', false],
      ['isIP(":::1")', false],
      ['isIP("::ffff:1.2.3.4")', false],
      ['isIP("fe80::1%eth0")', false],
      ['ip.isCanonical("127.0.0.1")', true],
      ['ip.isCanonical("2001:db8::abcd")', true],
      ['ip.isCanonical("2001:DB8::ABCD")', false],
      ['ip.isCanonical("2001:db8::0:0:0:abcd")', false],
      ['ip("127.0.0.1").family()', 4n],
      ['ip("::1").family()', 6n],
      ['ip("0.0.0.0").isUnspecified()', true],
      ['ip("127.0.0.1").isUnspecified()', false],
      ['ip("::").isUnspecified()', true],
      ['ip("127.0.0.1").isLoopback()', true],
      ['ip("192.168.0.1").isLoopback()', false],
      ['ip("::1").isLoopback()', true],
      ['ip("2001:db8::abcd").isLoopback()', false],
      ['ip("224.0.0.1").isLinkLocalMulticast()', true],
      ['ip("224.0.1.1").isLinkLocalMulticast()', false],
      ['ip("ff02::1").isLinkLocalMulticast()', true],
      ['ip("fd00::1").isLinkLocalMulticast()', false],
      ['ip("169.254.169.254").isLinkLocalUnicast()', true],
      ['ip("192.168.0.1").isLinkLocalUnicast()', false],
      ['ip("fe80::1").isLinkLocalUnicast()', true],
      ['ip("fd80::1").isLinkLocalUnicast()', false],
      ['ip("192.168.0.1").isGlobalUnicast()', true],
      ['ip("255.255.255.255").isGlobalUnicast()', false],
      ['ip("2001:db8::abcd").isGlobalUnicast()', true],
      ['ip("ff00::1").isGlobalUnicast()', false],
      ['string(ip("2001:0DB8:0:0:1:0:0:1"))', '2001:db8::1:0:0:1'],
      ['string(ip("1:0:0:2:0:0:0:3"))', '1:0:0:2::3'],
      ['string(ip("::1.2.3.4"))', '::102:304'],
      ['ip("::1") == ip("0:0:0:0:0:0:0:1")', true],
      ['ip("127.0.0.1") == ip("::1")', false],
      ['type(ip("192.168.0.1")) == net.IP', true],
    ]);

    errors([
      ['ip("127.0.0.256")', 'IP Address "127.0.0.256" parse error during conversion from string: ParseAddr("127.0.0.256"): IPv4 field has value >255'],
      ['ip(":::1")', 'IP Address ":::1" parse error during conversion from string: ParseAddr(":::1"): each colon-separated field must have at least one digit (at ":1")'],
      ['ip("1.2.3")', 'IP Address "1.2.3" parse error during conversion from string: ParseAddr("1.2.3"): IPv4 address too short'],
      ['ip("192.168.0.1.0")', 'IP Address "192.168.0.1.0" parse error during conversion from string: ParseAddr("192.168.0.1.0"): IPv4 address too long'],
      ['ip("2001:db8:::68")', 'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")'],
      ['ip("2001:db8::00068")', 'IP Address "2001:db8::00068" parse error during conversion from string: ParseAddr("2001:db8::00068"): each group must have 4 or less digits (at "00068")'],
      ['ip("::ffff:1.2.3.256")', 'IP Address "::ffff:1.2.3.256" parse error during conversion from string: ParseAddr("::ffff:1.2.3.256"): IPv4 field has value >255'],
      ['ip("01.2.3.4")', 'IP Address "01.2.3.4" parse error during conversion from string: ParseAddr("01.2.3.4"): IPv4 field has octet with leading zero'],
      ['ip("example.com")', 'IP Address "example.com" parse error during conversion from string: ParseAddr("example.com"): unexpected character (at "example.com")'],
      ['ip("")', 'IP Address "" parse error during conversion from string: ParseAddr(""): unable to parse IP'],
      ['ip("fe80::1%eth0")', 'IP address "fe80::1%eth0" with zone value is not allowed'],
      ['ip("::ffff:1.2.3.4")', 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
      ['ip.isCanonical("1.2.3")', 'IP Address "1.2.3" parse error during conversion from string: ParseAddr("1.2.3"): IPv4 address too short'],
    ]);
  });

  describe('cidr', () => {
    results([
      ['isCIDR("192.168.0.0/16")', true],
      ['isCIDR("::1/128")', true],
      ['isCIDR("192.168.0.0/33")', false],
      ['isCIDR("::1/129")', false],
      ['isCIDR("192.168.0.0")', false],
      ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1"))', true],
      ['cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', false],
      ['cidr("192.168.0.0/24").containsIP("192.168.0.1")', true],
      ['cidr("192.168.0.0/24").containsIP("192.168.1.1")', false],
      ['cidr("192.168.0.0/24").containsIP("::1")', false],
      ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25"))', true],
      ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23"))', false],
      ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25")', true],
      ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1"))', true],
      ['cidr("2001:db8::/32").containsIP("2001:dc8::1")', false],
      ['cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/33"))', true],
      ['cidr("2001:db8::/32").containsCIDR("2001:db8::/31")', false],
      // As Kubernetes compares them: a CIDR starting elsewhere in the network is not contained.
      ['cidr("10.0.0.0/8").containsCIDR("10.1.0.0/16")', false],
      ['cidr("192.168.0.0/24").ip() == ip("192.168.0.0")', true],
      ['cidr("192.168.0.1/24").ip().family()', 4n],
      ['cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24")', true],
      ['cidr("192.168.0.1/24") == cidr("192.168.0.1/24").masked()', false],
      ['string(cidr("2001:db8:1::/32").masked())', '2001:db8::/32'],
      ['cidr("192.168.0.0/16").prefixLength()', 16n],
      ['cidr("::1/128").prefixLength()', 128n],
      ['string(cidr("192.168.0.1/24"))', '192.168.0.1/24'],
      ['type(cidr("192.168.0.0/24")) == net.CIDR', true],
      ['ip("10.0.0.1") in [ip("10.0.0.2"), ip("10.0.0.1")]', true],
    ]);

    errors([
      [
        'cidr("192.168.0.0/")',
        'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("192.168.0.0/"): bad bits after slash: ""',
      ],
      [
        'cidr("2001:db8::/129")',
        'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("2001:db8::/129"): prefix length out of range',
      ],
      [
        'cidr("1.2.3.4/024")',
        'network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix("1.2.3.4/024"): bad bits after slash: "024"',
      ],
      ['cidr("::ffff:1.2.3.4/120")', 'network address parse error during conversion from string: IPv4-mapped IPv6 address "::ffff:1.2.3.4/120" is not allowed'],
      // Kubernetes hands the failed conversion on to an overload that does not take it.
      ['cidr("192.168.0.0/24").containsIP("192.168.0")', 'no such overload'],
    ]);
  });

  describe('semver', () => {
    results([
      ['isSemver("1.0.0")', true],
      ['isSemver("hello")', false],
      ['isSemver("v1.0")', false],
      ['isSemver("v1.0", true)', true],
      ['isSemver("01.01.01", true)', true],
      ['semver("1.2.3").major()', 1n],
      ['semver("1.2.3").minor()', 2n],
      ['semver("1.2.3").patch()', 3n],
      ['semver("v1.2", true) == semver("1.2.0")', true],
      ['semver("1.2.3").compareTo(semver("1.2.3"))', 0n],
      ['semver("1.2.3").compareTo(semver("2.0.0"))', -1n],
      ['semver("1.2.3").compareTo(semver("0.1.2"))', 1n],
      ['semver("1.0.0-alpha").isLessThan(semver("1.0.0"))', true],
      ['semver("1.0.0-alpha.1").isLessThan(semver("1.0.0-alpha.beta"))', true],
      ['semver("1.0.0-beta.11").isGreaterThan(semver("1.0.0-beta.2"))', true],
      ['semver("1.0.0+build.1") == semver("1.0.0+build.2")', true],
    ]);

    errors([
      ['semver("")', 'Version string empty'],
      ['semver("1.0")', 'No Major.Minor.Patch elements found'],
      ['semver("a.0.0")', 'Invalid character(s) found in major number "a"'],
      ['semver("1.02.0")', 'Minor number must not contain leading zeroes "02"'],
      ['semver("1.0.0-01")', 'Numeric PreRelease version must not contain leading zeroes "01"'],
      ['semver("1.0.0-")', 'Prerelease is empty'],
      ['semver("1.0.0+a_b")', 'Invalid character(s) found in build meta data "a_b"'],
      ['semver("1.0-rc", true)', 'short version cannot contain PreRelease/Build meta data'],
    ]);
  });

  describe('format', () => {
    results([
      ['format.dns1123Label().validate("my-label-name")', Optional.none()],
      ['format.dns1123Label().validate("my.label").value()', ['must not contain dots']],
      ['format.dns1035Label().validate("1abc").hasValue()', true],
      ['format.qualifiedName().validate("apiextensions.k8s.io/v1beta1")', Optional.none()],
      ['format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-")', Optional.none()],
      ['format.uri().validate("http://example.com")', Optional.none()],
      ['format.uri().validate("../x").value()', ['parse "../x": invalid URI for request']],
      ['format.uuid().validate("123e4567-e89b-12d3-a456-426614174000")', Optional.none()],
      ['format.uuid().validate("123").value()', ['does not match the UUID format']],
      ['format.byte().validate("aGVsbG8=")', Optional.none()],
      ['format.byte().validate("aGVsbG8").value()', ['invalid base64']],
      ['format.date().validate("2021-01-01")', Optional.none()],
      ['format.date().validate("2021-02-30").value()', ['invalid date']],
      ['format.datetime().validate("2021-01-01T00:00:00Z")', Optional.none()],
      ['format.datetime().validate("2021-01-01T25:00:00Z").value()', ['invalid datetime']],
      ['format.named("dns1123Label").hasValue()', true],
      ['format.named("unknown").hasValue()', false],
      ['format.named("dns1123Label").value() == format.dns1123Label()', true],
    ]);

    it('reports a too-long label value', () => {
      assert.deepEqual(evaluate('format.labelValue().validate(self).value()', 'a'.repeat(64)), ['must be no more than 63 characters']);
    });
  });

  describe('sets', () => {
    results([
      ['sets.contains([], [])', true],
      ['sets.contains([], [1])', false],
      ['sets.contains([1, 2, 3, 4], [2, 3])', true],
      ['sets.contains([1, 2.0, 3u], [1.0, 2u, 3])', true],
      ['sets.equivalent([], [])', true],
      ['sets.equivalent([1], [1, 1])', true],
      ['sets.equivalent([1], [1u, 1.0])', true],
      ['sets.equivalent([1, 2, 3], [3u, 2.0, 1])', true],
      ['sets.equivalent([1, 2], [1])', false],
      ['sets.intersects([1], [])', false],
      ['sets.intersects([1], [1, 2])', true],
      ['sets.intersects([[1], [2, 3]], [[1, 2], [2, 3.0]])', true],
      ['sets.intersects([{"a": 1}], [{"a": 1.0}])', true],
    ]);
  });

  it('returns the libraries’ errors in their own words', () => {
    assert.equal(errorOf('ip("x")'), 'IP Address "x" parse error during conversion from string: ParseAddr("x"): unable to parse IP');
  });
});
