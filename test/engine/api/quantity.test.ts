// resource.Quantity: parsing, canonical text and arithmetic, from apimachinery's quantity_test tables.

import assert from 'node:assert/strict';
import { Quantity, QuantityParseError, quantityErrors, type QuantityFormat } from '../../../engine/api/quantity.js';

describe('Quantity', () => {
  describe('canonical text, as the API server stores it', () => {
    const table: [input: string, canonical: string][] = [
      ['0', '0'],
      ['0n', '0'],
      ['0u', '0'],
      ['0m', '0'],
      ['0Ki', '0'],
      ['0k', '0'],
      ['-0', '0'],
      // binary SI
      ['1Ki', '1Ki'],
      ['8Ki', '8Ki'],
      ['7Mi', '7Mi'],
      ['6Gi', '6Gi'],
      ['5Ti', '5Ti'],
      ['4Pi', '4Pi'],
      ['3Ei', '3Ei'],
      ['10Ti', '10Ti'],
      ['100Ti', '100Ti'],
      ['1024Ki', '1Mi'],
      ['1024Mi', '1Gi'],
      ['1.5Gi', '1536Mi'],
      ['0.5Gi', '512Mi'],
      ['1.5Ki', '1536'],
      ['1.1Ki', '1126400m'],
      ['0.5Ki', '512'],
      ['-1.5Gi', '-1536Mi'],
      ['512Mi', '512Mi'],
      // decimal SI
      ['5n', '5n'],
      ['4u', '4u'],
      ['3m', '3m'],
      ['9', '9'],
      ['8k', '8k'],
      ['50k', '50k'],
      ['7M', '7M'],
      ['6G', '6G'],
      ['5T', '5T'],
      ['40T', '40T'],
      ['300T', '300T'],
      ['2P', '2P'],
      ['1E', '1E'],
      ['1000', '1k'],
      ['1000k', '1M'],
      ['1500m', '1500m'],
      ['0.5', '500m'],
      ['.5', '500m'],
      ['0.1', '100m'],
      ['1.5', '1500m'],
      ['0.001', '1m'],
      ['0.0001', '100u'],
      ['1.5k', '1500'],
      ['100m', '100m'],
      ['-100m', '-100m'],
      // decimal exponent
      ['1e3', '1e3'],
      ['1E3', '1E3'],
      ['1e6', '1e6'],
      ['1.5e3', '1500'],
      ['12e6', '12e6'],
      ['1e-3', '1e-3'],
      ['1e-9', '1e-9'],
      // finer than a nano rounds up, away from zero
      ['0.5n', '1n'],
      ['1.1n', '2n'],
      ['1e-10', '1e-9'],
      ['-0.5n', '-1n'],
      // a text judged already canonical is printed as written
      ['+1k', '+1k'],
      ['012Mi', '012Mi'],
    ];
    for (const [input, canonical] of table) {
      it(`${input} → ${canonical}`, () => assert.equal(Quantity.parse(input).toString(), canonical));
    }
  });

  describe("apimachinery's TestQuantityParse table: value and format", () => {
    const maxAllowed = ((1n << 63n) - 1n) * 1_000_000_000n;
    // [input, unscaled, exponent, format]: the value is unscaled × 10^exponent.
    const table: [string, bigint | 'max', number, QuantityFormat][] = [
      ['0', 0n, 0, 'DecimalSI'], ['0n', 0n, 0, 'DecimalSI'], ['0u', 0n, 0, 'DecimalSI'], ['0m', 0n, 0, 'DecimalSI'],
      ['0Ki', 0n, 0, 'BinarySI'], ['0k', 0n, 0, 'DecimalSI'], ['0Mi', 0n, 0, 'BinarySI'], ['0M', 0n, 0, 'DecimalSI'],
      ['0Gi', 0n, 0, 'BinarySI'], ['0G', 0n, 0, 'DecimalSI'], ['0Ti', 0n, 0, 'BinarySI'], ['0T', 0n, 0, 'DecimalSI'],
      ['1', 1n, 0, 'DecimalSI'],
      ['1Ki', 1024n, 0, 'BinarySI'], ['8Ki', 8n * 1024n, 0, 'BinarySI'], ['7Mi', 7n * 1024n ** 2n, 0, 'BinarySI'],
      ['6Gi', 6n * 1024n ** 3n, 0, 'BinarySI'], ['5Ti', 5n * 1024n ** 4n, 0, 'BinarySI'], ['4Pi', 4n * 1024n ** 5n, 0, 'BinarySI'],
      ['3Ei', 3n * 1024n ** 6n, 0, 'BinarySI'], ['10Ti', 10n * 1024n ** 4n, 0, 'BinarySI'], ['100Ti', 100n * 1024n ** 4n, 0, 'BinarySI'],
      ['5n', 5n, -9, 'DecimalSI'], ['4u', 4n, -6, 'DecimalSI'], ['3m', 3n, -3, 'DecimalSI'], ['9', 9n, 0, 'DecimalSI'],
      ['8k', 8n, 3, 'DecimalSI'], ['50k', 5n, 4, 'DecimalSI'], ['7M', 7n, 6, 'DecimalSI'], ['6G', 6n, 9, 'DecimalSI'],
      ['5T', 5n, 12, 'DecimalSI'], ['40T', 4n, 13, 'DecimalSI'], ['300T', 3n, 14, 'DecimalSI'], ['2P', 2n, 15, 'DecimalSI'], ['1E', 1n, 18, 'DecimalSI'],
      ['1E-3', 1n, -3, 'DecimalExponent'], ['1e3', 1n, 3, 'DecimalExponent'], ['1E6', 1n, 6, 'DecimalExponent'], ['1e9', 1n, 9, 'DecimalExponent'],
      ['1E12', 1n, 12, 'DecimalExponent'], ['1e15', 1n, 15, 'DecimalExponent'], ['1E18', 1n, 18, 'DecimalExponent'],
      ['1e14', 1n, 14, 'DecimalExponent'], ['1e13', 1n, 13, 'DecimalExponent'], ['100.035k', 100035n, 0, 'DecimalSI'],
      ['0.001', 1n, -3, 'DecimalSI'], ['0.0005k', 5n, -1, 'DecimalSI'], ['0.005', 5n, -3, 'DecimalSI'], ['0.05', 5n, -2, 'DecimalSI'],
      ['0.5', 5n, -1, 'DecimalSI'], ['0.00050k', 5n, -1, 'DecimalSI'], ['0.00500', 5n, -3, 'DecimalSI'], ['0.05000', 5n, -2, 'DecimalSI'],
      ['0.50000', 5n, -1, 'DecimalSI'], ['0.5e0', 5n, -1, 'DecimalExponent'], ['0.5e-1', 5n, -2, 'DecimalExponent'],
      ['0.5e-2', 5n, -3, 'DecimalExponent'], ['10.035M', 10035n, 3, 'DecimalSI'],
      ['1.2e3', 12n, 2, 'DecimalExponent'], ['1.3E+6', 13n, 5, 'DecimalExponent'], ['1.40e9', 14n, 8, 'DecimalExponent'],
      ['1.53E12', 153n, 10, 'DecimalExponent'], ['1.6e15', 16n, 14, 'DecimalExponent'], ['1.7E18', 17n, 17, 'DecimalExponent'],
      ['9.01', 901n, -2, 'DecimalSI'], ['8.1k', 81n, 2, 'DecimalSI'], ['7.123456M', 7123456n, 0, 'DecimalSI'],
      ['6.987654321G', 6987654321n, 0, 'DecimalSI'], ['5.444T', 5444n, 9, 'DecimalSI'], ['40.1T', 401n, 11, 'DecimalSI'],
      ['300.2T', 3002n, 11, 'DecimalSI'], ['2.5P', 25n, 14, 'DecimalSI'], ['1.01E', 101n, 16, 'DecimalSI'],
      ['3.001n', 4n, -9, 'DecimalSI'], ['1.1E-9', 2n, -9, 'DecimalExponent'], ['0.0000000001', 1n, -9, 'DecimalSI'],
      ['0.0000000005', 1n, -9, 'DecimalSI'], ['0.00000000050', 1n, -9, 'DecimalSI'], ['0.5e-9', 1n, -9, 'DecimalExponent'],
      ['0.9n', 1n, -9, 'DecimalSI'], ['0.00000012345', 124n, -9, 'DecimalSI'], ['0.00000012354', 124n, -9, 'DecimalSI'],
      ['9Ei', 'max', 0, 'BinarySI'], ['9223372036854775807Ki', 'max', 0, 'BinarySI'], ['12E', 12n, 18, 'DecimalSI'],
      ['100.035Ki', 10243584n, -2, 'BinarySI'], ['0.5Mi', 524288n, 0, 'BinarySI'], ['0.05Gi', 536870912n, -1, 'BinarySI'],
      ['0.025Ti', 274877906944n, -1, 'BinarySI'],
      ['0.000000000001Ki', 2n, -9, 'DecimalSI'], ['.001', 1n, -3, 'DecimalSI'], ['.0001k', 100n, -3, 'DecimalSI'],
      ['1.', 1n, 0, 'DecimalSI'], ['1.G', 1n, 9, 'DecimalSI'],
    ];
    const nanosOf = (unscaled: bigint | 'max', exp: number) =>
      unscaled === 'max' ? maxAllowed : exp + 9 >= 0 ? unscaled * 10n ** BigInt(exp + 9) : unscaled / 10n ** BigInt(-(exp + 9));
    for (const [input, unscaled, exp, format] of table) {
      it(`${input}, and -${input} and +${input}`, () => {
        const want = nanosOf(unscaled, exp);
        for (const [sign, factor] of [['', 1n], ['-', -1n], ['+', 1n]] as const) {
          const q = Quantity.parse(sign + input);
          assert.equal(q.nanos, want * factor, `${sign}${input}`);
          assert.equal(q.format, format, `${sign}${input}`);
        }
      });
    }
  });

  describe("apimachinery's TestQuantityString and TestQuantityParseEmit tables", () => {
    // [canonical, an alternate spelling of the same value]
    const table: [string, string][] = [
      ['1Gi', '1024Mi'], ['300Mi', '307200Ki'], ['6Ki', ''], ['1001Gi', '1025024Mi'], ['1Ti', '1024Gi'], ['5', '5000m'],
      ['500m', '0.5'], ['1G', '1000M'], ['1G', '0.001T'], ['1m', '1000u'], ['80m', ''], ['1080m', '1.08'], ['1080m', '1080000000n'],
      ['300M', ''], ['1T', ''], ['1234567M', ''], ['1234567m', ''], ['3k', ''], ['1025', ''], ['0', ''], ['1e9', '.001e12'],
      ['1e-3', '0.001e0'], ['1e-9', '1000e-12'], ['80e-3', ''], ['300e6', ''], ['1e12', ''], ['1e3', ''], ['3e3', ''], ['0', '00'],
      ['1n', ''], ['80n', ''], ['1080n', ''], ['1u', ''], ['80u', ''], ['1080u', ''],
    ];
    for (const [canonical, alternate] of table) {
      it(`${canonical}${alternate ? ` ← ${alternate}` : ''}`, () => {
        assert.equal(Quantity.parse(canonical).toString(), canonical);
        if (alternate) assert.equal(Quantity.parse(alternate).toString(), canonical);
        if (canonical !== '0') assert.equal(Quantity.parse(canonical).neg().toString(), `-${canonical}`);
      });
    }
    const emit: [string, string][] = [
      ['1Ki', '1Ki'], ['1Mi', '1Mi'], ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1000M', '1G'], ['.001Ki', '1024m'],
      ['.000001Ki', '1024u'], ['.000000001Ki', '1024n'], ['.000000000001Ki', '2n'],
    ];
    for (const [input, out] of emit) {
      it(`${input} is stored as ${out}, and -${input} as -${out}`, () => {
        assert.equal(Quantity.parse(input).toString(), out);
        assert.equal(Quantity.parse(`-${input}`).toString(), `-${out}`);
      });
    }
  });

  it('gives the same text the same quantity every time, among many others, and never remembers a failure', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => [`${i}m`, `${i}Mi`, `${i}e3`][i % 3]!);
    const first = texts.map((t) => Quantity.parse(t).toString());
    assert.deepEqual(texts.map((t) => Quantity.parse(t).toString()), first);
    assert.equal(Quantity.parse('1.5Gi').toString(), '1536Mi');
    assert.equal(Quantity.parse(2).toString(), '2');
    for (let i = 0; i < 2; i++) assert.throws(() => Quantity.parse('12x'), /quantities must match the regular expression/);
  });

  it('keeps the format family of the input', () => {
    assert.equal(Quantity.parse('1Mi').format, 'BinarySI');
    assert.equal(Quantity.parse('1M').format, 'DecimalSI');
    assert.equal(Quantity.parse('1e6').format, 'DecimalExponent');
    // Below one, binary has no suffix to say it: it becomes DecimalSI.
    assert.equal(Quantity.parse('0.0000000001Ki').format, 'DecimalSI');
  });

  it('decodes JSON values as UnmarshalJSON does: surrounding whitespace trimmed, numbers accepted', () => {
    for (const [input, out] of [[' 1', '1'], ['1 ', '1'], [1, '1'], [10, '10'], [-1, '-1'], [' -1', '-1']] as const)
      assert.equal(Quantity.fromJSON(input).toString(), out, JSON.stringify(input));
    assert.throws(() => Quantity.parse(' 1'), QuantityParseError);
    assert.equal(Quantity.tryParse(true), undefined);
  });

  it('accepts numbers as JSON decoding does', () => {
    assert.equal(Quantity.parse(0.5).toString(), '500m');
    assert.equal(Quantity.parse(2).toString(), '2');
  });

  describe('rejects malformed text with Kubernetes’ messages', () => {
    const bad: [string, string][] = [
      ['', quantityErrors.formatWrong],
      ['1.1.M', quantityErrors.formatWrong],
      ['1+1.0M', quantityErrors.formatWrong],
      ['0.1mi', quantityErrors.suffix],
      ['0.1am', quantityErrors.formatWrong],
      ['aoeu', quantityErrors.formatWrong],
      ['.5i', quantityErrors.suffix],
      ['1i', quantityErrors.suffix],
      ['-3.01i', quantityErrors.suffix],
      ['-3.01e-', quantityErrors.suffix],
      ['1 ', quantityErrors.formatWrong],
      [' 1', quantityErrors.formatWrong],
      ['1i ', quantityErrors.formatWrong],
      ['1Zi', quantityErrors.formatWrong],
      ['1KiB', quantityErrors.formatWrong],
      ['1Ki2', quantityErrors.suffix],
    ];
    for (const [input, message] of bad) {
      it(JSON.stringify(input), () => assert.throws(() => Quantity.parse(input), (e: unknown) => e instanceof QuantityParseError && e.message === message));
    }
    it('names the regular expression in the format message', () =>
      assert.equal(quantityErrors.formatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  });

  describe('arithmetic is exact', () => {
    it('adds tenths without float drift', () => {
      let sum = Quantity.zero();
      for (let i = 0; i < 10; i++) sum = sum.add(Quantity.parse('0.1'));
      assert.equal(sum.toString(), '1');
      assert.equal(sum.cmp(Quantity.parse('1')), 0);
    });
    it('compares across formats by value', () => {
      assert.equal(Quantity.parse('1Gi').cmp(Quantity.parse('1073741824')), 0);
      assert.equal(Quantity.parse('1G').cmp(Quantity.parse('1Gi')), -1);
      assert.equal(Quantity.parse('500m').cmp(Quantity.parse('0.4')), 1);
    });
    it('subtracts, and a zero receiver takes the other format', () => {
      const q = Quantity.zero().add(Quantity.parse('1Gi'));
      assert.equal(q.format, 'BinarySI');
      assert.equal(q.sub(Quantity.parse('512Mi')).toString(), '512Mi');
      assert.equal(Quantity.parse('1').sub(Quantity.parse('1500m')).toString(), '-500m');
    });
    it('rounds Value and MilliValue up', () => {
      assert.equal(Quantity.parse('1500m').value(), 2);
      assert.equal(Quantity.parse('1n').milliValue(), 1);
      assert.equal(Quantity.parse('0.5').milliValue(), 500);
      assert.equal(Quantity.parse('2Gi').value(), 2 * 1024 ** 3);
      assert.equal(Quantity.parse('-1500m').value(), -2);
    });
    it('builds from milli-units', () => {
      assert.equal(Quantity.fromMilli(250).toString(), '250m');
      assert.equal(Quantity.fromValue(3, 'BinarySI').toString(), '3');
      assert.equal(Quantity.fromValue(2048, 'BinarySI').toString(), '2Ki');
    });
    it('rounds up to a scale as RoundUp does, keeping a text already that precise', () => {
      assert.equal(Quantity.parse('100u').roundUp(-3).toString(), '1m');
      assert.equal(Quantity.parse('-100u').roundUp(-3).toString(), '-1m');
      assert.equal(Quantity.parse('1500u').roundUp(-3).toString(), '2m');
      assert.equal(Quantity.parse('9.01').roundUp(-1).toString(), '9100m');
      assert.equal(Quantity.parse('9.01').roundUp(0).toString(), '10');
      assert.equal(Quantity.parse('+1k').roundUp(-3).toString(), '+1k');
      assert.equal(Quantity.parse('1.5Gi').roundUp(-3).toString(), '1536Mi');
    });
    it('caps binary quantities at the int64 maximum', () => {
      assert.equal(Quantity.parse('99999999999Ei').toString(), '9223372036854775807');
    });
  });
});
