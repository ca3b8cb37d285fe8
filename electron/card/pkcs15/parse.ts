/**
 * Parsers for the PKCS#15 files a reader of SITHS cards needs: EF.DIR, EF.ODF, EF.TokenInfo and
 * the certificate, authentication-object and private-key directories. Each takes the bytes of one
 * file (padding after the last object is allowed) and either returns plain data or throws
 * Pkcs15ParseError. Every loop is bounded by the input or by an explicit object limit.
 */
import { Pkcs15ParseError } from '../errors.js';
import {
  decodeDirectory,
  describeTag,
  isContext,
  isUniversal,
  readBitFlags,
  readBoolean,
  readOctets,
  readText,
  readUnsignedInteger,
  TagClass,
  Universal,
  tlvHeaderLength,
  type DerNode,
} from './der.js';
import { commonObjectFlagBits, keyUsageFlagBits, odfKinds, pinFlagBits, pinTypes, tokenFlagBits } from '../../../native/pkcs15-asn1.js';
import type {
  CertificateObject,
  CommonObjectAttributes,
  CommonObjectFlag,
  DirApplication,
  OdfEntry,
  PinObject,
  Pkcs15Path,
  PrivateKeyObject,
  TokenFlag,
  TokenInfo,
} from './types.js';

/** Limits on what one directory may hold; a real SITHS card has a handful of each. */
export const pkcs15Limits = {
  maxDirectoryObjects: 64,
  maxOdfEntries: 32,
  maxDirApplications: 16,
  maxPathBytes: 16,
  maxIdBytes: 64,
  maxLabelBytes: 255,
} as const;

function fail(message: string, file?: string): never {
  throw new Pkcs15ParseError(message, { file });
}

function childAt(node: DerNode, index: number, what: string, file?: string): DerNode {
  const child = node.children[index];
  if (!child) fail(`${what} is missing`, file);
  return child;
}

function expectConstructed(node: DerNode, what: string, file?: string): void {
  if (!node.constructed) fail(`${what}: expected a constructed value, got ${describeTag(node)}`, file);
}

function readLabel(node: DerNode, what: string, file?: string): string {
  if (node.content.length > pkcs15Limits.maxLabelBytes) fail(`${what}: label too long`, file);
  return readText(node, what, file);
}

function readIdentifier(node: DerNode, what: string, file?: string): Uint8Array {
  if (!isUniversal(node, Universal.octetString)) fail(`${what}: expected an OCTET STRING, got ${describeTag(node)}`, file);
  const id = readOctets(node, what, file);
  if (id.length > pkcs15Limits.maxIdBytes) fail(`${what}: identifier too long`, file);
  return id;
}

/** Path ::= SEQUENCE { path OCTET STRING, index INTEGER OPTIONAL, length [0] INTEGER OPTIONAL } */
export function parsePath(node: DerNode, file?: string): Pkcs15Path {
  if (!isUniversal(node, Universal.sequence)) fail(`Path: expected a SEQUENCE, got ${describeTag(node)}`, file);
  const pathNode = childAt(node, 0, 'Path.path', file);
  if (!isUniversal(pathNode, Universal.octetString)) fail(`Path.path: expected an OCTET STRING, got ${describeTag(pathNode)}`, file);
  const path = readOctets(pathNode, 'Path.path', file);
  if (path.length < 2 || path.length % 2 !== 0 || path.length > pkcs15Limits.maxPathBytes) {
    fail(`Path.path: ${path.length} bytes is not a file path`, file);
  }
  const result: Pkcs15Path = { path };
  for (const child of node.children.slice(1)) {
    if (isUniversal(child, Universal.integer)) result.index = readUnsignedInteger(child, 'Path.index', file);
    else if (isContext(child, 0)) result.length = readUnsignedInteger(child, 'Path.length', file);
    // Other components (e.g. an AID in later editions of ISO 7816-15) are not needed here.
  }
  if (result.length !== undefined && result.index === undefined) result.index = 0;
  if (result.index !== undefined && result.length === undefined) fail('Path.index without Path.length', file);
  return result;
}

// ---- EF.DIR -----------------------------------------------------------------------------------

/** EF.DIR: application templates `61 { 4F AID, 50 label, 51 path, … }`. */
export function parseEfDir(bytes: Uint8Array, file = 'EF.DIR'): DirApplication[] {
  const nodes = decodeDirectory(bytes, { file, maxObjects: pkcs15Limits.maxDirApplications });
  const applications: DirApplication[] = [];
  for (const node of nodes) {
    if (!(node.tagClass === TagClass.application && node.tagNumber === 1 && node.constructed)) {
      fail(`expected an application template (61), got ${describeTag(node)}`, file);
    }
    let aid: Uint8Array | undefined;
    const application: Partial<DirApplication> = {};
    for (const child of node.children) {
      if (child.tagClass !== TagClass.application || child.constructed) continue;
      if (child.tagNumber === 15) aid = readOctets(child, 'AID', file);
      else if (child.tagNumber === 16) application.label = readLabel(child, 'application label', file);
      else if (child.tagNumber === 17) application.path = readOctets(child, 'application path', file);
    }
    if (!aid || aid.length < 5 || aid.length > 16) fail('application template without a valid AID', file);
    applications.push({ aid, ...application });
  }
  return applications;
}

// ---- EF.ODF -----------------------------------------------------------------------------------

export function parseOdf(bytes: Uint8Array, file = 'EF.ODF'): OdfEntry[] {
  const nodes = decodeDirectory(bytes, { file, maxObjects: pkcs15Limits.maxOdfEntries });
  const entries: OdfEntry[] = [];
  for (const node of nodes) {
    const kind = node.tagClass === TagClass.context ? odfKinds[node.tagNumber] : undefined;
    if (!kind) fail(`unknown ODF entry ${describeTag(node)}`, file);
    expectConstructed(node, `ODF ${kind}`, file);
    const inner = childAt(node, 0, `ODF ${kind} path`, file);
    if (!isUniversal(inner, Universal.sequence)) {
      fail(`ODF ${kind}: only directories referenced by path are supported, got ${describeTag(inner)}`, file);
    }
    entries.push({ kind, path: parsePath(inner, file) });
  }
  return entries;
}

// ---- EF.TokenInfo -----------------------------------------------------------------------------

export function parseTokenInfo(bytes: Uint8Array, file = 'EF.TokenInfo'): TokenInfo {
  const nodes = decodeDirectory(bytes, { file, maxObjects: 1 });
  const root = nodes[0];
  if (!root || !isUniversal(root, Universal.sequence)) fail('TokenInfo is not a SEQUENCE', file);
  const versionNode = childAt(root, 0, 'TokenInfo.version', file);
  if (!isUniversal(versionNode, Universal.integer)) fail('TokenInfo.version is not an INTEGER', file);
  const serialNode = childAt(root, 1, 'TokenInfo.serialNumber', file);
  if (!isUniversal(serialNode, Universal.octetString)) fail('TokenInfo.serialNumber is not an OCTET STRING', file);
  const info: TokenInfo = {
    version: readUnsignedInteger(versionNode, 'TokenInfo.version', file),
    serialNumber: readOctets(serialNode, 'TokenInfo.serialNumber', file),
    flags: [],
  };
  let sawFlags = false;
  for (const child of root.children.slice(2)) {
    if (isUniversal(child, Universal.utf8String) && !sawFlags && info.manufacturerId === undefined) {
      info.manufacturerId = readLabel(child, 'TokenInfo.manufacturerID', file);
    } else if (isContext(child, 0) && !child.constructed) {
      info.label = readLabel(child, 'TokenInfo.label', file);
    } else if (isUniversal(child, Universal.bitString)) {
      info.flags = readBitFlags(child, 'TokenInfo.tokenflags', file)
        .map((bit) => tokenFlagBits[bit])
        .filter((flag): flag is TokenFlag => flag !== undefined);
      sawFlags = true;
    }
    // seInfo, recordInfo, supportedAlgorithms, … are not needed.
  }
  if (!sawFlags) fail('TokenInfo.tokenflags is missing', file);
  return info;
}

// ---- PKCS15Object -----------------------------------------------------------------------------

interface GenericObject {
  common: CommonObjectAttributes;
  classAttributes: DerNode;
  subClassAttributes?: DerNode;
  typeAttributes: DerNode;
}

/**
 * PKCS15Object ::= SEQUENCE { commonObjectAttributes, classAttributes, subClassAttributes [0]
 * OPTIONAL, typeAttributes [1] } (the [1] is explicit: it holds one value).
 */
function parseGenericObject(node: DerNode, what: string, file?: string): GenericObject {
  expectConstructed(node, what, file);
  const commonNode = childAt(node, 0, `${what} commonObjectAttributes`, file);
  if (!isUniversal(commonNode, Universal.sequence)) fail(`${what}: commonObjectAttributes is not a SEQUENCE`, file);
  const common: CommonObjectAttributes = { flags: [] };
  for (const child of commonNode.children) {
    if (
      isUniversal(child, Universal.utf8String) ||
      isUniversal(child, Universal.printableString) ||
      isUniversal(child, Universal.bmpString) ||
      isUniversal(child, Universal.t61String)
    ) {
      if (common.label === undefined) common.label = readLabel(child, `${what} label`, file);
    } else if (isUniversal(child, Universal.bitString)) {
      common.flags = readBitFlags(child, `${what} flags`, file)
        .map((bit) => commonObjectFlagBits[bit])
        .filter((flag): flag is CommonObjectFlag => flag !== undefined);
    } else if (isUniversal(child, Universal.octetString)) {
      common.authId = readIdentifier(child, `${what} authId`, file);
    }
  }
  const classAttributes = childAt(node, 1, `${what} classAttributes`, file);
  if (!isUniversal(classAttributes, Universal.sequence)) fail(`${what}: classAttributes is not a SEQUENCE`, file);
  let subClassAttributes: DerNode | undefined;
  let typeWrapper: DerNode | undefined;
  for (const child of node.children.slice(2)) {
    if (isContext(child, 0) && child.constructed) subClassAttributes = child;
    else if (isContext(child, 1) && child.constructed) typeWrapper = child;
  }
  if (!typeWrapper) fail(`${what}: typeAttributes [1] is missing`, file);
  const typeAttributes = childAt(typeWrapper, 0, `${what} typeAttributes`, file);
  return { common, classAttributes, ...(subClassAttributes ? { subClassAttributes } : {}), typeAttributes };
}

// ---- CDF ----------------------------------------------------------------------------------------

/**
 * A certificate directory. Only X.509 certificates (the untagged alternative of CertificateType)
 * are returned; other certificate types are skipped.
 */
export function parseCdf(bytes: Uint8Array, file = 'EF.CDF', directory: CertificateObject['directory'] = 'certificates'): CertificateObject[] {
  const nodes = decodeDirectory(bytes, { file, maxObjects: pkcs15Limits.maxDirectoryObjects });
  const certificates: CertificateObject[] = [];
  for (const node of nodes) {
    if (!isUniversal(node, Universal.sequence)) {
      if (node.tagClass === TagClass.context && node.constructed) continue; // attribute/SPKI/… certificates
      fail(`expected a certificate object, got ${describeTag(node)}`, file);
    }
    const object = parseGenericObject(node, 'certificate', file);
    const attributes = object.classAttributes;
    const id = readIdentifier(childAt(attributes, 0, 'certificate iD', file), 'certificate iD', file);
    let authority = false;
    for (const child of attributes.children.slice(1)) {
      if (isUniversal(child, Universal.boolean)) authority = readBoolean(child, 'certificate authority', file);
    }
    const x509Attributes = object.typeAttributes;
    if (!isUniversal(x509Attributes, Universal.sequence)) fail('X509CertificateAttributes is not a SEQUENCE', file);
    const valueNode = childAt(x509Attributes, 0, 'certificate value', file);
    let value: CertificateObject['value'];
    if (isUniversal(valueNode, Universal.sequence)) {
      value = { kind: 'path', path: parsePath(valueNode, file) };
    } else if (isContext(valueNode, 0) && valueNode.constructed) {
      const der = childAt(valueNode, 0, 'direct certificate', file).encoded.slice();
      value = { kind: 'direct', der };
    } else {
      fail(`certificate value ${describeTag(valueNode)} is not supported (URL or protected values)`, file);
    }
    certificates.push({ common: object.common, id, authority, value, directory });
  }
  return certificates;
}

// ---- AODF ---------------------------------------------------------------------------------------

/** An authentication-object directory. Only PIN objects are returned (biometric and key objects are skipped). */
export function parseAodf(bytes: Uint8Array, file = 'EF.AODF'): PinObject[] {
  const nodes = decodeDirectory(bytes, { file, maxObjects: pkcs15Limits.maxDirectoryObjects });
  const pins: PinObject[] = [];
  for (const node of nodes) {
    if (!isUniversal(node, Universal.sequence)) {
      if (node.tagClass === TagClass.context && node.constructed) continue;
      fail(`expected an authentication object, got ${describeTag(node)}`, file);
    }
    const object = parseGenericObject(node, 'PIN', file);
    const authId = readIdentifier(childAt(object.classAttributes, 0, 'PIN authId', file), 'PIN authId', file);
    const attributes = object.typeAttributes;
    if (!isUniversal(attributes, Universal.sequence)) fail('PinAttributes is not a SEQUENCE', file);
    const flagsNode = childAt(attributes, 0, 'PinAttributes.pinFlags', file);
    if (!isUniversal(flagsNode, Universal.bitString)) fail('PinAttributes.pinFlags is not a BIT STRING', file);
    const flags = readBitFlags(flagsNode, 'pinFlags', file)
      .map((bit) => pinFlagBits[bit])
      .filter((flag) => flag !== undefined);
    const typeNode = childAt(attributes, 1, 'PinAttributes.pinType', file);
    if (!isUniversal(typeNode, Universal.enumerated) && !isUniversal(typeNode, Universal.integer)) fail('PinAttributes.pinType is not ENUMERATED', file);
    const pinType = pinTypes[readUnsignedInteger(typeNode, 'pinType', file)] ?? 'unknown';
    const minNode = childAt(attributes, 2, 'PinAttributes.minLength', file);
    const storedNode = childAt(attributes, 3, 'PinAttributes.storedLength', file);
    if (!isUniversal(minNode, Universal.integer) || !isUniversal(storedNode, Universal.integer)) fail('PinAttributes lengths are not INTEGERs', file);
    const pin: PinObject = {
      common: object.common,
      authId,
      flags,
      pinType,
      minLength: readUnsignedInteger(minNode, 'minLength', file),
      storedLength: readUnsignedInteger(storedNode, 'storedLength', file),
      reference: 0,
    };
    for (const child of attributes.children.slice(4)) {
      if (isUniversal(child, Universal.integer)) pin.maxLength = readUnsignedInteger(child, 'maxLength', file);
      else if (isContext(child, 0) && !child.constructed) pin.reference = readUnsignedInteger(child, 'pinReference', file);
      else if (isUniversal(child, Universal.octetString)) {
        const pad = readOctets(child, 'padChar', file);
        if (pad.length === 1) pin.padChar = pad[0] as number;
      } else if (isUniversal(child, Universal.sequence)) pin.path = parsePath(child, file);
    }
    if (pin.reference > 0xff) fail(`pinReference ${pin.reference} does not fit in P2`, file);
    pins.push(pin);
  }
  return pins;
}

// ---- PrKDF --------------------------------------------------------------------------------------

/** A private-key directory: RSA keys (untagged) and EC keys ([0]); other key types are kept as `other`. */
export function parsePrkdf(bytes: Uint8Array, file = 'EF.PrKDF'): PrivateKeyObject[] {
  const nodes = decodeDirectory(bytes, { file, maxObjects: pkcs15Limits.maxDirectoryObjects });
  const keys: PrivateKeyObject[] = [];
  for (const node of nodes) {
    let keyType: PrivateKeyObject['keyType'];
    if (isUniversal(node, Universal.sequence)) keyType = 'rsa';
    else if (node.tagClass === TagClass.context && node.constructed) keyType = node.tagNumber === 0 ? 'ec' : 'other';
    else fail(`expected a private key object, got ${describeTag(node)}`, file);
    const object = parseGenericObject(node, 'private key', file);
    const attributes = object.classAttributes;
    const id = readIdentifier(childAt(attributes, 0, 'key iD', file), 'key iD', file);
    const usageNode = childAt(attributes, 1, 'key usage', file);
    if (!isUniversal(usageNode, Universal.bitString)) fail('key usage is not a BIT STRING', file);
    const usage = readBitFlags(usageNode, 'key usage', file)
      .map((bit) => keyUsageFlagBits[bit])
      .filter((flag) => flag !== undefined);
    const key: PrivateKeyObject = { common: object.common, keyType, id, usage };
    for (const child of attributes.children.slice(2)) {
      if (isUniversal(child, Universal.integer)) key.keyReference = readUnsignedInteger(child, 'keyReference', file);
    }
    const typeAttributes = object.typeAttributes;
    if (isUniversal(typeAttributes, Universal.sequence)) {
      const valueNode = typeAttributes.children[0];
      if (valueNode && isUniversal(valueNode, Universal.sequence)) key.path = parsePath(valueNode, file);
      const modulus = typeAttributes.children[1];
      if (keyType === 'rsa' && modulus && isUniversal(modulus, Universal.integer)) {
        key.modulusLength = readUnsignedInteger(modulus, 'modulusLength', file);
      }
    }
    keys.push(key);
  }
  return keys;
}

/**
 * Checks that `bytes` start with one certificate-shaped TLV (a SEQUENCE of definite length that fits)
 * and returns exactly its encoding. Only the outer header is checked: the X.509 content itself is
 * the PKI layer's business, and decoding it here would only cost time.
 */
export function extractCertificateDer(bytes: Uint8Array, file?: string): Uint8Array {
  if (bytes[0] !== 0x30) fail('certificate data is not a DER SEQUENCE', file);
  const header = tlvHeaderLength(bytes, 0);
  if (!header) fail('certificate data has no valid DER length', file);
  const total = header.headerLength + header.contentLength;
  if (total > bytes.length) fail(`certificate of ${total} bytes cut off after ${bytes.length}`, file);
  if (header.contentLength < 16) fail('certificate data is too short to be a certificate', file);
  return bytes.slice(0, total);
}
