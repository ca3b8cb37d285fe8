/**
 * The diagnostic report: pure data, already in one language, ready to be shown (renderer), printed
 * (CLI text), saved (JSON, HTML) or pasted into a ticket. Its JSON form is described by
 * `report.schema.json` beside this file; `schemaVersion` changes when the shape does.
 */
import type { Lang } from '../i18n/index.js';

export const reportSchemaVersion = 1 as const;

export type CheckStatus = 'ok' | 'warning' | 'error' | 'not-run' | 'unknown';

/**
 * The layered checks, in the order they run; a failing layer marks the layers above `not-run`. The
 * one list of check ids: the registry (`checks/index.ts`) and the enum of `report.schema.json`
 * (written by `report-schema.ts`) are made from it.
 */
export const checkIds = [
  'pcsc-service',
  'readers',
  'card-present',
  'card-answers',
  'siths-application',
  'certificates-read',
  'auth-certificate',
  'auth-validity',
  'chain',
  'revocation',
  'hsa-id',
  'auth-pin',
  'sign-pin',
  'puk',
  'middleware',
  'browser-store',
  'system-clock',
] as const;
export type CheckId = (typeof checkIds)[number];

/** Who can fix it: the user now, local IT support (card, PIN, PUK, reader, Net iD), or the staff tool's support line. */
export type Contact = 'self' | 'local-it' | 'support-line';

export interface ReportFact {
  /** Stable key, e.g. `atr`, `hsaId`; the label is the localised name. */
  key: string;
  label: string;
  value: string;
  /** Personal data (name, HSA-id, personnummer, card number): masked in a redacted report. */
  personal?: boolean;
}

export interface ReportCheck {
  id: CheckId;
  status: CheckStatus;
  title: string;
  /** One sentence: what we found. */
  summary: string;
  evidence: ReportFact[];
  remedy?: { text: string; contact: Contact };
}

/** `unknown-card`: the card's structure is new to Kortkoll, so it cannot tell whether login will work. */
export type VerdictStatus = 'ready' | 'attention' | 'blocked' | 'unknown-card' | 'no-card' | 'no-reader' | 'no-service' | 'reading';

export interface ReportVerdict {
  status: VerdictStatus;
  /** E.g. "Ditt kort är klart för inloggning". */
  headline: string;
  /** What to do now, when something is wrong. */
  advice?: string;
}

export interface ReportCertificateLabels {
  family: string;
  environment: string;
  subjectKind: string;
  purpose: string;
}

export interface ReportCertificate {
  /** Label from the card's certificate directory (CDF), when read from a card. */
  cardLabel?: string;
  subject: string;
  /** Subject CN, as a browser's certificate picker shows it ("Issued to"). */
  subjectCommonName: string;
  issuerCommonName: string;
  /** HSA-id, personnummer (masked) or other subject serialNumber. */
  subjectSerialNumber?: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  family: string;
  environment: string;
  subjectKind: string;
  purpose: string;
  /** The four codes above in words, in the report's language (the app shows these; it keeps no table of its own). */
  labels: ReportCertificateLabels;
  keyUsage: string[];
  extendedKeyUsage: string[];
  cardNumber?: string;
  sha1: string;
  sha256: string;
  isLoginCertificate: boolean;
  /** Localised reason why this is not the one to pick at login. */
  notLoginReason?: string;
  validity: string;
}

export type PinRole = 'authentication' | 'signature' | 'puk' | 'other';

export interface ReportPin {
  role: PinRole;
  label: string;
  /** null: unknown (the card was not asked, or could not say). */
  triesLeft: number | null;
  maxTries: number | null;
  blocked: boolean;
}

export interface ReportReader {
  name: string;
  cardPresent: boolean;
  atr?: string;
  /** `virtual`, `contactless`, `exclusive`, `selected`. */
  flags: string[];
  /** The reader has a PIN pad (secure PIN entry); null = it could not be asked; absent = not asked. */
  pinpad?: boolean | null;
}

export interface ReportCard {
  reader: string;
  atr: string;
  profile: string;
  /** How the card stores its certificates, in words (e.g. "Thales IDPrime (minidriver)"). */
  structure?: string;
  application?: string;
  /** The applet's own version string, where the card tells it. */
  appletVersion?: string;
  tokenLabel?: string;
  tokenSerial?: string;
  holderName?: string;
  hsaId?: string;
  cardNumber?: string;
  /** Issuing CA of the login certificate. */
  issuer?: string;
  validUntil?: string;
  readMs: number;
  /** Time until the authentication certificate and PIN counter were known. */
  authReadyMs?: number;
  apduCount: number;
  bytesSent: number;
  bytesReceived: number;
}

/** What one browser certificate store holds for this card (the login certificate, stale ones). */
export interface ReportBrowserStore {
  /** Where, e.g. `Cert:\\CurrentUser\\My` or a Firefox profile folder. */
  store: string;
  browsers: string;
  /** Localised outcome, e.g. "har certifikatet". */
  outcome: string;
  certificates: {
    relation: 'login' | 'stale';
    /** Personal: masked in a redacted report. */
    subject: string;
    issuer: string | null;
    validTo: string | null;
    sha1: string;
    onSmartCard: boolean | null;
    provider: string | null;
  }[];
}

export interface ReportApdu {
  command: string;
  response: string;
  statusWord: string;
  meaning: string;
}

export interface DiagnosticReport {
  schemaVersion: typeof reportSchemaVersion;
  header: {
    app: 'Kortkoll';
    version: string;
    os: string;
    platform: string;
    arch: string;
    generatedAt: string;
    lang: Lang;
    redacted: boolean;
    online: boolean;
    demoCard?: string;
  };
  verdict: ReportVerdict;
  card: ReportCard | null;
  checks: ReportCheck[];
  certificates: ReportCertificate[];
  pins: ReportPin[];
  readers: ReportReader[];
  /** Operating-system and middleware facts, when the system probes ran. */
  system: ReportFact[];
  /** Browser certificate stores, when they were looked at after the card was read. */
  browserStores?: ReportBrowserStore[];
  /** The APDUs of the last read. PIN values are never recorded. */
  apduLog: ReportApdu[];
}
