/**
 * A deliberately small decoder of the IDPrime minidriver files, written from the facts
 * (../shared/docs/siths-facts.md) and independent of the builder (native/simulator/idprime-card.ts),
 * so the simulator's tests check the layout from the outside.
 */
import { inflateSync } from 'node:zlib';
import type { VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { findFileByPath } from '../../../native/simulator/card-model.js';

export interface IndexEntry {
  fid: number;
  size: number;
  fileName: string;
  directory: string;
  flag: number;
}

export interface CmapRecord {
  container: number;
  guid: string;
  flags: number;
  signatureKeyBits: number;
  keyExchangeKeyBits: number;
}

export interface KeyReferenceRecord {
  keyReference: number;
  container: number;
  pinIndex: number;
  /** 1 → 0x11, otherwise 0x83 (facts). */
  pinReference: number;
}

const cString = (bytes: Uint8Array) => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.slice(0, end));
};

/** `0101`: N, then N entries of 21 bytes. */
export function parseIndex(content: Uint8Array): IndexEntry[] {
  const count = content[0] ?? 0;
  if (content.length < 1 + count * 21) throw new Error(`index announces ${count} entries but holds ${content.length} bytes`);
  const entries: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = content.subarray(1 + i * 21, 1 + (i + 1) * 21);
    entries.push({
      fid: (e[0]! << 8) | e[1]!,
      size: (e[2]! << 8) | e[3]!,
      fileName: cString(e.subarray(4, 12)),
      directory: cString(e.subarray(12, 20)),
      flag: e[20]!,
    });
  }
  return entries;
}

/** `0204`: 86-byte records; a record starting 00 ends the list. */
export function parseCmapFile(content: Uint8Array): CmapRecord[] {
  const records: CmapRecord[] = [];
  for (let i = 0; (i + 1) * 86 <= content.length; i++) {
    const r = content.subarray(i * 86, (i + 1) * 86);
    if (r[0] === 0) break;
    let guid = '';
    for (let c = 0; c < 40; c++) {
      const code = r[2 * c]! | (r[2 * c + 1]! << 8);
      if (code === 0) break;
      guid += String.fromCharCode(code);
    }
    records.push({ container: i, guid, flags: r[80]!, signatureKeyBits: r[82]! | (r[83]! << 8), keyExchangeKeyBits: r[84]! | (r[85]! << 8) });
  }
  return records;
}

/** `0005`: 8-byte records; byte 0 ≠ 0 means used. */
export function parseKeyReferences(content: Uint8Array): KeyReferenceRecord[] {
  const records: KeyReferenceRecord[] = [];
  for (let i = 0; (i + 1) * 8 <= content.length; i++) {
    const r = content.subarray(i * 8, (i + 1) * 8);
    if (r[0] === 0) continue;
    records.push({ keyReference: r[1]!, container: r[2]!, pinIndex: r[7]!, pinReference: r[7] === 1 ? 0x11 : 0x83 });
  }
  return records;
}

/** A certificate file: `01 00 <length LE> zlib` or plain DER. */
export function decodeCertificateFile(content: Uint8Array): { der: Uint8Array; compressed: boolean } {
  if (content[0] === 0x01 && content[1] === 0x00) {
    const expected = content[2]! | (content[3]! << 8);
    const der = new Uint8Array(inflateSync(content.subarray(4)));
    if (der.length !== expected) throw new Error(`compressed certificate inflates to ${der.length} bytes, header says ${expected}`);
    return { der, compressed: true };
  }
  return { der: content.slice(), compressed: false };
}

/** The content of an EF directly in the MF of a spec (the IDPrime applet is the MF). */
export function specFile(spec: VirtualCardSpec, fid: number): Uint8Array {
  const file = findFileByPath(spec.mf, [spec.mf.fid, fid]);
  if (file?.kind !== 'EF') throw new Error(`${spec.name}: no EF ${fid.toString(16).padStart(4, '0')} in the MF`);
  return file.content;
}

export interface SpecCertificate {
  fileName: string;
  container: number;
  fid: number;
  der: Uint8Array;
  compressed: boolean;
}

/** The certificates of an IDPrime spec as the index lists them (kxcNN / kscNN in mscp), in index order. */
export function idprimeSpecCertificates(spec: VirtualCardSpec): SpecCertificate[] {
  return parseIndex(specFile(spec, 0x0101))
    .filter((entry) => /^k[xs]c\d\d$/.test(entry.fileName) && entry.directory === 'mscp')
    .map((entry) => ({
      fileName: entry.fileName,
      container: Number(entry.fileName.slice(3)),
      fid: entry.fid,
      ...decodeCertificateFile(specFile(spec, entry.fid)),
    }));
}
