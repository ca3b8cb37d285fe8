/**
 * ISO/IEC 7816-4 command and response APDUs as the card layer uses them: the shared codec (the four
 * cases in short and extended length), responses that throw the card layer's typed error when
 * malformed, and the instruction bytes this project sends.
 */
import { decodeResponseApdu, type ResponseApdu } from '../../native/apdu-codec.js';
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

// The codec itself is at the bottom of the house (native/apdu-codec.ts), shared with the simulator
// that answers these commands in the tests.
export {
  decodeCommandApdu,
  encodeCommandApdu,
  MalformedCommandApduError,
  maxExtendedLc,
  maxExtendedLe,
  maxShortLc,
  maxShortLe,
  needsExtendedLength,
  type CommandApdu,
  type DecodedCommandApdu,
  type LengthEncoding,
  type ResponseApdu,
} from '../../native/apdu-codec.js';

/** Data and status word of a card's answer. Throws MalformedResponseError when it has no SW1 SW2. */
export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  const response = decodeResponseApdu(bytes);
  if (!response) throw new MalformedResponseError(`A response APDU has at least 2 bytes, got ${bytes.length}`);
  return response;
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
