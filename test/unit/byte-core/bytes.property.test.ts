/**
 * The byte helpers the whole house shares (native/bytes.ts), checked against Node's Buffer as an
 * independent oracle: hex both ways, joining, comparing, on views into larger buffers too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../../native/bytes.js';

/** Bytes, sometimes as a view with an offset into a larger buffer (what subarray() hands around). */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat()).map(([buffer, a, b]) => {
    const start = a % buffer.length;
    return buffer.subarray(start, start + (b % (buffer.length - start + 1)));
  }),
);

const oracleHex = (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase();

describe('hex', () => {
  it('writes upper-case hex as Buffer does, with the separator between bytes only (property)', () => {
    fc.assert(
      fc.property(bytes, fc.constantFrom('', ' ', ':'), (value, separator) => {
        const expected = separator === '' ? oracleHex(value) : (oracleHex(value).match(/../g) ?? []).join(separator);
        expect(toHex(value, separator)).toBe(expected);
      }),
    );
  });

  it('reads back what it writes, whatever the case and spacing (property)', () => {
    fc.assert(
      fc.property(bytes, fc.constantFrom('', ' ', ':', ' : ', '\n'), fc.boolean(), (value, separator, lower) => {
        const text = toHex(value, separator);
        expect(oracleHex(fromHex(lower ? text.toLowerCase() : text))).toBe(oracleHex(value));
      }),
    );
  });

  it('refuses what is not hex with a TypeError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const clean = text.replace(/[\s:]/g, '');
        const isHex = clean.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(clean);
        if (isHex) expect(oracleHex(fromHex(text))).toBe(clean.toUpperCase());
        else expect(() => fromHex(text)).toThrow(TypeError);
      }),
    );
    expect(() => fromHex('ABC')).toThrow(TypeError);
    expect(() => fromHex('0x12')).toThrow(TypeError);
  });
});

describe('concatBytes', () => {
  it('puts the parts one after the other, as Buffer.concat does (property)', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 6 }), (parts) => {
        expect(oracleHex(concatBytes(...parts))).toBe(oracleHex(Buffer.concat(parts)));
      }),
    );
  });

  it('returns a new array, never one of the parts (callers wipe or change the result)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), (part) => {
        const before = oracleHex(part);
        const joined = concatBytes(part);
        joined.fill(0);
        expect(oracleHex(part)).toBe(before);
        expect(concatBytes(part, new Uint8Array(0))).not.toBe(part);
      }),
    );
  });
});

describe('bytesEqual', () => {
  it('says equal exactly when Buffer.equals does (property)', () => {
    const pair = fc.oneof(
      fc.tuple(bytes, bytes),
      // The same bytes in another buffer, with at most one byte changed or one more at the end.
      fc.tuple(bytes, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('copy', 'change', 'longer')).map(([a, at, value, how]) => {
        const b = Uint8Array.from(a);
        if (how === 'change' && b.length > 0) b[at % b.length] = value;
        return [a, how === 'longer' ? Uint8Array.from([...b, value]) : b] as const;
      }),
    );
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const expected = Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
        expect(bytesEqual(a, b)).toBe(expected);
        expect(bytesEqual(b, a)).toBe(expected);
      }),
    );
  });
});
