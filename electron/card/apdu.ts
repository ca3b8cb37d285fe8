/**
 * ISO/IEC 7816-4 command and response APDUs: encoding of the four cases in short and extended
 * length, parsing of responses, and the instruction bytes this project sends.
 */
import { MalformedResponseError } from './errors.js';
import { describeStatusWord, formatStatusWord } from './status-words.js';

export { describeStatusWord, formatStatusWord } from './status-words.js';

export const Ins = {
  select: 0xa4,
  readBinary: 0xb0,
  getResponse: 0xc0,
  verify: 0x20,
  getData: 0xca,
} as const;

/** The largest Ne a short APDU can ask for (Le = 00) and an extended one (Le = 00 00). */
export const maxShortLe = 256;
export const maxExtendedLe = 65536;
export const maxShortLc = 255;
export const maxExtendedLc = 65535;

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc is its length). Absent or empty: no Lc field. */
  data?: Uint8Array;
  /** Ne, the number of response bytes expected, 1..65536. Absent: no Le field. */
  le?: number;
}

/**
 * `auto`: short unless data or Le do not fit; `extended`: always extended when there is an Lc or
 * Le field (cards that accept nothing else); `short`: never extended (throws when it does not fit).
 */
export type LengthEncoding = 'auto' | 'short' | 'extended';

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${name} must be a byte, got ${value}`);
}

/** Whether the APDU would need extended length under `auto`. */
export function needsExtendedLength(command: CommandApdu): boolean {
  const lc = command.data?.length ?? 0;
  return lc > maxShortLc || (command.le !== undefined && command.le > maxShortLe);
}

export function encodeCommandApdu(command: CommandApdu, encoding: LengthEncoding = 'auto'): Uint8Array {
  checkByte('CLA', command.cla);
  checkByte('INS', command.ins);
  checkByte('P1', command.p1);
  checkByte('P2', command.p2);
  const data = command.data ?? new Uint8Array(0);
  const le = command.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > maxExtendedLe)) {
    throw new RangeError(`Le must be 1..${maxExtendedLe}, got ${le}`);
  }
  if (data.length > maxExtendedLc) throw new RangeError(`Command data too long: ${data.length} bytes`);
  const extended = encoding === 'extended' ? data.length > 0 || le !== undefined : needsExtendedLength(command);
  if (extended && encoding === 'short') {
    throw new RangeError('The command does not fit a short APDU');
  }
  const header = [command.cla, command.ins, command.p1, command.p2];
  const body: number[] = [];
  if (!extended) {
    if (data.length > 0) body.push(data.length, ...data);
    if (le !== undefined) body.push(le === maxShortLe ? 0 : le);
  } else {
    // Extended: one 00 byte, then Lc on two bytes (if any), data, then Le on two bytes; when there
    // is no Lc the Le field keeps the leading 00 (case 2E: 00 Le1 Le2).
    body.push(0);
    if (data.length > 0) body.push(data.length >> 8, data.length & 0xff, ...data);
    if (le !== undefined) {
      const encodedLe = le === maxExtendedLe ? 0 : le;
      body.push(encodedLe >> 8, encodedLe & 0xff);
    }
  }
  return Uint8Array.from([...header, ...body]);
}

export interface DecodedCommandApdu extends CommandApdu {
  data: Uint8Array;
  extended: boolean;
}

/** Parses an encoded command APDU (for logs and the test harness). Throws RangeError on malformed input. */
export function decodeCommandApdu(bytes: Uint8Array): DecodedCommandApdu {
  if (bytes.length < 4) throw new RangeError(`A command APDU has at least 4 bytes, got ${bytes.length}`);
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, data: new Uint8Array(0), extended: false };
  if (body.length === 1) return { ...base, data: new Uint8Array(0), le: body[0] === 0 ? 256 : body[0], extended: false };
  if (body[0] !== 0 || body.length < 3) {
    const lc = body[0] as number;
    if (body.length === 1 + lc) return { ...base, data: body.slice(1), extended: false };
    if (body.length === 2 + lc) {
      const le = body[1 + lc] as number;
      return { ...base, data: body.slice(1, 1 + lc), le: le === 0 ? 256 : le, extended: false };
    }
    throw new RangeError('Inconsistent short APDU length');
  }
  const word = ((body[1] as number) << 8) | (body[2] as number);
  if (body.length === 3) return { ...base, data: new Uint8Array(0), le: word === 0 ? 65536 : word, extended: true };
  const lc = word;
  if (body.length === 3 + lc) return { ...base, data: body.slice(3), extended: true };
  if (body.length === 5 + lc) {
    const le = ((body[3 + lc] as number) << 8) | (body[4 + lc] as number);
    return { ...base, data: body.slice(3, 3 + lc), le: le === 0 ? 65536 : le, extended: true };
  }
  throw new RangeError('Inconsistent extended APDU length');
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 << 8 | SW2 */
  sw: number;
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new MalformedResponseError(`A response APDU has at least 2 bytes, got ${bytes.length}`);
  const sw = ((bytes[bytes.length - 2] as number) << 8) | (bytes[bytes.length - 1] as number);
  return { data: bytes.slice(0, bytes.length - 2), sw };
}

export function sw1Of(sw: number): number {
  return (sw >> 8) & 0xff;
}

export function sw2Of(sw: number): number {
  return sw & 0xff;
}

/** One line for a log: `6A82 File or application not found`. */
export function statusWordSummary(sw: number): string {
  return `${formatStatusWord(sw)} ${describeStatusWord(sw, 'en')}`;
}
