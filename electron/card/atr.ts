/**
 * Answer-to-reset parsing (ISO/IEC 7816-3 and 7816-4 §8): the protocols a card offers and what its
 * historical bytes say about itself, in particular whether it takes extended-length APDUs.
 */
import { toHex } from '../../native/bytes.js';

export interface AtrInfo {
  /** Protocols named in TD bytes (T=0 implied when there is none). */
  protocols: number[];
  historicalBytes: Uint8Array;
  /** From the "card capabilities" compact-TLV object (tag 7), when present. */
  cardCapabilities?: { extendedLength: boolean; commandChaining: boolean };
  /** The ATR was cut short or has trailing bytes that do not fit its structure. */
  wellFormed: boolean;
}

export function parseAtr(atr: Uint8Array): AtrInfo {
  const info: AtrInfo = { protocols: [], historicalBytes: new Uint8Array(0), wellFormed: false };
  if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f)) return info;
  const t0 = atr[1] as number;
  const historicalCount = t0 & 0x0f;
  let position = 2;
  let indicator = t0;
  let interfaceGroups = 0;
  // Interface bytes: each TDi announces the next group; bounded by the ATR's maximum of 33 bytes.
  while (interfaceGroups < 8) {
    interfaceGroups += 1;
    if (indicator & 0x10) position += 1; // TA
    if (indicator & 0x20) position += 1; // TB
    if (indicator & 0x40) position += 1; // TC
    if (!(indicator & 0x80)) break;
    const td = atr[position];
    if (td === undefined) return info;
    position += 1;
    info.protocols.push(td & 0x0f);
    indicator = td;
  }
  if (info.protocols.length === 0) info.protocols.push(0);
  const historical = atr.subarray(position, position + historicalCount);
  if (historical.length < historicalCount) return info;
  info.historicalBytes = historical.slice();
  const needsTck = info.protocols.some((protocol) => protocol !== 0);
  info.wellFormed = atr.length === position + historicalCount + (needsTck ? 1 : 0);
  const capabilities = findCardCapabilities(historical);
  if (capabilities) info.cardCapabilities = capabilities;
  return info;
}

/** Compact-TLV objects after a category indicator of 80 (or 00 with a 3-byte status at the end). */
function findCardCapabilities(historical: Uint8Array): AtrInfo['cardCapabilities'] | undefined {
  const category = historical[0];
  let end = historical.length;
  if (category === 0x00) end -= 3;
  else if (category !== 0x80) return undefined;
  let position = 1;
  while (position < end) {
    const header = historical[position] as number;
    const tag = header >> 4;
    const length = header & 0x0f;
    const value = historical.subarray(position + 1, position + 1 + length);
    if (value.length < length) return undefined;
    if (tag === 0x7 && length >= 3) {
      const third = value[2] as number;
      return { extendedLength: (third & 0x40) !== 0, commandChaining: (third & 0x80) !== 0 };
    }
    position += 1 + length;
  }
  return undefined;
}

/** `3B 7D 96 …` as pcsc-tools writes it. */
export function atrToSpacedHex(atr: Uint8Array): string {
  return toHex(atr, ' ');
}

/** The same spacing for hex that is already text (ATRs, AIDs and status words in a read result). */
export function spacedHex(hex: string): string {
  // `*` stands for a byte that is not shown (the data of a PIN command).
  return (
    hex
      .replace(/[^0-9a-fA-F*]/g, '')
      .toUpperCase()
      .match(/.{2}/g) ?? []
  ).join(' ');
}

/** One interface byte of an ATR, named as ISO/IEC 7816-3 does (`TA1`, `TD1`, `TB3`, …). */
export interface AtrInterfaceByte {
  name: string;
  value: number;
}

/** One compact-TLV object of the historical bytes (ISO/IEC 7816-4 §8.1.1.2). */
export interface AtrHistoricalObject {
  tag: number;
  value: Uint8Array;
}

/** The ATR byte by byte, for a report of a card Kortkoll does not know. */
export interface AtrParts extends AtrInfo {
  /** Initial character: 3B direct convention, 3F inverse; undefined when the ATR is empty. */
  ts: number | undefined;
  /** Format byte: which of TA1–TD1 follow (high nibble), how many historical bytes (low nibble). */
  t0: number | undefined;
  interfaceBytes: AtrInterfaceByte[];
  /** Category indicator of the historical bytes (00, 80, 10 or proprietary), when there are any. */
  historicalCategory: number | undefined;
  /** Compact-TLV objects after a category indicator of 80 (or 00); empty otherwise. */
  historicalObjects: AtrHistoricalObject[];
  /** Check byte, when the ATR has one (any protocol other than T=0 is offered). */
  tck: number | undefined;
}

/** `parseAtr` and the pieces a support person compares ATRs by. Never throws. */
export function parseAtrParts(atr: Uint8Array): AtrParts {
  const info = parseAtr(atr);
  const parts: AtrParts = { ...info, ts: atr[0], t0: atr[1], interfaceBytes: [], historicalCategory: undefined, historicalObjects: [], tck: undefined };
  if (atr.length < 2) return parts;
  let position = 2;
  let indicator = atr[1] as number;
  for (let group = 1; group <= 8; group++) {
    for (const [bit, letter] of [
      [0x10, 'A'],
      [0x20, 'B'],
      [0x40, 'C'],
      [0x80, 'D'],
    ] as const) {
      if (!(indicator & bit)) continue;
      const value = atr[position];
      if (value === undefined) return parts;
      parts.interfaceBytes.push({ name: `T${letter}${group}`, value });
      position += 1;
    }
    if (!(indicator & 0x80)) break;
    indicator = atr[position - 1] as number;
  }
  const historical = info.historicalBytes;
  parts.historicalCategory = historical[0];
  if (historical[0] === 0x80 || historical[0] === 0x00) {
    const end = historical[0] === 0x00 ? historical.length - 3 : historical.length;
    for (let at = 1; at < end;) {
      const header = historical[at] as number;
      const value = historical.subarray(at + 1, at + 1 + (header & 0x0f));
      if (value.length < (header & 0x0f)) break;
      parts.historicalObjects.push({ tag: header >> 4, value: value.slice() });
      at += 1 + value.length;
    }
  }
  const tckAt = position + historical.length;
  if (info.protocols.some((protocol) => protocol !== 0) && atr[tckAt] !== undefined) parts.tck = atr[tckAt];
  return parts;
}
