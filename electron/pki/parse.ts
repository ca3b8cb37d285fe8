/**
 * Certificate parsing: DER or PEM (one certificate, a PEM bundle, or a PKCS#7 "certs-only" file as
 * Windows exports a chain) into `CertificateInfo`, plain data that can cross IPC and go into a
 * report. Synchronous: pkijs decodes without WebCrypto; fingerprints come from node:crypto.
 * Whatever the input, the only exception is `CertificateParseError`.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../native/bytes.js';
import { CertificateParseError } from './errors.js';
import {
  accessMethods,
  attributeNames,
  extendedKeyUsageNames,
  extensionOids,
  keyUsageBitNames,
  namedCurves,
  publicKeyAlgorithmNames,
  signatureAlgorithmNames,
  type KeyUsageName,
} from './oids.js';
import { maskPersonnummerInText } from './personnummer.js';

export interface NameAttribute {
  oid: string;
  /** Short name (`CN`, `serialNumber`, …) or the OID when we have no name for it. */
  name: string;
  value: string;
}

export interface DistinguishedName {
  /** In certificate (DER) order. */
  attributes: NameAttribute[];
  /** As Windows and RFC 4514 show it, most specific first: `CN=…, O=…, C=SE`. A personnummer is masked. */
  display: string;
  commonName?: string;
  serialNumber?: string;
  givenName?: string;
  surname?: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  country?: string;
  title?: string;
  emailAddress?: string;
}

export interface ExtendedKeyUsage {
  oid: string;
  name?: string;
}

export interface PublicKeyDescription {
  /** `RSA`, `EC`, … or the OID. */
  algorithm: string;
  oid: string;
  bits?: number;
  curve?: string;
}

export interface CertificateInfo {
  /** The certificate as given (DER). */
  der: Uint8Array;
  version: number;
  /** Serial number as upper-case hex without separators (the positive-sign 00 removed). */
  serialNumber: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** Subject and issuer names are identical (a root, or a self-issued CA certificate). */
  selfIssued: boolean;
  /** null: no keyUsage extension. */
  keyUsage: KeyUsageName[] | null;
  /** null: no extKeyUsage extension. */
  extendedKeyUsage: ExtendedKeyUsage[] | null;
  policies: string[];
  ocspUrls: string[];
  caIssuersUrls: string[];
  crlUrls: string[];
  /** SEIS card number (1.2.752.34.2.1), 19 digits on SITHS cards. */
  cardNumber?: string;
  basicConstraints: { isCA: boolean; pathLength?: number } | null;
  isCA: boolean;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  /** `DNS:…`, `email:…`, `URI:…`, `IP:…`, `UPN:…`. */
  subjectAltNames: string[];
  publicKey: PublicKeyDescription;
  signatureAlgorithm: { oid: string; name: string };
  /** Colon-separated upper-case hex, as Windows and openssl show them. */
  fingerprints: { sha256: string; sha1: string };
  /** Critical extensions we could not decode (a verifier must reject the certificate). */
  unparsedCriticalExtensions: string[];
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function fingerprint(der: Uint8Array, algorithm: 'sha256' | 'sha1'): string {
  return toHex(createHash(algorithm).update(der).digest(), ':');
}

function viewOf(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new Uint8Array(buffer);
}

/** A string-valued ASN.1 element as text; anything else as `#hex` (RFC 4514 style). */
function asn1Text(value: unknown): string {
  if (value && typeof value === 'object' && 'valueBlock' in value) {
    const block = (value as { valueBlock: { value?: unknown; valueHexView?: Uint8Array } }).valueBlock;
    if (typeof block.value === 'string') return block.value;
    if (block.valueHexView) return `#${toHex(block.valueHexView)}`;
  }
  return '';
}

const displayEscapes = /([,+"\\<>;=])/g;

function toDistinguishedName(rdn: pkijs.RelativeDistinguishedNames): DistinguishedName {
  const attributes: NameAttribute[] = rdn.typesAndValues.map((tv) => ({
    oid: tv.type,
    name: attributeNames[tv.type] ?? tv.type,
    value: asn1Text(tv.value),
  }));
  const first = (oid: string) => attributes.find((a) => a.oid === oid)?.value;
  const display = [...attributes]
    .reverse()
    .map((a) => `${a.name}=${maskPersonnummerInText(a.value).replace(displayEscapes, '\\$1')}`)
    .join(', ');
  const name: DistinguishedName = { attributes, display };
  const fields: [keyof DistinguishedName, string][] = [
    ['commonName', '2.5.4.3'],
    ['serialNumber', '2.5.4.5'],
    ['givenName', '2.5.4.42'],
    ['surname', '2.5.4.4'],
    ['organization', '2.5.4.10'],
    ['organizationalUnit', '2.5.4.11'],
    ['locality', '2.5.4.7'],
    ['country', '2.5.4.6'],
    ['title', '2.5.4.12'],
    ['emailAddress', '1.2.840.113549.1.9.1'],
  ];
  for (const [field, oid] of fields) {
    const value = first(oid);
    if (value !== undefined) (name as unknown as Record<string, string>)[field] = value;
  }
  return name;
}

function serialHex(serial: asn1js.Integer): string {
  let bytes = serial.valueBlock.valueHexView;
  if (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return toHex(bytes);
}

function validDate(time: pkijs.Time, field: string): Date {
  const value = time.value;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new CertificateParseError('bad-field', `The certificate's ${field} is not a valid time.`);
  }
  return value;
}

function keyUsageNames(bits: asn1js.BitString): KeyUsageName[] {
  const bytes = bits.valueBlock.valueHexView;
  const names: KeyUsageName[] = [];
  keyUsageBitNames.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) names.push(name);
  });
  return names;
}

function generalNameText(name: pkijs.GeneralName): string | undefined {
  switch (name.type) {
    case 1:
      return `email:${String(name.value)}`;
    case 2:
      return `DNS:${String(name.value)}`;
    case 6:
      return `URI:${String(name.value)}`;
    case 7: {
      const bytes = viewOf((name.value as asn1js.OctetString).valueBlock.valueHexView);
      return bytes.length === 4 ? `IP:${Array.from(bytes).join('.')}` : `IP:${toHex(bytes, ':')}`;
    }
    case 0: {
      // otherName: [type-id OID, [0] EXPLICIT value]; the Microsoft UPN is the one worth naming.
      const value = name.value as { valueBlock?: { value?: unknown[] } };
      const parts = value.valueBlock?.value ?? [];
      const typeId = parts[0] instanceof asn1js.ObjectIdentifier ? parts[0].valueBlock.toString() : '';
      const inner = (parts[1] as { valueBlock?: { value?: unknown[] } } | undefined)?.valueBlock?.value?.[0];
      if (typeId === '1.3.6.1.4.1.311.20.2.3') return `UPN:${asn1Text(inner)}`;
      return `othername:${typeId}`;
    }
    case 4:
      return name.value instanceof pkijs.RelativeDistinguishedNames ? `DirName:${toDistinguishedName(name.value).display}` : undefined;
    default:
      return undefined;
  }
}

function uriOf(name: pkijs.GeneralName): string | undefined {
  return name.type === 6 && typeof name.value === 'string' ? name.value : undefined;
}

function describePublicKey(spki: pkijs.PublicKeyInfo): PublicKeyDescription {
  const oid = spki.algorithm.algorithmId;
  const description: PublicKeyDescription = { algorithm: publicKeyAlgorithmNames[oid] ?? oid, oid };
  if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
    const asn1 = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView);
    if (asn1.offset !== -1 && asn1.result instanceof asn1js.Sequence) {
      const modulus = asn1.result.valueBlock.value[0];
      if (modulus instanceof asn1js.Integer) {
        let bytes = modulus.valueBlock.valueHexView;
        while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
        const top = bytes[0] ?? 0;
        description.bits = bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (top === 0 ? 0 : Math.floor(Math.log2(top)) + 1);
      }
    }
  } else if (oid === '1.2.840.10045.2.1') {
    const params = spki.algorithm.algorithmParams as unknown;
    if (params instanceof asn1js.ObjectIdentifier) {
      const curve = namedCurves[params.valueBlock.toString()];
      if (curve) {
        description.curve = curve[0];
        description.bits = curve[1];
      } else {
        description.curve = params.valueBlock.toString();
      }
    }
  } else if (oid === '1.3.101.112') {
    description.bits = 256;
  }
  return description;
}

function decodeSeisCardNumber(extension: pkijs.Extension): string | undefined {
  const asn1 = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (asn1.offset === -1) return undefined;
  const text = asn1Text(asn1.result);
  return text === '' || text.startsWith('#') ? undefined : text;
}

// ---------------------------------------------------------------------------------------------
// DER → CertificateInfo

/** The pkijs object behind a CertificateInfo; kept aside so chain and revocation code need not decode twice. */
const decoded = new WeakMap<CertificateInfo, pkijs.Certificate>();

function decodeDer(der: Uint8Array, index?: number): pkijs.Certificate {
  if (der.length === 0) throw new CertificateParseError('empty', 'No certificate data.', index);
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new CertificateParseError('bad-der', `Not valid DER: ${asn1.result.error}`, index);
  if (asn1.offset !== der.length) throw new CertificateParseError('trailing-data', `${der.length - asn1.offset} bytes follow the certificate.`, index);
  try {
    return new pkijs.Certificate({ schema: asn1.result });
  } catch {
    throw new CertificateParseError('not-a-certificate', 'The data is DER but not an X.509 certificate.', index);
  }
}

function describe(certificate: pkijs.Certificate, der: Uint8Array): CertificateInfo {
  const info: CertificateInfo = {
    der,
    version: certificate.version + 1,
    serialNumber: serialHex(certificate.serialNumber),
    subject: toDistinguishedName(certificate.subject),
    issuer: toDistinguishedName(certificate.issuer),
    notBefore: validDate(certificate.notBefore, 'notBefore'),
    notAfter: validDate(certificate.notAfter, 'notAfter'),
    selfIssued: certificate.subject.isEqual(certificate.issuer),
    keyUsage: null,
    extendedKeyUsage: null,
    policies: [],
    ocspUrls: [],
    caIssuersUrls: [],
    crlUrls: [],
    basicConstraints: null,
    isCA: false,
    subjectAltNames: [],
    publicKey: describePublicKey(certificate.subjectPublicKeyInfo),
    signatureAlgorithm: {
      oid: certificate.signatureAlgorithm.algorithmId,
      name: signatureAlgorithmNames[certificate.signatureAlgorithm.algorithmId] ?? certificate.signatureAlgorithm.algorithmId,
    },
    fingerprints: { sha256: fingerprint(der, 'sha256'), sha1: fingerprint(der, 'sha1') },
    unparsedCriticalExtensions: [],
  };
  for (const extension of certificate.extensions ?? []) {
    const parsed: unknown = extension.parsedValue;
    const failed = parsed === undefined || (typeof parsed === 'object' && parsed !== null && 'parsingError' in parsed);
    switch (extension.extnID) {
      case extensionOids.keyUsage:
        if (parsed instanceof asn1js.BitString) info.keyUsage = keyUsageNames(parsed);
        break;
      case extensionOids.extKeyUsage:
        if (parsed instanceof pkijs.ExtKeyUsage && !failed) {
          info.extendedKeyUsage = parsed.keyPurposes.map((oid) => {
            const name = extendedKeyUsageNames[oid];
            return name ? { oid, name } : { oid };
          });
        }
        break;
      case extensionOids.certificatePolicies:
        if (parsed instanceof pkijs.CertificatePolicies && !failed) info.policies = parsed.certificatePolicies.map((p) => p.policyIdentifier);
        break;
      case extensionOids.authorityInfoAccess:
        if (parsed instanceof pkijs.InfoAccess && !failed) {
          for (const access of parsed.accessDescriptions) {
            const uri = uriOf(access.accessLocation);
            if (uri === undefined) continue;
            if (access.accessMethod === accessMethods.ocsp) info.ocspUrls.push(uri);
            else if (access.accessMethod === accessMethods.caIssuers) info.caIssuersUrls.push(uri);
          }
        }
        break;
      case extensionOids.crlDistributionPoints:
        if (parsed instanceof pkijs.CRLDistributionPoints && !failed) {
          for (const point of parsed.distributionPoints) {
            if (Array.isArray(point.distributionPoint)) {
              for (const name of point.distributionPoint) {
                const uri = uriOf(name);
                if (uri !== undefined) info.crlUrls.push(uri);
              }
            }
          }
        }
        break;
      case extensionOids.basicConstraints:
        if (parsed instanceof pkijs.BasicConstraints && !failed) {
          const pathLength = typeof parsed.pathLenConstraint === 'number' ? parsed.pathLenConstraint : parsed.pathLenConstraint?.valueBlock.valueDec;
          info.basicConstraints = pathLength === undefined ? { isCA: parsed.cA } : { isCA: parsed.cA, pathLength };
          info.isCA = parsed.cA;
        }
        break;
      case extensionOids.subjectKeyIdentifier:
        if (parsed instanceof asn1js.OctetString) info.subjectKeyIdentifier = toHex(parsed.valueBlock.valueHexView, ':');
        break;
      case extensionOids.authorityKeyIdentifier:
        if (parsed instanceof pkijs.AuthorityKeyIdentifier && parsed.keyIdentifier) {
          info.authorityKeyIdentifier = toHex(parsed.keyIdentifier.valueBlock.valueHexView, ':');
        }
        break;
      case extensionOids.subjectAltName:
        if (parsed instanceof pkijs.AltName && !failed) {
          for (const name of parsed.altNames) {
            const text = generalNameText(name);
            if (text !== undefined) info.subjectAltNames.push(text);
          }
        }
        break;
      case extensionOids.seisCardNumber: {
        const cardNumber = decodeSeisCardNumber(extension);
        if (cardNumber !== undefined) info.cardNumber = cardNumber;
        break;
      }
      default:
        break;
    }
    if (extension.critical && failed && extension.extnID !== extensionOids.seisCardNumber) info.unparsedCriticalExtensions.push(extension.extnID);
  }
  return info;
}

function infoFromDer(der: Uint8Array, index?: number): CertificateInfo {
  const certificate = decodeDer(der, index);
  try {
    const info = describe(certificate, der);
    decoded.set(info, certificate);
    return info;
  } catch (e) {
    if (e instanceof CertificateParseError) throw new CertificateParseError(e.code, e.message, index);
    throw new CertificateParseError('bad-field', `The certificate has a field we could not read: ${e instanceof Error ? e.message : String(e)}`, index);
  }
}

/**
 * The pkijs certificate behind an info, decoded again when the info came over IPC or from JSON.
 * Throws CertificateParseError for a bad `der`.
 */
export function pkijsCertificate(info: CertificateInfo): pkijs.Certificate {
  const cached = decoded.get(info);
  if (cached) return cached;
  const certificate = decodeDer(info.der);
  decoded.set(info, certificate);
  return certificate;
}

// ---------------------------------------------------------------------------------------------
// PEM, bundles, PKCS#7

interface PemBlock {
  label: string;
  der: Uint8Array;
}

const base64Body = /^[A-Za-z0-9+/=\s]*$/;

function decodeBase64(body: string, index?: number): Uint8Array {
  // PEM headers ("Proc-Type: …") are not certificates; the body must be clean base64.
  if (!base64Body.test(body)) throw new CertificateParseError('bad-base64', 'The PEM block is not base64.', index);
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 === 1 || /=[^=]/.test(compact)) {
    throw new CertificateParseError('bad-base64', 'The PEM block is not base64.', index);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** More PEM blocks or DER objects than this in one input is not a certificate file. */
export const maxObjectsPerInput = 64;

function tooMany(): CertificateParseError {
  return new CertificateParseError('too-many-objects', `More than ${maxObjectsPerInput} objects in one file; a certificate file holds a few.`);
}

function isPemLabel(label: string): boolean {
  if (label.length === 0) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x20)) return false;
  }
  return true;
}

/**
 * PEM blocks by a forward scan with indexOf, never a regex over the whole text: each END line is
 * paired with the last BEGIN before it, and the scan resumes after the END. Every character is
 * looked at a bounded number of times, whatever the input (a file of repeated BEGIN lines made
 * the old lazy regex quadratic).
 */
function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let from = 0;
  for (;;) {
    const end = text.indexOf('-----END ', from);
    if (end < 0) break;
    const endLabelStart = end + '-----END '.length;
    const endLabelEnd = text.indexOf('-----', endLabelStart);
    if (endLabelEnd < 0) break;
    const next = endLabelEnd + 5;
    const endLabel = text.slice(endLabelStart, endLabelEnd);
    const begin = text.lastIndexOf('-----BEGIN ', end);
    if (begin < from || !isPemLabel(endLabel)) {
      from = next;
      continue;
    }
    const labelStart = begin + '-----BEGIN '.length;
    const labelEnd = text.indexOf('-----', labelStart);
    const label = labelEnd >= 0 && labelEnd < end ? text.slice(labelStart, labelEnd) : '';
    if (!isPemLabel(label)) {
      from = next;
      continue;
    }
    if (blocks.length >= maxObjectsPerInput) throw tooMany();
    if (label !== endLabel) throw new CertificateParseError('not-pem', `PEM block ${label} ends with ${endLabel}.`, blocks.length);
    blocks.push({ label, der: decodeBase64(text.slice(labelEnd + 5, end), blocks.length) });
    from = next;
  }
  return blocks;
}

/**
 * The length of the one DER object at `offset` (header and contents), read from its header alone,
 * or undefined when the header is not valid DER or claims more bytes than there are.
 */
export function derObjectLength(bytes: Uint8Array, offset = 0): number | undefined {
  let at = offset;
  const available = bytes.length;
  if (at >= available) return undefined;
  const first = bytes[at++] as number;
  if ((first & 0x1f) === 0x1f) {
    // High tag number: base-128 digits, the last without its top bit. Four are plenty.
    let digits = 0;
    for (;;) {
      if (at >= available || ++digits > 4) return undefined;
      if (((bytes[at++] as number) & 0x80) === 0) break;
    }
  }
  if (at >= available) return undefined;
  const lengthByte = bytes[at++] as number;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    // 0x80 is BER's indefinite length (not DER); more than 4 length bytes is beyond any input we read.
    if (count === 0 || count > 4 || at + count > available) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at++] as number);
  }
  const total = at - offset + length;
  return offset + total <= available ? total : undefined;
}

const textDecoder = new TextDecoder('latin1');

/** Bytes that are really text (a .pem or a "Base-64 encoded X.509 (.CER)" from Windows), not DER. */
function looksLikeText(bytes: Uint8Array): boolean {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const head = bytes.subarray(start, start + 256);
  // Text has no control characters other than tab and line breaks; DER nearly always does.
  if (head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f)) return false;
  return head.length > 0 && head[0] !== 0x30;
}

/** Certificates inside a PKCS#7 SignedData ("certs-only", .p7b/.p7c). */
function certificatesFromPkcs7(der: Uint8Array, index?: number): CertificateInfo[] {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new CertificateParseError('bad-der', 'Not valid DER.', index);
  let contentInfo: pkijs.ContentInfo;
  let signedData: pkijs.SignedData;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not SignedData');
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    throw new CertificateParseError('not-a-certificate', 'The data is neither a certificate nor a PKCS#7 certificate bundle.', index);
  }
  const out: CertificateInfo[] = [];
  for (const item of signedData.certificates ?? []) {
    if (out.length >= maxObjectsPerInput) throw tooMany();
    if (item instanceof pkijs.Certificate) out.push(infoFromDer(new Uint8Array(item.toSchema().toBER(false)), index));
  }
  if (out.length === 0) throw new CertificateParseError('not-a-certificate', 'The PKCS#7 bundle holds no certificates.', index);
  return out;
}

/**
 * Splits concatenated DER objects (some tools write a chain as DER back to back) by reading each
 * header: views of one input, never a copy of the rest per object, and at most maxObjectsPerInput.
 */
function derObjects(bytes: Uint8Array): Uint8Array[] {
  const objects: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (objects.length >= maxObjectsPerInput) throw tooMany();
    const length = derObjectLength(bytes, offset);
    if (length === undefined) throw new CertificateParseError('bad-der', 'Not valid DER.', objects.length);
    objects.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return objects;
}

function isPkcs7(der: Uint8Array): boolean {
  // ContentInfo: SEQUENCE { OID 1.2.840.113549.1.7.2 … }; a certificate starts SEQUENCE { SEQUENCE …
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Sequence)) return false;
  const first = asn1.result.valueBlock.value[0];
  return first instanceof asn1js.ObjectIdentifier;
}

function parseDerInput(bytes: Uint8Array): CertificateInfo[] {
  if (bytes.length === 0) throw new CertificateParseError('empty', 'No certificate data.');
  const objects = derObjects(bytes);
  if (objects.length === 1 && isPkcs7(objects[0] as Uint8Array)) return certificatesFromPkcs7(objects[0] as Uint8Array);
  return objects.map((der, i) => infoFromDer(der, objects.length > 1 ? i : undefined));
}

function parseTextInput(text: string): CertificateInfo[] {
  if (text.trim().length === 0) throw new CertificateParseError('empty', 'No certificate data.');
  if (!text.includes('-----BEGIN')) {
    // Bare base64 (a PEM body without its armour).
    if (!base64Body.test(text)) throw new CertificateParseError('not-pem', 'The text is neither PEM nor base64.');
    return parseDerInput(decodeBase64(text));
  }
  const blocks = pemBlocks(text);
  if (blocks.length === 0) throw new CertificateParseError('not-pem', 'The PEM text has no complete BEGIN/END block.');
  const out: CertificateInfo[] = [];
  blocks.forEach((block, i) => {
    const index = blocks.length > 1 ? i : undefined;
    if (block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE') {
      out.push(infoFromDer(block.der, index));
    } else if (block.label === 'TRUSTED CERTIFICATE') {
      // openssl's trusted form: the certificate followed by its trust settings.
      const length = derObjectLength(block.der);
      if (length === undefined) throw new CertificateParseError('bad-der', 'Not valid DER.', index);
      out.push(infoFromDer(block.der.subarray(0, length), index));
    } else if (block.label === 'PKCS7' || block.label === 'CMS') {
      out.push(...certificatesFromPkcs7(block.der, index));
    }
    // Other blocks (keys, CSRs, CRLs) in the same file are not certificates: skipped.
  });
  if (out.length === 0) throw new CertificateParseError('not-a-certificate', 'The PEM text holds no CERTIFICATE block.');
  return out;
}

function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof CertificateParseError) throw e;
    throw new CertificateParseError('bad-der', `The data could not be read as a certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Every certificate in DER, a PEM bundle, base64 or PKCS#7. Throws only CertificateParseError. */
export function parseCertificates(input: Uint8Array | string): CertificateInfo[] {
  return guard(() => {
    if (typeof input === 'string') return parseTextInput(input);
    if (!(input instanceof Uint8Array)) throw new CertificateParseError('empty', 'Expected bytes or text.');
    if (input.length > 0 && looksLikeText(input)) return parseTextInput(textDecoder.decode(input));
    return parseDerInput(input);
  });
}

/** Exactly one certificate (DER or PEM). Several → CertificateParseError('several-certificates'). */
export function parseCertificate(input: Uint8Array | string): CertificateInfo {
  const all = parseCertificates(input);
  if (all.length !== 1) {
    throw new CertificateParseError('several-certificates', `The input holds ${all.length} certificates; use parseCertificates.`);
  }
  return all[0] as CertificateInfo;
}

/** CertificateInfo as JSON-friendly data: DER as base64, dates as ISO strings. */
export interface CertificateInfoJson extends Omit<CertificateInfo, 'der' | 'notBefore' | 'notAfter'> {
  der: string;
  notBefore: string;
  notAfter: string;
}

export function certificateInfoToJson(info: CertificateInfo): CertificateInfoJson {
  return { ...info, der: Buffer.from(info.der).toString('base64'), notBefore: info.notBefore.toISOString(), notAfter: info.notAfter.toISOString() };
}

/** PEM text for one certificate (for "save the chain" and test fixtures). */
export function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A certificate as a report or `--json` shows it: no DER, dates as ISO strings, and any
 * personnummer in the subject or issuer masked (attribute values and display strings alike).
 */
export interface CertificateSummary extends Omit<CertificateInfoJson, 'der'> {
  subject: DistinguishedName;
  issuer: DistinguishedName;
}

function maskedName(name: DistinguishedName): DistinguishedName {
  const out: DistinguishedName = { ...name, attributes: name.attributes.map((a) => ({ ...a, value: maskPersonnummerInText(a.value) })) };
  for (const key of ['commonName', 'serialNumber', 'givenName', 'surname', 'title', 'organizationalUnit'] as const) {
    const value = out[key];
    if (value !== undefined) out[key] = maskPersonnummerInText(value);
  }
  return out;
}

export function certificateSummary(info: CertificateInfo): CertificateSummary {
  const { der: _der, ...json } = certificateInfoToJson(info);
  return {
    ...json,
    subject: maskedName(info.subject),
    issuer: maskedName(info.issuer),
    subjectAltNames: info.subjectAltNames.map(maskPersonnummerInText),
  };
}
