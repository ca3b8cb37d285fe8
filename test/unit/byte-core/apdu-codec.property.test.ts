/**
 * The one ISO 7816-4 APDU codec (native/apdu-codec.ts) that the card layer encodes with and the
 * simulator decodes with. Encoding then decoding gives the command back, in every length form;
 * and whatever bytes come in, decoding either refuses them (undefined, or a
 * MalformedCommandApduError) or gives fields that encode back to exactly those bytes, so no
 * input is ever decoded as another command.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeCommandApdu,
  decodeResponseApdu,
  encodeCommandApdu,
  encodeResponseApdu,
  MalformedCommandApduError,
  maxExtendedLc,
  needsExtendedLength,
  tryDecodeCommandApdu,
  type CommandApdu,
  type DecodedCommandApdu,
  type LengthEncoding,
} from '../../../native/apdu-codec.js';
import { fromHex, toHex } from '../../../native/bytes.js';

const byte = fc.integer({ min: 0, max: 255 });

/** Command data: mostly short, sometimes beyond a short Lc, now and then near the extended limit. */
const commandData = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: maxExtendedLc - 8, max: maxExtendedLc }).map((length) => new Uint8Array(length).fill(0xa5)) },
);

/** Ne: absent, at the short edges, at the extended edges, or anywhere between. */
const ne = fc.option(fc.oneof(fc.constantFrom(1, 255, 256, 257, 65535, 65536), fc.integer({ min: 1, max: 65536 })), { nil: undefined });

const command: fc.Arbitrary<CommandApdu> = fc
  .record({ cla: byte, ins: byte, p1: byte, p2: byte, data: commandData, le: ne })
  .map(({ le, ...rest }) => (le === undefined ? rest : { ...rest, le }));

const encoding = fc.constantFrom<LengthEncoding>('auto', 'short', 'extended');

/** Whether `command` can be encoded in `form` at all (short cannot carry more than 255 bytes or Ne 256). */
function fits(c: CommandApdu, form: LengthEncoding): boolean {
  return form !== 'short' || !needsExtendedLength(c);
}

/** The length form a decoded command encodes back in, so that the bytes can be compared. */
function sameForm(decoded: DecodedCommandApdu): LengthEncoding {
  return decoded.extended ? 'extended' : 'short';
}

/**
 * Bytes near command APDUs: valid encodings with one change (a byte more or fewer, a length byte
 * set to something else, a cut), plus raw noise. Most are malformed; some become other valid ones.
 */
const nearCommand = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc
    .tuple(command, encoding, fc.nat(), byte, fc.constantFrom('cut', 'append', 'set', 'drop-first-of-body'))
    .filter(([c, form]) => fits(c, form) && (c.data?.length ?? 0) < 1000)
    .map(([c, form, position, value, change]) => {
      const bytes = encodeCommandApdu(c, form);
      const at = 4 + (position % Math.max(1, bytes.length - 4));
      if (change === 'cut') return bytes.slice(0, at);
      if (change === 'append') return Uint8Array.from([...bytes, value]);
      if (change === 'drop-first-of-body') return Uint8Array.from([...bytes.subarray(0, 4), ...bytes.subarray(5)]);
      const changed = bytes.slice();
      changed[Math.min(at, changed.length - 1)] = value;
      return changed;
    }),
);

describe('command APDU codec', () => {
  it('decodes what it encodes, in auto, short and extended form (property)', () => {
    fc.assert(
      fc.property(command, encoding, (c, form) => {
        fc.pre(fits(c, form));
        const decoded = decodeCommandApdu(encodeCommandApdu(c, form));
        expect([decoded.cla, decoded.ins, decoded.p1, decoded.p2]).toEqual([c.cla, c.ins, c.p1, c.p2]);
        expect(toHex(decoded.data)).toBe(toHex(c.data ?? new Uint8Array(0)));
        expect(decoded.le).toBe(c.le);
        const hasLengthField = (c.data?.length ?? 0) > 0 || c.le !== undefined;
        expect(decoded.extended).toBe(hasLengthField && (form === 'extended' || needsExtendedLength(c)));
      }),
    );
  });

  it('never decodes bytes as another command: a decoded APDU encodes back to the same bytes (property)', () => {
    fc.assert(
      fc.property(nearCommand, (bytes) => {
        const decoded = tryDecodeCommandApdu(bytes);
        if (decoded !== undefined) expect(toHex(encodeCommandApdu(decoded, sameForm(decoded)))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses malformed bytes only with MalformedCommandApduError, exactly when the lenient form says undefined (property)', () => {
    fc.assert(
      fc.property(nearCommand, (bytes) => {
        const lenient = tryDecodeCommandApdu(bytes);
        let thrown: unknown;
        try {
          decodeCommandApdu(bytes);
        } catch (error) {
          thrown = error;
        }
        if (lenient === undefined) {
          expect(thrown).toBeInstanceOf(MalformedCommandApduError);
          // Callers that caught RangeError before the codec was shared still catch it.
          expect(thrown).toBeInstanceOf(RangeError);
        } else {
          expect(thrown).toBeUndefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the edges of each case as ISO 7816-4 §5.1 writes them', () => {
    const noData = '';
    // [bytes, data, Ne, extended]; undefined: not a command APDU.
    const cases: [string, [string, number | undefined, boolean] | undefined][] = [
      ['00A40000', [noData, undefined, false]],
      ['00B0000000', [noData, 256, false]],
      ['00B00000FF', [noData, 255, false]],
      ['00A4000C023F00', ['3F00', undefined, false]],
      ['00A40400023F0000', ['3F00', 256, false]],
      ['00B00000000000', [noData, 65536, true]],
      ['00B00000000100', [noData, 256, true]],
      ['00A400000000023F00', ['3F00', undefined, true]],
      ['00A400000000023F000000', ['3F00', 65536, true]],
      // Too short; short Lc past the end; short Lc 00; extended Lc 00 00; extended Lc past the end.
      ['00A400', undefined],
      ['00A40000033F00', undefined],
      ['00A400000010', undefined],
      ['00A40000000000FFFF', undefined],
      ['00A4000000000201', undefined],
    ];
    for (const [hex, expected] of cases) {
      const decoded = tryDecodeCommandApdu(fromHex(hex));
      if (expected === undefined) {
        expect(decoded, hex).toBeUndefined();
        continue;
      }
      const [data, le, extended] = expected;
      expect(decoded && [toHex(decoded.data), decoded.le, decoded.extended], hex).toEqual([data, le, extended]);
    }
  });

  it('refuses to encode what no APDU of the asked form can carry', () => {
    const header = { cla: 0, ins: 0xb0, p1: 0, p2: 0 };
    expect(() => encodeCommandApdu({ ...header, data: new Uint8Array(maxExtendedLc + 1) })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, data: new Uint8Array(256) }, 'short')).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, le: 1.5 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...header, cla: -1 })).toThrow(RangeError);
  });
});

describe('response APDU codec', () => {
  it('splits what it joins: data, then SW1 SW2 (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 0xffff }), (data, sw) => {
        const bytes = encodeResponseApdu(sw, data);
        expect(bytes.length).toBe(data.length + 2);
        const decoded = decodeResponseApdu(bytes);
        expect(decoded?.sw).toBe(sw);
        expect(toHex(decoded?.data ?? new Uint8Array(1))).toBe(toHex(data));
      }),
    );
  });

  it('has no answer without a status word', () => {
    expect(decodeResponseApdu(new Uint8Array(0))).toBeUndefined();
    expect(decodeResponseApdu(fromHex('90'))).toBeUndefined();
    expect(decodeResponseApdu(fromHex('9000'))).toEqual({ data: new Uint8Array(0), sw: 0x9000 });
  });
});
