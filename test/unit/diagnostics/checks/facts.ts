/**
 * Hand-built diagnosis facts for the check tables: a healthy SITHS card in a healthy computer,
 * from which each row changes only what it is about. Nothing is read from a card or parsed from a
 * certificate here, so a row says exactly which fact leads to which finding.
 */
import type { CardPin, CardReadFailure, CardSnapshot } from '../../../../electron/card/card-read-result.js';
import type { CardProfile } from '../../../../electron/card/profiles.js';
import type { AnalysedCertificate, CardAnalysis } from '../../../../electron/diagnostics/card-analysis.js';
import type { DiagnosisFacts } from '../../../../electron/diagnostics/diagnosis-facts.js';
import type { DiagnosticMessageKey } from '../../../../electron/diagnostics/messages.js';
import { writerWith } from '../../../../electron/diagnostics/checks/check.js';
import type { CertificateClassification } from '../../../../electron/pki/classify.js';
import type { CertificateInfo } from '../../../../electron/pki/parse.js';
import type { ValidityResult } from '../../../../electron/pki/validity.js';
import type { SystemFact } from '../../../../native/system/types.js';

export const now = new Date('2026-03-02T09:30:00Z');
export const readerName = 'Identiv uTrust 2700 R 0';

/**
 * Writes message keys instead of texts: `[key]`, or `[key name=value …]` with its parameters. The
 * tables test which finding a check makes, not its wording (kept in messages.ts).
 */
function keyText(key: DiagnosticMessageKey, params?: Record<string, string | number>): string {
  const args = Object.entries(params ?? {}).map(([name, value]) => ` ${name}=${value}`);
  return `[${key}${args.join('')}]`;
}
export const keyWriter = writerWith('en', keyText);

export const knownProfile: CardProfile = {
  id: 'siths-setcos-netid',
  family: 'setcos',
  known: true,
  displayName: { sv: 'SITHS-kort (SetCOS)', en: 'SITHS card (SetCOS)' },
  pinCounterProbe: true,
  read: { maxShortReadLength: 256, extendedLength: 'no', maxExtendedReadLength: 0, selectByPath: true },
};

export function pin(role: CardPin['role'], overrides: Partial<CardPin> = {}): CardPin {
  return {
    label: role === 'authentication' ? 'Legitimering' : role === 'signature' ? 'Underskrift' : 'PUK',
    authId: role === 'authentication' ? '01' : role === 'signature' ? '02' : '03',
    role,
    roleEvidence: [],
    reference: role === 'authentication' ? 0x81 : role === 'signature' ? 0x82 : 0x83,
    pinType: 'utf8',
    minLength: 4,
    maxLength: 8,
    storedLength: 8,
    padChar: 0xff,
    flags: [],
    unblockedBy: null,
    triesLeft: 3,
    maxTries: 3,
    blocked: false,
    verified: false,
    counter: { source: 'verify-without-data', statusWord: '63C3', unknownReason: null },
    ...overrides,
  };
}

const stats = { apduCount: 20, bytesSent: 200, bytesReceived: 4000, durationMs: 120, authReady: null };

export function snapshot(overrides: Partial<CardSnapshot> = {}): CardSnapshot {
  return {
    kind: 'snapshot',
    reader: readerName,
    atr: '3B9F958131FE9F006646530534002F71',
    profile: knownProfile,
    structure: 'pkcs15',
    probes: [],
    application: { aid: 'E828BD080FA000000000', label: null, path: null, foundBy: 'aid', appletVersion: null },
    tokenInfo: null,
    certificates: [
      {
        label: 'Legitimering',
        id: '45',
        authority: false,
        role: 'authentication',
        roleEvidence: [],
        pinAuthId: '01',
        der: new Uint8Array([0x30]),
        source: pkcs15Source,
      },
      {
        label: 'Underskrift',
        id: '46',
        authority: false,
        role: 'signature',
        roleEvidence: [],
        pinAuthId: '02',
        der: new Uint8Array([0x30]),
        source: pkcs15Source,
      },
    ],
    pins: [pin('authentication'), pin('signature'), pin('puk')],
    privateKeys: [],
    authentication: { certificate: 0, pin: 0 },
    stats,
    notes: [],
    apduLog: [],
    ...overrides,
  };
}
const pkcs15Source = { structure: 'pkcs15', directory: 'certificates', cdf: '3F0050154404', file: null, index: null, length: null } as const;

/** A read that stopped: the card is the same, the outcome is a failure of this kind. */
export function failedRead<K extends CardReadFailure['kind']>(kind: K, overrides: Partial<Extract<CardReadFailure, { kind: K }>> = {}): CardReadFailure {
  const base = {
    reader: readerName,
    atr: '3B9F958131FE9F006646530534002F71',
    profile: knownProfile,
    stage: 'certificates',
    message: 'failed',
    stats,
    apduLog: [],
  };
  const byKind: Record<CardReadFailure['kind'], object> = {
    'card-removed': {},
    'unknown-structure': { probes: [] },
    'malformed-card-data': { file: null, statusWord: null },
    'card-error': { statusWord: null, statusMeaning: null },
    'transport-error': { code: 'pcsc-error', pcscCode: null },
  };
  return { ...base, ...byKind[kind], kind, ...overrides } as CardReadFailure;
}

export function certificateInfo(overrides: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    der: new Uint8Array([0x30]),
    version: 3,
    serialNumber: '0A0B',
    subject: { attributes: [], display: 'CN=Åsa Lindström, SERIALNUMBER=SE2321000016-1234', commonName: 'Åsa Lindström', serialNumber: 'SE2321000016-1234' },
    issuer: { attributes: [], display: 'CN=SITHS e-id Person ID 3 CA v1, O=Inera AB', commonName: 'SITHS e-id Person ID 3 CA v1' },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    selfIssued: false,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [],
    policies: [],
    ocspUrls: [],
    caIssuersUrls: [],
    crlUrls: [],
    basicConstraints: null,
    isCA: false,
    subjectAltNames: [],
    publicKey: { algorithm: 'RSA', oid: '1.2.840.113549.1.1.1', bits: 2048 },
    signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption' },
    fingerprints: { sha256: '11'.repeat(32), sha1: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01' },
    unparsedCriticalExtensions: [],
    ...overrides,
  };
}

export function validity(overrides: Partial<ValidityResult> = {}): ValidityResult {
  return {
    status: 'valid',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2030-01-01T00:00:00.000Z',
    checkedAt: now.toISOString(),
    daysLeft: 1401,
    clockSuspect: false,
    ...overrides,
  };
}

export function classification(overrides: Partial<CertificateClassification> = {}): CertificateClassification {
  return {
    family: 'siths-eid',
    isSiths: true,
    environment: 'production',
    environmentEvidence: 'issuer-name',
    subjectKind: 'person-hsa',
    purpose: 'authentication',
    hsaId: { value: 'SE2321000016-1234', valid: true, test: false, problems: [], warnings: [] },
    ...overrides,
  };
}

export function analysedCertificate(overrides: Partial<AnalysedCertificate> = {}): AnalysedCertificate {
  return { cardIndex: 0, info: certificateInfo(), classification: classification(), validity: validity(), ...overrides };
}

/** The analysis of a card whose login certificate is `loginCert` (null: none qualifies), before `others`. */
export function analysis(overrides: Partial<CardAnalysis> & { loginCert?: AnalysedCertificate | null; others?: AnalysedCertificate[] } = {}): CardAnalysis {
  const { loginCert = analysedCertificate(), others = [], ...rest } = overrides;
  return {
    certificates: loginCert ? [loginCert, ...others] : others,
    unreadable: [],
    login: { chosenIndex: loginCert ? 0 : null, chosen: loginCert?.info ?? null, blockedIndex: null, candidates: [] },
    loginCertificate: loginCert,
    chain: null,
    anchorSources: [{ source: 'system', available: true, count: 140 }],
    revocation: { status: 'not-checked', reason: 'offline-mode' },
    ...rest,
  };
}

export function systemFact(key: string, value: SystemFact['value']): SystemFact {
  return { key, value, source: 'injected', detail: 'table test' };
}

/** A healthy computer with a healthy card read; rows change what they are about. */
export function facts(overrides: Partial<DiagnosisFacts> = {}): DiagnosisFacts {
  return {
    generatedAt: now,
    app: { version: '0.1.0' },
    os: { name: 'Linux 6.1.0', platform: 'linux', arch: 'x64' },
    online: false,
    demoCard: null,
    service: { available: true },
    readers: [{ name: readerName, cardPresent: true }],
    selectedReader: readerName,
    reading: false,
    read: snapshot(),
    analysis: analysis(),
    system: [],
    ...overrides,
  };
}

/** The same healthy facts, with the login certificate (and so the analysis) changed. */
export function withLogin(login: Partial<AnalysedCertificate>, rest: Partial<CardAnalysis> = {}): DiagnosisFacts {
  return facts({ analysis: analysis({ loginCert: analysedCertificate(login), ...rest }) });
}
