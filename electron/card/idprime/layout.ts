/**
 * The byte layouts of a Thales IDPrime card's minidriver files (docs/siths-facts.md, "Thales
 * IDPrime cards", learnt from OpenSC's idprime driver): the index file 0101, the container map,
 * the key-reference file of the 940 family, certificate files (plain DER or zlib-compressed) and
 * the PKCS#11 token label. Each parser takes the bytes of one file and returns plain data or throws
 * IdPrimeFormatError; every loop is bounded by the input, and inflating is bounded too.
 */
import { unzipSync } from 'node:zlib';
import { IdPrimeFormatError } from '../errors.js';
import { fromHex, toHex } from '../../../native/bytes.js';
import { tlvHeaderLength } from '../pkcs15/der.js';

/** DF name of the IDPrime applet. */
export const idPrimeAppletAid = fromHex('A000000018800000000662');
/** The index file, selected by path after the applet. */
export const indexFid = 0x0101;
/** The 940 family's key-reference file (not listed in the index). */
export const keyReferenceFid = 0x0005;
/** The user PIN ("legitimering" on SITHS cards) and the 940 family's digital-signature PIN. */
export const idPrimePinReferences = { user: 0x11, signature: 0x83 } as const;

export const idPrimeLimits = {
  indexEntryLength: 21,
  containerRecordLength: 86,
  keyReferenceRecordLength: 8,
  /** A real certificate is ~1.3 kB; 16 KiB is far beyond any, and bounds a zip bomb. */
  maxCertificateBytes: 16 * 1024,
  /** More certificate files than the index of any real card lists. */
  maxCertificateFiles: 32,
  /** The largest file this reader will read from an IDPrime card (an index entry's size is 2 bytes). */
  maxFileBytes: 0xffff,
} as const;

export interface IdPrimeIndexEntry {
  fid: number;
  /** FID as 4 hex digits. */
  fidHex: string;
  /** Size in bytes as the index states it (for a compressed certificate: stored bytes). */
  size: number;
  /** e.g. `cardid`, `cmapfile`, `kxc00`. */
  name: string;
  /** e.g. ``, `mscp`, `p11`. */
  directory: string;
  /** The last byte of the entry (seen 03 for cardid, 01 otherwise); not interpreted. */
  flag: number;
}

/** Byte 0: number of entries; then 21-byte entries. Trailing bytes after the last entry are allowed. */
export function parseIndexFile(bytes: Uint8Array, file = '0101'): IdPrimeIndexEntry[] {
  if (bytes.length === 0) throw new IdPrimeFormatError('the index file is empty', { file });
  const count = bytes[0] as number;
  const needed = 1 + count * idPrimeLimits.indexEntryLength;
  if (bytes.length < needed) throw new IdPrimeFormatError(`the index announces ${count} entries (${needed} bytes) but has ${bytes.length} bytes`, { file });
  const entries: IdPrimeIndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const start = 1 + i * idPrimeLimits.indexEntryLength;
    const entry = bytes.subarray(start, start + idPrimeLimits.indexEntryLength);
    const fid = ((entry[0] as number) << 8) | (entry[1] as number);
    entries.push({
      fid,
      fidHex: toHex(entry.subarray(0, 2)),
      size: ((entry[2] as number) << 8) | (entry[3] as number),
      name: nulPaddedAscii(entry.subarray(4, 12), 'file name', file),
      directory: nulPaddedAscii(entry.subarray(12, 20), 'directory name', file),
      flag: entry[20] as number,
    });
  }
  return entries;
}

function nulPaddedAscii(bytes: Uint8Array, what: string, file: string): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte > 0x7e) throw new IdPrimeFormatError(`${what} holds a byte that is not printable ASCII (${byte.toString(16)})`, { file });
  }
  return String.fromCharCode(...bytes.subarray(0, end));
}

/** A certificate file's name: `kxcNN` (key exchange) or `kscNN` (signature), NN the container index. */
export function certificateFileKind(entry: IdPrimeIndexEntry): { kind: 'kxc' | 'ksc'; container: number | null } | undefined {
  if (entry.directory !== 'mscp') return undefined;
  const match = /^(kxc|ksc)(\d\d)?$/.exec(entry.name);
  if (!match) return undefined;
  return { kind: match[1] as 'kxc' | 'ksc', container: match[2] === undefined ? null : Number(match[2]) };
}

export interface ContainerRecord {
  index: number;
  guid: string;
  flags: number;
  /** Bit 0 of the flags: the container holds a key. */
  valid: boolean;
  signatureKeyBits: number;
  keyExchangeKeyBits: number;
}

/**
 * Microsoft minidriver CONTAINER_MAP_RECORDs of 86 bytes: GUID (UTF-16LE, 40 characters), flags,
 * reserved, signature key size and key-exchange key size (bits, little endian). A record starting
 * with 00 ends the list. Trailing bytes shorter than a record are ignored.
 */
export function parseContainerMap(bytes: Uint8Array): ContainerRecord[] {
  const records: ContainerRecord[] = [];
  const length = idPrimeLimits.containerRecordLength;
  for (let index = 0; (index + 1) * length <= bytes.length; index++) {
    const record = bytes.subarray(index * length, (index + 1) * length);
    if (record[0] === 0) break;
    let guid = '';
    for (let c = 0; c < 40; c++) {
      const code = (record[2 * c] as number) | ((record[2 * c + 1] as number) << 8);
      if (code === 0) break;
      guid += code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '?';
    }
    const flags = record[80] as number;
    records.push({
      index,
      guid,
      flags,
      valid: (flags & 0x01) !== 0,
      signatureKeyBits: (record[82] as number) | ((record[83] as number) << 8),
      keyExchangeKeyBits: (record[84] as number) | ((record[85] as number) << 8),
    });
  }
  return records;
}

export interface KeyReferenceRecord {
  keyReference: number;
  container: number;
  /** Byte 7 as stored: 1 means the user PIN 0x11, anything else the signature PIN 0x83. */
  pinIndex: number;
  pinReference: number;
}

/** 8-byte records; a record whose first byte is 0 is unused. Bytes 3–6 are not known. */
export function parseKeyReferenceFile(bytes: Uint8Array): KeyReferenceRecord[] {
  const records: KeyReferenceRecord[] = [];
  const length = idPrimeLimits.keyReferenceRecordLength;
  for (let offset = 0; offset + length <= bytes.length; offset += length) {
    const record = bytes.subarray(offset, offset + length);
    if (record[0] === 0) continue;
    const pinIndex = record[7] as number;
    records.push({
      keyReference: record[1] as number,
      container: record[2] as number,
      pinIndex,
      pinReference: pinIndex === 1 ? idPrimePinReferences.user : idPrimePinReferences.signature,
    });
  }
  return records;
}

/**
 * A certificate file: `01 00` + uncompressed length (2 bytes, little endian) + a zlib (or gzip)
 * stream, or plain DER. The inflated size is bounded and must equal the stated length; the result
 * must be one DER SEQUENCE that fits.
 */
export function decodeCertificateFile(bytes: Uint8Array, file: string): { der: Uint8Array; compressed: boolean } {
  if (bytes.length >= 4 && bytes[0] === 0x01 && bytes[1] === 0x00) {
    const stated = (bytes[2] as number) | ((bytes[3] as number) << 8);
    if (stated === 0 || stated > idPrimeLimits.maxCertificateBytes) throw new IdPrimeFormatError(`compressed certificate states ${stated} bytes`, { file });
    let inflated: Buffer;
    try {
      inflated = unzipSync(bytes.subarray(4), { maxOutputLength: idPrimeLimits.maxCertificateBytes });
    } catch (error) {
      const reason = error instanceof RangeError ? `inflates to more than ${idPrimeLimits.maxCertificateBytes} bytes` : 'is not a zlib or gzip stream';
      throw new IdPrimeFormatError(`compressed certificate ${reason}`, { file });
    }
    if (inflated.length !== stated)
      throw new IdPrimeFormatError(`compressed certificate inflates to ${inflated.length} bytes, not the ${stated} it states`, { file });
    return { der: certificateDer(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length), file), compressed: true };
  }
  return { der: certificateDer(bytes, file), compressed: false };
}

/** Exactly the first DER SEQUENCE of the bytes (the file may be padded after it). */
function certificateDer(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes[0] !== 0x30) throw new IdPrimeFormatError('certificate data is not a DER SEQUENCE', { file });
  const header = tlvHeaderLength(bytes, 0);
  if (!header) throw new IdPrimeFormatError('certificate data has no valid DER length', { file });
  const total = header.headerLength + header.contentLength;
  if (total > bytes.length) throw new IdPrimeFormatError(`certificate of ${total} bytes cut off after ${bytes.length}`, { file });
  if (header.contentLength < 16) throw new IdPrimeFormatError('certificate data is too short to be a certificate', { file });
  return bytes.slice(0, total);
}

/** The PKCS#11 token label in `p11/tinfo`: `01 LEN` then LEN bytes (UTF-8, maybe NUL-terminated). */
export function parseTokenLabel(bytes: Uint8Array): string | null {
  if (bytes.length < 2 || bytes[0] !== 0x01) return null;
  const length = bytes[1] as number;
  const label = bytes.subarray(2, 2 + length);
  const end = label.indexOf(0);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(end >= 0 ? label.subarray(0, end) : label).trim();
  return text.length > 0 ? text : null;
}

/** The size a SELECT's FCP (`62`) or FCI (`6F`) template gives in tag 80 (or 81); undefined when none. */
export function fileSizeFromFcp(data: Uint8Array): number | undefined {
  if (data.length < 2 || (data[0] !== 0x62 && data[0] !== 0x6f)) return undefined;
  const outer = tlvHeaderLength(data, 0);
  if (!outer) return undefined;
  const end = Math.min(data.length, outer.headerLength + outer.contentLength);
  let position = outer.headerLength;
  for (let guard = 0; position < end && guard < 64; guard++) {
    const header = tlvHeaderLength(data, position);
    if (!header) return undefined;
    const tag = data[position] as number;
    const valueStart = position + header.headerLength;
    const valueEnd = valueStart + header.contentLength;
    if (valueEnd > end) return undefined;
    if ((tag === 0x80 || tag === 0x81) && header.contentLength >= 1 && header.contentLength <= 4) {
      let size = 0;
      for (let i = valueStart; i < valueEnd; i++) size = size * 256 + (data[i] as number);
      return size;
    }
    position = valueEnd;
  }
  return undefined;
}

/** `DF 30 LL <ASCII applet version>` from GET DATA DF30; undefined when it is not that. */
export function parseAppletVersion(data: Uint8Array): string | undefined {
  if (data.length < 3 || data[0] !== 0xdf || data[1] !== 0x30) return undefined;
  const length = data[2] as number;
  const value = data.subarray(3, 3 + length);
  if (value.length === 0) return undefined;
  const text = String.fromCharCode(...[...value].filter((b) => b >= 0x20 && b < 0x7f)).trim();
  return text.length > 0 ? text : undefined;
}
