/**
 * The layered diagnosis: from the PC/SC service up to the PINs, each check with a status, a
 * finding, its evidence and a remedy. A failing lower layer marks the layers above it `not-run`
 * rather than failing them too. Pure and synchronous: the slow work (reading the card, chains,
 * network) is done before, so the report can be rebuilt in the other language at once. The checks
 * are in `checks/`, one file each; this file runs them and adds the rest of the report.
 */
import type { ReaderState } from '../../native/transport.js';
import type { BrowserStoreMatch } from '../../native/system/browser-store/index.js';
import type { CardSnapshot } from '../card/card-read-result.js';
import type { Lang } from '../i18n/index.js';
import type { NotLoginReason } from '../pki/login-choice.js';
import type { CardAnalysis } from './card-analysis.js';
import {
  environmentLabel,
  familyLabel,
  notLoginReasonLabel,
  purposeLabel,
  shortValidityLabel,
  subjectKindLabel,
  unreadableCertificateLabel,
} from '../pki/messages.js';
import type { DiagnosticMessageKey } from './messages.js';
import {
  reportSchemaVersion,
  type DiagnosticReport,
  type ReportBrowserStore,
  type ReportCertificate,
  type ReportPin,
  type ReportReader,
} from './report-types.js';
import { describeStatusWord } from '../card/status-words.js';
import { atrToSpacedHex, spacedHex } from '../card/atr.js';
import { formatFactValue, systemFactLabel } from './system-fact-text.js';
import { cardAnalysisOf, cardSnapshotOf, loginCertificateOf, type DiagnosisFacts } from './diagnosis-facts.js';
import { formatDate } from './report-dates.js';
import { catalogueWriter, type CheckWriter } from './checks/check.js';
import { diagnosisChecks } from './checks/index.js';
import { browserStoreMatchOf, browsersText } from './checks/browser-store.js';
import { contactlessReaderName } from './checks/readers.js';
import { runChecks } from './run-checks.js';
import { diagnosisVerdict } from './verdict.js';

export type { DiagnosisFacts } from './diagnosis-facts.js';
export { formatDate } from './report-dates.js';
export { isNamedPaymentCard } from './checks/siths-application.js';

const virtualPattern = /virtual/i;

export function readerFlags(reader: ReaderState, selected: string | null): ReportReader['flags'] {
  const flags: ReportReader['flags'] = [];
  if (virtualPattern.test(reader.name)) flags.push('virtual');
  if (contactlessReaderName.test(reader.name)) flags.push('contactless');
  if (reader.exclusive) flags.push('exclusive');
  if (selected !== null && reader.name === selected) flags.push('selected');
  return flags;
}

function certificateReason(w: CheckWriter, reason: NotLoginReason | 'unreadable'): string {
  return reason === 'unreadable' ? unreadableCertificateLabel(w.lang) : notLoginReasonLabel(reason, w.lang);
}

function reportCertificates(w: CheckWriter, snapshot: CardSnapshot, analysis: CardAnalysis): ReportCertificate[] {
  return analysis.certificates.map((cert, analysedIndex) => {
    const candidate = analysis.login.candidates[analysedIndex];
    const info = cert.info;
    const cardCert = snapshot.certificates[cert.cardIndex];
    const isLogin = analysis.login.chosenIndex === analysedIndex;
    const out: ReportCertificate = {
      subject: info.subject.display,
      subjectCommonName: info.subject.commonName ?? info.subject.display,
      issuerCommonName: info.issuer.commonName ?? info.issuer.display,
      serialNumber: info.serialNumber,
      validFrom: formatDate(info.notBefore),
      validTo: formatDate(info.notAfter),
      family: cert.classification.family,
      environment: cert.classification.environment,
      subjectKind: cert.classification.subjectKind,
      purpose: cert.classification.purpose,
      keyUsage: info.keyUsage ?? [],
      extendedKeyUsage: (info.extendedKeyUsage ?? []).map((e) => e.name ?? e.oid),
      sha1: info.fingerprints.sha1,
      sha256: info.fingerprints.sha256,
      labels: {
        family: familyLabel(cert.classification.family, w.lang),
        environment: environmentLabel(cert.classification.environment, w.lang),
        subjectKind: subjectKindLabel(cert.classification.subjectKind, w.lang),
        purpose: purposeLabel(cert.classification.purpose, w.lang),
      },
      isLoginCertificate: isLogin,
      validity: shortValidityLabel(cert.validity, w.lang),
    };
    if (cardCert?.label) out.cardLabel = cardCert.label;
    if (cert.classification.subjectSerialNumberDisplay !== undefined) out.subjectSerialNumber = cert.classification.subjectSerialNumberDisplay;
    if (info.cardNumber !== undefined) out.cardNumber = info.cardNumber;
    if (!isLogin && candidate?.reason) out.notLoginReason = certificateReason(w, candidate.reason);
    return out;
  });
}

function reportPins(w: CheckWriter, snapshot: CardSnapshot): ReportPin[] {
  return snapshot.pins.map((pin) => ({
    role: pin.role,
    label: pin.label ?? w.t(`title.${pin.role === 'authentication' ? 'auth-pin' : pin.role === 'signature' ? 'sign-pin' : 'puk'}` as DiagnosticMessageKey),
    triesLeft: pin.triesLeft === 'unknown' ? null : pin.triesLeft,
    maxTries: pin.maxTries === 'unknown' ? null : pin.maxTries,
    blocked: pin.blocked === true,
  }));
}

function reportBrowserStores(w: CheckWriter, match: BrowserStoreMatch): ReportBrowserStore[] {
  return match.stores.map((s) => ({
    store: s.location || s.kind,
    browsers: browsersText(s.browsers),
    outcome: w.t(`bsOutcome.${s.outcome}` as DiagnosticMessageKey),
    certificates: [...(s.match ? [{ relation: 'login' as const, cert: s.match }] : []), ...s.stale.map((cert) => ({ relation: 'stale' as const, cert }))].map(
      ({ relation, cert }) => ({
        relation,
        subject: cert.subject,
        issuer: cert.issuer,
        validTo: cert.notAfter ? formatDate(cert.notAfter) : null,
        sha1: cert.sha1,
        onSmartCard: cert.onSmartCard,
        provider: cert.provider,
      }),
    ),
  }));
}

export function buildDiagnosticReport(facts: DiagnosisFacts, lang: Lang): DiagnosticReport {
  const w = catalogueWriter(lang);
  const read = facts.read;
  const snapshot = cardSnapshotOf(facts);
  const analysis = cardAnalysisOf(facts);
  const loginCert = loginCertificateOf(facts);
  const storeMatch = browserStoreMatchOf(facts);
  const outcomes = runChecks(diagnosisChecks, facts, w);
  const verdict = diagnosisVerdict(outcomes, facts, w);

  const loginInfo = analysis?.login.chosen ?? loginCert?.info ?? null;
  const card: DiagnosticReport['card'] = read
    ? {
        reader: read.reader,
        atr: spacedHex(read.atr),
        profile: read.profile.displayName[lang],
        readMs: Math.round(read.stats.durationMs * 10) / 10,
        apduCount: read.stats.apduCount,
        bytesSent: read.stats.bytesSent,
        bytesReceived: read.stats.bytesReceived,
        ...(read.stats.authReady && { authReadyMs: Math.round(read.stats.authReady.atMs * 10) / 10 }),
        ...(snapshot && { structure: w.t(`structure.${snapshot.structure}`) }),
        ...(snapshot?.application.aid && { application: spacedHex(snapshot.application.aid) }),
        ...(snapshot?.application.appletVersion && { appletVersion: snapshot.application.appletVersion }),
        ...(snapshot?.tokenInfo?.label && { tokenLabel: snapshot.tokenInfo.label }),
        ...(snapshot?.tokenInfo && { tokenSerial: snapshot.tokenInfo.serialNumberText ?? snapshot.tokenInfo.serialNumber }),
        ...(loginInfo?.subject.commonName && { holderName: loginInfo.subject.commonName }),
        ...(loginCert?.classification.hsaId && { hsaId: loginCert.classification.hsaId.value }),
        ...(loginInfo?.cardNumber && { cardNumber: loginInfo.cardNumber }),
        ...(loginInfo?.issuer.commonName && { issuer: loginInfo.issuer.commonName }),
        ...(loginInfo && { validUntil: formatDate(loginInfo.notAfter) }),
      }
    : null;

  return {
    schemaVersion: reportSchemaVersion,
    header: {
      app: 'Kortkoll',
      version: facts.app.version,
      os: facts.os.name,
      platform: facts.os.platform,
      arch: facts.os.arch,
      generatedAt: facts.generatedAt.toISOString(),
      lang,
      redacted: false,
      online: facts.online,
      ...(facts.demoCard !== null && { demoCard: facts.demoCard }),
    },
    verdict,
    card,
    checks: outcomes.map((o) => o.result),
    certificates: snapshot && analysis ? reportCertificates(w, snapshot, analysis) : [],
    pins: snapshot ? reportPins(w, snapshot) : [],
    readers: facts.readers.map((r) => ({
      name: r.name,
      cardPresent: r.cardPresent,
      ...(r.atr && { atr: atrToSpacedHex(r.atr) }),
      flags: readerFlags(r, facts.selectedReader),
      ...(r.pinpad !== undefined && { pinpad: r.pinpad }),
    })),
    system: (facts.system ?? []).map((f) => ({
      key: f.key,
      label: systemFactLabel(f.key, lang),
      value: formatFactValue(f.value, lang),
      ...(f.personal && { personal: true }),
    })),
    ...(storeMatch && { browserStores: reportBrowserStores(w, storeMatch) }),
    apduLog: (read?.apduLog ?? []).map((apdu) => ({
      command: spacedHex(apdu.command),
      response: apdu.response.length > 4 ? `(${(apdu.response.length - 4) / 2} byte)` : '',
      statusWord: apdu.statusWord.toUpperCase() || '0000',
      meaning: apdu.statusWord ? describeStatusWord(parseInt(apdu.statusWord, 16), lang) : '',
    })),
  };
}

/** The exit code of `kortkoll diag`: 0 all ok, 1 warnings, 2 errors. */
export function reportExitCode(report: DiagnosticReport): 0 | 1 | 2 {
  if (report.checks.some((c) => c.status === 'error')) return 2;
  if (report.checks.some((c) => c.status === 'warning')) return 1;
  return 0;
}
