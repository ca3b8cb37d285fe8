/**
 * Bytes as the whole house handles them: upper-case hex (logs, reports, APDU scripts), joining
 * parts, and comparing. It sits at the bottom (architecture.md) and imports nothing, not even a
 * Node module, so that the card layer, the PKI code, the PC/SC layer and the simulator share it.
 */

/** Two upper-case hex digits for each byte value, looked up instead of formatted per byte: an APDU log of one read holds kilobytes. */
const hexOfByte: readonly string[] = Array.from({ length: 256 }, (_, value) => value.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of the bytes, `separator` between two bytes (`':'` for fingerprints). */
export function toHex(bytes: Uint8Array, separator = ''): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : separator) + (hexOfByte[bytes[i] as number] as string);
  return out;
}

/** Hex digits to bytes; white space and colons between them are ignored. Throws TypeError on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new TypeError(`Not a hex string: ${hex}`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The parts one after the other, in a new array (never one of the parts, so the result may be changed or wiped). */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Same length and the same byte at every position. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
