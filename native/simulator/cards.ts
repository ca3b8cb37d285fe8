/**
 * The catalogue of ready virtual cards. Each is built from data: a layout (where PKCS#15 files live),
 * PIN objects and certificates from the run-time test PKI (test-pki.ts), or the real public TEST chain.
 *
 * netid-legacy keeps its directory files and certificate files directly under the MF and points at
 * them with 4-byte paths `3F00 xxxx`, as the facts describe SITHS cards with the Net iD application;
 * EF.ODF and EF.TokenInfo live in the application DF 5015. siths-eid-2024 keeps everything inside DF
 * 5015 and uses 6-byte paths `3F00 5015 xxxx`. Readers must follow paths, never hard-code FIDs.
 *
 * The IDPrime cards (siths-eid-idprime and its variants, reservkort) carry no PKCS#15 application but
 * the minidriver files of Thales IDPrime (idprime-card.ts); unknown-structure carries neither.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApduEngine } from './apdu-engine.js';
import type { VirtualCardName } from './card-names.js';
import { buildIdprimeCard, idprimeCardBehaviour } from './idprime-card.js';
import type { CardBehaviour, ElementaryFileSpec, PinSpec, VirtualCardSpec } from './card-model.js';
import { defaultCardBehaviour, dedicatedFile, elementaryFile, MF_FID } from './card-model.js';
import {
  allocatedSize,
  encodeAodf,
  encodeCdf,
  encodeDirRecord,
  encodeOdf,
  encodePrkdf,
  encodeTokenInfo,
  padWithFF,
  type CertificateObjectSpec,
  type KeyUsageFlag,
  type OdfEntry,
  type PinFlag,
  type PinObjectSpec,
  type PrivateKeyObjectSpec,
} from './pkcs15-encoding.js';
import { DAY_IN_MS, YEAR_IN_MS, getTestPki, issuePersonCertificate, type Cardholder, type PkiFlavour } from './test-pki.js';
import { concatBytes, fromHex } from '../bytes.js';
import { uint16 } from './tlv.js';

export { virtualCardNames, isVirtualCardName, type VirtualCardName } from './card-names.js';

export const virtualCardDescriptions: Readonly<Record<VirtualCardName, string>> = Object.freeze({
  'netid-legacy': 'SetCOS card with the Net iD PKCS#15 application: SITHS authentication + signature, Telia authentication + signature, SITHS CA',
  'siths-eid-2024':
    'PKCS#15 card with an IDPrime-family ATR (the reservkort ATR), issued from 2024: one SITHS authentication certificate, no Telia, no signature certificate. Kept because readers must handle both structures behind such an ATR',
  'auth-pin-blocked': 'netid-legacy with the authentication PIN blocked (0 tries left)',
  'auth-pin-one-try': 'netid-legacy with one try left on the authentication PIN',
  'puk-blocked': 'netid-legacy with the PUK blocked (0 tries left)',
  'auth-cert-expired': 'netid-legacy whose SITHS certificates expired 30 days ago',
  'auth-cert-expiring': 'netid-legacy whose SITHS certificates expire in 10 days',
  'telia-only': 'netid-legacy layout carrying only the Telia e-legitimation certificates',
  'bank-card': 'An EMV bank card (Visa): no PKCS#15 application',
  'corrupt-cdf': 'netid-legacy whose CDF is damaged (ODF, TokenInfo and AODF are fine)',
  'test-pki': 'netid-legacy layout with certificates from the TEST SITHS e-id PKI',
  'real-test-chain': 'A card carrying the real public TEST SITHS e-id function certificate chain from ../shared/fixtures/real-certs/',
  'siths-eid-idprime':
    'Thales IDPrime 940-like card (no PKCS#15): SITHS authentication and signature certificates, compressed; PINs 0x11 (legitimering) and 0x83 (underskrift)',
  'idprime-auth-pin-blocked': 'siths-eid-idprime with the authentication PIN (0x11) blocked (0 tries left)',
  'idprime-auth-pin-one-try': 'siths-eid-idprime with one try left on the authentication PIN (0x11)',
  'idprime-uncompressed': 'siths-eid-idprime storing its certificates as plain DER instead of compressed',
  'idprime-empty-cmapfile': 'siths-eid-idprime whose cmapfile is present but empty (all records zero), as on some 940s',
  'idprime-strict': 'siths-eid-idprime strict about lengths: READ BINARY past the end answers 6C xx (never 62 82)',
  'idprime-t0': 'siths-eid-idprime answering T=0 style: every answer to a command with data comes through 61 xx + GET RESPONSE',
  reservkort: 'Region Stockholm temporary card (reservkort): IDPrime structure, ATR of the facts, SITHS authentication certificate only, PIN 0x11',
  'unknown-structure': 'IDPrime-family ATR but neither IDPrime applet nor PKCS#15 application (only a proprietary applet); its PINs must never be verified',
});

export interface VirtualCardOptions {
  /** The time every certificate date is relative to (default: now). */
  now?: Date;
  /** Overrides of the card's behaviour (latency, GET RESPONSE style, …). */
  behaviour?: Partial<CardBehaviour>;
}

/** The PKCS#15 application AID of the Net iD application (and of PKCS#15 in general). */
export const PKCS15_AID = fromHex('A000000063504B43532D3135');

const RESERVKORT_ATR = fromHex('3B7F96000080318065B0850400111202F0829000');

export const ATRS = Object.freeze({
  setcos: fromHex('3B7D96000080318065B0A31100C883009000'),
  /** Region Stockholm's temporary card (facts); also worn by the PKCS#15 card siths-eid-2024. */
  reservkort: RESERVKORT_ATR,
  /** Alias of `reservkort`, the name this ATR had first. */
  idprime: RESERVKORT_ATR,
  /** IDPrime 940 as newer OpenSC lists it; matches Debian OpenSC 0.23's idprime entry under its mask. */
  idprime940: fromHex('3B7F96000080318065B0855956FB120FFE829000'),
  /** IDPrime-family historical bytes, Sweden's country code; in no entry of pcsc-tools' smartcard_list.txt. */
  unknownIdprimeFamily: fromHex('3B7F96000080318065B08506002A1202F0829000'),
  /** "Nordea Visa Sweden" in pcsc-tools' smartcard_list.txt. */
  visa: fromHex('3B6700007D2040343B9000'),
});

/** The one IDPrime entry of Debian 12's OpenSC 0.23 (card-idprime.c): ATR and mask. */
export const OPENSC_023_IDPRIME_ATR = Object.freeze({
  atr: fromHex('3B7F96000080318065B084413DF6120FFE829000'),
  mask: fromHex('FFFF00FFFFFFFFFFFFFF00000000FFFFFFFFFFFF'),
});

/** Whether an ATR matches an (ATR, mask) entry the way OpenSC's _sc_match_atr does. */
export function atrMatchesMasked(atr: Uint8Array, entry: { atr: Uint8Array; mask: Uint8Array }): boolean {
  if (atr.length !== entry.atr.length) return false;
  return atr.every((byte, i) => (byte & entry.mask[i]!) === (entry.atr[i]! & entry.mask[i]!));
}

/** PIN references and values of the ready cards, for tests that VERIFY. */
export const VIRTUAL_CARD_PINS = Object.freeze({
  netid: Object.freeze({
    authentication: { reference: 0x81, value: '123456' },
    signature: { reference: 0x82, value: '654321' },
    puk: { reference: 0x83, value: '12345678' },
  }),
  sithsEid2024: Object.freeze({
    authentication: { reference: 0x11, value: '123456' },
    puk: { reference: 0x12, value: '12345678' },
  }),
  /** siths-eid-idprime and its variants; no PUK object (its reference on these cards is unknown). */
  idprime: Object.freeze({
    authentication: { reference: 0x11, value: '123456' },
    signature: { reference: 0x83, value: '654321' },
  }),
  reservkort: Object.freeze({
    authentication: { reference: 0x11, value: '123456' },
  }),
  /** PINs that exist on unknown-structure so that a test can prove nothing ever verifies them. */
  unknownStructure: Object.freeze({
    authentication: { reference: 0x11, value: '123456' },
    netidAuthentication: { reference: 0x81, value: '123456' },
    signature: { reference: 0x83, value: '654321' },
  }),
});

export const defaultCardholder: Readonly<Cardholder> = Object.freeze({
  givenName: 'Åsa',
  surname: 'Lindström',
  hsaId: 'SE2321000016-1A2B',
  personnummer: '191212121212',
  organisation: 'Region Stockholm',
  locality: 'Stockholm',
  cardNumber: '9752269000012345678',
});

export const eid2024Cardholder: Readonly<Cardholder> = Object.freeze({
  givenName: 'Erik',
  surname: 'Öhman',
  hsaId: 'SE2321000016-9Z8Y',
  personnummer: '191212121212',
  organisation: 'Region Stockholm',
  locality: 'Stockholm',
  cardNumber: '9752269000055555555',
});

export const testPkiCardholder: Readonly<Cardholder> = Object.freeze({
  givenName: 'Tolvan',
  surname: 'Tolvansson',
  hsaId: 'TSTNMT2321000156-1025',
  personnummer: '191212121212',
  organisation: 'Nordic Medtest AB',
  locality: 'Karlstad',
  cardNumber: '9752269000098765432',
});

export const idprimeCardholder: Readonly<Cardholder> = Object.freeze({
  givenName: 'Karin',
  surname: 'Bergqvist',
  hsaId: 'SE2321000016-7K3M',
  personnummer: '191212121212',
  organisation: 'Region Stockholm',
  locality: 'Stockholm',
  cardNumber: '9752269000077777777',
});

export const reservkortCardholder: Readonly<Cardholder> = Object.freeze({
  givenName: 'Johan',
  surname: 'Nyström',
  hsaId: 'SE2321000016-R3S7',
  personnummer: '191212121212',
  organisation: 'Region Stockholm',
  locality: 'Stockholm',
  cardNumber: '9752269000033333333',
});

// ---- layout ---------------------------------------------------------------------------------------

const FID = Object.freeze({
  dir: 0x2f00,
  app: 0x5015,
  odf: 0x5031,
  tokenInfo: 0x5032,
  aodf: 0x4401,
  prkdf: 0x4402,
  cdf: 0x4403,
});

/** One certificate on the card, and the private key that goes with it (absent for CA certificates). */
interface CertificatePlan {
  label: string;
  id: Uint8Array;
  der: Uint8Array;
  authority?: boolean;
  /** Certificates with the same file FID share one EF (CDF entries then carry index and length). */
  file: number;
  key?: { label: string; pin: 'authentication' | 'signature'; usage: KeyUsageFlag[]; reference: number; file: number };
}

interface PinPlan {
  role: 'authentication' | 'signature' | 'puk';
  reference: number;
  label: string;
  value: string;
  triesLeft: number;
  maxTries: number;
  authId: Uint8Array;
}

interface Pkcs15CardPlan {
  name: VirtualCardName;
  description: string;
  atr: Uint8Array;
  behaviour: CardBehaviour;
  /** true: AODF/PrKDF/CDF and certificate files under the MF, 4-byte paths (Net iD); false: inside DF 5015. */
  directoryFilesInMf: boolean;
  applicationLabel: string;
  token: { label: string; serialNumber: Uint8Array; manufacturerId: string };
  pins: PinPlan[];
  certificates: CertificatePlan[];
  corruptCdf?: boolean;
}

const PIN_FLAGS: Record<PinPlan['role'], PinFlag[]> = {
  authentication: ['local', 'initialized'],
  signature: ['local', 'initialized'],
  // The PUK cannot be changed (facts).
  puk: ['local', 'change-disabled', 'unblock-disabled', 'initialized', 'unblockingPin'],
};

const ascii = (text: string) => new TextEncoder().encode(text);

/** Card number digits packed as BCD, padded with F: the token serial number. */
function bcdSerial(digits: string): Uint8Array {
  const padded = digits.length % 2 === 0 ? digits : `${digits}F`;
  return fromHex(padded);
}

export function buildPkcs15Card(plan: Pkcs15CardPlan): VirtualCardSpec {
  const appPath = [MF_FID, FID.app];
  const dirFilePath = (fid: number) => (plan.directoryFilesInMf ? [MF_FID, fid] : [...appPath, fid]);
  const pathBytes = (fids: number[]) => concatBytes(...fids.map(uint16));
  const directoryFiles: ElementaryFileSpec[] = [];
  const appFiles: ElementaryFileSpec[] = [];
  const place = (file: ElementaryFileSpec) => (plan.directoryFilesInMf ? directoryFiles : appFiles).push(file);
  const padded = (content: Uint8Array) => padWithFF(content, allocatedSize(content.length));

  // Certificate files: certificates sharing a FID are concatenated and addressed by index/length.
  const groups = new Map<number, CertificatePlan[]>();
  for (const cert of plan.certificates) groups.set(cert.file, [...(groups.get(cert.file) ?? []), cert]);
  const slices = new Map<CertificatePlan, { index: number; length: number }>();
  for (const [fid, certs] of groups) {
    let offset = 0;
    for (const cert of certs) {
      if (certs.length > 1) slices.set(cert, { index: offset, length: cert.der.length });
      offset += cert.der.length;
    }
    place(elementaryFile(fid, padded(concatBytes(...certs.map((cert) => cert.der))), { name: `certificates: ${certs.map((c) => c.label).join(' + ')}` }));
  }
  const cdfEntries: CertificateObjectSpec[] = plan.certificates.map((cert) => ({
    label: cert.label,
    id: cert.id,
    authority: cert.authority,
    path: { path: pathBytes(dirFilePath(cert.file)), ...slices.get(cert) },
  }));

  const pinAuthId = (role: PinPlan['role']) => plan.pins.find((pin) => pin.role === role)?.authId;
  const keyEntries: PrivateKeyObjectSpec[] = [];
  for (const cert of plan.certificates) {
    if (!cert.key) continue;
    const authId = pinAuthId(cert.key.pin);
    if (!authId) throw new Error(`${plan.name}: key ${cert.key.label} needs a ${cert.key.pin} PIN`);
    keyEntries.push({
      label: cert.key.label,
      id: cert.id,
      authId,
      usage: cert.key.usage,
      keyReference: cert.key.reference,
      path: { path: pathBytes(dirFilePath(cert.key.file)) },
      modulusLength: 2048,
    });
    place(elementaryFile(cert.key.file, new Uint8Array(0), { name: `private key ${cert.key.label}`, readAccess: 'never' }));
  }

  const puk = plan.pins.find((pin) => pin.role === 'puk');
  const pinObjects: PinObjectSpec[] = plan.pins.map((pin) => ({
    label: pin.label,
    authId: pin.authId,
    protectedBy: pin.role === 'puk' ? undefined : puk?.authId,
    objectFlags: pin.role === 'puk' ? ['private'] : ['private', 'modifiable'],
    pinFlags: PIN_FLAGS[pin.role],
    pinType: 'ascii-numeric',
    minLength: pin.role === 'puk' ? 8 : 6,
    storedLength: 8,
    maxLength: 8,
    reference: pin.reference,
    padChar: 0xff,
    path: { path: pathBytes(appPath) },
  }));

  let cdf = encodeCdf(cdfEntries);
  if (plan.corruptCdf) cdf = corruptDirectoryFile(cdf);
  place(elementaryFile(FID.aodf, padded(encodeAodf(pinObjects)), { name: 'EF.AODF' }));
  place(elementaryFile(FID.prkdf, padded(encodePrkdf(keyEntries)), { name: 'EF.PrKDF' }));
  place(elementaryFile(FID.cdf, padded(cdf), { name: 'EF.CDF' }));

  const odfEntries: OdfEntry[] = [
    { type: 'privateKeys', path: { path: pathBytes(dirFilePath(FID.prkdf)) } },
    { type: 'certificates', path: { path: pathBytes(dirFilePath(FID.cdf)) } },
    { type: 'authObjects', path: { path: pathBytes(dirFilePath(FID.aodf)) } },
  ];
  const odf = elementaryFile(FID.odf, padded(encodeOdf(odfEntries)), { name: 'EF.ODF' });
  const tokenInfo = elementaryFile(
    FID.tokenInfo,
    padded(
      encodeTokenInfo({
        version: 0,
        serialNumber: plan.token.serialNumber,
        manufacturerId: plan.token.manufacturerId,
        label: plan.token.label,
        flags: ['loginRequired', 'prnGeneration'],
      }),
    ),
    { name: 'EF.TokenInfo' },
  );
  const dir = elementaryFile(FID.dir, padded(encodeDirRecord({ aid: PKCS15_AID, label: plan.applicationLabel, path: pathBytes(appPath) })), { name: 'EF.DIR' });
  const app = dedicatedFile(FID.app, [odf, tokenInfo, ...appFiles], { aid: PKCS15_AID, name: 'DF.PKCS15' });
  const mf = dedicatedFile(MF_FID, [dir, app, ...directoryFiles], { name: 'MF' });

  const pins: PinSpec[] = plan.pins.map((pin) => ({
    reference: pin.reference,
    label: pin.label,
    value: ascii(pin.value),
    triesLeft: pin.triesLeft,
    maxTries: pin.maxTries,
    unblockedBy: pin.role === 'puk' ? undefined : puk?.reference,
  }));
  return { name: plan.name, description: plan.description, atr: plan.atr, mf, pins, behaviour: plan.behaviour };
}

/**
 * Damages a CDF so that a DER parser must fail: the first object claims to be longer than the
 * whole file (a long-form length of 0x7FFF). Everything after it is left as it was.
 */
function corruptDirectoryFile(cdf: Uint8Array): Uint8Array {
  const first = cdf[1]!;
  const headerLength = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return concatBytes(Uint8Array.of(0x30, 0x82, 0x7f, 0xff), cdf.slice(headerLength));
}

// ---- the ready cards -------------------------------------------------------------------------------

interface NetIdVariant {
  name: VirtualCardName;
  flavour?: PkiFlavour;
  holder?: Cardholder;
  authTries?: number;
  pukTries?: number;
  sithsValidity?: 'valid' | 'expired' | 'expiring';
  include?: { siths: boolean; telia: boolean; ca: boolean };
  corruptCdf?: boolean;
}

/** The Net iD card's three PINs (also the custom cards' in custom-card.ts). */
export function netIdPins(authTries: number, pukTries: number): PinPlan[] {
  const p = VIRTUAL_CARD_PINS.netid;
  return [
    {
      role: 'authentication',
      reference: p.authentication.reference,
      label: 'Legitimering',
      value: p.authentication.value,
      triesLeft: authTries,
      maxTries: 3,
      authId: Uint8Array.of(0x01),
    },
    {
      role: 'signature',
      reference: p.signature.reference,
      label: 'Underskrift',
      value: p.signature.value,
      triesLeft: 3,
      maxTries: 3,
      authId: Uint8Array.of(0x02),
    },
    { role: 'puk', reference: p.puk.reference, label: 'PUK', value: p.puk.value, triesLeft: pukTries, maxTries: 10, authId: Uint8Array.of(0x03) },
  ];
}

function sithsValidityWindow(now: Date, validity: 'valid' | 'expired' | 'expiring'): { notBefore: Date; notAfter: Date } {
  const t = now.getTime();
  switch (validity) {
    case 'expired':
      return { notBefore: new Date(t - 30 * DAY_IN_MS - 5 * YEAR_IN_MS), notAfter: new Date(t - 30 * DAY_IN_MS) };
    case 'expiring':
      return { notBefore: new Date(t + 10 * DAY_IN_MS - 5 * YEAR_IN_MS), notAfter: new Date(t + 10 * DAY_IN_MS) };
    default:
      return { notBefore: new Date(t - YEAR_IN_MS), notAfter: new Date(t + 4 * YEAR_IN_MS) };
  }
}

async function netIdCard(variant: NetIdVariant, options: Required<Pick<VirtualCardOptions, 'now'>> & VirtualCardOptions): Promise<VirtualCardSpec> {
  const flavour = variant.flavour ?? 'production';
  const holder = variant.holder ?? defaultCardholder;
  const include = variant.include ?? { siths: true, telia: true, ca: true };
  const now = options.now;
  const pki = await getTestPki({ now, flavour });
  const window = sithsValidityWindow(now, variant.sithsValidity ?? 'valid');
  const teliaWindow = { notBefore: new Date(now.getTime() - 2 * YEAR_IN_MS), notAfter: new Date(now.getTime() + 3 * YEAR_IN_MS) };
  const fullName = `${holder.givenName} ${holder.surname}`;

  const certificates: CertificatePlan[] = [];
  if (include.siths) {
    const [auth, sign] = await Promise.all([
      issuePersonCertificate(pki, { issuer: 'siths', purpose: 'authentication', holder, ...window, keyRole: `${flavour}:siths-auth` }),
      issuePersonCertificate(pki, { issuer: 'siths', purpose: 'signature', holder, ...window, keyRole: `${flavour}:siths-sign` }),
    ]);
    const label = `${fullName}, ${holder.organisation}`;
    certificates.push(
      {
        label,
        id: fromHex('4501'),
        der: auth.der,
        file: 0x4311,
        key: { label: 'Legitimering', pin: 'authentication', usage: ['sign', 'decrypt', 'unwrap'], reference: 0x01, file: 0x4b01 },
      },
      {
        label,
        id: fromHex('4502'),
        der: sign.der,
        file: 0x4312,
        key: { label: 'Underskrift', pin: 'signature', usage: ['nonRepudiation'], reference: 0x02, file: 0x4b02 },
      },
    );
  }
  if (include.telia) {
    const [auth, sign] = await Promise.all([
      issuePersonCertificate(pki, { issuer: 'telia', purpose: 'authentication', holder, ...teliaWindow, keyRole: 'telia-auth' }),
      issuePersonCertificate(pki, { issuer: 'telia', purpose: 'signature', holder, ...teliaWindow, keyRole: 'telia-sign' }),
    ]);
    const label = `${fullName}, Telia e-legitimation`;
    // Both Telia certificates share EF 4313: their CDF entries point at slices (index, length).
    certificates.push(
      {
        label,
        id: fromHex('4503'),
        der: auth.der,
        file: 0x4313,
        key: { label: 'Telia legitimering', pin: 'authentication', usage: ['sign', 'decrypt', 'unwrap'], reference: 0x03, file: 0x4b03 },
      },
      {
        label,
        id: fromHex('4504'),
        der: sign.der,
        file: 0x4313,
        key: { label: 'Telia underskrift', pin: 'signature', usage: ['nonRepudiation'], reference: 0x04, file: 0x4b04 },
      },
    );
  }
  if (include.ca) {
    certificates.push({ label: pki.sithsPersonCa.commonName, id: fromHex('4505'), der: pki.sithsPersonCa.der, authority: true, file: 0x4314 });
  }

  return buildPkcs15Card({
    name: variant.name,
    description: virtualCardDescriptions[variant.name],
    atr: ATRS.setcos,
    behaviour: { ...defaultCardBehaviour, ...options.behaviour },
    directoryFilesInMf: true,
    applicationLabel: 'SITHS e-id kort',
    token: { label: 'SITHS e-id kort', serialNumber: bcdSerial(holder.cardNumber), manufacturerId: 'Kortkoll simulator' },
    pins: netIdPins(variant.authTries ?? 3, variant.pukTries ?? 10),
    certificates,
    corruptCdf: variant.corruptCdf,
  });
}

async function sithsEid2024Card(options: Required<Pick<VirtualCardOptions, 'now'>> & VirtualCardOptions): Promise<VirtualCardSpec> {
  const now = options.now;
  const pki = await getTestPki({ now, flavour: 'production' });
  const holder = eid2024Cardholder;
  const auth = await issuePersonCertificate(pki, {
    issuer: 'siths',
    purpose: 'authentication',
    holder,
    ...sithsValidityWindow(now, 'valid'),
    keyRole: 'eid2024-auth',
  });
  const p = VIRTUAL_CARD_PINS.sithsEid2024;
  return buildPkcs15Card({
    name: 'siths-eid-2024',
    description: virtualCardDescriptions['siths-eid-2024'],
    atr: ATRS.idprime,
    // The ATR offers T=0 only, so answers to case-4 commands still come through GET RESPONSE (a T=0
    // host sends no Le with data). Reads of up to 2 KiB with extended Le, for hosts that send them.
    behaviour: { ...defaultCardBehaviour, maxReadBinaryLength: 0x800, wrongLeAnswer: '6700', extendedLength: true, ...options.behaviour },
    directoryFilesInMf: false,
    applicationLabel: 'SITHS eID',
    token: { label: 'SITHS eID', serialNumber: bcdSerial(holder.cardNumber), manufacturerId: 'Kortkoll simulator' },
    pins: [
      {
        role: 'authentication',
        reference: p.authentication.reference,
        label: 'Legitimering',
        value: p.authentication.value,
        triesLeft: 3,
        maxTries: 3,
        authId: Uint8Array.of(0x01),
      },
      { role: 'puk', reference: p.puk.reference, label: 'PUK', value: p.puk.value, triesLeft: 10, maxTries: 10, authId: Uint8Array.of(0x02) },
    ],
    certificates: [
      {
        label: `${holder.givenName} ${holder.surname}, ${holder.organisation}`,
        id: fromHex('01'),
        der: auth.der,
        file: 0x4311,
        key: { label: 'Legitimering', pin: 'authentication', usage: ['sign', 'decrypt', 'unwrap'], reference: 0x01, file: 0x4b01 },
      },
    ],
  });
}

// ---- IDPrime cards --------------------------------------------------------------------------------

interface IdprimeVariant {
  name: VirtualCardName;
  authTries?: number;
  compressed?: boolean;
  emptyCmapFile?: boolean;
  behaviour?: Partial<CardBehaviour>;
}

/** The 16-byte cardid of a card: stable per card number (a Windows card id, not the printed number). */
function idprimeCardId(holder: Cardholder): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`cardid:${holder.cardNumber}`).digest().subarray(0, 16));
}

async function sithsEidIdprimeCard(variant: IdprimeVariant, options: Required<Pick<VirtualCardOptions, 'now'>> & VirtualCardOptions): Promise<VirtualCardSpec> {
  const pki = await getTestPki({ now: options.now, flavour: 'production' });
  const holder = idprimeCardholder;
  const window = sithsValidityWindow(options.now, 'valid');
  const [auth, sign] = await Promise.all([
    issuePersonCertificate(pki, { issuer: 'siths', purpose: 'authentication', holder, ...window, keyRole: 'idprime-auth' }),
    issuePersonCertificate(pki, { issuer: 'siths', purpose: 'signature', holder, ...window, keyRole: 'idprime-sign' }),
  ]);
  const compressed = variant.compressed ?? true;
  const p = VIRTUAL_CARD_PINS.idprime;
  return buildIdprimeCard({
    name: variant.name,
    description: virtualCardDescriptions[variant.name],
    atr: ATRS.idprime940,
    behaviour: { ...idprimeCardBehaviour, ...variant.behaviour, ...options.behaviour },
    cardId: idprimeCardId(holder),
    label: 'SITHS eID',
    certificates: [
      { kind: 'kxc', container: 0, der: auth.der, compressed, keyReference: 0x81, pin: 'authentication', keySizeBits: 2048 },
      { kind: 'ksc', container: 1, der: sign.der, compressed, keyReference: 0x82, pin: 'signature', keySizeBits: 2048 },
    ],
    pins: [
      { reference: p.authentication.reference, label: 'Legitimering', value: ascii(p.authentication.value), triesLeft: variant.authTries ?? 3, maxTries: 3 },
      { reference: p.signature.reference, label: 'Underskrift', value: ascii(p.signature.value), triesLeft: 3, maxTries: 3 },
    ],
    keyReferenceFile: true,
    emptyCmapFile: variant.emptyCmapFile,
    osReleaseLevel: 0x04,
    appletVersion: 'IDPrime 940 v1.2',
  });
}

async function reservkortCard(options: Required<Pick<VirtualCardOptions, 'now'>> & VirtualCardOptions): Promise<VirtualCardSpec> {
  const pki = await getTestPki({ now: options.now, flavour: 'production' });
  const holder = reservkortCardholder;
  const auth = await issuePersonCertificate(pki, {
    issuer: 'siths',
    purpose: 'authentication',
    holder,
    ...sithsValidityWindow(options.now, 'valid'),
    keyRole: 'reservkort-auth',
  });
  const p = VIRTUAL_CARD_PINS.reservkort;
  return buildIdprimeCard({
    name: 'reservkort',
    description: virtualCardDescriptions.reservkort,
    atr: ATRS.reservkort,
    behaviour: { ...idprimeCardBehaviour, ...options.behaviour },
    cardId: idprimeCardId(holder),
    label: 'SITHS reservkort',
    certificates: [{ kind: 'kxc', container: 0, der: auth.der, compressed: true, keyReference: 0x81, pin: 'authentication', keySizeBits: 2048 }],
    pins: [{ reference: p.authentication.reference, label: 'Legitimering', value: ascii(p.authentication.value), triesLeft: 3, maxTries: 3 }],
    // Not a 940 as far as anyone knows: no key-reference file, so readers fall back to PIN 0x11.
    keyReferenceFile: false,
    osReleaseLevel: 0x04,
    appletVersion: 'IDPrime v1.0',
  });
}

/** Answers neither the IDPrime nor the PKCS#15 probe: no applet DF name, no EF.DIR, no DF 5015. */
function unknownStructureCard(options: VirtualCardOptions): VirtualCardSpec {
  // "\xF0KORTKOLL": a proprietary (F0) DF name of the simulator's own, so that the card is not empty.
  const applet = dedicatedFile(0x7f10, [elementaryFile(0x7f11, ascii('not a SITHS structure'))], {
    aid: fromHex('F04B4F52544B4F4C4C'),
    name: 'proprietary applet',
  });
  const p = VIRTUAL_CARD_PINS.unknownStructure;
  return {
    name: 'unknown-structure',
    description: virtualCardDescriptions['unknown-structure'],
    atr: ATRS.unknownIdprimeFamily,
    mf: dedicatedFile(MF_FID, [applet], { name: 'MF' }),
    pins: [
      { reference: p.authentication.reference, label: 'PIN', value: ascii(p.authentication.value), triesLeft: 3, maxTries: 3 },
      { reference: p.netidAuthentication.reference, label: 'PIN 2', value: ascii(p.netidAuthentication.value), triesLeft: 3, maxTries: 3 },
      { reference: p.signature.reference, label: 'PIN 3', value: ascii(p.signature.value), triesLeft: 3, maxTries: 3 },
    ],
    behaviour: { ...idprimeCardBehaviour, ...options.behaviour },
  };
}

function bankCard(options: VirtualCardOptions): VirtualCardSpec {
  const pse = dedicatedFile(0x1000, [], { aid: ascii('1PAY.SYS.DDF01'), name: 'PSE' });
  const visa = dedicatedFile(0x1001, [], { aid: fromHex('A0000000031010'), name: 'Visa credit/debit' });
  return {
    name: 'bank-card',
    description: virtualCardDescriptions['bank-card'],
    atr: ATRS.visa,
    mf: dedicatedFile(MF_FID, [pse, visa], { name: 'MF' }),
    pins: [],
    behaviour: { ...defaultCardBehaviour, ...options.behaviour },
  };
}

/** Where the real public certificates live: ../shared/fixtures/real-certs/ seen from the repository root. */
export function realCertsDirectory(): string {
  const override = process.env.KORTKOLL_REAL_CERTS_DIR;
  if (override) return override;
  // Walk up from this module to the repository root (the folder with our package.json): works from
  // the sources (native/simulator) and from the build output (dist/native/simulator).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name"\s*:\s*"kortkoll"/.test(readFileSync(manifest, 'utf8'))) break;
    dir = dirname(dir);
  }
  return resolve(dir, '..', 'shared', 'fixtures', 'real-certs');
}

export const REAL_TEST_CHAIN_FILES = Object.freeze({
  functionCertificate: 'test-function-cert-tstnmt2321000156-b02.pem',
  functionCa: 'test-siths-e-id-function-ca-v1.pem',
  root: 'test-siths-e-id-root-ca-v2.pem',
});

export function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('No PEM certificate found');
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}

function readRealCertificate(file: string): Uint8Array {
  const dir = realCertsDirectory();
  if (!existsSync(dir)) {
    throw new Error(
      `real-test-chain needs the real public certificates in ${dir} (../shared/fixtures/real-certs/ next to the repository); that folder is missing`,
    );
  }
  const path = join(dir, file);
  if (!existsSync(path)) throw new Error(`real-test-chain: ${path} is missing`);
  return pemToDer(readFileSync(path, 'utf8'));
}

function realTestChainCard(options: VirtualCardOptions): VirtualCardSpec {
  const functionCert = readRealCertificate(REAL_TEST_CHAIN_FILES.functionCertificate);
  const functionCa = readRealCertificate(REAL_TEST_CHAIN_FILES.functionCa);
  const root = readRealCertificate(REAL_TEST_CHAIN_FILES.root);
  return buildPkcs15Card({
    name: 'real-test-chain',
    description: virtualCardDescriptions['real-test-chain'],
    atr: ATRS.setcos,
    behaviour: { ...defaultCardBehaviour, ...options.behaviour },
    directoryFilesInMf: true,
    applicationLabel: 'SITHS e-id kort',
    token: { label: 'SITHS e-id kort', serialNumber: bcdSerial('9752269000000000002'), manufacturerId: 'Kortkoll simulator' },
    pins: netIdPins(3, 10),
    certificates: [
      {
        label: 'test.nordicmedtest.se, Nordic Medtest AB',
        id: fromHex('4501'),
        der: functionCert,
        file: 0x4311,
        key: { label: 'Legitimering', pin: 'authentication', usage: ['sign', 'decrypt', 'unwrap'], reference: 0x01, file: 0x4b01 },
      },
      // The two CA certificates share one file: slices again.
      { label: 'TEST SITHS e-id Function CA v1', id: fromHex('4502'), der: functionCa, authority: true, file: 0x4314 },
      { label: 'TEST SITHS e-id Root CA v2', id: fromHex('4503'), der: root, authority: true, file: 0x4314 },
    ],
  });
}

/** Builds the data of a ready card. Certificate dates are relative to `options.now` (default: now). */
export async function buildVirtualCardSpec(name: VirtualCardName, options: VirtualCardOptions = {}): Promise<VirtualCardSpec> {
  const resolved = { ...options, now: options.now ?? new Date() };
  switch (name) {
    case 'netid-legacy':
      return netIdCard({ name }, resolved);
    case 'siths-eid-2024':
      return sithsEid2024Card(resolved);
    case 'auth-pin-blocked':
      return netIdCard({ name, authTries: 0 }, resolved);
    case 'auth-pin-one-try':
      return netIdCard({ name, authTries: 1 }, resolved);
    case 'puk-blocked':
      return netIdCard({ name, pukTries: 0 }, resolved);
    case 'auth-cert-expired':
      return netIdCard({ name, sithsValidity: 'expired' }, resolved);
    case 'auth-cert-expiring':
      return netIdCard({ name, sithsValidity: 'expiring' }, resolved);
    case 'telia-only':
      return netIdCard({ name, include: { siths: false, telia: true, ca: false } }, resolved);
    case 'bank-card':
      return bankCard(resolved);
    case 'corrupt-cdf':
      return netIdCard({ name, corruptCdf: true }, resolved);
    case 'test-pki':
      return netIdCard({ name, flavour: 'test', holder: testPkiCardholder }, resolved);
    case 'real-test-chain':
      return realTestChainCard(resolved);
    case 'siths-eid-idprime':
      return sithsEidIdprimeCard({ name }, resolved);
    case 'idprime-auth-pin-blocked':
      return sithsEidIdprimeCard({ name, authTries: 0 }, resolved);
    case 'idprime-auth-pin-one-try':
      return sithsEidIdprimeCard({ name, authTries: 1 }, resolved);
    case 'idprime-uncompressed':
      // Debian's OpenSC 0.23 lists no certificate here: its idprime driver learns a certificate
      // file's size only from the header of a compressed one. Kortkoll must do better.
      return sithsEidIdprimeCard({ name, compressed: false }, resolved);
    case 'idprime-empty-cmapfile':
      return sithsEidIdprimeCard({ name, emptyCmapFile: true }, resolved);
    case 'idprime-strict':
      return sithsEidIdprimeCard({ name, behaviour: { strictEndOfFile: true } }, resolved);
    case 'idprime-t0':
      return sithsEidIdprimeCard({ name, behaviour: { t0GetResponse: true, wrongLeAnswer: '6Cxx' } }, resolved);
    case 'reservkort':
      return reservkortCard(resolved);
    case 'unknown-structure':
      return unknownStructureCard(resolved);
  }
}

export async function createVirtualCard(name: VirtualCardName, options: VirtualCardOptions = {}): Promise<ApduEngine> {
  return new ApduEngine(await buildVirtualCardSpec(name, options));
}
