import { describe, expect, it } from 'vitest';
import { CardRemovedError, PcscError, fromHex, isTransportError, toHex } from '../../native/transport.js';

describe('transport contract', () => {
  it('round-trips hex', () => {
    expect(toHex(fromHex('00 a4 04 00'))).toBe('00A40400');
    expect(() => fromHex('0')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });
  it('serialises typed errors as {code, message}', () => {
    const e = new CardRemovedError(undefined, 0x80100069);
    expect(isTransportError(e)).toBe(true);
    expect(e.name).toBe('CardRemovedError');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'card-removed', message: 'The card was removed' });
    expect(new PcscError(0x8010001d).message).toBe('PC/SC error 0x8010001D');
  });
});
