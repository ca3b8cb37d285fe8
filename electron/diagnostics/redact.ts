/**
 * Redaction for reports that leave the machine (tickets, e-mail): names, HSA-id, personnummer and
 * card number are masked; everything IT support needs to find a fault (statuses, issuers, dates,
 * ATRs, fingerprints of CA certificates, counters) stays.
 */
import type { DiagnosticReport, ReportCertificate, ReportFact } from './report-types.js';

const personnummerPattern = /\b(\d{2})?(\d{6})[-+]?(\d{4})\b/g;

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

/** "19121212-1212" → "19121212-****". */
export function maskPersonnummerIn(text: string): string {
  return text.replace(personnummerPattern, (_whole, century: string | undefined, date: string) => `${century ?? ''}${date}-****`);
}

/** Keeps the last four digits, as bank cards do. */
export function maskCardNumber(cardNumber: string): string {
  if (cardNumber.length <= 4) return '*'.repeat(cardNumber.length);
  return '*'.repeat(cardNumber.length - 4) + cardNumber.slice(-4);
}

/** Masks a subject serialNumber: an HSA-id keeps its organisation part, a personnummer its date. */
export function maskSubjectSerial(value: string): string {
  if (/^[A-Z]{2,}\d{10}-/.test(value) || /^TST/.test(value)) return maskHsaId(value);
  if (/^\d{8}[-+]?\d{4}$/.test(value) || /^\d{6}[-+]?\d{4}$/.test(value)) return maskPersonnummerIn(value);
  return '*'.repeat(Math.max(value.length, 4));
}

function maskFactValue(fact: ReportFact): string {
  switch (fact.key) {
    case 'hsaId':
      return maskHsaId(fact.value);
    case 'cardNumber':
      return maskCardNumber(fact.value);
    case 'subjectSerialNumber':
      return maskSubjectSerial(fact.value);
    default:
      return maskPersonnummerIn(maskName(fact.value));
  }
}

function redactFacts(facts: ReportFact[]): ReportFact[] {
  return facts.map((fact) => (fact.personal ? { ...fact, value: maskFactValue(fact) } : fact));
}

/** A subject DN: mask the values of the personal attributes, keep O, L, C. */
export function maskDistinguishedName(dn: string, names: { commonName?: string; serial?: string }): string {
  let out = dn;
  if (names.serial) out = out.split(names.serial).join(maskSubjectSerial(names.serial));
  out = out.replace(/\b(CN|GN|G|givenName|SN|surname|title)=([^,]+)/g, (_w, attr: string, value: string) => `${attr}=${maskName(value)}`);
  return maskPersonnummerIn(out);
}

function redactCertificate(cert: ReportCertificate): ReportCertificate {
  const isPersonal = cert.subjectKind.startsWith('person');
  const redacted: ReportCertificate = {
    ...cert,
    subject: maskDistinguishedName(cert.subject, { commonName: cert.subjectCommonName, serial: cert.subjectSerialNumber }),
    subjectCommonName: isPersonal ? maskName(cert.subjectCommonName) : cert.subjectCommonName,
  };
  if (cert.subjectSerialNumber !== undefined) redacted.subjectSerialNumber = maskSubjectSerial(cert.subjectSerialNumber);
  if (cert.cardNumber !== undefined) redacted.cardNumber = maskCardNumber(cert.cardNumber);
  if (cert.cardLabel !== undefined) redacted.cardLabel = maskPersonnummerIn(maskName(cert.cardLabel));
  return redacted;
}

/**
 * The personal values a report holds (names, HSA-id, card numbers, subject serial numbers), each
 * with its masked form. Findings and remedies may quote them ("Välj ”Anna Andersson”"), so the
 * redaction replaces them wherever they stand, not only in the fields that carry them.
 */
function personalValues(report: DiagnosticReport): Map<string, string> {
  const values = new Map<string, string>();
  const add = (value: string | undefined, mask: (v: string) => string) => {
    if (value && value.length >= 3) values.set(value, mask(value));
  };
  add(report.card?.holderName, maskName);
  add(report.card?.hsaId, maskHsaId);
  add(report.card?.cardNumber, maskCardNumber);
  add(report.card?.tokenSerial, maskCardNumber);
  for (const cert of report.certificates) {
    if (cert.subjectKind.startsWith('person')) add(cert.subjectCommonName, maskName);
    add(cert.subjectSerialNumber, maskSubjectSerial);
    add(cert.cardNumber, maskCardNumber);
  }
  for (const fact of [...report.checks.flatMap((c) => c.evidence), ...report.system]) {
    if (fact.personal) add(fact.value, () => maskFactValue(fact));
  }
  return values;
}

function scrub<T>(value: T, replacements: [string, string][]): T {
  if (typeof value === 'string') {
    let out: string = value;
    for (const [plain, masked] of replacements) out = out.split(plain).join(masked);
    return maskPersonnummerIn(out) as T;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, replacements)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'sha1' || k === 'sha256' || k === 'serialNumber' ? v : scrub(v, replacements)])) as T;
  }
  return value;
}

/** Returns a redacted copy; the input is not changed. Redacting twice changes nothing more. */
export function redactReport(report: DiagnosticReport): DiagnosticReport {
  // Longest first, so "Anna Andersson" is replaced before a shorter value inside it.
  const replacements = [...personalValues(report).entries()].sort((a, b) => b[0].length - a[0].length);
  return scrub(redactFields(report), replacements);
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
  };
}
