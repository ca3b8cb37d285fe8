/**
 * A small, bounded view over BER/DER decoded by asn1js: each node has its tag, whether it is
 * constructed, its raw content bytes and its children. PKCS#15 uses context tags and CHOICEs
 * heavily, so walking a generic tree is simpler and safer than asn1js's schema matching.
 * Every failure becomes a Pkcs15ParseError.
 */
import * as asn1js from 'asn1js';
import { Pkcs15ParseError } from '../errors.js';

export const TagClass = { universal: 1, application: 2, context: 3, private: 4 } as const;

export interface DerNode {
  /** asn1js tag class: 1 universal, 2 application, 3 context-specific, 4 private. */
  tagClass: number;
  tagNumber: number;
  constructed: boolean;
  /** Content octets (without tag and length). */
  content: Uint8Array;
  /** The whole encoding (tag, length, content). */
  encoded: Uint8Array;
  children: DerNode[];
}

export interface DerLimits {
  maxDepth: number;
  maxNodes: number;
}

export const defaultDerLimits: DerLimits = { maxDepth: 16, maxNodes: 4000 };

function toNode(block: asn1js.AsnType, depth: number, file: string | undefined): DerNode {
  const base = block as unknown as asn1js.BaseBlock;
  if (base.lenBlock.isIndefiniteForm) throw new Pkcs15ParseError('indefinite length is not DER', { file });
  const encoded = base.valueBeforeDecodeView;
  if (!(encoded instanceof Uint8Array)) throw new Pkcs15ParseError('value without encoding', { file });
  const headerLength = base.idBlock.blockLength + base.lenBlock.blockLength;
  const content = encoded.subarray(headerLength);
  const node: DerNode = {
    tagClass: base.idBlock.tagClass,
    tagNumber: base.idBlock.tagNumber,
    constructed: base.idBlock.isConstructed,
    content,
    encoded,
    children: [],
  };
  if (node.constructed) {
    const value = (base.valueBlock as unknown as { value?: unknown }).value;
    if (!Array.isArray(value)) throw new Pkcs15ParseError('constructed value without children', { file });
    for (const child of value as asn1js.AsnType[]) node.children.push(toNode(child, depth + 1, file));
  }
  return node;
}

/**
 * Decodes one TLV at `offset`. Returns the node and the offset after it. The value must fit in
 * `bytes`; anything asn1js refuses, or that violates the limits, throws Pkcs15ParseError.
 */
export function decodeDerAt(bytes: Uint8Array, offset: number, options: { file?: string; limits?: DerLimits } = {}): { node: DerNode; next: number } {
  const limits = options.limits ?? defaultDerLimits;
  const view = bytes.subarray(offset);
  if (view.length === 0) throw new Pkcs15ParseError('no data where a value was expected', { file: options.file, offset });
  let result: asn1js.FromBerResult;
  try {
    result = asn1js.fromBER(view, {
      maxDepth: limits.maxDepth,
      maxNodes: limits.maxNodes,
      maxContentLength: view.length,
      parseEmbedded: false,
      // The input is not changed while it is decoded; no need for asn1js to copy it.
      copyInput: false,
    });
  } catch (error) {
    // asn1js reports most problems in `error`, but a decoder may still throw on odd input.
    throw new Pkcs15ParseError(`not valid DER at offset ${offset}: ${(error as Error).message}`, { file: options.file, offset });
  }
  if (result.offset === -1 || result.offset > view.length || result.result.error) {
    throw new Pkcs15ParseError(`not valid DER at offset ${offset}: ${result.result.error || 'decoding failed'}`, { file: options.file, offset });
  }
  const node = toNode(result.result, 0, options.file);
  if (node.encoded.length !== result.offset) {
    throw new Pkcs15ParseError(`inconsistent DER lengths at offset ${offset}`, { file: options.file, offset });
  }
  return { node, next: offset + result.offset };
}

/** Decodes exactly one TLV that must fill `bytes`. */
export function decodeDer(bytes: Uint8Array, options: { file?: string; limits?: DerLimits } = {}): DerNode {
  const { node, next } = decodeDerAt(bytes, 0, options);
  if (next !== bytes.length) throw new Pkcs15ParseError(`${bytes.length - next} unexpected bytes after the value`, { file: options.file, offset: next });
  return node;
}

/**
 * Decodes the sequence of top-level objects a PKCS#15 directory file holds. `00` or `FF` where a
 * tag is expected ends the directory (files are padded after their last object).
 */
export function decodeDirectory(bytes: Uint8Array, options: { file?: string; maxObjects: number; limits?: DerLimits }): DerNode[] {
  const nodes: DerNode[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = bytes[offset];
    if (tag === 0x00 || tag === 0xff) break;
    if (nodes.length >= options.maxObjects) {
      throw new Pkcs15ParseError(`more than ${options.maxObjects} objects`, { file: options.file, offset });
    }
    const { node, next } = decodeDerAt(bytes, offset, options);
    nodes.push(node);
    offset = next;
  }
  return nodes;
}

/**
 * How many bytes of a directory file hold objects, judged from the bytes read so far:
 * `{ complete: true, length }` once padding (00/FF at a tag position) or a clean end was found,
 * `{ complete: false, needAtLeast }` when the last object runs past what has been read.
 * Only looks at tags and lengths, so a read can stop as soon as the directory is complete.
 */
export function scanTlvStream(bytes: Uint8Array, maxObjects: number): { complete: true; length: number } | { complete: false; needAtLeast: number } {
  let offset = 0;
  let objects = 0;
  while (offset < bytes.length) {
    const tag = bytes[offset];
    if (tag === 0x00 || tag === 0xff) return { complete: true, length: offset };
    if (objects >= maxObjects) return { complete: true, length: offset };
    const header = tlvHeaderLength(bytes, offset);
    if (header === undefined) return { complete: false, needAtLeast: offset + 8 };
    if (header === null) return { complete: true, length: offset }; // unparseable: let the parser report it
    const end = offset + header.headerLength + header.contentLength;
    if (end > bytes.length) return { complete: false, needAtLeast: end };
    offset = end;
    objects += 1;
  }
  return { complete: false, needAtLeast: bytes.length + 1 };
}

/**
 * Tag + length header of the TLV at `offset`: undefined when more bytes are needed to tell, null
 * when it cannot be a DER header (indefinite length, length of more than 4 bytes).
 */
export function tlvHeaderLength(bytes: Uint8Array, offset: number): { headerLength: number; contentLength: number } | undefined | null {
  let position = offset;
  const first = bytes[position];
  if (first === undefined) return undefined;
  position += 1;
  if ((first & 0x1f) === 0x1f) {
    // High tag number: continuation bytes while bit 8 is set (at most 4).
    for (let i = 0; ; i++) {
      const byte = bytes[position];
      if (byte === undefined) return undefined;
      position += 1;
      if ((byte & 0x80) === 0) break;
      if (i >= 3) return null;
    }
  }
  const lengthByte = bytes[position];
  if (lengthByte === undefined) return undefined;
  position += 1;
  if (lengthByte < 0x80) return { headerLength: position - offset, contentLength: lengthByte };
  const count = lengthByte & 0x7f;
  if (count === 0 || count > 4) return null;
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = bytes[position];
    if (byte === undefined) return undefined;
    length = length * 256 + byte;
    position += 1;
  }
  return { headerLength: position - offset, contentLength: length };
}

// ---- typed accessors --------------------------------------------------------------------------

export function isUniversal(node: DerNode, tagNumber: number): boolean {
  return node.tagClass === TagClass.universal && node.tagNumber === tagNumber;
}

export function isContext(node: DerNode, tagNumber: number): boolean {
  return node.tagClass === TagClass.context && node.tagNumber === tagNumber;
}

export const Universal = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  enumerated: 10,
  utf8String: 12,
  sequence: 16,
  printableString: 19,
  t61String: 20,
  ia5String: 22,
  generalizedTime: 24,
  visibleString: 26,
  bmpString: 30,
} as const;

/** Non-negative INTEGER (or ENUMERATED / implicitly tagged integer) that fits in a safe number. */
export function readUnsignedInteger(node: DerNode, what: string, file?: string): number {
  const bytes = node.content;
  if (node.constructed || bytes.length === 0 || bytes.length > 6) throw new Pkcs15ParseError(`${what}: not a small integer`, { file });
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  if ((bytes[0] as number) & 0x80) {
    // Negative in two's complement; a few cards encode references as negative bytes (OpenSC
    // keeps a workaround for it): read a one-byte negative value as its unsigned byte.
    if (bytes.length === 1) return value;
    throw new Pkcs15ParseError(`${what}: negative integer`, { file });
  }
  return value;
}

export function readBoolean(node: DerNode, what: string, file?: string): boolean {
  if (node.constructed || node.content.length !== 1) throw new Pkcs15ParseError(`${what}: not a BOOLEAN`, { file });
  return node.content[0] !== 0;
}

export function readOctets(node: DerNode, what: string, file?: string): Uint8Array {
  if (node.constructed) throw new Pkcs15ParseError(`${what}: constructed where octets were expected`, { file });
  return node.content.slice();
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const latin1Decoder = new TextDecoder('latin1');

/** Text of a string type (UTF8String, PrintableString, …, or an implicitly tagged one). */
export function readText(node: DerNode, what: string, file?: string): string {
  if (node.constructed) throw new Pkcs15ParseError(`${what}: constructed where text was expected`, { file });
  if (isUniversal(node, Universal.bmpString)) {
    let text = '';
    for (let i = 0; i + 1 < node.content.length; i += 2) text += String.fromCharCode(((node.content[i] as number) << 8) | (node.content[i + 1] as number));
    return text;
  }
  if (isUniversal(node, Universal.t61String)) return latin1Decoder.decode(node.content);
  return textDecoder.decode(node.content);
}

/** BIT STRING → the numbers of the bits that are set (bit 0 is the first, most significant). */
export function readBitFlags(node: DerNode, what: string, file?: string): number[] {
  if (node.constructed || node.content.length === 0) throw new Pkcs15ParseError(`${what}: not a BIT STRING`, { file });
  const unused = node.content[0] as number;
  if (unused > 7) throw new Pkcs15ParseError(`${what}: BIT STRING with ${unused} unused bits`, { file });
  const bits: number[] = [];
  const data = node.content.subarray(1);
  const total = data.length * 8 - (data.length > 0 ? unused : 0);
  for (let bit = 0; bit < total; bit++) {
    if (((data[bit >> 3] as number) & (0x80 >> (bit & 7))) !== 0) bits.push(bit);
  }
  return bits;
}

export function describeTag(node: DerNode): string {
  const classNames = ['', 'UNIVERSAL', 'APPLICATION', 'CONTEXT', 'PRIVATE'];
  return `[${classNames[node.tagClass] ?? node.tagClass} ${node.tagNumber}]${node.constructed ? ' constructed' : ''}`;
}
