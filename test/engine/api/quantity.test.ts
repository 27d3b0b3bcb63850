// resource.Quantity: parsing, canonical text and arithmetic, from apimachinery's quantity_test tables.

import assert from 'node:assert/strict';
import { Quantity, QuantityParseError, quantityErrors } from '../../../engine/api/quantity.js';

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

  it('keeps the format family of the input', () => {
    assert.equal(Quantity.parse('1Mi').format, 'BinarySI');
    assert.equal(Quantity.parse('1M').format, 'DecimalSI');
    assert.equal(Quantity.parse('1e6').format, 'DecimalExponent');
    // Below one, binary has no suffix to say it: it becomes DecimalSI.
    assert.equal(Quantity.parse('0.0000000001Ki').format, 'DecimalSI');
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
    it('caps binary quantities at the int64 maximum', () => {
      assert.equal(Quantity.parse('99999999999Ei').toString(), '9223372036854775807');
    });
  });
});
