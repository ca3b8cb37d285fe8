/**
 * The feature list of a PC/SC part 10 reader (the answer to GET_FEATURE_REQUEST), as pure data.
 * It sits beside transport.ts, importing only the byte helpers, so that both native/pcsc (which
 * sends the control codes) and electron/card/pinpad.ts (which re-exports it with the PIN
 * structures) use it.
 */
import { toHex } from './bytes.js';

/** Feature tags of PC/SC part 10 (pcsc-lite reader.h). */
export const FEATURE_VERIFY_PIN_START = 0x01;
export const FEATURE_VERIFY_PIN_FINISH = 0x02;
export const FEATURE_MODIFY_PIN_START = 0x03;
export const FEATURE_MODIFY_PIN_FINISH = 0x04;
export const FEATURE_GET_KEY_PRESSED = 0x05;
export const FEATURE_VERIFY_PIN_DIRECT = 0x06;
export const FEATURE_MODIFY_PIN_DIRECT = 0x07;
export const FEATURE_IFD_PIN_PROPERTIES = 0x0a;
export const FEATURE_GET_TLV_PROPERTIES = 0x12;
export const FEATURE_CCID_ESC_COMMAND = 0x13;

/** GET_FEATURE_REQUEST, SCARD_CTL_CODE(3400): pcsc-lite's (Linux, macOS) and Windows' form. */
export const GET_FEATURE_REQUEST_PCSCLITE = 0x42000d48;
export const GET_FEATURE_REQUEST_WINDOWS = 0x00313520;

export function getFeatureRequestCode(platform: string): number {
  return platform === 'win32' ? GET_FEATURE_REQUEST_WINDOWS : GET_FEATURE_REQUEST_PCSCLITE;
}

/** A feature list never has more than one entry per one-byte tag. */
const MAX_FEATURE_ENTRIES = 256;

export interface ParsedFeatureList {
  /** Feature tag -> control code to pass to SCardControl. */
  controlCodes: Map<number, number>;
  /** False when the list held something other than well-formed 6-byte entries (see `problem`). */
  complete: boolean;
  problem?: string;
}

/**
 * Parses the answer to GET_FEATURE_REQUEST: entries of tag (1 byte), length (1 byte, always 4),
 * control code (4 bytes, big endian). Never throws: on garbage it keeps the entries read so far
 * and says why it stopped. An entry with another length is skipped; the first of two entries
 * with the same tag wins.
 */
export function parseFeatureList(tlv: Uint8Array): ParsedFeatureList {
  const controlCodes = new Map<number, number>();
  const result = (problem?: string): ParsedFeatureList =>
    problem === undefined ? { controlCodes, complete: true } : { controlCodes, complete: false, problem };
  let problem: string | undefined;
  let offset = 0;
  for (let entries = 0; offset < tlv.length; entries++) {
    if (entries >= MAX_FEATURE_ENTRIES) return result(`more than ${MAX_FEATURE_ENTRIES} entries`);
    if (offset + 2 > tlv.length) return result(`a truncated entry at byte ${offset}`);
    const tag = tlv[offset] as number;
    const length = tlv[offset + 1] as number;
    const tagHex = toHex(tlv.subarray(offset, offset + 1));
    if (offset + 2 + length > tlv.length) return result(`entry ${tagHex} at byte ${offset} runs past the end`);
    if (length !== 4) {
      problem ??= `entry ${tagHex} at byte ${offset} has length ${length}, not 4`;
    } else if (controlCodes.has(tag)) {
      problem ??= `feature ${tagHex} is listed twice`;
    } else {
      const b = tlv.subarray(offset + 2, offset + 6);
      controlCodes.set(tag, (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0);
    }
    offset += 2 + length;
  }
  return result(problem);
}
