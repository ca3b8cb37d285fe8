/**
 * What the PKCS#15 v1.1 ASN.1 module (ISO/IEC 7816-15) numbers, that both the card layer's parser
 * and the simulator's encoder must agree on: the context tag of each EF.ODF entry, the bit order of
 * each flags BIT STRING, the PinType enumeration, and the shapes of Path and PinAttributes. One
 * definition each, so that the reader and the virtual cards it is tested against cannot drift
 * apart. It imports nothing (architecture.md).
 *
 * Each list is in ASN.1 order: the position of a name is its tag number, bit number or enumeration
 * value.
 */

/** PKCS15Objects: `[0] privateKeys` … `[8] authObjects`, the directory files EF.ODF points to. */
export const odfKinds = [
  'privateKeys',
  'publicKeys',
  'trustedPublicKeys',
  'secretKeys',
  'certificates',
  'trustedCertificates',
  'usefulCertificates',
  'dataObjects',
  'authObjects',
] as const;
export type OdfKind = (typeof odfKinds)[number];

/** TokenFlags (EF.TokenInfo). */
export const tokenFlagBits = ['readonly', 'loginRequired', 'prnGeneration', 'eidCompliant'] as const;
export type TokenFlag = (typeof tokenFlagBits)[number];

/** CommonObjectFlags. */
export const commonObjectFlagBits = ['private', 'modifiable'] as const;
export type CommonObjectFlag = (typeof commonObjectFlagBits)[number];

/** KeyUsageFlags (PrKDF). */
export const keyUsageFlagBits = ['encrypt', 'decrypt', 'sign', 'signRecover', 'wrap', 'unwrap', 'verify', 'verifyRecover', 'derive', 'nonRepudiation'] as const;
export type KeyUsageFlag = (typeof keyUsageFlagBits)[number];

/** KeyAccessFlags (PrKDF). */
export const keyAccessFlagBits = ['sensitive', 'extractable', 'alwaysSensitive', 'neverExtractable', 'local'] as const;
export type KeyAccessFlag = (typeof keyAccessFlagBits)[number];

/** PinFlags (AODF). */
export const pinFlagBits = [
  'case-sensitive',
  'local',
  'change-disabled',
  'unblock-disabled',
  'initialized',
  'needs-padding',
  'unblockingPin',
  'soPin',
  'disable-allowed',
  'integrity-protected',
  'confidentiality-protected',
  'exchangeRefData',
] as const;
export type PinFlag = (typeof pinFlagBits)[number];

/** PinType ::= ENUMERATED (AODF). */
export const pinTypes = ['bcd', 'ascii-numeric', 'utf8', 'half-nibble-bcd', 'iso9564-1'] as const;
export type PinType = (typeof pinTypes)[number];

/**
 * The fields of PinAttributes (AODF) that the parser reads and the encoder writes alike. The flags
 * and the PinType are in each side's own type: the parser also keeps PIN types the enumeration
 * does not name.
 */
export interface PinAttributeFields {
  minLength: number;
  storedLength: number;
  maxLength?: number;
  /** pinReference: P2 of VERIFY for this PIN. */
  reference: number;
  padChar?: number;
  /** The DF the PIN belongs to, when the AODF says. */
  path?: Pkcs15Path;
}

/** Path ::= SEQUENCE { path OCTET STRING, index INTEGER OPTIONAL, length [0] INTEGER OPTIONAL }. */
export interface Pkcs15Path {
  /** Concatenated FIDs: absolute (starts with 3F00) or relative to the application DF. */
  path: Uint8Array;
  /** Start of the object inside the file (Path.index), for a file several objects share. */
  index?: number;
  /** Length of the object inside the file (Path.length). */
  length?: number;
}
