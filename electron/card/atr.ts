/**
 * Answer-to-reset parsing (ISO/IEC 7816-3 and 7816-4 §8): the protocols a card offers and what its
 * historical bytes say about itself, in particular whether it takes extended-length APDUs.
 */
import { toHex } from '../../native/transport.js';

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
  return (hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase().match(/.{2}/g) ?? []).join(' ');
}
