/**
 * What reading a card gives: either a complete `CardSnapshot` or a typed failure, never a partial
 * snapshot. Plain data: it crosses IPC (structured clone keeps Uint8Array) and becomes part of the
 * diagnostic report. For JSON (CLI `--json`, files), `cardReadResultToJson` turns certificate DER
 * into base64 (`derBase64`) and `cardReadResultFromJson` turns it back.
 */
import type { TransportErrorCode } from '../../native/transport.js';
import type { CardProfile } from './profiles.js';
import type { CertificateRole, PinRole, RoleEvidence } from './pkcs15/roles.js';
import type { KeyUsageFlag, PinFlag, PinType, TokenFlag } from './pkcs15/types.js';

export type { CertificateRole, PinRole, RoleEvidence } from './pkcs15/roles.js';

/** How the card stores its certificates: a PKCS#15 application, or Thales IDPrime's minidriver files. */
export type CardStructure = 'pkcs15' | 'idprime';

/** One APDU sent while finding out which structure the card carries, and what the card answered. */
export interface StructureProbe {
  structure: CardStructure;
  /** What was asked, e.g. `SELECT IDPrime applet`, `SELECT EF.DIR 3F002F00`. */
  target: string;
  /** The command as hex (probes carry AIDs and paths only, never personal data). */
  command: string;
  /** SW1 SW2 as hex; null when the transport failed. */
  statusWord: string | null;
  /** FCI/FCP or other response data (hex), when the card gave some. */
  response: string | null;
}

export interface CardApplicationInfo {
  /** AID in hex; null when the application was found by the path of its DF only. */
  aid: string | null;
  /** From EF.DIR, when the card has one. */
  label: string | null;
  /** DF path from EF.DIR (hex), when given. */
  path: string | null;
  /** How the application was found. */
  foundBy: 'aid' | 'ef-dir' | 'path';
  /** The applet's version, where the card tells it (IDPrime: GET DATA DF30). */
  appletVersion: string | null;
}

export interface CardTokenInfo {
  version: number;
  /** Serial number as hex. */
  serialNumber: string;
  /** The serial number as text when it is printable ASCII (cards often store digits). */
  serialNumberText: string | null;
  manufacturer: string | null;
  label: string | null;
  flags: TokenFlag[];
}

/** Where a certificate was found: a PKCS#15 CDF entry, or an IDPrime minidriver file. */
export type CertificateSource = Pkcs15CertificateSource | IdPrimeCertificateSource;

export interface IdPrimeCertificateSource {
  structure: 'idprime';
  /** FID of the file (hex), e.g. `0206`. */
  file: string;
  /** Its name in the index file, e.g. `kxc00`. */
  name: string;
  /** Minidriver container index (the two digits of the name); null when the name has none. */
  container: number | null;
  /** Stored compressed (`01 00` + length + zlib). */
  compressed: boolean;
}

export interface Pkcs15CertificateSource {
  structure: 'pkcs15';
  directory: 'certificates' | 'trustedCertificates' | 'usefulCertificates';
  /** Path of the CDF that listed it (hex). */
  cdf: string;
  /** Path of the file holding the certificate (hex); null when the CDF holds the certificate itself. */
  file: string | null;
  /** Slice of a shared file (PKCS#15 Path.index / Path.length), when given. */
  index: number | null;
  length: number | null;
}

export interface CardCertificate {
  /** Label from the CDF, e.g. "<full name>, <organisation>" on SITHS cards. */
  label: string | null;
  /** PKCS#15 iD (hex); links the certificate to its private key. */
  id: string;
  authority: boolean;
  /** The card's view (authority flag, private key usage, PIN links); the PKI layer decides from the certificate itself. */
  role: CertificateRole;
  roleEvidence: RoleEvidence[];
  /** authId (hex) of the PIN protecting the matching private key, when there is one. */
  pinAuthId: string | null;
  der: Uint8Array;
  source: CertificateSource;
}

/** How the counter was known: asked now, asked earlier during the same insertion (reused), or not asked. */
export type PinCounterSource = 'verify-without-data' | 'earlier-this-insertion' | 'not-probed';

/**
 * Why a counter is unknown: the card type is not known to take VERIFY without data safely, the
 * probe is not known to be safe for this PIN (the SetCOS PUK), the structure names no reference for
 * it (the IDPrime PUK), or the card was asked and did not say.
 */
export type PinCounterUnknownReason = 'card-profile-forbids-probe' | 'probe-not-known-safe' | 'reference-unknown' | 'card-did-not-say';

export interface CardPin {
  label: string | null;
  /** PKCS#15 authId (hex). */
  authId: string;
  role: PinRole;
  roleEvidence: RoleEvidence[];
  /** P2 of VERIFY; null when the card's structure does not say (the PUK of an IDPrime card). */
  reference: number | null;
  pinType: PinType;
  minLength: number;
  maxLength: number | null;
  storedLength: number;
  padChar: number | null;
  flags: PinFlag[];
  /** authId (hex) of the PIN (PUK) that unblocks this one, when the card says. */
  unblockedBy: string | null;
  triesLeft: number | 'unknown';
  maxTries: number | 'unknown';
  blocked: boolean | 'unknown';
  verified: boolean | 'unknown';
  counter: {
    source: PinCounterSource;
    /** Status word of the probe (hex), when one was sent. */
    statusWord: string | null;
    /** Why the counter is unknown, when it is. */
    unknownReason: PinCounterUnknownReason | null;
  };
}

export interface CardPrivateKey {
  label: string | null;
  id: string;
  keyType: 'rsa' | 'ec' | 'other';
  usage: KeyUsageFlag[];
  authId: string | null;
  keyReference: number | null;
  modulusLength: number | null;
}

export interface CardReadStats {
  apduCount: number;
  bytesSent: number;
  bytesReceived: number;
  durationMs: number;
  /** When the authentication certificate and its PIN counter were known; null if the card has none. */
  authReady: { atMs: number; apduCount: number } | null;
}

/** One exchange, hex-encoded (PIN data never appears: we send none, and the session redacts). */
export interface CardApduRecord {
  command: string;
  response: string;
  /** SW1 SW2 as hex; empty when the transport failed. */
  statusWord: string;
  atMs: number;
  durationMs: number;
}

/** Something worth telling IT support that did not stop the read. */
export interface CardReadNote {
  code:
    | 'ef-dir-unreadable'
    | 'token-info-missing'
    | 'select-by-path-refused'
    | 'extended-length-refused'
    | 'read-length-reduced'
    | 'pin-probe-unexpected-status'
    | 'certificate-key-usage-used'
    | 'no-authentication-certificate'
    | 'no-authentication-pin'
    | 'idprime-file-missing'
    | 'idprime-no-container';
  message: string;
}

export interface CardSnapshot {
  kind: 'snapshot';
  reader: string;
  /** ATR as hex. */
  atr: string;
  profile: CardProfile;
  /** Which structure the certificates were read from, found by probing (the ATR only orders the probes). */
  structure: CardStructure;
  /** The probes sent to find the structure, with their answers. */
  probes: StructureProbe[];
  application: CardApplicationInfo;
  tokenInfo: CardTokenInfo | null;
  certificates: CardCertificate[];
  pins: CardPin[];
  privateKeys: CardPrivateKey[];
  /** Indexes into `certificates` / `pins` of the ones used at login, when found. */
  authentication: { certificate: number | null; pin: number | null };
  stats: CardReadStats;
  notes: CardReadNote[];
  apduLog: CardApduRecord[];
}

export type CardReadStage =
  | 'select-application'
  | 'object-directory'
  | 'directories'
  | 'authentication-certificate'
  | 'pin-counters'
  | 'token-info'
  | 'certificates'
  | 'application-directory';

interface CardReadFailureBase {
  reader: string;
  atr: string;
  profile: CardProfile;
  /** Where the read stopped. */
  stage: CardReadStage;
  /** Technical, English: for logs and developers only; people read the words for `kind`, `stage` and the codes (`read-result-messages.ts`). */
  message: string;
  stats: CardReadStats;
  apduLog: CardApduRecord[];
}

export interface CardRemovedOutcome extends CardReadFailureBase {
  kind: 'card-removed';
}

/** The card answered neither the IDPrime nor the PKCS#15 probes: its structure is new to us. */
export interface UnknownStructureOutcome extends CardReadFailureBase {
  kind: 'unknown-structure';
  /** Every probe sent, with the card's answer. */
  probes: StructureProbe[];
}

export interface MalformedCardDataOutcome extends CardReadFailureBase {
  kind: 'malformed-card-data';
  /** File (path hex or name) whose content was wrong or missing. */
  file: string | null;
  /** Set when the file a directory pointed to was not found (the card answered this SW). */
  statusWord: string | null;
}

export interface CardErrorOutcome extends CardReadFailureBase {
  kind: 'card-error';
  /** What the card answered; its meaning is looked up in the reader's language (`read-result-messages.ts`). null: the answer could not be parsed. */
  statusWord: string | null;
}

export interface TransportErrorOutcome extends CardReadFailureBase {
  kind: 'transport-error';
  code: TransportErrorCode;
  pcscCode: number | null;
}

export type CardReadFailure = CardRemovedOutcome | UnknownStructureOutcome | MalformedCardDataOutcome | CardErrorOutcome | TransportErrorOutcome;

export type CardReadResult = CardSnapshot | CardReadFailure;

export type CardReadProgress =
  | { stage: 'application-selected'; aid: string | null; elapsedMs: number; apduCount: number }
  | {
      stage: 'auth-ready';
      elapsedMs: number;
      apduCount: number;
      /** The login certificate, or null when the card has none that can be told apart. */
      certificate: CardCertificate | null;
      pin: CardPin | null;
    };

// ---- JSON form ----------------------------------------------------------------------------------

export type CardCertificateJson = Omit<CardCertificate, 'der'> & { derBase64: string };
export type CardSnapshotJson = Omit<CardSnapshot, 'certificates'> & { certificates: CardCertificateJson[] };
export type CardReadResultJson = CardSnapshotJson | CardReadFailure;

export function certificateToJson(certificate: CardCertificate): CardCertificateJson {
  const { der, ...rest } = certificate;
  return { ...rest, derBase64: Buffer.from(der).toString('base64') };
}

/** The JSON-safe form: certificate DER as base64. Failures are JSON-safe as they are. */
export function cardReadResultToJson(result: CardReadResult): CardReadResultJson {
  if (result.kind !== 'snapshot') return result;
  return { ...result, certificates: result.certificates.map(certificateToJson) };
}

export function cardReadResultFromJson(json: CardReadResultJson): CardReadResult {
  if (json.kind !== 'snapshot') return json;
  return {
    ...json,
    certificates: json.certificates.map(({ derBase64, ...rest }) => ({ ...rest, der: new Uint8Array(Buffer.from(derBase64, 'base64')) })),
  };
}

export function isCardSnapshot(result: CardReadResult): result is CardSnapshot {
  return result.kind === 'snapshot';
}
