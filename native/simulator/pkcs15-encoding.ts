/**
 * DER encoding of the PKCS#15 (ISO/IEC 7816-15) directory files a virtual card carries: EF.DIR
 * records, EF.ODF, EF.TokenInfo, CDF, PrKDF and AODF. Written from the PKCS#15 v1.1 ASN.1 module:
 * the module uses implicit tags, except that CHOICE alternatives and `[1] typeAttributes` are explicit.
 */
import * as asn1js from 'asn1js';
import {
  commonObjectFlagBits,
  keyAccessFlagBits,
  keyUsageFlagBits,
  odfKinds,
  pinFlagBits,
  pinTypes,
  tokenFlagBits,
  type CommonObjectFlag,
  type KeyAccessFlag,
  type KeyUsageFlag,
  type OdfKind,
  type PinAttributeFields,
  type PinFlag,
  type PinType,
  type Pkcs15Path,
  type TokenFlag,
} from '../pkcs15-asn1.js';
import { concatBytes } from '../bytes.js';
import { tlv } from './tlv.js';

// The tag numbers, flag bits and PIN types are the ones the card layer's parser reads with.
export type { CommonObjectFlag, KeyAccessFlag, KeyUsageFlag, OdfKind, PinFlag, PinType, Pkcs15Path, TokenFlag };

export interface OdfEntry {
  type: OdfKind;
  path: Pkcs15Path;
}

export interface TokenInfoSpec {
  version?: number;
  serialNumber: Uint8Array;
  manufacturerId?: string;
  label?: string;
  flags: TokenFlag[];
}

export interface CertificateObjectSpec {
  label: string;
  id: Uint8Array;
  authority?: boolean;
  flags?: CommonObjectFlag[];
  path: Pkcs15Path;
}

export interface PrivateKeyObjectSpec {
  label: string;
  id: Uint8Array;
  /** authId of the PIN that protects the key. */
  authId: Uint8Array;
  usage: KeyUsageFlag[];
  accessFlags?: KeyAccessFlag[];
  keyReference: number;
  path: Pkcs15Path;
  modulusLength: number;
}

export interface PinObjectSpec extends PinAttributeFields {
  label: string;
  /** This PIN's own authId (CommonAuthenticationObjectAttributes). */
  authId: Uint8Array;
  /** authId of the PIN that protects this one: for a PIN, its PUK. */
  protectedBy?: Uint8Array;
  objectFlags?: CommonObjectFlag[];
  pinFlags: PinFlag[];
  pinType: PinType;
}

export interface DirApplicationSpec {
  aid: Uint8Array;
  label?: string;
  path?: Uint8Array;
}

function der(block: asn1js.AsnType): Uint8Array {
  return new Uint8Array(block.toBER(false));
}

/** A named BIT STRING in DER: trailing zero bits dropped, unused bits counted. */
export function namedBitString<T extends string>(all: readonly T[], set: readonly T[]): asn1js.BitString {
  const positions = set.map((name) => {
    const position = all.indexOf(name);
    if (position < 0) throw new Error(`Unknown flag ${name}`);
    return position;
  });
  if (positions.length === 0) return new asn1js.BitString({ valueHex: new Uint8Array(0), unusedBits: 0 });
  const highest = Math.max(...positions);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const position of positions) bytes[position >> 3]! |= 0x80 >> (position & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: bytes.length * 8 - (highest + 1) });
}

/** Minimal two's-complement content octets of a non-negative integer. */
function integerContent(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if ((out[0] ?? 0) & 0x80) out.unshift(0);
  return Uint8Array.from(out);
}

function contextPrimitive(tagNumber: number, content: Uint8Array): asn1js.Primitive {
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber }, valueHex: content });
}

function contextConstructed(tagNumber: number, value: asn1js.AsnType[]): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
}

function pathBlock(path: Pkcs15Path): asn1js.Sequence {
  const value: asn1js.AsnType[] = [new asn1js.OctetString({ valueHex: path.path })];
  if (path.index !== undefined) value.push(new asn1js.Integer({ value: path.index }));
  if (path.length !== undefined) value.push(contextPrimitive(0, integerContent(path.length)));
  return new asn1js.Sequence({ value });
}

function commonObjectAttributes(label: string, flags: CommonObjectFlag[] | undefined, authId?: Uint8Array): asn1js.Sequence {
  const value: asn1js.AsnType[] = [new asn1js.Utf8String({ value: label })];
  if (flags) value.push(namedBitString(commonObjectFlagBits, flags));
  if (authId) value.push(new asn1js.OctetString({ valueHex: authId }));
  return new asn1js.Sequence({ value });
}

/** EF.ODF: one `[n] Path` per directory file. */
export function encodeOdf(entries: OdfEntry[]): Uint8Array {
  return concatBytes(...entries.map((entry) => der(contextConstructed(odfKinds.indexOf(entry.type), [pathBlock(entry.path)]))));
}

export function encodeTokenInfo(info: TokenInfoSpec): Uint8Array {
  const value: asn1js.AsnType[] = [new asn1js.Integer({ value: info.version ?? 0 }), new asn1js.OctetString({ valueHex: info.serialNumber })];
  if (info.manufacturerId !== undefined) value.push(new asn1js.Utf8String({ value: info.manufacturerId }));
  if (info.label !== undefined) value.push(contextPrimitive(0, new TextEncoder().encode(info.label)));
  value.push(namedBitString(tokenFlagBits, info.flags));
  return der(new asn1js.Sequence({ value }));
}

/** One x509Certificate entry of a CDF. */
export function encodeCertificateObject(cert: CertificateObjectSpec): Uint8Array {
  const commonCertificate: asn1js.AsnType[] = [new asn1js.OctetString({ valueHex: cert.id })];
  if (cert.authority) commonCertificate.push(new asn1js.Boolean({ value: true }));
  return der(
    new asn1js.Sequence({
      value: [
        commonObjectAttributes(cert.label, cert.flags),
        new asn1js.Sequence({ value: commonCertificate }),
        contextConstructed(1, [new asn1js.Sequence({ value: [pathBlock(cert.path)] })]),
      ],
    }),
  );
}

export function encodeCdf(certificates: CertificateObjectSpec[]): Uint8Array {
  return concatBytes(...certificates.map(encodeCertificateObject));
}

/** One privateRSAKey entry of a PrKDF. */
export function encodePrivateKeyObject(key: PrivateKeyObjectSpec): Uint8Array {
  return der(
    new asn1js.Sequence({
      value: [
        commonObjectAttributes(key.label, ['private'], key.authId),
        new asn1js.Sequence({
          value: [
            new asn1js.OctetString({ valueHex: key.id }),
            namedBitString(keyUsageFlagBits, key.usage),
            namedBitString(keyAccessFlagBits, key.accessFlags ?? ['sensitive', 'alwaysSensitive', 'neverExtractable', 'local']),
            new asn1js.Integer({ value: key.keyReference }),
          ],
        }),
        contextConstructed(1, [new asn1js.Sequence({ value: [pathBlock(key.path), new asn1js.Integer({ value: key.modulusLength })] })]),
      ],
    }),
  );
}

export function encodePrkdf(keys: PrivateKeyObjectSpec[]): Uint8Array {
  return concatBytes(...keys.map(encodePrivateKeyObject));
}

/** One pin entry of an AODF. */
export function encodePinObject(pin: PinObjectSpec): Uint8Array {
  const pinAttributes: asn1js.AsnType[] = [
    namedBitString(pinFlagBits, pin.pinFlags),
    new asn1js.Enumerated({ value: pinTypes.indexOf(pin.pinType) }),
    new asn1js.Integer({ value: pin.minLength }),
    new asn1js.Integer({ value: pin.storedLength }),
  ];
  if (pin.maxLength !== undefined) pinAttributes.push(new asn1js.Integer({ value: pin.maxLength }));
  pinAttributes.push(contextPrimitive(0, integerContent(pin.reference)));
  if (pin.padChar !== undefined) pinAttributes.push(new asn1js.OctetString({ valueHex: Uint8Array.of(pin.padChar) }));
  if (pin.path) pinAttributes.push(pathBlock(pin.path));
  return der(
    new asn1js.Sequence({
      value: [
        commonObjectAttributes(pin.label, pin.objectFlags ?? ['private', 'modifiable'], pin.protectedBy),
        new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: pin.authId })] }),
        contextConstructed(1, [new asn1js.Sequence({ value: pinAttributes })]),
      ],
    }),
  );
}

export function encodeAodf(pins: PinObjectSpec[]): Uint8Array {
  return concatBytes(...pins.map(encodePinObject));
}

/** An EF.DIR application template (ISO 7816-4 tag 61). */
export function encodeDirRecord(app: DirApplicationSpec): Uint8Array {
  return tlv(
    0x61,
    tlv(0x4f, app.aid),
    app.label !== undefined ? tlv(0x50, new TextEncoder().encode(app.label)) : new Uint8Array(0),
    app.path !== undefined ? tlv(0x51, app.path) : new Uint8Array(0),
  );
}

/** Pads file content with FF up to `size` (cards allocate files larger than their objects). */
export function padWithFF(content: Uint8Array, size: number): Uint8Array {
  if (size < content.length) throw new Error(`File content (${content.length} bytes) exceeds its size ${size}`);
  const out = new Uint8Array(size).fill(0xff);
  out.set(content, 0);
  return out;
}

/** The allocated size a card would give a file: at least 32 bytes of slack, in 128-byte steps. */
export function allocatedSize(contentLength: number): number {
  return Math.ceil((contentLength + 32) / 128) * 128;
}
