/**
 * Object identifiers the certificate analysis names. Names follow what openssl and Windows show,
 * so a support person can compare our output with theirs.
 */

/** Subject and issuer attribute types, keyed by OID. */
export const attributeNames: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'surname',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.42': 'givenName',
  '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** KeyUsage bit number → name (RFC 5280 §4.2.1.3). */
export const keyUsageBitNames = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof keyUsageBitNames)[number];

export const eku = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  smartcardLogon: '1.3.6.1.4.1.311.20.2.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export const extendedKeyUsageNames: Readonly<Record<string, string>> = {
  [eku.serverAuth]: 'serverAuth',
  [eku.clientAuth]: 'clientAuth',
  [eku.codeSigning]: 'codeSigning',
  [eku.emailProtection]: 'emailProtection',
  [eku.timeStamping]: 'timeStamping',
  [eku.ocspSigning]: 'OCSPSigning',
  [eku.smartcardLogon]: 'smartcardLogon',
  [eku.anyExtendedKeyUsage]: 'anyExtendedKeyUsage',
  '1.3.6.1.4.1.311.10.3.12': 'documentSigning',
  '1.3.6.1.5.2.3.4': 'pkinitClientAuth',
};

export const extensionOids = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  /** SEIS CardNumber, a PrintableString (SS 614331). */
  seisCardNumber: '1.2.752.34.2.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
} as const;

export const accessMethods = {
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const;

export const signatureAlgorithmNames: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
};

export const publicKeyAlgorithmNames: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Named curves: OID → [name, key size in bits]. */
export const namedCurves: Readonly<Record<string, readonly [string, number]>> = {
  '1.2.840.10045.3.1.7': ['P-256', 256],
  '1.3.132.0.34': ['P-384', 384],
  '1.3.132.0.35': ['P-521', 521],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

/** CRLReason (RFC 5280 §5.3.1); 7 is unused. */
export const crlReasonNames: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

/** Certificate policies worth naming (siths-facts.md; CA/Browser Forum). */
export const policyNames: Readonly<Record<string, string>> = {
  '2.5.29.32.0': 'anyPolicy',
  '1.2.752.35.99.2.3': 'SITHS Type 1 PP person',
  '1.2.752.74.8.505': 'TEST SITHS e-id function',
  '1.2.752.74.8.512': 'Mobilt SITHS',
  '2.23.140.1.2.2': 'CA/B Forum OV',
};
