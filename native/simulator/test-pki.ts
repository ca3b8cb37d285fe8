/**
 * A test PKI generated at run time (WebCrypto + pkijs), with names, extensions and URLs shaped like the
 * real SITHS e-id and Telia e-legitimation hierarchies (../shared/docs/siths-facts.md). No certificate
 * here is real: keys are random per process; everything else is a pure function of `now`, so a fixed
 * `now` gives the same names, serial numbers and dates (signatures and keys differ between processes).
 *
 * RSA-2048 key generation is the slow part, so key pairs are cached per process by role name.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { webcrypto } from 'node:crypto';

export type PkiFlavour = 'production' | 'test';

export const OID = {
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  organizationName: '2.5.4.10',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  initials: '2.5.4.43',
  emailAddress: '1.2.840.113549.1.9.1',
  uid: '0.9.2342.19200300.100.1.1',
  /** SEIS CardNumber extension: PrintableString of 19 digits. */
  seisCardNumber: '1.2.752.34.2.1',
  anyPolicy: '2.5.29.32.0',
  cpsQualifier: '1.3.6.1.5.5.7.2.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

/**
 * Certificate policy of the simulated SITHS e-id person certificates. The arc 1.2.752.74.8 is Inera's
 * (1.2.752.74.8.505 TEST function, .512 Mobilt SITHS in the facts); the leaf is the simulator's own.
 */
export const SIMULATED_SITHS_PERSON_POLICY = '1.2.752.74.8.503';
/** Simulated Telia e-legitimation policy; the arc 1.2.752.110 is illustrative only. */
export const SIMULATED_TELIA_POLICY = '1.2.752.110.1.2.1';

/** One attribute of a distinguished name, in encoding order. */
export interface NameAttribute {
  type: string;
  value: string;
}

export interface IssuedCertificate {
  der: Uint8Array;
  subject: NameAttribute[];
  issuer: NameAttribute[];
  notBefore: Date;
  notAfter: Date;
  /** Key pair of the certificate's subject. */
  keys: CryptoKeyPair;
}

export interface CertificateAuthority extends IssuedCertificate {
  commonName: string;
  /** Slug used in CRL and caIssuers URLs, e.g. `sithseidpersonhsaid3cav1`. */
  slug: string;
  urls: RevocationUrls;
}

export interface RevocationUrls {
  ocsp: string;
  crlBase: string;
  caIssuersBase: string;
  cps: string;
}

export interface TestPki {
  flavour: PkiFlavour;
  now: Date;
  sithsRoot: CertificateAuthority;
  sithsPersonCa: CertificateAuthority;
  teliaRoot: CertificateAuthority;
  teliaCa: CertificateAuthority;
}

export interface Cardholder {
  givenName: string;
  surname: string;
  /** HSA-id, e.g. SE2321000016-1A2B. */
  hsaId: string;
  /** 12-digit personnummer, for the Telia certificate. */
  personnummer: string;
  organisation: string;
  locality: string;
  /** 19-digit card number (SEIS CardNumber). */
  cardNumber: string;
  /** The subject CN when it is not "given name surname" (e.g. "Surname, Given name"). */
  commonName?: string;
  /** Further subject attributes some issuers add (SITHS certificates only). */
  organisationalUnit?: string;
  title?: string;
  initials?: string;
  email?: string;
  uid?: string;
}

export type CertificatePurpose = 'authentication' | 'signature';

export interface PersonCertificateRequest {
  issuer: 'siths' | 'telia';
  purpose: CertificatePurpose;
  holder: Cardholder;
  notBefore: Date;
  notAfter: Date;
  /** Cache key of the subject's key pair; the same role gets the same key in one process. */
  keyRole: string;
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

const crypto = webcrypto as unknown as Crypto;
const cryptoEngine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto });

const RSA_KEY_ALGORITHM: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

const keyCache = new Map<string, Promise<CryptoKeyPair>>();

/** The key pair for a role, generated once per process. */
export function keyPairFor(role: string): Promise<CryptoKeyPair> {
  let keys = keyCache.get(role);
  if (!keys) {
    keys = crypto.subtle.generateKey(RSA_KEY_ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
    keyCache.set(role, keys);
  }
  return keys;
}

/** Whole seconds: certificates carry no milliseconds, and tests compare dates exactly. */
export function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A Name with one attribute per RDN (pkijs would put them all into one multi-valued RDN). */
function nameFrom(attributes: NameAttribute[]): pkijs.RelativeDistinguishedNames {
  const rdns = attributes.map(({ type, value }) => {
    const printable = type === OID.countryName || type === OID.serialNumber;
    const ia5 = type === OID.emailAddress;
    const encodedValue = printable ? new asn1js.PrintableString({ value }) : ia5 ? new asn1js.IA5String({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), encodedValue] })] });
  });
  const der = new asn1js.Sequence({ value: rdns }).toBER(false);
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

function timeFrom(date: Date): pkijs.Time {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return new pkijs.Time({ type: date.getUTCFullYear() >= 2050 ? 1 : 0, value: date });
}

/** A positive 16-byte serial number derived from what identifies the certificate. */
async function serialNumberFor(seed: string): Promise<asn1js.Integer> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed))).slice(0, 16);
  digest[0] = (digest[0]! & 0x7f) | 0x10;
  return new asn1js.Integer({ valueHex: digest });
}

async function keyIdentifier(publicKey: CryptoKey): Promise<Uint8Array> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  const info = new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(spki).result });
  return new Uint8Array(await crypto.subtle.digest('SHA-1', info.subjectPublicKey.valueBlock.valueHexView.slice()));
}

type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
const KEY_USAGE_BITS: KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

function keyUsageBits(usages: KeyUsageName[]): asn1js.BitString {
  const positions = usages.map((usage) => KEY_USAGE_BITS.indexOf(usage));
  const highest = Math.max(...positions);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const position of positions) bytes[position >> 3]! |= 0x80 >> (position & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: bytes.length * 8 - (highest + 1) });
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

interface CertificateTemplate {
  subject: NameAttribute[];
  serialSeed: string;
  notBefore: Date;
  notAfter: Date;
  subjectKeys: CryptoKeyPair;
  issuer: { subject: NameAttribute[]; keys: CryptoKeyPair };
  ca?: { pathLength?: number };
  keyUsage: KeyUsageName[];
  extendedKeyUsage?: string[];
  policies: { oid: string; cps?: string }[];
  ocsp?: string;
  caIssuers?: string;
  crl?: string;
  cardNumber?: string;
}

async function issue(template: CertificateTemplate): Promise<Uint8Array> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = await serialNumberFor(template.serialSeed);
  certificate.issuer = nameFrom(template.issuer.subject);
  certificate.subject = nameFrom(template.subject);
  certificate.notBefore = timeFrom(template.notBefore);
  certificate.notAfter = timeFrom(template.notAfter);
  await certificate.subjectPublicKeyInfo.importKey(template.subjectKeys.publicKey, cryptoEngine);

  const extensions: pkijs.Extension[] = [];
  extensions.push(
    extension(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: await keyIdentifier(template.issuer.keys.publicKey) }) }).toSchema(),
    ),
  );
  extensions.push(extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: await keyIdentifier(template.subjectKeys.publicKey) })));
  extensions.push(extension('2.5.29.15', true, keyUsageBits(template.keyUsage)));
  if (template.ca) {
    extensions.push(extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: template.ca.pathLength }).toSchema()));
  }
  extensions.push(
    extension(
      '2.5.29.32',
      false,
      new pkijs.CertificatePolicies({
        certificatePolicies: template.policies.map(
          (policy) =>
            new pkijs.PolicyInformation({
              policyIdentifier: policy.oid,
              policyQualifiers: policy.cps
                ? [new pkijs.PolicyQualifierInfo({ policyQualifierId: OID.cpsQualifier, qualifier: new asn1js.IA5String({ value: policy.cps }) })]
                : undefined,
            }),
        ),
      }).toSchema(),
    ),
  );
  if (template.crl) {
    extensions.push(
      extension(
        '2.5.29.31',
        false,
        new pkijs.CRLDistributionPoints({
          distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: template.crl })] })],
        }).toSchema(),
      ),
    );
  }
  if (template.extendedKeyUsage) {
    extensions.push(extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: template.extendedKeyUsage }).toSchema()));
  }
  const access: pkijs.AccessDescription[] = [];
  if (template.ocsp)
    access.push(new pkijs.AccessDescription({ accessMethod: OID.ocsp, accessLocation: new pkijs.GeneralName({ type: 6, value: template.ocsp }) }));
  if (template.caIssuers) {
    access.push(new pkijs.AccessDescription({ accessMethod: OID.caIssuers, accessLocation: new pkijs.GeneralName({ type: 6, value: template.caIssuers }) }));
  }
  if (access.length > 0) extensions.push(extension('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions: access }).toSchema()));
  if (template.cardNumber) extensions.push(extension(OID.seisCardNumber, false, new asn1js.PrintableString({ value: template.cardNumber })));
  certificate.extensions = extensions;

  await certificate.sign(template.issuer.keys.privateKey, 'SHA-256', cryptoEngine);
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

function caName(commonName: string, organisation: string): NameAttribute[] {
  return [
    { type: OID.countryName, value: 'SE' },
    { type: OID.organizationName, value: organisation },
    { type: OID.commonName, value: commonName },
  ];
}

function slugOf(commonName: string): string {
  return commonName.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function sithsUrls(flavour: PkiFlavour): RevocationUrls {
  // Production hosts are shaped like ocsp1.siths.se / aia1.siths.se; pre-production (TEST) ones are real patterns.
  return flavour === 'test'
    ? {
        ocsp: 'http://ocsp1pp.siths.se',
        crlBase: 'http://crl1pp.siths.se/',
        caIssuersBase: 'http://aiapp.siths.se/',
        cps: 'https://www.inera.se/siths/repository',
      }
    : { ocsp: 'http://ocsp1.siths.se', crlBase: 'http://crl1.siths.se/', caIssuersBase: 'http://aia1.siths.se/', cps: 'https://www.inera.se/siths/repository' };
}

const TELIA_URLS: RevocationUrls = {
  ocsp: 'http://ocsp-pp.trust.telia.com',
  crlBase: 'http://crl-pp.trust.telia.com/',
  caIssuersBase: 'http://cert-pp.trust.telia.com/',
  cps: 'https://cps.trust.telia.com',
};

async function makeCa(options: {
  commonName: string;
  organisation: string;
  role: string;
  now: Date;
  issuer?: CertificateAuthority;
  urls: RevocationUrls;
  policies: { oid: string; cps?: string }[];
}): Promise<CertificateAuthority> {
  const { commonName, organisation, now, issuer, urls } = options;
  const keys = await keyPairFor(options.role);
  const subject = caName(commonName, organisation);
  const notBefore = truncateToSeconds(new Date(now.getTime() - (issuer ? 3 : 5) * YEAR_MS));
  const notAfter = truncateToSeconds(new Date(now.getTime() + (issuer ? 10 : 20) * YEAR_MS));
  const slug = slugOf(commonName);
  const der = await issue({
    subject,
    serialSeed: `${commonName}|${notBefore.toISOString()}`,
    notBefore,
    notAfter,
    subjectKeys: keys,
    issuer: issuer ? { subject: issuer.subject, keys: issuer.keys } : { subject, keys },
    ca: issuer ? { pathLength: 0 } : {},
    keyUsage: ['keyCertSign', 'cRLSign'],
    policies: options.policies,
    ocsp: issuer ? issuer.urls.ocsp : undefined,
    caIssuers: issuer ? `${issuer.urls.caIssuersBase}${issuer.slug}.cer` : undefined,
    crl: issuer ? `${issuer.urls.crlBase}${issuer.slug}.crl` : undefined,
  });
  return { der, subject, issuer: issuer?.subject ?? subject, notBefore, notAfter, keys, commonName, slug, urls };
}

const pkiCache = new Map<string, Promise<TestPki>>();

/** The CA hierarchy for a flavour and a `now`, cached per process. */
export function getTestPki(options: { now: Date; flavour: PkiFlavour }): Promise<TestPki> {
  const now = truncateToSeconds(options.now);
  const cacheKey = `${options.flavour}|${now.getTime()}`;
  let pki = pkiCache.get(cacheKey);
  if (!pki) {
    pki = buildTestPki(now, options.flavour);
    pkiCache.set(cacheKey, pki);
    pki.catch(() => pkiCache.delete(cacheKey));
  }
  return pki;
}

async function buildTestPki(now: Date, flavour: PkiFlavour): Promise<TestPki> {
  const prefix = flavour === 'test' ? 'TEST ' : '';
  const urls = sithsUrls(flavour);
  // Generate the CA keys in parallel: generation runs in libuv's thread pool.
  await Promise.all([`${flavour}:siths-root`, `${flavour}:siths-person-ca`, 'telia-root', 'telia-ca'].map(keyPairFor));
  const sithsRoot = await makeCa({
    commonName: `${prefix}SITHS e-id Root CA v2`,
    organisation: 'Inera AB',
    role: `${flavour}:siths-root`,
    now,
    urls,
    policies: [{ oid: OID.anyPolicy, cps: urls.cps }],
  });
  const sithsPersonCa = await makeCa({
    commonName: `${prefix}SITHS e-id Person HSA-id 3 CA v1`,
    organisation: 'Inera AB',
    role: `${flavour}:siths-person-ca`,
    now,
    issuer: sithsRoot,
    urls,
    policies: [{ oid: OID.anyPolicy, cps: urls.cps }],
  });
  const teliaRoot = await makeCa({
    commonName: 'Telia e-legitimation Test PP Root CA v3',
    organisation: 'Telia Test',
    role: 'telia-root',
    now,
    urls: TELIA_URLS,
    policies: [{ oid: OID.anyPolicy }],
  });
  const teliaCa = await makeCa({
    commonName: 'Telia e-legitimation Test PP CA v3',
    organisation: 'Telia Test',
    role: 'telia-ca',
    now,
    issuer: teliaRoot,
    urls: TELIA_URLS,
    policies: [{ oid: OID.anyPolicy }],
  });
  return { flavour, now, sithsRoot, sithsPersonCa, teliaRoot, teliaCa };
}

/** A person certificate: SITHS (subject serialNumber = HSA-id) or Telia (serialNumber = personnummer). */
export async function issuePersonCertificate(pki: TestPki, request: PersonCertificateRequest): Promise<IssuedCertificate> {
  const { holder, purpose } = request;
  const ca = request.issuer === 'siths' ? pki.sithsPersonCa : pki.teliaCa;
  const keys = await keyPairFor(request.keyRole);
  const notBefore = truncateToSeconds(request.notBefore);
  const notAfter = truncateToSeconds(request.notAfter);
  const fullName = holder.commonName ?? `${holder.givenName} ${holder.surname}`;
  const optional = (type: string, value: string | undefined): NameAttribute[] => (value === undefined ? [] : [{ type, value }]);
  const subject: NameAttribute[] =
    request.issuer === 'siths'
      ? [
          { type: OID.countryName, value: 'SE' },
          { type: OID.localityName, value: holder.locality },
          { type: OID.organizationName, value: holder.organisation },
          ...optional(OID.organizationalUnit, holder.organisationalUnit),
          ...optional(OID.title, holder.title),
          ...optional(OID.initials, holder.initials),
          ...optional(OID.emailAddress, holder.email),
          ...optional(OID.uid, holder.uid),
          { type: OID.givenName, value: holder.givenName },
          { type: OID.surname, value: holder.surname },
          { type: OID.serialNumber, value: holder.hsaId },
          { type: OID.commonName, value: fullName },
        ]
      : [
          { type: OID.countryName, value: 'SE' },
          { type: OID.givenName, value: holder.givenName },
          { type: OID.surname, value: holder.surname },
          { type: OID.serialNumber, value: holder.personnummer },
          { type: OID.commonName, value: fullName },
        ];
  const der = await issue({
    subject,
    serialSeed: `${ca.commonName}|${request.issuer === 'siths' ? holder.hsaId : holder.personnummer}|${purpose}|${notBefore.toISOString()}|${notAfter.toISOString()}`,
    notBefore,
    notAfter,
    subjectKeys: keys,
    issuer: { subject: ca.subject, keys: ca.keys },
    keyUsage: purpose === 'authentication' ? ['digitalSignature', 'keyEncipherment'] : ['nonRepudiation'],
    extendedKeyUsage: purpose === 'authentication' ? [OID.clientAuth, OID.emailProtection] : undefined,
    policies: [{ oid: request.issuer === 'siths' ? SIMULATED_SITHS_PERSON_POLICY : SIMULATED_TELIA_POLICY, cps: ca.urls.cps }],
    ocsp: ca.urls.ocsp,
    caIssuers: `${ca.urls.caIssuersBase}${ca.slug}.cer`,
    crl: `${ca.urls.crlBase}${ca.slug}.crl`,
    cardNumber: holder.cardNumber,
  });
  return { der, subject, issuer: ca.subject, notBefore, notAfter, keys };
}

export const DAY_IN_MS = DAY_MS;
export const YEAR_IN_MS = YEAR_MS;
