/**
 * ISO/IEC 7816-4 §5.1 APDUs as bytes: encoding and decoding of command APDUs (cases 1 to 4, short
 * and extended length) and of response APDUs (data, SW1 SW2). One codec for both sides of the
 * wire: the card layer encodes what it sends, the simulator decodes what it receives, and each is
 * the other's proof. It imports nothing (architecture.md: the bottom layer).
 */

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

/** The bytes of a command APDU. Throws RangeError for what no APDU (or no APDU of `encoding`) can carry. */
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
  const lcLength = data.length === 0 ? 0 : extended ? 3 : 1;
  // Extended: Lc is 00 Lc1 Lc2; Le is Le1 Le2 after data, but 00 Le1 Le2 when there is no Lc (case 2E).
  const leLength = le === undefined ? 0 : !extended ? 1 : data.length > 0 ? 2 : 3;
  const out = new Uint8Array(4 + lcLength + data.length + leLength);
  out.set([command.cla, command.ins, command.p1, command.p2]);
  let offset = 4;
  if (lcLength === 1) out[offset++] = data.length;
  if (lcLength === 3) {
    out.set([0, data.length >> 8, data.length & 0xff], offset);
    offset += 3;
  }
  out.set(data, offset);
  offset += data.length;
  if (le !== undefined) {
    // Le = Ne, except that the largest Ne is written as zeros (256: 00; 65536: 00 00).
    const encodedLe = le === (extended ? maxExtendedLe : maxShortLe) ? 0 : le;
    if (leLength === 1) out[offset] = encodedLe;
    else out.set([encodedLe >> 8, encodedLe & 0xff], offset + leLength - 2);
  }
  return out;
}

export interface DecodedCommandApdu extends CommandApdu {
  data: Uint8Array;
  /** Whether the length fields were extended (a card without extended length refuses it). */
  extended: boolean;
}

/** Bytes that are no command APDU (ISO 7816-4 §5.1: the length fields do not match the body). */
export class MalformedCommandApduError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCommandApduError';
  }
}

/**
 * The fields of a command APDU, or what is wrong with it. Strict as the standard is: a short Lc of
 * 00 and an extended Lc of 00 00 are no length (they would decode as a case 4 without data, which
 * encodes back as a case 2: a different command).
 */
function decodeOrSayWhy(bytes: Uint8Array): DecodedCommandApdu | string {
  if (bytes.length < 4) return `A command APDU has at least 4 bytes, got ${bytes.length}`;
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  const base = { cla, ins, p1, p2 };
  const body = bytes.subarray(4);
  const none = new Uint8Array(0);
  if (body.length === 0) return { ...base, data: none, extended: false };
  const b1 = body[0] as number;
  if (body.length === 1) return { ...base, data: none, le: b1 === 0 ? maxShortLe : b1, extended: false };
  if (b1 !== 0) {
    if (body.length === 1 + b1) return { ...base, data: body.slice(1), extended: false };
    if (body.length === 2 + b1) {
      const le = body[1 + b1] as number;
      return { ...base, data: body.slice(1, 1 + b1), le: le === 0 ? maxShortLe : le, extended: false };
    }
    return `Short Lc ${b1} does not match the ${body.length} bytes after the header`;
  }
  // B1 = 00 with more bytes after it: extended length.
  if (body.length < 3) return 'An extended length field needs 3 bytes';
  const word = ((body[1] as number) << 8) | (body[2] as number);
  if (body.length === 3) return { ...base, data: none, le: word === 0 ? maxExtendedLe : word, extended: true };
  if (word === 0) return 'An extended Lc of 00 00 is no length';
  if (body.length === 3 + word) return { ...base, data: body.slice(3), extended: true };
  if (body.length === 5 + word) {
    const le = ((body[3 + word] as number) << 8) | (body[4 + word] as number);
    return { ...base, data: body.slice(3, 3 + word), le: le === 0 ? maxExtendedLe : le, extended: true };
  }
  return `Extended Lc ${word} does not match the ${body.length} bytes after the header`;
}

/** The fields of an encoded command APDU (logs, test harnesses). Throws MalformedCommandApduError. */
export function decodeCommandApdu(bytes: Uint8Array): DecodedCommandApdu {
  const decoded = decodeOrSayWhy(bytes);
  if (typeof decoded === 'string') throw new MalformedCommandApduError(decoded);
  return decoded;
}

/** The fields of a command APDU; undefined when it is malformed (a card answers that with 67 00, it does not fail). */
export function tryDecodeCommandApdu(bytes: Uint8Array): DecodedCommandApdu | undefined {
  const decoded = decodeOrSayWhy(bytes);
  return typeof decoded === 'string' ? undefined : decoded;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 << 8 | SW2 */
  sw: number;
}

/** The bytes of a response APDU: the data, then SW1 SW2. */
export function encodeResponseApdu(sw: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** Data and status word of a response APDU; undefined when it is shorter than SW1 SW2. */
export function decodeResponseApdu(bytes: Uint8Array): ResponseApdu | undefined {
  if (bytes.length < 2) return undefined;
  const sw = ((bytes[bytes.length - 2] as number) << 8) | (bytes[bytes.length - 1] as number);
  return { data: bytes.slice(0, bytes.length - 2), sw };
}
