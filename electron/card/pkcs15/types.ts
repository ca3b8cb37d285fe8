/** What the PKCS#15 (ISO/IEC 7816-15) structures on a card say, as plain data. */

import type {
  CommonObjectFlag,
  KeyUsageFlag,
  OdfKind,
  PinAttributeFields,
  PinFlag,
  PinType as EncodedPinType,
  Pkcs15Path,
  TokenFlag,
} from '../../../native/pkcs15-asn1.js';

// What PKCS#15 numbers (ODF tags, flag bits, PIN types) and Path come from the module the
// simulator's encoder uses too, so that the reader and the virtual cards cannot drift apart.
export type { CommonObjectFlag, KeyUsageFlag, OdfKind, PinFlag, Pkcs15Path, TokenFlag };

/** One application template of EF.DIR. */
export interface DirApplication {
  aid: Uint8Array;
  label?: string;
  path?: Uint8Array;
}

export interface OdfEntry {
  kind: OdfKind;
  path: Pkcs15Path;
}

export interface TokenInfo {
  version: number;
  serialNumber: Uint8Array;
  manufacturerId?: string;
  label?: string;
  flags: TokenFlag[];
}

export interface CommonObjectAttributes {
  label?: string;
  flags: CommonObjectFlag[];
  /** The authentication object (PIN) that protects this object. */
  authId?: Uint8Array;
}

export interface CertificateObject {
  common: CommonObjectAttributes;
  id: Uint8Array;
  authority: boolean;
  /** Where the certificate is: a path (maybe a slice of a shared file) or the DER itself. */
  value: { kind: 'path'; path: Pkcs15Path } | { kind: 'direct'; der: Uint8Array };
  /** From which directory kind the entry came. */
  directory: 'certificates' | 'trustedCertificates' | 'usefulCertificates';
}

/** The AODF's PinType, or `unknown` for a value the enumeration does not have. */
export type PinType = EncodedPinType | 'unknown';

export interface PinObject extends PinAttributeFields {
  common: CommonObjectAttributes;
  /** This PIN's own identifier (CommonAuthenticationObjectAttributes.authId). */
  authId: Uint8Array;
  flags: PinFlag[];
  pinType: PinType;
}

export interface PrivateKeyObject {
  common: CommonObjectAttributes;
  keyType: 'rsa' | 'ec' | 'other';
  id: Uint8Array;
  usage: KeyUsageFlag[];
  keyReference?: number;
  /** RSA only. */
  modulusLength?: number;
  path?: Pkcs15Path;
}
