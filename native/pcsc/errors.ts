/**
 * PC/SC return codes and their typed errors. The pcsclite binding reports failures as Error
 * messages with the code in the text, e.g. `SCardConnect error: Sharing violation.(0x8010000b)`;
 * on 64-bit Windows builds the code may be printed sign-extended. Both are parsed here, with the
 * pcsc-lite wording as a fallback when no code is printed at all.
 */
import {
  CardRemovedError,
  CardResetError,
  NoCardError,
  NoReadersError,
  PcscError,
  ReaderUnavailableError,
  ServiceNotRunningError,
  SharingViolationError,
  TransportError,
  TransportTimeoutError,
  UnresponsiveCardError,
} from '../transport.js';

export const SCARD_S_SUCCESS = 0x00000000;
export const SCARD_F_INTERNAL_ERROR = 0x80100001;
export const SCARD_E_CANCELLED = 0x80100002;
export const SCARD_E_INVALID_HANDLE = 0x80100003;
export const SCARD_E_UNKNOWN_READER = 0x80100009;
export const SCARD_E_TIMEOUT = 0x8010000a;
export const SCARD_E_SHARING_VIOLATION = 0x8010000b;
export const SCARD_E_NO_SMARTCARD = 0x8010000c;
export const SCARD_E_PROTO_MISMATCH = 0x8010000f;
export const SCARD_E_NOT_TRANSACTED = 0x80100016;
export const SCARD_E_READER_UNAVAILABLE = 0x80100017;
/** pcsc-lite's client library says this when its socket to pcscd breaks (pcscd died). */
export const SCARD_F_COMM_ERROR = 0x80100013;
export const SCARD_F_UNKNOWN_ERROR = 0x80100014;
export const SCARD_E_NO_SERVICE = 0x8010001d;
/** pcsc-lite's value; Windows' SCARD_E_UNSUPPORTED_FEATURE is 0x80100022. */
export const SCARD_E_UNSUPPORTED_FEATURE = 0x8010001f;
export const SCARD_E_UNSUPPORTED_FEATURE_WINDOWS = 0x80100022;
export const SCARD_E_INVALID_PARAMETER = 0x80100004;
export const SCARD_E_INVALID_VALUE = 0x80100011;
export const SCARD_E_SERVICE_STOPPED = 0x8010001e;
export const SCARD_E_NO_READERS_AVAILABLE = 0x8010002e;
export const SCARD_W_UNSUPPORTED_CARD = 0x80100065;
export const SCARD_W_UNRESPONSIVE_CARD = 0x80100066;
export const SCARD_W_UNPOWERED_CARD = 0x80100067;
export const SCARD_W_RESET_CARD = 0x80100068;
export const SCARD_W_REMOVED_CARD = 0x80100069;

/** Codes that mean the PC/SC service itself is gone: the context must be established again. */
export const SERVICE_GONE_CODES: ReadonlySet<number> = new Set([SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_F_COMM_ERROR]);

/** pcsc_stringify_error() texts, for messages that carry no hex code. */
const CODE_BY_TEXT: readonly [RegExp, number][] = [
  [/service not available/i, SCARD_E_NO_SERVICE],
  [/service (was )?stopped/i, SCARD_E_SERVICE_STOPPED],
  [/RPC transport error/i, SCARD_F_COMM_ERROR],
  [/cannot find a smart card reader/i, SCARD_E_NO_READERS_AVAILABLE],
  [/card was removed/i, SCARD_W_REMOVED_CARD],
  [/card was reset/i, SCARD_W_RESET_CARD],
  [/sharing violation/i, SCARD_E_SHARING_VIOLATION],
  [/no smart ?card inserted/i, SCARD_E_NO_SMARTCARD],
  [/command timeout/i, SCARD_E_TIMEOUT],
  [/card is unresponsive/i, SCARD_W_UNRESPONSIVE_CARD],
  [/reader is unavailable/i, SCARD_E_READER_UNAVAILABLE],
  [/unknown reader/i, SCARD_E_UNKNOWN_READER],
  [/command cancell?ed/i, SCARD_E_CANCELLED],
  [/feature not supported/i, SCARD_E_UNSUPPORTED_FEATURE],
  // pcsc-lite's wording, then Windows' (FormatMessage) for the same code.
  [/transaction failed/i, SCARD_E_NOT_TRANSACTED],
  [/non-?existent transaction/i, SCARD_E_NOT_TRANSACTED],
];

const hex = (code: number) => `0x${(code >>> 0).toString(16).padStart(8, '0').toUpperCase()}`;

/** The PC/SC code in a binding error message, or undefined when there is none. */
export function parsePcscCode(message: string): number | undefined {
  // `(0x8010000b)` as pcsclite prints it; take the low 32 bits of a sign-extended 64-bit value.
  const printed = /0x([0-9a-f]{8,16})\b/i.exec(message);
  if (printed?.[1]) return parseInt(printed[1].slice(-8), 16) >>> 0;
  for (const [pattern, code] of CODE_BY_TEXT) if (pattern.test(message)) return code;
  return undefined;
}

/** The typed transport error for one PC/SC return code. */
export function transportErrorForCode(code: number, detail?: string): TransportError {
  const unsigned = code >>> 0;
  const suffix = detail ? ` (${detail})` : '';
  switch (unsigned) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      return new ServiceNotRunningError(`The PC/SC service (pcscd) is not running${suffix}`, unsigned);
    case SCARD_F_COMM_ERROR:
      return new ServiceNotRunningError(`Lost contact with the PC/SC service (pcscd)${suffix}`, unsigned);
    case SCARD_E_NO_READERS_AVAILABLE:
      return new NoReadersError(`No smart-card reader is connected${suffix}`, unsigned);
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER:
      return new ReaderUnavailableError(`The reader is not available${suffix}`, unsigned);
    case SCARD_E_NO_SMARTCARD:
      return new NoCardError(`There is no card in the reader${suffix}`, unsigned);
    case SCARD_W_REMOVED_CARD:
      return new CardRemovedError(`The card was removed${suffix}`, unsigned);
    case SCARD_W_RESET_CARD:
      return new CardResetError(`The card was reset by another program${suffix}`, unsigned);
    case SCARD_E_SHARING_VIOLATION:
      return new SharingViolationError(`Another program is using the card exclusively${suffix}`, unsigned);
    case SCARD_E_TIMEOUT:
      return new TransportTimeoutError(`The reader did not answer in time${suffix}`, unsigned);
    case SCARD_W_UNRESPONSIVE_CARD:
      return new UnresponsiveCardError(`The card does not answer to reset${suffix}`, unsigned);
    case SCARD_W_UNPOWERED_CARD:
      return new UnresponsiveCardError(`The card is not powered${suffix}`, unsigned);
    case SCARD_E_NOT_TRANSACTED:
      // What pcscd returns when the reader driver failed an exchange (IFD_COMMUNICATION_ERROR),
      // e.g. a card pulled out mid-APDU; the transmit path checks for that (see connection.ts).
      return new PcscError(unsigned, `The reader could not complete the exchange with the card (PC/SC error ${hex(unsigned)})${suffix}`);
    default:
      return new PcscError(unsigned, `PC/SC error ${hex(unsigned)}${suffix}`);
  }
}

/**
 * Turns whatever the binding threw or passed to a callback into a typed transport error.
 * `operation` names what was being done, for the message (e.g. "connect to Virtual PCD 00 00").
 */
export function toTransportError(error: unknown, operation?: string): TransportError {
  if (error instanceof TransportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = parsePcscCode(message);
  const detail = operation ? `${operation}: ${message}` : message;
  return transportErrorForCode(code ?? SCARD_F_UNKNOWN_ERROR, detail);
}

export function isServiceGone(error: unknown): boolean {
  if (error instanceof TransportError) return error.pcscCode !== undefined && SERVICE_GONE_CODES.has(error.pcscCode);
  const code = parsePcscCode(error instanceof Error ? error.message : String(error));
  return code !== undefined && SERVICE_GONE_CODES.has(code);
}

export function formatPcscCode(code: number): string {
  return hex(code);
}
