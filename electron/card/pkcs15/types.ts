/** What the PKCS#15 (ISO/IEC 7816-15) structures on a card say, as plain data. */

/** A file reference: absolute (starts with 3F00) or relative to the application DF; optionally a slice of it. */
export interface Pkcs15Path {
  path: Uint8Array;
  /** Start of the object inside the file (PKCS#15 Path.index). */
  index?: number;
  /** Length of the object inside the file (PKCS#15 Path.length). */
  length?: number;
}

/** One application template of EF.DIR. */
export interface DirApplication {
  aid: Uint8Array;
  label?: string;
  path?: Uint8Array;
}

export type OdfKind =
  | 'privateKeys'
  | 'publicKeys'
  | 'trustedPublicKeys'
  | 'secretKeys'
  | 'certificates'
  | 'trustedCertificates'
  | 'usefulCertificates'
  | 'dataObjects'
  | 'authObjects';

export interface OdfEntry {
  kind: OdfKind;
  path: Pkcs15Path;
}

export type TokenFlag = 'readonly' | 'loginRequired' | 'prnGeneration' | 'eidCompliant';

export interface TokenInfo {
  version: number;
  serialNumber: Uint8Array;
  manufacturerId?: string;
  label?: string;
  flags: TokenFlag[];
}

export interface CommonObjectAttributes {
  label?: string;
  /** private(0), modifiable(1). */
  flags: ('private' | 'modifiable')[];
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

export type PinFlag =
  | 'case-sensitive'
  | 'local'
  | 'change-disabled'
  | 'unblock-disabled'
  | 'initialized'
  | 'needs-padding'
  | 'unblockingPin'
  | 'soPin'
  | 'disable-allowed'
  | 'integrity-protected'
  | 'confidentiality-protected'
  | 'exchangeRefData';

export const pinFlagNames: readonly PinFlag[] = [
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
];

export type PinType = 'bcd' | 'ascii-numeric' | 'utf8' | 'half-nibble-bcd' | 'iso9564-1' | 'unknown';

export interface PinObject {
  common: CommonObjectAttributes;
  /** This PIN's own identifier (CommonAuthenticationObjectAttributes.authId). */
  authId: Uint8Array;
  flags: PinFlag[];
  pinType: PinType;
  minLength: number;
  storedLength: number;
  maxLength?: number;
  /** P2 of VERIFY for this PIN. */
  reference: number;
  padChar?: number;
  /** The DF the PIN belongs to, when the AODF says. */
  path?: Pkcs15Path;
}

export type KeyUsageFlag = 'encrypt' | 'decrypt' | 'sign' | 'signRecover' | 'wrap' | 'unwrap' | 'verify' | 'verifyRecover' | 'derive' | 'nonRepudiation';

export const keyUsageFlagNames: readonly KeyUsageFlag[] = [
  'encrypt',
  'decrypt',
  'sign',
  'signRecover',
  'wrap',
  'unwrap',
  'verify',
  'verifyRecover',
  'derive',
  'nonRepudiation',
];

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
