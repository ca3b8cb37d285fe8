/**
 * Builds DER for the card tests by hand (independent of asn1js and of the simulator's encoder, so
 * that a shared misreading of the standard would show up): TLVs, PKCS#15 objects and a
 * certificate-shaped SEQUENCE with a keyUsage extension.
 */
import { fromHex } from '../../../native/transport.js';

export type Bytes = Uint8Array | number[];

export function concat(...parts: Bytes[]): Uint8Array {
  const arrays = parts.map((part) => (part instanceof Uint8Array ? part : Uint8Array.from(part)));
  const out = new Uint8Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...content: Bytes[]): Uint8Array {
  const value = concat(...content);
  return concat([tag], encodeLength(value.length), value);
}

export const seq = (...content: Bytes[]) => tlv(0x30, ...content);
export const octets = (value: Bytes | string) => tlv(0x04, typeof value === 'string' ? fromHex(value) : value);
export const utf8 = (text: string) => tlv(0x0c, new TextEncoder().encode(text));
export const bool = (value: boolean) => tlv(0x01, [value ? 0xff : 0x00]);
export const ctxPrimitive = (n: number, ...content: Bytes[]) => tlv(0x80 | n, ...content);
export const ctxConstructed = (n: number, ...content: Bytes[]) => tlv(0xa0 | n, ...content);

function integerContent(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if ((out[0] as number) & 0x80) out.unshift(0);
  return out;
}

export const int = (value: number) => tlv(0x02, integerContent(value));
export const enumerated = (value: number) => tlv(0x0a, integerContent(value));
export const ctxInt = (n: number, value: number) => ctxPrimitive(n, integerContent(value));

/** BIT STRING with the given bit numbers set (bit 0 = most significant bit of the first byte). */
export function bits(...set: number[]): Uint8Array {
  if (set.length === 0) return tlv(0x03, [0]);
  const highest = Math.max(...set);
  const bytes = new Array<number>((highest >> 3) + 1).fill(0);
  for (const bit of set) bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7));
  return tlv(0x03, [bytes.length * 8 - (highest + 1)], bytes);
}

export function path(hex: string, slice?: { index: number; length: number }): Uint8Array {
  return slice ? seq(octets(hex), int(slice.index), ctxInt(0, slice.length)) : seq(octets(hex));
}

// ---- PKCS#15 -----------------------------------------------------------------------------------

export const OdfTag = { privateKeys: 0, certificates: 4, trustedCertificates: 5, usefulCertificates: 6, authObjects: 8 } as const;

export function odfEntry(kind: keyof typeof OdfTag, pathHex: string): Uint8Array {
  return ctxConstructed(OdfTag[kind], path(pathHex));
}

export interface PinSpec {
  label: string;
  authId: string;
  /** authId of the PUK that unblocks it. */
  protectedBy?: string;
  /** Bit numbers of PinFlags (1 local, 4 initialized, 5 needs-padding, 6 unblockingPin, 7 soPin). */
  flags: number[];
  reference: number;
  minLength?: number;
  storedLength?: number;
  maxLength?: number;
  padChar?: number;
  pathHex?: string;
}

export const PinFlagBit = { local: 1, initialized: 4, needsPadding: 5, unblockingPin: 6, soPin: 7 } as const;

export function pinObject(pin: PinSpec): Uint8Array {
  const attributes = [
    bits(...pin.flags),
    enumerated(1),
    int(pin.minLength ?? 6),
    int(pin.storedLength ?? 8),
    ...(pin.maxLength !== undefined ? [int(pin.maxLength)] : []),
    ctxInt(0, pin.reference),
    ...(pin.padChar !== undefined ? [octets([pin.padChar])] : []),
    ...(pin.pathHex ? [path(pin.pathHex)] : []),
  ];
  return seq(
    seq(utf8(pin.label), bits(0, 1), ...(pin.protectedBy ? [octets(pin.protectedBy)] : [])),
    seq(octets(pin.authId)),
    ctxConstructed(1, seq(...attributes)),
  );
}

export const KeyUsageBit = {
  encrypt: 0,
  decrypt: 1,
  sign: 2,
  signRecover: 3,
  wrap: 4,
  unwrap: 5,
  verify: 6,
  verifyRecover: 7,
  derive: 8,
  nonRepudiation: 9,
} as const;

export function keyObject(key: {
  label: string;
  id: string;
  authId: string;
  usage: number[];
  reference: number;
  pathHex: string;
  modulus?: number;
}): Uint8Array {
  return seq(
    seq(utf8(key.label), bits(0), octets(key.authId)),
    seq(octets(key.id), bits(...key.usage), bits(0, 2, 3, 4), int(key.reference)),
    ctxConstructed(1, seq(path(key.pathHex), int(key.modulus ?? 2048))),
  );
}

export function certificateObject(cert: {
  label: string;
  id: string;
  authority?: boolean;
  pathHex?: string;
  slice?: { index: number; length: number };
  direct?: Uint8Array;
}): Uint8Array {
  const value = cert.direct ? ctxConstructed(0, cert.direct) : path(cert.pathHex ?? '3F004401', cert.slice);
  return seq(seq(utf8(cert.label)), seq(octets(cert.id), ...(cert.authority ? [bool(true)] : [])), ctxConstructed(1, seq(value)));
}

export function tokenInfo(info: { serial: string; manufacturer?: string; label?: string; flags?: number[] }): Uint8Array {
  return seq(
    int(0),
    octets(new TextEncoder().encode(info.serial)),
    ...(info.manufacturer ? [utf8(info.manufacturer)] : []),
    ...(info.label ? [ctxPrimitive(0, new TextEncoder().encode(info.label))] : []),
    bits(...(info.flags ?? [1])),
  );
}

export function dirRecord(aidHex: string, label?: string, pathHex?: string): Uint8Array {
  return tlv(
    0x61,
    tlv(0x4f, fromHex(aidHex)),
    ...(label ? [tlv(0x50, new TextEncoder().encode(label))] : []),
    ...(pathHex ? [tlv(0x51, fromHex(pathHex))] : []),
  );
}

export function padFF(content: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(Math.max(size, content.length)).fill(0xff);
  out.set(content);
  return out;
}

/**
 * A certificate-shaped SEQUENCE (not a valid X.509 certificate: the card layer does not verify
 * one) of about `size` bytes, with a keyUsage extension when `keyUsageBits` is given.
 */
export function fakeCertificate(options: { serial: number; size?: number; keyUsageBits?: number[] }): Uint8Array {
  const oid = (hex: string) => tlv(0x06, fromHex(hex));
  const name = seq(tlv(0x31, seq(oid('550403'), utf8(`Test ${options.serial}`))));
  const extensions = options.keyUsageBits ? [ctxConstructed(3, seq(seq(oid('551D0F'), bool(true), octets(bits(...options.keyUsageBits)))))] : [];
  const tbsWithoutPadding = seq(ctxConstructed(0, int(2)), int(options.serial), seq(oid('2A864886F70D01010B')), name, seq(), name, seq(), ...extensions);
  const signatureLength = Math.max(1, (options.size ?? 400) - tbsWithoutPadding.length - 30);
  const signature = tlv(0x03, [0], new Array<number>(signatureLength).fill(options.serial & 0xff));
  return seq(tbsWithoutPadding, seq(oid('2A864886F70D01010B')), signature);
}
