import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../native/transport.js';
import { decodeCommandApdu, describeStatusWord, encodeCommandApdu, formatStatusWord, parseResponseApdu } from '../../../electron/card/apdu.js';
import { MalformedResponseError } from '../../../electron/card/errors.js';
import { statusWordMessages } from '../../../electron/card/status-words.js';
import { placeholdersOf } from '../../../electron/i18n/index.js';

const header = { cla: 0x00, ins: 0xb0, p1: 0x01, p2: 0x02 };

describe('command APDU encoding', () => {
  it('encodes the four short cases', () => {
    expect(toHex(encodeCommandApdu({ ...header }))).toBe('00B00102');
    expect(toHex(encodeCommandApdu({ ...header, le: 0xff }))).toBe('00B00102FF');
    expect(toHex(encodeCommandApdu({ ...header, le: 256 }))).toBe('00B0010200');
    expect(toHex(encodeCommandApdu({ ...header, data: fromHex('5031') }))).toBe('00B00102025031');
    expect(toHex(encodeCommandApdu({ ...header, data: fromHex('5031'), le: 256 }))).toBe('00B0010202503100');
  });

  it('switches to extended length when data or Le do not fit, and on request', () => {
    expect(toHex(encodeCommandApdu({ ...header, le: 257 }))).toBe('00B00102000101');
    expect(toHex(encodeCommandApdu({ ...header, le: 65536 }))).toBe('00B00102000000');
    const data = new Uint8Array(300).fill(0xab);
    const case3 = encodeCommandApdu({ ...header, data });
    expect(toHex(case3.subarray(0, 7))).toBe('00B0010200012C');
    expect(case3.length).toBe(7 + 300);
    const case4 = encodeCommandApdu({ ...header, data, le: 65536 });
    expect(toHex(case4.subarray(case4.length - 2))).toBe('0000');
    expect(toHex(encodeCommandApdu({ ...header, le: 0xff }, 'extended'))).toBe('00B001020000FF');
    expect(toHex(encodeCommandApdu({ ...header, data: fromHex('AB'), le: 2 }, 'extended'))).toBe('00B00102000001AB0002');
    // Case 1 has no length fields, so there is nothing to extend.
    expect(toHex(encodeCommandApdu({ ...header }, 'extended'))).toBe('00B00102');
  });

  it('refuses what no APDU can carry', () => {
    expect(() => encodeCommandApdu({ ...header, le: 0 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, le: 65537 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, p1: 256 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, le: 300 }, 'short')).toThrow(RangeError);
  });

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          ins: fc.integer({ min: 0, max: 255 }),
          data: fc.uint8Array({ maxLength: 400 }),
          le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
          extended: fc.boolean(),
        }),
        ({ ins, data, le, extended }) => {
          const command = { cla: 0, ins, p1: 0, p2: 0, data, ...(le === undefined ? {} : { le }) };
          const decoded = decodeCommandApdu(encodeCommandApdu(command, extended ? 'extended' : 'auto'));
          expect(toHex(decoded.data)).toBe(toHex(data));
          expect(decoded.le).toBe(le);
        },
      ),
    );
  });
});

describe('response APDU', () => {
  it('splits data and status word', () => {
    const response = parseResponseApdu(fromHex('0102036282'));
    expect(toHex(response.data)).toBe('010203');
    expect(formatStatusWord(response.sw)).toBe('6282');
  });
  it('rejects a response without a status word', () => {
    expect(() => parseResponseApdu(fromHex('90'))).toThrow(MalformedResponseError);
  });
});

describe('status words', () => {
  it('names exact words, counters and classes in both languages', () => {
    expect(describeStatusWord(0x6a82, 'en')).toBe('File or application not found');
    expect(describeStatusWord(0x6a82, 'sv')).toBe('Filen eller applikationen finns inte');
    expect(describeStatusWord(0x63c2, 'en')).toContain('2 tries left');
    expect(describeStatusWord(0x63c2, 'sv')).toContain('2 försök kvar');
    expect(describeStatusWord(0x6110, 'en')).toContain('16 bytes');
    expect(describeStatusWord(0x6c00, 'en')).toContain('256 bytes');
    expect(describeStatusWord(0x6a99, 'en')).toBe('Wrong parameters P1-P2');
    expect(describeStatusWord(0x9f10, 'en')).toBe('Card-specific answer');
    expect(describeStatusWord(0x1234, 'en')).toBe('Unknown status word');
  });
  it('has every message in both catalogues with the same placeholders', () => {
    expect(Object.keys(statusWordMessages.en).sort()).toEqual(Object.keys(statusWordMessages.sv).sort());
    for (const key of Object.keys(statusWordMessages.sv) as (keyof typeof statusWordMessages.sv)[]) {
      expect(placeholdersOf(statusWordMessages.en[key])).toEqual(placeholdersOf(statusWordMessages.sv[key]));
    }
  });
});
