/** Upper-case hex of bytes, fast (Buffer-based): the APDU log of one read holds several kilobytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
