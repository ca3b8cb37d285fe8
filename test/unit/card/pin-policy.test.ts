/** The SITHS PIN policy table and the PinSecret that carries a PIN without ever showing it. */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNewPin, checkSecretFormat, fitsCardLimits, trivialPinWarnings } from '../../../electron/card/pin/pin-policy.js';
import { PinSecret } from '../../../electron/card/pin/pin-secret.js';
import { encodePin } from '../../../electron/card/pin/pin-encoding.js';

const s = (text: string) => PinSecret.fromText(text);

describe('the SITHS PIN policy', () => {
  it('a PIN is six digits, a PUK eight', () => {
    expect(checkSecretFormat('pin', s('123456'))).toBeNull();
    expect(checkSecretFormat('pin', s('1234567'))).toBe('pin-not-six-digits');
    expect(checkSecretFormat('pin', s('12 456'))).toBe('pin-not-six-digits');
    expect(checkSecretFormat('puk', s('12345678'))).toBeNull();
    expect(checkSecretFormat('puk', s('123456'))).toBe('puk-not-eight-digits');
  });

  it('a new PIN differs from the old one and equals its confirmation', () => {
    expect(checkNewPin(s('246813'), s('246813'), s('123456'))).toEqual({ refusals: [], warnings: [] });
    expect(checkNewPin(s('123456'), s('123456'), s('123456')).refusals).toEqual(['new-equals-old']);
    expect(checkNewPin(s('246813'), s('246814')).refusals).toEqual(['confirmation-differs']);
  });

  it('warns of one digit repeated and of ascending or descending runs', () => {
    expect(trivialPinWarnings(s('777777'))).toEqual(['repeated-digit']);
    expect(trivialPinWarnings(s('345678'))).toEqual(['ascending-run']);
    expect(trivialPinWarnings(s('654321'))).toEqual(['descending-run']);
    expect(trivialPinWarnings(s('135792'))).toEqual([]);
  });

  it('refuses anything that is not six digits, and accepts every six-digit string (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const sixDigits = /^[0-9]{6}$/.test(text);
        expect(checkSecretFormat('pin', s(text)) === null).toBe(sixDigits);
      }),
      { numRuns: 2000 },
    );
  });

  it('checks the card’s own limits for the PIN object', () => {
    expect(fitsCardLimits({ minLength: 6, maxLength: 8, storedLength: 8 }, s('123456'))).toBe(true);
    expect(fitsCardLimits({ minLength: 6, maxLength: 8, storedLength: 8 }, s('123456789'))).toBe(false);
    expect(fitsCardLimits({ minLength: 8, maxLength: null, storedLength: 8 }, s('123456'))).toBe(false);
  });
});

describe('PinSecret', () => {
  it('never shows its digits: string, JSON, inspect and template strings give ** ** **', () => {
    const pin = s('123456');
    expect(String(pin)).toBe('** ** **');
    expect(`${pin}`).toBe('** ** **');
    expect(JSON.stringify({ pin })).toBe('{"pin":"** ** **"}');
    expect(inspect(pin)).not.toContain('123456');
    expect(inspect({ nested: pin }, { depth: 5 })).not.toContain('123456');
  });

  it('takes over a buffer (zeroing it), and is empty once wiped', () => {
    const typed = Buffer.from('123456');
    const pin = PinSecret.fromBytes(typed);
    expect([...typed]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(pin.use((digits) => Buffer.from(digits).toString())).toBe('123456');
    pin.wipe();
    expect(pin.length).toBe(0);
    expect(() => pin.use(() => 0)).toThrow();
  });

  it('is encoded as the PIN object says: padded only with the needs-padding flag', () => {
    const asSetcos = encodePin({ pinType: 'ascii-numeric', storedLength: 8, padChar: 0xff, flags: ['local', 'initialized'] }, s('123456'));
    expect(Buffer.from(asSetcos).toString('hex')).toBe('313233343536');
    const asIdPrime = encodePin({ pinType: 'ascii-numeric', storedLength: 16, padChar: 0x00, flags: ['initialized', 'needs-padding'] }, s('123456'));
    expect(Buffer.from(asIdPrime).toString('hex')).toBe('313233343536' + '00'.repeat(10));
    expect(() => encodePin({ pinType: 'bcd', storedLength: 8, padChar: 0xff, flags: [] }, s('123456'))).toThrow(/not supported/);
  });
});
