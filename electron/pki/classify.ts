/**
 * What a certificate is: who issued it (SITHS generation, Telia, other), which PKI environment,
 * whose it is (person with HSA-id, person with personnummer, function, CA) and what it is for
 * (authentication, signature). Table-driven from siths-facts.md, so a new CA name is one row.
 */
import { checkHsaId, looksLikeHsaId, type HsaIdCheck } from './hsa-id.js';
import { knownRootBySha256, type KnownRoot, type PkiEnvironment } from './known-roots.js';
import { eku } from './oids.js';
import { isPersonnummer, maskPersonnummer, maskPersonnummerInText, personnummerChecksumValid } from './personnummer.js';
import type { CertificateInfo } from './parse.js';

export type IssuerFamily = 'siths-eid' | 'siths-type1' | 'siths-type3' | 'siths-root-v1' | 'siths-carelink' | 'telia' | 'other';
export type SubjectKind = 'person-hsa' | 'person-personnummer' | 'function' | 'ca' | 'unknown';
export type CertificatePurpose = 'authentication' | 'signature' | 'other';
export type { PkiEnvironment } from './known-roots.js';

/** Why we think the certificate belongs to its environment. */
export type EnvironmentEvidence = 'issuer-name' | 'policy' | 'hsa-id-prefix' | 'known-root' | 'none';

export interface CertificateClassification {
  family: IssuerFamily;
  /** siths-eid, siths-type1, siths-type3, siths-root-v1 or siths-carelink. */
  isSiths: boolean;
  environment: PkiEnvironment;
  environmentEvidence: EnvironmentEvidence;
  subjectKind: SubjectKind;
  purpose: CertificatePurpose;
  /** Present when the subject serialNumber is (or looks like) an HSA-id. */
  hsaId?: HsaIdCheck;
  /** Present when the subject serialNumber is a personnummer: only ever masked. */
  personnummer?: { masked: string; checksumValid: boolean };
  /** The subject serialNumber fit to show: the HSA-id, a masked personnummer, or other text. */
  subjectSerialNumberDisplay?: string;
  /** Set when this certificate is a root we know by its SHA-256 fingerprint. */
  knownRoot?: KnownRoot;
  issuerCommonName?: string;
  subjectCommonName?: string;
}

interface FamilyRule {
  family: IssuerFamily;
  /** Matched against the issuer CN (the subject CN for a self-issued certificate is the same). */
  commonName?: RegExp;
  organization?: RegExp;
}

/** Issuer families, first match wins (siths-facts.md, "The SITHS PKI"). */
export const familyRules: readonly FamilyRule[] = [
  { family: 'siths-eid', commonName: /^(?:(?:TEST|SYSTEMTEST)\s+)?SITHS e-id\b/i },
  { family: 'siths-type1', commonName: /^SITHS Type 1 CA\b/i },
  { family: 'siths-type3', commonName: /^SITHS Type 3 CA\b/i },
  { family: 'siths-root-v1', commonName: /^SITHS Root CA v1\b/i },
  { family: 'siths-carelink', commonName: /^SITHS CA\b/i },
  { family: 'telia', commonName: /\bTelia(?:Sonera)?\b/i },
  { family: 'telia', organization: /^Telia\b|^TeliaSonera\b/i },
];

interface EnvironmentRule {
  environment: PkiEnvironment;
  commonName: RegExp;
}

/** Environments by issuer name, first match wins: `SYSTEMTEST …`, `… PP`, `TEST …`/`CA TEST v3`. */
export const environmentRules: readonly EnvironmentRule[] = [
  { environment: 'systemtest', commonName: /^SYSTEMTEST\b/i },
  { environment: 'preproduction', commonName: /\bPP\b/ },
  { environment: 'test', commonName: /(^|\s)TEST(\s|$)/i },
];

/** Certificate policies that name an environment (siths-facts.md). */
export const environmentPolicies: Readonly<Record<string, PkiEnvironment>> = {
  '1.2.752.35.99.2.3': 'preproduction',
  '1.2.752.74.8.505': 'test',
};

const sithsFamilies: ReadonlySet<IssuerFamily> = new Set(['siths-eid', 'siths-type1', 'siths-type3', 'siths-root-v1', 'siths-carelink']);

export function issuerFamily(info: CertificateInfo): IssuerFamily {
  const commonName = info.issuer.commonName ?? '';
  const organization = info.issuer.organization ?? '';
  for (const rule of familyRules) {
    if (rule.commonName && rule.commonName.test(commonName)) return rule.family;
    if (rule.organization && rule.organization.test(organization)) return rule.family;
  }
  return 'other';
}

function environmentOf(info: CertificateInfo, hsaId: HsaIdCheck | undefined, knownRoot: KnownRoot | undefined): [PkiEnvironment, EnvironmentEvidence] {
  if (knownRoot) return [knownRoot.environment, 'known-root'];
  const commonName = info.issuer.commonName ?? '';
  for (const rule of environmentRules) {
    if (rule.commonName.test(commonName)) return [rule.environment, 'issuer-name'];
  }
  for (const policy of info.policies) {
    const environment = environmentPolicies[policy];
    if (environment) return [environment, 'policy'];
  }
  if (hsaId?.test) return ['test', 'hsa-id-prefix'];
  return ['production', 'none'];
}

export function isCaCertificate(info: CertificateInfo): boolean {
  return info.isCA || (info.keyUsage?.includes('keyCertSign') ?? false);
}

const authenticationEkus: ReadonlySet<string> = new Set([eku.clientAuth, eku.smartcardLogon, eku.anyExtendedKeyUsage]);

export function certificatePurpose(info: CertificateInfo): CertificatePurpose {
  if (isCaCertificate(info)) return 'other';
  const keyUsage = info.keyUsage ?? [];
  const ekus = info.extendedKeyUsage?.map((e) => e.oid);
  const authEku = ekus === undefined || ekus.some((oid) => authenticationEkus.has(oid));
  const explicitAuthEku = ekus !== undefined && ekus.some((oid) => authenticationEkus.has(oid));
  const signs = keyUsage.includes('nonRepudiation');
  const authenticates = keyUsage.includes('digitalSignature') || keyUsage.includes('keyEncipherment') || keyUsage.includes('keyAgreement');
  if (signs && !authenticates) return 'signature';
  if (signs && authenticates) return explicitAuthEku ? 'authentication' : 'signature';
  if (authenticates) return authEku ? 'authentication' : 'other';
  if (info.keyUsage === null && explicitAuthEku) return 'authentication';
  return 'other';
}

function subjectKindOf(info: CertificateInfo, serial: string | undefined): SubjectKind {
  if (isCaCertificate(info)) return 'ca';
  if (serial !== undefined && isPersonnummer(serial)) return 'person-personnummer';
  if (serial !== undefined && looksLikeHsaId(serial)) {
    const issuer = info.issuer.commonName ?? '';
    if (/Function CA|Type 3 CA/i.test(issuer)) return 'function';
    if (/Person|Type 1 CA/i.test(issuer)) return 'person-hsa';
    // Carelink-era and unknown issuers: a person has a name; a function (a server, a service) has none.
    return info.subject.givenName !== undefined || info.subject.surname !== undefined ? 'person-hsa' : 'function';
  }
  return 'unknown';
}

export function classifyCertificate(info: CertificateInfo): CertificateClassification {
  const family = issuerFamily(info);
  const serial = info.subject.serialNumber;
  const knownRoot = knownRootBySha256(info.fingerprints.sha256);
  const hsaId = serial !== undefined && looksLikeHsaId(serial) ? checkHsaId(serial.trim()) : undefined;
  const [environment, environmentEvidence] = environmentOf(info, hsaId, knownRoot);
  const classification: CertificateClassification = {
    family,
    isSiths: sithsFamilies.has(family),
    environment,
    environmentEvidence,
    subjectKind: subjectKindOf(info, serial),
    purpose: certificatePurpose(info),
  };
  if (hsaId) classification.hsaId = hsaId;
  if (serial !== undefined) {
    if (isPersonnummer(serial)) {
      classification.personnummer = { masked: maskPersonnummer(serial.trim()), checksumValid: personnummerChecksumValid(serial) };
      classification.subjectSerialNumberDisplay = classification.personnummer.masked;
    } else {
      classification.subjectSerialNumberDisplay = serial;
    }
  }
  if (knownRoot) classification.knownRoot = knownRoot;
  if (info.issuer.commonName !== undefined) classification.issuerCommonName = info.issuer.commonName;
  if (info.subject.commonName !== undefined) classification.subjectCommonName = maskPersonnummerInText(info.subject.commonName);
  return classification;
}
