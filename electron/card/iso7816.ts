/** The ISO/IEC 7816-4 commands this project sends, as data. Nothing here touches a card. */
import { Ins, type CommandApdu } from './apdu.js';

export const SelectP2 = {
  /** Return FCI (file control information). */
  fci: 0x00,
  /** Return FCP (file control parameters). */
  fcp: 0x04,
  /** No response data: the cheapest answer (and no 61xx round trip on T=0 cards). */
  noData: 0x0c,
} as const;

/** SELECT by DF name (AID), P1 = 04. */
export function selectByAid(aid: Uint8Array, p2: number = SelectP2.noData): CommandApdu {
  return { cla: 0x00, ins: Ins.select, p1: 0x04, p2, data: aid, ...(p2 === SelectP2.noData ? {} : { le: 256 }) };
}

/** SELECT by file identifier (MF, DF or EF), P1 = 00. */
export function selectByFid(fid: Uint8Array): CommandApdu {
  return { cla: 0x00, ins: Ins.select, p1: 0x00, p2: SelectP2.noData, data: fid };
}

/** SELECT by path from the MF, P1 = 08; `pathAfterMf` is the path without its leading 3F00. */
export function selectByPathFromMf(pathAfterMf: Uint8Array): CommandApdu {
  return { cla: 0x00, ins: Ins.select, p1: 0x08, p2: SelectP2.noData, data: pathAfterMf };
}

/** The largest offset READ BINARY can address with P1-P2 (bit 8 of P1 selects the SFI form). */
export const maxReadBinaryOffset = 0x7fff;

/** READ BINARY of the current EF from `offset`, asking for `le` bytes (1..65536). */
export function readBinary(offset: number, le: number): CommandApdu {
  if (!Number.isInteger(offset) || offset < 0 || offset > maxReadBinaryOffset) {
    throw new RangeError(`READ BINARY offset out of range: ${offset}`);
  }
  return { cla: 0x00, ins: Ins.readBinary, p1: offset >> 8, p2: offset & 0xff, le };
}

/**
 * VERIFY without data (case 1): asks the state of a PIN without presenting one. `63 Cx` means x
 * tries left, `69 83` blocked, `90 00` already verified. Only for card profiles known to not count it
 * as a failed attempt.
 */
export function verifyStatus(pinReference: number): CommandApdu {
  return { cla: 0x00, ins: Ins.verify, p1: 0x00, p2: pinReference & 0xff };
}

export function getResponse(cla: number, le: number): CommandApdu {
  return { cla, ins: Ins.getResponse, p1: 0x00, p2: 0x00, le };
}
