import { describe, expect, it } from 'vitest';
import {
  CardRemovedError,
  CardResetError,
  NoCardError,
  NoReadersError,
  PcscError,
  ReaderUnavailableError,
  ServiceNotRunningError,
  SharingViolationError,
  TransportTimeoutError,
  UnresponsiveCardError,
} from '../../../native/transport.js';
import { isServiceGone, parsePcscCode, toTransportError, transportErrorForCode } from '../../../native/pcsc/errors.js';

describe('PC/SC error codes', () => {
  it.each([
    [0x8010001d, ServiceNotRunningError, 'service-not-running'],
    [0x8010001e, ServiceNotRunningError, 'service-not-running'],
    [0x80100013, ServiceNotRunningError, 'service-not-running'],
    [0x8010002e, NoReadersError, 'no-readers'],
    [0x80100017, ReaderUnavailableError, 'reader-unavailable'],
    [0x80100009, ReaderUnavailableError, 'reader-unavailable'],
    [0x8010000c, NoCardError, 'no-card'],
    [0x80100069, CardRemovedError, 'card-removed'],
    [0x80100068, CardResetError, 'card-reset'],
    [0x8010000b, SharingViolationError, 'sharing-violation'],
    [0x8010000a, TransportTimeoutError, 'timeout'],
    [0x80100066, UnresponsiveCardError, 'unresponsive-card'],
    [0x80100067, UnresponsiveCardError, 'unresponsive-card'],
  ])('maps 0x%s to its own typed error', (code, type, typeCode) => {
    const error = transportErrorForCode(code);
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(typeCode);
    expect(error.pcscCode).toBe(code);
  });

  it('keeps any other code, printed in hex', () => {
    const error = transportErrorForCode(0x8010000f);
    expect(error).toBeInstanceOf(PcscError);
    expect(error.code).toBe('pcsc-error');
    expect(error.pcscCode).toBe(0x8010000f);
    expect(error.message).toContain('0x8010000F');
  });

  it('names a failed exchange (SCARD_E_NOT_TRANSACTED) as such, keeping the code', () => {
    const error = transportErrorForCode(0x80100016);
    expect(error).toBeInstanceOf(PcscError);
    expect(error.pcscCode).toBe(0x80100016);
    expect(error.message).toMatch(/could not complete the exchange.*0x80100016/);
  });
});

describe('parsing the binding messages', () => {
  it('reads the code as pcsclite prints it on Linux', () => {
    expect(parsePcscCode('SCardConnect error: Sharing violation.(0x8010000b)')).toBe(0x8010000b);
    expect(parsePcscCode('SCardGetStatusChange error: RPC transport error.(0x80100013)')).toBe(0x80100013);
  });
  it('reads a sign-extended 64-bit code', () => {
    expect(parsePcscCode('SCardTransmit error: x(0xffffffff80100069)')).toBe(0x80100069);
  });
  it('falls back on the pcsc-lite wording when no code is printed', () => {
    expect(parsePcscCode('Sharing violation.')).toBe(0x8010000b);
    expect(parsePcscCode('Service not available.')).toBe(0x8010001d);
    expect(parsePcscCode('Card was removed.')).toBe(0x80100069);
    expect(parsePcscCode('Transaction failed.')).toBe(0x80100016);
    expect(parsePcscCode('An attempt was made to end a non-existent transaction.')).toBe(0x80100016);
    expect(parsePcscCode('Card Reader not connected')).toBeUndefined();
  });
  it('turns binding errors into typed errors with the operation in the message', () => {
    const error = toTransportError(new Error('SCardConnect error: Sharing violation.(0x8010000b)'), 'connect to R');
    expect(error).toBeInstanceOf(SharingViolationError);
    expect(error.message).toContain('connect to R');
    const unknown = toTransportError(new Error('something odd'));
    expect(unknown).toBeInstanceOf(PcscError);
    expect(unknown.pcscCode).toBe(0x80100014);
    const already = new CardRemovedError();
    expect(toTransportError(already)).toBe(already);
  });
  it('knows which errors mean the service is gone', () => {
    expect(isServiceGone(new Error('x(0x80100013)'))).toBe(true);
    expect(isServiceGone(new Error('x(0x8010001d)'))).toBe(true);
    expect(isServiceGone(new ServiceNotRunningError(undefined, 0x8010001e))).toBe(true);
    expect(isServiceGone(new Error('x(0x8010000b)'))).toBe(false);
    expect(isServiceGone(new Error('x(0x80100002)'))).toBe(false);
  });
});
