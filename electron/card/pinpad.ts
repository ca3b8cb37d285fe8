/**
 * Secure PIN entry on a pinpad reader (PC/SC part 10, "IFDs with Secure PIN Entry Capabilities"),
 * as pure data: the reader's feature list, and the PIN_VERIFY_STRUCTURE / PIN_MODIFY_STRUCTURE
 * blocks that FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT take. The PIN itself never
 * passes through here: the structure carries the command APDU with placeholder bytes, and the
 * reader writes the digits typed on its keypad into them before it sends the APDU to the card.
 *
 * Layouts as pcsc-lite's reader.h declares them (packed, multi-byte fields little endian; the
 * feature list's control codes big endian), field meanings from PC/SC part 10 and the CCID
 * specification (PC_to_RDR_Secure):
 *
 *   bmFormatString   bit 7 system units (1 = bytes), bits 6-3 PIN position in the APDU data field
 *                    (in those units), bit 2 right-justify, bits 1-0 PIN type (00 binary, 01 BCD,
 *                    10 ASCII)
 *   bmPINBlockString bits 7-4 size in bits of a PIN length field in the APDU (0: none), bits 3-0
 *                    PIN block size in bytes after justification and formatting (0: unformatted)
 *   bmPINLengthFormat bit 4 units of the length position (1 = bytes), bits 3-0 its position
 *   wPINMaxExtraDigit 0xXXYY: XX minimum, YY maximum PIN length in digits (little endian: YY first)
 *   bEntryValidationCondition 01 maximum size reached, 02 validation key pressed, 04 timeout
 *
 * This module imports neither the binding nor electron; native/pcsc sends what it builds.
 */

// The feature list is parsed at the bottom of the house, where native/pcsc (which sends the
// control codes) can use it too; it is part of this module's API.
export {
  FEATURE_VERIFY_PIN_START,
  FEATURE_VERIFY_PIN_FINISH,
  FEATURE_MODIFY_PIN_START,
  FEATURE_MODIFY_PIN_FINISH,
  FEATURE_GET_KEY_PRESSED,
  FEATURE_VERIFY_PIN_DIRECT,
  FEATURE_MODIFY_PIN_DIRECT,
  FEATURE_IFD_PIN_PROPERTIES,
  FEATURE_GET_TLV_PROPERTIES,
  FEATURE_CCID_ESC_COMMAND,
  GET_FEATURE_REQUEST_PCSCLITE,
  GET_FEATURE_REQUEST_WINDOWS,
  getFeatureRequestCode,
  parseFeatureList,
  type ParsedFeatureList,
} from '../../native/pinpad-features.js';

export type PinEncoding = 'ascii-numeric' | 'bcd' | 'utf8';

/** How the card stores a PIN (PKCS#15 PinAttributes, or what a card profile knows). */
export interface PinFormat {
  encoding: PinEncoding;
  /** In digits. */
  minLength: number;
  /** In digits. */
  maxLength: number;
  /** Bytes the card expects in the command for one PIN (the PIN padded to this length). */
  storedLength: number;
  /** The byte the PIN is padded with (a SITHS PKCS#15 PIN: 0xFF; IDPrime: 0x00). */
  padChar: number;
}

export interface PinpadEntryOptions {
  /** bTimerOut: seconds the reader waits for the first key; 0 = the reader's default. Default 30. */
  timeoutSeconds?: number;
  /** bTimerOut2: seconds allowed after the first key. Default 30. */
  timeoutAfterFirstKeySeconds?: number;
  /** The reader has a display: ask for its default messages. Default false (no messages). */
  readerHasDisplay?: boolean;
  /** wLangId for those messages. Default 0x0409 (English, US), what libccid's example sends. */
  langId?: number;
}

export interface PinModifyOptions extends PinpadEntryOptions {
  /** The reader asks for the current PIN (or the PUK for RESET RETRY COUNTER) first. Default true. */
  askCurrentPin?: boolean;
  /** The reader asks for the new PIN twice and compares them itself. Default true. */
  confirmNewPin?: boolean;
}

export class PinpadStructureError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PinpadStructureError';
  }
}

/** A SITHS PKCS#15 PIN (AODF: ASCII numeric, 6–8 digits, stored length 8, padded with FF). */
export const SITHS_PKCS15_PIN_FORMAT: Readonly<PinFormat> = Object.freeze({
  encoding: 'ascii-numeric',
  minLength: 6,
  maxLength: 8,
  storedLength: 8,
  padChar: 0xff,
});
/** A Thales IDPrime PIN (ASCII, 4–16, padded to 16 bytes with 00). */
export const IDPRIME_PIN_FORMAT: Readonly<PinFormat> = Object.freeze({
  encoding: 'ascii-numeric',
  minLength: 4,
  maxLength: 16,
  storedLength: 16,
  padChar: 0x00,
});

const VERIFY_FIXED_LENGTH = 19;
const MODIFY_FIXED_LENGTH = 24;
/** A short APDU carries at most 255 data bytes. */
const MAX_SHORT_LC = 255;

/**
 * PIN_VERIFY_STRUCTURE for FEATURE_VERIFY_PIN_DIRECT. `apduHeader` is CLA INS P1 P2 of the
 * VERIFY command (`00 20 00 ref`); abData becomes that header, Lc = storedLength, and storedLength
 * pad bytes that the reader overwrites with the typed digits from the start (left-justified).
 */
export function buildPinVerifyStructure(format: PinFormat, apduHeader: Uint8Array, options: PinpadEntryOptions = {}): Uint8Array {
  const fields = commonFields(format, apduHeader, options);
  const abData = commandTemplate(apduHeader, format.storedLength, format.padChar);
  const out = new Uint8Array(VERIFY_FIXED_LENGTH + abData.length);
  const view = new DataView(out.buffer);
  out[0] = fields.timerOut;
  out[1] = fields.timerOut2;
  out[2] = fields.formatString;
  out[3] = fields.pinBlockString;
  out[4] = 0x00; // bmPINLengthFormat: the APDU carries no PIN length field
  view.setUint16(5, fields.maxExtraDigit, true);
  out[7] = 0x02; // bEntryValidationCondition: the person presses OK
  out[8] = fields.display ? 0xff : 0x00; // bNumberMessage: the reader's default message, or none
  view.setUint16(9, fields.langId, true);
  out[11] = 0x00; // bMsgIndex
  // 12..14 bTeoPrologue: zero, the reader builds T=1 blocks itself
  view.setUint32(15, abData.length, true);
  out.set(abData, VERIFY_FIXED_LENGTH);
  return out;
}

/**
 * PIN_MODIFY_STRUCTURE for FEATURE_MODIFY_PIN_DIRECT. `apduHeader` is CHANGE REFERENCE DATA
 * (`00 24 00 ref`: current PIN then new PIN) or RESET RETRY COUNTER (`00 2C 00 ref`: PUK then new
 * PIN; `00 2C 02 ref` with `askCurrentPin: false`: the new PIN alone). Each PIN gets a block of
 * storedLength pad bytes; the current one at offset 0, the new one after it.
 *
 * `currentPinFormat` (e.g. the PUK's) may differ from the new PIN's in its lengths only as far
 * as one structure can say: the same encoding, pad and stored length (the block size is one
 * field for both); minimum and maximum become the widest of the two (the card checks anyway).
 */
export function buildPinModifyStructure(
  format: PinFormat,
  apduHeader: Uint8Array,
  options: PinModifyOptions = {},
  currentPinFormat: PinFormat = format,
): Uint8Array {
  const askCurrent = options.askCurrentPin ?? true;
  const confirm = options.confirmNewPin ?? true;
  if (askCurrent && currentPinFormat !== format) {
    if (currentPinFormat.encoding !== format.encoding || currentPinFormat.storedLength !== format.storedLength || currentPinFormat.padChar !== format.padChar) {
      throw new PinpadStructureError('The current PIN and the new PIN must share encoding, stored length and pad to go in one PIN_MODIFY_STRUCTURE');
    }
    checkFormat(currentPinFormat);
  }
  const combined: PinFormat = askCurrent
    ? { ...format, minLength: Math.min(format.minLength, currentPinFormat.minLength), maxLength: Math.max(format.maxLength, currentPinFormat.maxLength) }
    : format;
  const fields = commonFields(combined, apduHeader, options);
  const blocks = askCurrent ? 2 : 1;
  const abData = commandTemplate(apduHeader, format.storedLength * blocks, format.padChar);
  const out = new Uint8Array(MODIFY_FIXED_LENGTH + abData.length);
  const view = new DataView(out.buffer);
  out[0] = fields.timerOut;
  out[1] = fields.timerOut2;
  out[2] = fields.formatString;
  out[3] = fields.pinBlockString;
  out[4] = 0x00; // bmPINLengthFormat: no PIN length field
  out[5] = 0x00; // bInsertionOffsetOld: the current PIN opens the data field
  out[6] = askCurrent ? format.storedLength : 0x00; // bInsertionOffsetNew, in bytes
  view.setUint16(7, fields.maxExtraDigit, true);
  out[9] = (confirm ? 0x01 : 0x00) | (askCurrent ? 0x02 : 0x00); // bConfirmPIN
  out[10] = 0x02; // bEntryValidationCondition: OK key
  const prompts = (askCurrent ? 1 : 0) + 1 + (confirm ? 1 : 0);
  out[11] = fields.display ? prompts : 0x00; // bNumberMessage
  view.setUint16(12, fields.langId, true);
  // bMsgIndex1..3: "enter current", "enter new", "confirm new"; without the current PIN the
  // first prompt is the new one.
  out[14] = askCurrent ? 0x00 : 0x01;
  out[15] = askCurrent ? 0x01 : 0x02;
  out[16] = 0x02;
  // 17..19 bTeoPrologue: zero
  view.setUint32(20, abData.length, true);
  out.set(abData, MODIFY_FIXED_LENGTH);
  return out;
}

/** What the fields of a built structure say, for tests and logs (never contains a PIN). */
export interface PinStructureFields {
  kind: 'verify' | 'modify';
  timerOut: number;
  timerOut2: number;
  formatString: number;
  pinBlockString: number;
  pinLengthFormat: number;
  minLength: number;
  maxLength: number;
  entryValidationCondition: number;
  numberMessage: number;
  langId: number;
  insertionOffsetOld?: number;
  insertionOffsetNew?: number;
  confirmPin?: number;
  dataLength: number;
  apdu: Uint8Array;
}

/** Reads back a structure built here (or any well-formed one). Throws PinpadStructureError on a short one. */
export function describePinStructure(kind: 'verify' | 'modify', structure: Uint8Array): PinStructureFields {
  const fixed = kind === 'verify' ? VERIFY_FIXED_LENGTH : MODIFY_FIXED_LENGTH;
  if (structure.length < fixed) throw new PinpadStructureError(`A PIN_${kind.toUpperCase()}_STRUCTURE has at least ${fixed} bytes, not ${structure.length}`);
  const view = new DataView(structure.buffer, structure.byteOffset, structure.byteLength);
  const at = (i: number) => structure[i] as number;
  const m = kind === 'modify' ? 2 : 0; // the modify structure has the two insertion offsets before wPINMaxExtraDigit
  const extra = view.getUint16(5 + m, true);
  const dataLength = view.getUint32(fixed - 4, true);
  return {
    kind,
    timerOut: at(0),
    timerOut2: at(1),
    formatString: at(2),
    pinBlockString: at(3),
    pinLengthFormat: at(4),
    minLength: extra >> 8,
    maxLength: extra & 0xff,
    entryValidationCondition: at(kind === 'verify' ? 7 : 10),
    numberMessage: at(kind === 'verify' ? 8 : 11),
    langId: view.getUint16(kind === 'verify' ? 9 : 12, true),
    ...(kind === 'modify' ? { insertionOffsetOld: at(5), insertionOffsetNew: at(6), confirmPin: at(9) } : {}),
    dataLength,
    apdu: structure.slice(fixed),
  };
}

/**
 * Status words a pinpad reader answers itself (CCID, libccid) instead of passing on the card's.
 * Anything else came from the card (90 00, 63 Cx, 69 83, …) and is the PIN layer's to decode.
 */
export type PinpadOutcome = 'timeout' | 'cancelled' | 'new-pins-differ' | 'wrong-length' | 'invalid-structure' | 'card-answer';

export function pinpadOutcome(response: Uint8Array): PinpadOutcome {
  if (response.length < 2) return 'card-answer';
  const sw = ((response[response.length - 2] as number) << 8) | (response[response.length - 1] as number);
  switch (sw) {
    case 0x6400:
      return 'timeout';
    case 0x6401:
      return 'cancelled';
    case 0x6402:
      return 'new-pins-differ';
    case 0x6403:
      return 'wrong-length';
    case 0x6b80:
      return 'invalid-structure';
    default:
      return 'card-answer';
  }
}

// ---- internals ---------------------------------------------------------------------------------

interface CommonFields {
  timerOut: number;
  timerOut2: number;
  formatString: number;
  pinBlockString: number;
  maxExtraDigit: number;
  display: boolean;
  langId: number;
}

function commonFields(format: PinFormat, apduHeader: Uint8Array, options: PinpadEntryOptions): CommonFields {
  checkFormat(format);
  if (apduHeader.length !== 4) throw new PinpadStructureError(`The APDU header is CLA INS P1 P2 (4 bytes), not ${apduHeader.length} bytes`);
  // PIN type: ASCII for ASCII-numeric and for UTF-8 (a keypad types digits only, and a digit is
  // the same byte in both); BCD packs two digits a byte.
  const pinType = format.encoding === 'bcd' ? 0x01 : 0x02;
  // System units bytes (bit 7), PIN at position 0 of the data field (bits 6-3), left-justified.
  const formatString = 0x80 | pinType;
  // bmPINBlockSize is four bits: a stored length of 16 (IDPrime) cannot be said. Then 0 = no
  // block formatting: the reader writes the digits into the template from the PIN position and
  // leaves the template's remaining pad bytes, which is what the card wants. (Not yet tried on a
  // real pinpad with such a card.)
  const pinBlockString = format.storedLength <= 0x0f ? format.storedLength : 0x00;
  return {
    timerOut: seconds(options.timeoutSeconds ?? 30, 'timeoutSeconds'),
    timerOut2: seconds(options.timeoutAfterFirstKeySeconds ?? 30, 'timeoutAfterFirstKeySeconds'),
    formatString,
    pinBlockString,
    maxExtraDigit: (format.minLength << 8) | format.maxLength,
    display: options.readerHasDisplay ?? false,
    langId: uint16(options.langId ?? 0x0409, 'langId'),
  };
}

function checkFormat(format: PinFormat): void {
  const { minLength, maxLength, storedLength, padChar } = format;
  if (format.encoding !== 'ascii-numeric' && format.encoding !== 'bcd' && format.encoding !== 'utf8') {
    throw new PinpadStructureError(`Unknown PIN encoding ${String(format.encoding)}`);
  }
  for (const [name, value] of [
    ['minLength', minLength],
    ['maxLength', maxLength],
    ['storedLength', storedLength],
    ['padChar', padChar],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new PinpadStructureError(`${name} must be a whole number 0–255, not ${value}`);
  }
  if (minLength < 1 || minLength > maxLength) throw new PinpadStructureError(`A PIN of ${minLength}–${maxLength} digits cannot be entered`);
  const digitsPerByte = format.encoding === 'bcd' ? 2 : 1;
  if (storedLength < 1 || maxLength > storedLength * digitsPerByte) {
    throw new PinpadStructureError(`${maxLength} digits do not fit in a stored length of ${storedLength} bytes`);
  }
  // Two blocks for CHANGE REFERENCE DATA must still fit in a short APDU.
  if (storedLength * 2 > MAX_SHORT_LC) throw new PinpadStructureError(`A stored length of ${storedLength} bytes is too long for a short APDU`);
}

/** Header, Lc, and `length` pad bytes where the reader puts the digits. */
function commandTemplate(header: Uint8Array, length: number, padChar: number): Uint8Array {
  const apdu = new Uint8Array(5 + length).fill(padChar);
  apdu.set(header, 0);
  apdu[4] = length;
  return apdu;
}

function seconds(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new PinpadStructureError(`${name} must be 0–255 seconds, not ${value}`);
  return value;
}

function uint16(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new PinpadStructureError(`${name} must fit in 16 bits, not ${value}`);
  return value;
}
