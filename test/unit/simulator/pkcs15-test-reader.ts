/**
 * A deliberately small PKCS#15 reader for the simulator's own tests: it talks APDUs to a card (with
 * 61xx/6Cxx handling), follows EF.DIR → ODF → CDF/AODF paths and decodes entries with asn1js. It is
 * independent of the encoder, so the tests check the encoding from the outside.
 */
import * as asn1js from 'asn1js';
import type { CardTransport } from '../../../native/transport.js';
import { toHex } from '../../../native/transport.js';

export interface ReadPath {
  path: Uint8Array;
  index?: number;
  length?: number;
}

export interface CdfEntry {
  label: string;
  id: string;
  authority: boolean;
  path: ReadPath;
}

export interface AodfEntry {
  label: string;
  authId: string;
  protectedBy: string | undefined;
  pinFlags: Set<number>;
  reference: number;
  minLength: number;
  storedLength: number;
}

export class StatusWordError extends Error {
  constructor(
    readonly sw: number,
    what: string,
  ) {
    super(`${what}: SW ${sw.toString(16).toUpperCase()}`);
  }
}

export class TestPkcs15Reader {
  constructor(private readonly card: CardTransport) {}

  async send(command: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    let answer = await this.card.transmit(command);
    let sw = (answer[answer.length - 2]! << 8) | answer[answer.length - 1]!;
    if (sw >> 8 === 0x6c) {
      const retry = command.slice();
      retry[retry.length - 1] = sw & 0xff;
      answer = await this.card.transmit(retry);
      sw = (answer[answer.length - 2]! << 8) | answer[answer.length - 1]!;
    }
    let data = answer.slice(0, -2);
    while (sw >> 8 === 0x61) {
      const more = await this.card.transmit(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, sw & 0xff));
      data = Uint8Array.from([...data, ...more.slice(0, -2)]);
      sw = (more[more.length - 2]! << 8) | more[more.length - 1]!;
    }
    return { data, sw };
  }

  async selectAid(aid: Uint8Array): Promise<number> {
    const { sw } = await this.send(Uint8Array.from([0x00, 0xa4, 0x04, 0x00, aid.length, ...aid, 0x00]));
    return sw;
  }

  /** SELECT by absolute path (P1=08, without the MF); returns the file size from the FCI. */
  async selectPath(path: Uint8Array): Promise<number> {
    const relative = path[0] === 0x3f && path[1] === 0x00 ? path.slice(2) : path;
    const command =
      relative.length === 0
        ? Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x3f, 0x00, 0x00)
        : Uint8Array.from([0x00, 0xa4, 0x08, 0x00, relative.length, ...relative, 0x00]);
    const { data, sw } = await this.send(command);
    if (sw !== 0x9000) throw new StatusWordError(sw, `SELECT ${toHex(path)}`);
    for (let i = 2; i < data.length;) {
      const tag = data[i]!;
      const length = data[i + 1]!;
      if (tag === 0x80) return (data[i + 2]! << 8) | data[i + 3]!;
      i += 2 + length;
    }
    return 0;
  }

  async readBinary(size: number, offset = 0): Promise<Uint8Array> {
    const out: number[] = [];
    while (out.length < size) {
      const pos = offset + out.length;
      const le = Math.min(0xff, size - out.length);
      const { data, sw } = await this.send(Uint8Array.of(0x00, 0xb0, pos >> 8, pos & 0xff, le));
      if (sw !== 0x9000 && sw !== 0x6282) throw new StatusWordError(sw, `READ BINARY at ${pos}`);
      out.push(...data);
      if (sw === 0x6282 || data.length === 0) break;
    }
    return Uint8Array.from(out);
  }

  async readPath(path: ReadPath): Promise<Uint8Array> {
    const size = await this.selectPath(path.path);
    if (path.index !== undefined && path.length !== undefined) return this.readBinary(path.length, path.index);
    return this.readBinary(size);
  }

  /** The application path from EF.DIR (tag 51 of the template 61 holding the AID). */
  async applicationPath(): Promise<Uint8Array> {
    const dir = await this.readPath({ path: Uint8Array.of(0x3f, 0x00, 0x2f, 0x00) });
    const template = topLevelObjects(dir)[0];
    if (!template) throw new Error('EF.DIR is empty');
    const inner = new Uint8Array(template.valueBlock.valueBeforeDecodeView);
    for (let i = 0; i < inner.length;) {
      const tag = inner[i]!;
      const length = inner[i + 1]!;
      if (tag === 0x51) return inner.slice(i + 2, i + 2 + length);
      i += 2 + length;
    }
    throw new Error('EF.DIR has no path');
  }

  async odf(appPath: Uint8Array): Promise<Map<number, ReadPath>> {
    const odf = await this.readPath({ path: Uint8Array.from([...appPath, 0x50, 0x31]) });
    const entries = new Map<number, ReadPath>();
    for (const entry of topLevelObjects(odf)) {
      entries.set(entry.idBlock.tagNumber, decodePath(children(entry)[0]!));
    }
    return entries;
  }

  async tokenInfo(appPath: Uint8Array): Promise<asn1js.Sequence> {
    const bytes = await this.readPath({ path: Uint8Array.from([...appPath, 0x50, 0x32]) });
    return topLevelObjects(bytes)[0] as asn1js.Sequence;
  }
}

/** Parses the DER objects of a file until the FF/00 padding. Throws when the encoding is broken. */
export function topLevelObjects(bytes: Uint8Array): asn1js.BaseBlock[] {
  const objects: asn1js.BaseBlock[] = [];
  let offset = 0;
  while (offset < bytes.length && bytes[offset] !== 0xff && bytes[offset] !== 0x00) {
    const parsed = asn1js.fromBER(bytes.slice(offset));
    if (parsed.offset === -1 || parsed.result.error) throw new Error(`Broken DER at offset ${offset}: ${parsed.result.error}`);
    objects.push(parsed.result);
    offset += parsed.offset;
  }
  return objects;
}

export function children(block: asn1js.BaseBlock): asn1js.BaseBlock[] {
  const value = (block.valueBlock as { value?: asn1js.BaseBlock[] }).value;
  return Array.isArray(value) ? value : [];
}

function octets(block: asn1js.BaseBlock): Uint8Array {
  return new Uint8Array((block as asn1js.OctetString).valueBlock.valueHexView);
}

function integerOf(block: asn1js.BaseBlock): number {
  return Array.from(new Uint8Array((block.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView)).reduce((n, b) => n * 256 + b, 0);
}

export function decodePath(block: asn1js.BaseBlock): ReadPath {
  const parts = children(block);
  const path: ReadPath = { path: octets(parts[0]!) };
  for (const part of parts.slice(1)) {
    if (part.idBlock.tagClass === 1 && part.idBlock.tagNumber === 2) path.index = integerOf(part);
    if (part.idBlock.tagClass === 3 && part.idBlock.tagNumber === 0) path.length = integerOf(part);
  }
  return path;
}

function bitsOf(block: asn1js.BaseBlock): Set<number> {
  const bytes = new Uint8Array((block as asn1js.BitString).valueBlock.valueHexView);
  const set = new Set<number>();
  bytes.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) set.add(i * 8 + bit);
  });
  return set;
}

export function decodeCdf(bytes: Uint8Array): CdfEntry[] {
  return topLevelObjects(bytes).map((entry) => {
    const [common, commonCert, typeAttributes] = children(entry);
    const certAttributes = children(commonCert!);
    const authority = certAttributes[1] instanceof asn1js.Boolean ? certAttributes[1].getValue() : false;
    return {
      label: (children(common!)[0] as asn1js.Utf8String).getValue(),
      id: toHex(octets(certAttributes[0]!)),
      authority,
      path: decodePath(children(children(typeAttributes!)[0]!)[0]!),
    };
  });
}

export function decodeAodf(bytes: Uint8Array): AodfEntry[] {
  return topLevelObjects(bytes).map((entry) => {
    const [common, commonAuth, typeAttributes] = children(entry);
    const commonParts = children(common!);
    const protectedBy = commonParts.find((part) => part instanceof asn1js.OctetString);
    const pinAttributes = children(children(typeAttributes!)[0]!);
    const reference = pinAttributes.find((part) => part.idBlock.tagClass === 3 && part.idBlock.tagNumber === 0);
    return {
      label: (commonParts[0] as asn1js.Utf8String).getValue(),
      authId: toHex(octets(children(commonAuth!)[0]!)),
      protectedBy: protectedBy ? toHex(octets(protectedBy)) : undefined,
      pinFlags: bitsOf(pinAttributes[0]!),
      minLength: integerOf(pinAttributes[2]!),
      storedLength: integerOf(pinAttributes[3]!),
      reference: reference ? integerOf(reference) : 0,
    };
  });
}
