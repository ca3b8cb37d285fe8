/** Minimal BER-TLV writing for FCP/FCI templates and EF.DIR records (single-byte tags only). */
import { concatBytes } from '../bytes.js';

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
}

export function tlv(tag: number, ...values: Uint8Array[]): Uint8Array {
  const value = concatBytes(...values);
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value);
}

export function uint16(value: number): Uint8Array {
  return Uint8Array.of((value >> 8) & 0xff, value & 0xff);
}
