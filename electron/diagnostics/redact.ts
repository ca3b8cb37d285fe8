/**
 * Redaction for reports and card reads that leave the machine (tickets, e-mail). What identifies
 * the person goes: names and every other subject attribute that names or reaches them (e-mail,
 * UID, initials, OU, title, …), HSA-id suffix, card number but its last four digits, personnummer
 * but its birth year, and the serial numbers and fingerprints of the person's own (end-entity)
 * certificates, which identify them as well as the name does. Certificate bytes (DER/base64) and
 * APDU data bytes are left out. What IT support needs to find a fault stays: statuses, issuers,
 * dates, ATRs, organisation, CA certificates with their serial numbers and fingerprints, counters,
 * APDU headers and status words.
 */
import type { CardReadResult, CardReadResultJson } from '../card/card-read-result.js';
import { parseCertificate, type CertificateInfo } from '../pki/parse.js';
import { isCaCertificate } from '../pki/classify.js';
import type { DiagnosticReport, ReportApdu, ReportCertificate, ReportFact } from './report-types.js';

/** What stands where a serial number or fingerprint of the person's own certificate was. */
export const redactedMark = '[redacted]';

/**
 * A personnummer (12 or 10 digits, with or without separator, last four digits perhaps already
 * masked) → birth year only: `19121212-1212` → `1912****-****`, `121212-1212` → `12****-****`.
 */
const personnummerPattern = /(?<![\dA-Za-z])(\d{2})?(\d{2})(\d{4})([-+]?)(\d{4}|\*{4})(?![\dA-Za-z*])/g;

/** "Anna Andersson" → "A*** A*******". */
export function maskName(name: string): string {
  return name.replace(/\p{L}[\p{L}\p{M}'’-]*/gu, (word) => word[0] + '*'.repeat(Math.max(word.length - 1, 2)));
}

/** "SE2321000016-1A2B" → "SE2321000016-****": the organisation number is not personal, the suffix is. */
export function maskHsaId(hsaId: string): string {
  const dash = hsaId.indexOf('-');
  if (dash < 0) return '*'.repeat(Math.max(hsaId.length, 4));
  return hsaId.slice(0, dash + 1) + '*'.repeat(Math.max(hsaId.length - dash - 1, 4));
}

/** Every personnummer in a text, to at most its birth year: "19121212-1212" → "1912****-****". */
export function maskPersonnummerIn(text: string): string {
  return text.replace(
    personnummerPattern,
    (_whole, century: string | undefined, year: string, _date: string, separator: string) => `${century ?? ''}${year}****${separator === '+' ? '+' : '-'}****`,
  );
}

/** Keeps the last four digits, as bank cards do. */
export function maskCardNumber(cardNumber: string): string {
  if (cardNumber.length <= 4) return '*'.repeat(cardNumber.length);
  return '*'.repeat(cardNumber.length - 4) + cardNumber.slice(-4);
}

/** Masks a subject serialNumber: an HSA-id keeps its organisation part, a personnummer its birth year. */
export function maskSubjectSerial(value: string): string {
  if (/^[A-Z]{2,}\d{10}-/.test(value) || /^TST/.test(value)) return maskHsaId(value);
  if (/^\d{8}[-+]?\d{4}$/.test(value) || /^\d{6}[-+]?\d{4}$/.test(value)) return maskPersonnummerIn(value);
  return '*'.repeat(Math.max(value.length, 4));
}

// ---- distinguished names -------------------------------------------------------------------------

/** Subject attributes of an end-entity certificate that say where, not who: kept. */
const impersonalAttributes: ReadonlySet<string> = new Set(['C', 'O', 'L', 'ST', 'organizationIdentifier']);
/** Name attributes: masked to their initials, as a name elsewhere in the report is. */
const nameAttributes: ReadonlySet<string> = new Set(['CN', 'givenName', 'surname', 'GN', 'SN', 'G']);

/** `CN=Lindström\, Åsa, O=Region, C=SE` (our display form, RFC 4514 escapes) → [name, value] pairs, unescaped. */
export function parseDisplayName(dn: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) {
      out.push(['', dn.slice(i)]);
      break;
    }
    const name = dn.slice(i, eq).trim();
    let value = '';
    let j = eq + 1;
    for (; j < dn.length; j++) {
      const c = dn[j] as string;
      if (c === '\\' && j + 1 < dn.length) {
        value += dn[++j];
        continue;
      }
      if (c === ',') break;
      value += c;
    }
    out.push([name, value]);
    i = j + 1;
    while (dn[i] === ' ') i++;
  }
  return out;
}

function formatDisplayName(attributes: readonly [string, string][]): string {
  return attributes.map(([name, value]) => (name === '' ? value : `${name}=${value.replace(/([,+"\\<>;=])/g, '\\$1')}`)).join(', ');
}

function maskAttribute(name: string, value: string): string {
  if (impersonalAttributes.has(name)) return value;
  if (name === 'serialNumber') return maskSubjectSerial(value);
  if (nameAttributes.has(name)) return maskPersonnummerIn(maskName(value));
  return '*'.repeat(Math.max(value.length, 4));
}

/** The person-identifying attribute values of a subject, each with its masked form. */
function personalAttributes(dn: string): [string, string][] {
  return parseDisplayName(dn)
    .filter(([name]) => !impersonalAttributes.has(name))
    .map(([name, value]) => [value, maskAttribute(name, value)]);
}

/**
 * The subject of an end-entity certificate: every attribute that names or reaches the person
 * (CN, given name, surname, serialNumber, e-mail, UID, initials, OU, title, unknown OIDs) is
 * masked; C, O, L, ST and organizationIdentifier stay.
 */
export function maskDistinguishedName(dn: string): string {
  return formatDisplayName(parseDisplayName(dn).map(([name, value]): [string, string] => [name, maskAttribute(name, value)]));
}

// ---- the values to find wherever they stand ------------------------------------------------------

type Replacements = Map<string, string>;

function addValue(values: Replacements, value: string | undefined, masked: string): void {
  if (value !== undefined && value.length >= 3 && value !== masked) values.set(value, masked);
}

/** A serial number or fingerprint in every form a report or tool prints it: colon or plain hex, upper or lower case. */
function addHexIdentifier(values: Replacements, hex: string): void {
  const plain = hex.replace(/[^0-9a-f]/gi, '');
  if (plain.length < 8) return;
  const colon = plain.match(/../g)?.join(':') ?? plain;
  const spaced = plain.match(/../g)?.join(' ') ?? plain;
  for (const form of [plain, colon, spaced]) {
    values.set(form.toUpperCase(), redactedMark);
    values.set(form.toLowerCase(), redactedMark);
  }
}

/** Personal values of the end-entity certificates themselves (for card reads, where we have the DER). */
function certificateValues(values: Replacements, info: CertificateInfo): void {
  if (isCaCertificate(info)) return;
  for (const attribute of info.subject.attributes) {
    if (attribute.name === 'serialNumber') addValue(values, attribute.value, maskSubjectSerial(attribute.value));
    else if (!impersonalAttributes.has(attribute.name)) addValue(values, attribute.value, maskAttribute(attribute.name, attribute.value));
  }
  for (const [value, masked] of personalAttributes(info.subject.display)) addValue(values, value, masked);
  for (const san of info.subjectAltNames) {
    const value = san.slice(san.indexOf(':') + 1);
    addValue(values, value, '*'.repeat(Math.max(value.length, 4)));
  }
  if (info.cardNumber !== undefined) addValue(values, info.cardNumber, maskCardNumber(info.cardNumber));
  addHexIdentifier(values, info.serialNumber);
  addHexIdentifier(values, info.fingerprints.sha1);
  addHexIdentifier(values, info.fingerprints.sha256);
}

/** Replaces every personal value wherever it stands (longest first), then masks any personnummer. */
function scrubText(text: string, replacements: readonly [string, string][]): string {
  let out = text;
  for (const [plain, masked] of replacements) out = out.split(plain).join(masked);
  return maskPersonnummerIn(out);
}

function scrub<T>(value: T, replacements: readonly [string, string][]): T {
  if (typeof value === 'string') return scrubText(value, replacements) as T;
  if (Array.isArray(value)) return value.map((v) => scrub(v, replacements)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, replacements)])) as T;
  return value;
}

function sorted(values: Replacements): [string, string][] {
  // Longest first, so "Anna Andersson" is replaced before a shorter value inside it.
  return [...values.entries()].sort((a, b) => b[0].length - a[0].length);
}

/** An APDU command without its data: the header (CLA INS P1 P2), and how many bytes followed it. */
export function apduHeaderOnly(spacedHexCommand: string): { header: string; dataBytes: number } {
  const bytes = spacedHexCommand.trim().split(/\s+/).filter(Boolean);
  return { header: bytes.slice(0, 4).join(' '), dataBytes: Math.max(0, bytes.length - 4) };
}

// ---- the diagnostic report -----------------------------------------------------------------------

const isEndEntity = (cert: ReportCertificate) => cert.subjectKind !== 'ca';

function maskFactValue(fact: ReportFact): string {
  switch (fact.key) {
    case 'hsaId':
      return maskHsaId(fact.value);
    case 'cardNumber':
      return maskCardNumber(fact.value);
    case 'subjectSerialNumber':
      return maskSubjectSerial(fact.value);
    case 'sha1':
    case 'sha256':
    case 'serialNumber':
      return redactedMark;
    default:
      return maskPersonnummerIn(maskName(fact.value));
  }
}

function redactFacts(facts: ReportFact[]): ReportFact[] {
  return facts.map((fact) => (fact.personal ? { ...fact, value: maskFactValue(fact) } : fact));
}

function redactCertificate(cert: ReportCertificate): ReportCertificate {
  if (!isEndEntity(cert)) return cert;
  const redacted: ReportCertificate = {
    ...cert,
    subject: maskDistinguishedName(cert.subject),
    subjectCommonName: maskPersonnummerIn(maskName(cert.subjectCommonName)),
    serialNumber: redactedMark,
    sha1: redactedMark,
    sha256: redactedMark,
  };
  if (cert.subjectSerialNumber !== undefined) redacted.subjectSerialNumber = maskSubjectSerial(cert.subjectSerialNumber);
  if (cert.cardNumber !== undefined) redacted.cardNumber = maskCardNumber(cert.cardNumber);
  if (cert.cardLabel !== undefined) redacted.cardLabel = maskPersonnummerIn(maskName(cert.cardLabel));
  return redacted;
}

/**
 * The personal values a report holds, each with its masked form. Findings and remedies may quote
 * them ("Välj ”Anna Andersson”"), so the redaction replaces them wherever they stand, not only in
 * the fields that carry them.
 */
function personalValues(report: DiagnosticReport): Replacements {
  const values: Replacements = new Map();
  if (report.card?.holderName !== undefined) addValue(values, report.card.holderName, maskName(report.card.holderName));
  if (report.card?.hsaId !== undefined) addValue(values, report.card.hsaId, maskHsaId(report.card.hsaId));
  if (report.card?.cardNumber !== undefined) addValue(values, report.card.cardNumber, maskCardNumber(report.card.cardNumber));
  if (report.card?.tokenSerial !== undefined) addValue(values, report.card.tokenSerial, maskCardNumber(report.card.tokenSerial));
  for (const cert of report.certificates.filter(isEndEntity)) {
    addValue(values, cert.subjectCommonName, maskName(cert.subjectCommonName));
    for (const [value, masked] of personalAttributes(cert.subject)) addValue(values, value, masked);
    if (cert.subjectSerialNumber !== undefined) addValue(values, cert.subjectSerialNumber, maskSubjectSerial(cert.subjectSerialNumber));
    if (cert.cardNumber !== undefined) addValue(values, cert.cardNumber, maskCardNumber(cert.cardNumber));
    if (cert.cardLabel !== undefined) addValue(values, cert.cardLabel, maskName(cert.cardLabel));
    addHexIdentifier(values, cert.serialNumber);
    addHexIdentifier(values, cert.sha1);
    addHexIdentifier(values, cert.sha256);
  }
  for (const fact of [...report.checks.flatMap((c) => c.evidence), ...report.system]) {
    if (fact.personal) addValue(values, fact.value, maskFactValue(fact));
  }
  return values;
}

function redactApdu(apdu: ReportApdu): ReportApdu {
  return { ...apdu, command: apduHeaderOnly(apdu.command).header };
}

/** Returns a redacted copy; the input is not changed. Redacting twice changes nothing more. */
export function redactReport(report: DiagnosticReport): DiagnosticReport {
  return scrub(redactFields(report), sorted(personalValues(report)));
}

function redactFields(report: DiagnosticReport): DiagnosticReport {
  const card = report.card && {
    ...report.card,
    ...(report.card.holderName !== undefined && { holderName: maskName(report.card.holderName) }),
    ...(report.card.hsaId !== undefined && { hsaId: maskHsaId(report.card.hsaId) }),
    ...(report.card.cardNumber !== undefined && { cardNumber: maskCardNumber(report.card.cardNumber) }),
    ...(report.card.tokenSerial !== undefined && { tokenSerial: maskCardNumber(report.card.tokenSerial) }),
  };
  return {
    ...report,
    header: { ...report.header, redacted: true },
    card,
    checks: report.checks.map((check) => ({ ...check, evidence: redactFacts(check.evidence) })),
    certificates: report.certificates.map(redactCertificate),
    pins: report.pins.map((pin) => ({ ...pin, label: maskPersonnummerIn(pin.label) })),
    system: redactFacts(report.system),
    // The person's certificates in the browser's store: names go, thumbprints are shortened.
    ...(report.browserStores && {
      browserStores: report.browserStores.map((store) => ({
        ...store,
        certificates: store.certificates.map((cert) => ({ ...cert, subject: maskName(cert.subject), sha1: `${cert.sha1.slice(0, 8)}…` })),
      })),
    }),
    apduLog: report.apduLog.map(redactApdu),
  };
}

// ---- a card read (`kortkoll read --redact`) ------------------------------------------------------

/** A certificate of a redacted card read: what it is, never its bytes. */
export interface RedactedCardCertificateJson {
  label: string | null;
  id: string;
  authority: boolean;
  role: string;
  /** Subject with the person's attributes masked (CA certificates: as they are). */
  subject: string | null;
  issuer: string | null;
  validTo: string | null;
  /** CA certificates only: their serial number and fingerprint are not personal. */
  serialNumber?: string;
  sha256?: string;
  unreadable?: true;
}

export type RedactedCardReadJson = Omit<CardReadResultJson, 'certificates' | 'apduLog'> & {
  redacted: true;
  certificates?: RedactedCardCertificateJson[];
  apduLog: { command: string; commandDataBytes: number; responseBytes: number; statusWord: string; atMs: number; durationMs: number }[];
};

function parsedOrNull(der: Uint8Array): CertificateInfo | null {
  try {
    return parseCertificate(der);
  } catch {
    return null;
  }
}

/** The personal values of a card read, from its certificates and token (card number). */
function cardReadValues(result: CardReadResult, infos: readonly (CertificateInfo | null)[]): [string, string][] {
  const values: Replacements = new Map();
  for (const info of infos) if (info) certificateValues(values, info);
  if (result.kind === 'snapshot' && result.tokenInfo) {
    const token = result.tokenInfo;
    if (token.serialNumberText !== null) addValue(values, token.serialNumberText, maskCardNumber(token.serialNumberText));
    addValue(values, token.serialNumber, maskCardNumber(token.serialNumber));
  }
  return sorted(values);
}

/**
 * `kortkoll read --json --redact`: the read without certificate bytes (each certificate described
 * and masked instead), APDUs as header and status word only, and every personal value of the
 * card's own certificates masked wherever it stands (labels, token info, notes).
 */
export function redactCardRead(result: CardReadResult): RedactedCardReadJson {
  const infos = result.kind === 'snapshot' ? result.certificates.map((c) => parsedOrNull(c.der)) : [];
  const replacements = cardReadValues(result, infos);
  const apduLog = result.apduLog.map((apdu) => ({
    ...(({ header, dataBytes }) => ({ command: header, commandDataBytes: dataBytes }))(apduHeaderOnly(apdu.command.replace(/(..)(?=.)/g, '$1 '))),
    responseBytes: Math.max(0, (apdu.response.length - apdu.statusWord.length) / 2),
    statusWord: apdu.statusWord,
    atMs: apdu.atMs,
    durationMs: apdu.durationMs,
  }));
  if (result.kind !== 'snapshot') return scrub({ ...result, redacted: true, apduLog }, replacements);
  const certificates = result.certificates.map((cert, index): RedactedCardCertificateJson => {
    const info = infos[index] ?? null;
    const base = { label: cert.label === null ? null : maskName(cert.label), id: cert.id, authority: cert.authority, role: cert.role };
    if (!info) return { ...base, subject: null, issuer: null, validTo: null, unreadable: true };
    const ca = isCaCertificate(info);
    const out: RedactedCardCertificateJson = {
      ...base,
      label: ca ? cert.label : base.label,
      subject: ca ? info.subject.display : maskDistinguishedName(info.subject.display),
      issuer: info.issuer.commonName ?? info.issuer.display,
      validTo: info.notAfter.toISOString().slice(0, 10),
    };
    if (ca) {
      out.serialNumber = info.serialNumber;
      out.sha256 = info.fingerprints.sha256;
    }
    return out;
  });
  const { certificates: _bytes, apduLog: _apdus, ...rest } = result;
  const tokenInfo = result.tokenInfo && {
    ...result.tokenInfo,
    serialNumber: maskCardNumber(result.tokenInfo.serialNumber),
    serialNumberText: result.tokenInfo.serialNumberText === null ? null : maskCardNumber(result.tokenInfo.serialNumberText),
  };
  return scrub({ ...rest, tokenInfo, redacted: true as const, certificates, apduLog }, replacements);
}

/** A text about a card read (`kortkoll read --redact`), with the card's personal values masked. */
export function redactCardReadText(text: string, result: CardReadResult): string {
  const infos = result.kind === 'snapshot' ? result.certificates.map((c) => parsedOrNull(c.der)) : [];
  return scrubText(text, cardReadValues(result, infos));
}
