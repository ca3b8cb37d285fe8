/**
 * The layered diagnosis: from the PC/SC service up to the PINs, each check with a status, a
 * finding, its evidence and a remedy. A failing lower layer marks the layers above it `not-run`
 * rather than failing them too. Pure and synchronous: the slow work (reading the card, chains,
 * network) is done before, so the report can be rebuilt in the other language at once.
 */
import type { ReaderState } from '../../native/transport.js';
import type { SystemFact } from '../../native/system/types.js';
import type { MiddlewareComparison } from '../../native/system/index.js';
import {
  matchBrowserStores,
  shortThumbprint,
  type BrowserStoreMatch,
  type BrowserStoreView,
  type StoreMatch,
} from '../../native/system/browser-store/index.js';
import type { CardPin, CardReadResult, CardSnapshot, PinCounterUnknownReason } from '../card/card-read-result.js';
import type { Lang } from '../i18n/index.js';
import type { NotLoginReason } from '../pki/login-choice.js';
import type { AnchorSource } from '../pki/anchors.js';
import { claimsSithsName } from '../pki/known-roots.js';
import {
  environmentLabel,
  familyLabel,
  notLoginReasonLabel,
  purposeLabel,
  shortValidityLabel,
  subjectKindLabel,
  unreadableCertificateLabel,
} from '../pki/messages.js';
import { describeTransportError, isTransportErrorCode, readStageLabel, statusWordMeaning } from '../card/read-result-messages.js';
import type { CardAnalysis, AnalysedCertificate } from './card-analysis.js';
import { diagnosticMessages as m, type DiagnosticMessageKey } from './messages.js';
import {
  reportSchemaVersion,
  type CheckId,
  type CheckStatus,
  type Contact,
  type DiagnosticReport,
  type ReportBrowserStore,
  type ReportCertificate,
  type ReportCheck,
  type ReportFact,
  type ReportPin,
  type ReportReader,
  type ReportVerdict,
} from './report-types.js';
import { describeStatusWord } from '../card/status-words.js';
import { atrToSpacedHex, spacedHex } from '../card/atr.js';
import { formatFactValue, systemFactLabel } from './system-fact-text.js';

export interface DiagnosisFacts {
  generatedAt: Date;
  app: { version: string };
  os: { name: string; platform: string; arch: string };
  online: boolean;
  demoCard: string | null;
  service: { available: boolean; error?: { code: string; message: string } };
  readers: ReaderState[];
  selectedReader: string | null;
  /** True while a card is being read (the report then says so instead of "no card"). */
  reading: boolean;
  /** null: no card was read (none present, or no reader). */
  read: CardReadResult | null;
  analysis: CardAnalysis | null;
  /** Operating-system and middleware facts, when the probes ran. */
  system: SystemFact[] | null;
  /** What the middleware's PKCS#11 module(s) see of the card we read, when they were asked. */
  middleware?: MiddlewareComparison[] | null;
  /** What the browser certificate stores hold, looked at after the card was read (null: not yet, or not asked). */
  browserStores?: BrowserStoreView[] | null;
}

/** Calendar date as both languages show it in this report (ISO 8601, as Swedes write dates). */
export function formatDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 10);
}

function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const contactlessPattern = /contactless|\bpicc\b|\bnfc\b|\bcl\b|\(cl\)/i;
const windowsVirtualPattern = /windows hello|microsoft virtual smart card|\bvirtual smart card\b|\bvsc\b/i;
const virtualPattern = /virtual/i;

export function readerFlags(reader: ReaderState, selected: string | null): ReportReader['flags'] {
  const flags: ReportReader['flags'] = [];
  if (virtualPattern.test(reader.name)) flags.push('virtual');
  if (contactlessPattern.test(reader.name)) flags.push('contactless');
  if (reader.exclusive) flags.push('exclusive');
  if (selected !== null && reader.name === selected) flags.push('selected');
  return flags;
}

interface CheckDraft {
  status: CheckStatus;
  summary: string;
  evidence?: ReportFact[];
  remedy?: { text: string; contact: Contact };
  /** An `unknown` that still ends the layers above (nothing more could be read), like an error does. */
  haltsDependents?: boolean;
}

class ReportBuilder {
  readonly checks = new Map<CheckId, ReportCheck>();
  private readonly halted = new Set<CheckId>();
  constructor(readonly lang: Lang) {}
  t(key: DiagnosticMessageKey, params?: Record<string, string | number>): string {
    return m.t(key, this.lang, params);
  }
  fact(key: string, labelKey: DiagnosticMessageKey, value: string, personal = false): ReportFact {
    return personal ? { key, label: this.t(labelKey), value, personal } : { key, label: this.t(labelKey), value };
  }
  remedy(key: DiagnosticMessageKey, contact: Contact, params?: Record<string, string | number>): { text: string; contact: Contact } {
    return { text: this.t(key, params), contact };
  }
  /** Records a check; when `after` did not pass, the check is `not-run` instead. */
  add(id: CheckId, after: CheckId | null, draft: () => CheckDraft): ReportCheck {
    const prerequisite = after === null ? undefined : this.checks.get(after);
    const halted = after !== null && this.halted.has(after);
    const blocked = prerequisite !== undefined && (prerequisite.status === 'error' || prerequisite.status === 'not-run' || halted);
    const result: CheckDraft = blocked ? { status: 'not-run', summary: this.t(halted ? 'notRunUnread' : 'notRun') } : draft();
    // What is not run because of a halted check halts what depends on it in turn.
    if (result.haltsDependents || halted) this.halted.add(id);
    const check: ReportCheck = {
      id,
      status: result.status,
      title: this.t(`title.${id}` as DiagnosticMessageKey),
      summary: result.summary,
      evidence: result.evidence ?? [],
      ...(result.remedy && { remedy: result.remedy }),
    };
    this.checks.set(id, check);
    return check;
  }
}

const counterSourceMessage: Record<CardPin['counter']['source'], DiagnosticMessageKey> = {
  'verify-without-data': 'value.verify',
  'earlier-this-insertion': 'value.verifyEarlier',
  'not-probed': 'value.notProbed',
};

const pinUnknownMessage: Record<PinCounterUnknownReason, DiagnosticMessageKey> = {
  'card-profile-forbids-probe': 'pinUnknownProfile',
  'probe-not-known-safe': 'pinUnknownNotSafe',
  'reference-unknown': 'pukNotReadable',
  'card-did-not-say': 'pinUnknown',
};

/** The service's error in the report's language; a code Kortkoll has no words for is shown as it is. */
function serviceErrorText(code: string, lang: Lang): string {
  return isTransportErrorCode(code) ? describeTransportError(code, lang) : code;
}

/** A card that pcsc-tools' list names as a payment card: only then is it called "not an e-tjänstekort". */
const paymentCardName = /\b(visa|mastercard|maestro|emv|bank|debit|credit|payment|betalkort|american express|amex|electron)\b/i;
export function isNamedPaymentCard(smartcardListName: string | undefined): boolean {
  return smartcardListName !== undefined && paymentCardName.test(smartcardListName);
}

function pinCheck(b: ReportBuilder, pin: CardPin | undefined, role: 'authentication' | 'signature' | 'puk', puk: CardPin | undefined): CheckDraft {
  if (!pin) {
    if (role === 'authentication') return { status: 'error', summary: b.t('pinMissingAuth'), remedy: b.remedy('pinMissingAuthRemedy', 'local-it') };
    if (role === 'signature') return { status: 'ok', summary: b.t('signPinMissing') };
    return { status: 'unknown', summary: b.t('pukMissing') };
  }
  const evidence: ReportFact[] = [
    ...(pin.label ? [b.fact('pinLabel', 'ev.label', pin.label)] : []),
    b.fact('pinReference', 'ev.reference', pin.reference === null ? '–' : `0x${pin.reference.toString(16).padStart(2, '0').toUpperCase()}`),
    b.fact('pinCounterSource', 'ev.counterSource', b.t(counterSourceMessage[pin.counter.source])),
    ...(pin.counter.statusWord ? [b.fact('pinStatusWord', 'ev.statusWord', spacedHex(pin.counter.statusWord))] : []),
  ];
  if (pin.blocked === true) {
    if (role === 'authentication') {
      const pukBlocked = puk?.blocked === true;
      return {
        status: 'error',
        summary: b.t('pinBlocked'),
        evidence,
        remedy: b.remedy(pukBlocked ? 'authPinBlockedPukBlockedRemedy' : 'authPinBlockedRemedy', 'local-it'),
      };
    }
    if (role === 'signature') return { status: 'warning', summary: b.t('pinBlocked'), evidence, remedy: b.remedy('signPinBlockedRemedy', 'local-it') };
    return { status: 'warning', summary: b.t('pukBlocked'), evidence, remedy: b.remedy('pukBlockedRemedy', 'local-it') };
  }
  if (pin.triesLeft === 'unknown') {
    return { status: 'unknown', summary: b.t(pinUnknownMessage[pin.counter.unknownReason ?? 'card-did-not-say']), evidence };
  }
  const left = pin.triesLeft;
  const summary = pin.maxTries === 'unknown' ? b.t('pinTriesNoMax', { left }) : b.t('pinTries', { left, max: pin.maxTries });
  if (left === 1 && role !== 'puk') {
    return { status: 'warning', summary: `${summary} ${b.t('pinOneTry')}`, evidence, remedy: b.remedy('pinOneTryRemedy', 'local-it') };
  }
  return { status: 'ok', summary, evidence };
}

function certificateReason(b: ReportBuilder, reason: NotLoginReason | 'unreadable'): string {
  return reason === 'unreadable' ? unreadableCertificateLabel(b.lang) : notLoginReasonLabel(reason, b.lang);
}

function reportCertificates(b: ReportBuilder, snapshot: CardSnapshot, analysis: CardAnalysis): ReportCertificate[] {
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
        family: familyLabel(cert.classification.family, b.lang),
        environment: environmentLabel(cert.classification.environment, b.lang),
        subjectKind: subjectKindLabel(cert.classification.subjectKind, b.lang),
        purpose: purposeLabel(cert.classification.purpose, b.lang),
      },
      isLoginCertificate: isLogin,
      validity: shortValidityLabel(cert.validity, b.lang),
    };
    if (cardCert?.label) out.cardLabel = cardCert.label;
    if (cert.classification.subjectSerialNumberDisplay !== undefined) out.subjectSerialNumber = cert.classification.subjectSerialNumberDisplay;
    if (info.cardNumber !== undefined) out.cardNumber = info.cardNumber;
    if (!isLogin && candidate?.reason) out.notLoginReason = certificateReason(b, candidate.reason);
    return out;
  });
}

function reportPins(b: ReportBuilder, snapshot: CardSnapshot): ReportPin[] {
  return snapshot.pins.map((pin) => ({
    role: pin.role,
    label: pin.label ?? b.t(`title.${pin.role === 'authentication' ? 'auth-pin' : pin.role === 'signature' ? 'sign-pin' : 'puk'}` as DiagnosticMessageKey),
    triesLeft: pin.triesLeft === 'unknown' ? null : pin.triesLeft,
    maxTries: pin.maxTries === 'unknown' ? null : pin.maxTries,
    blocked: pin.blocked === true,
  }));
}

/** The middleware's own view of the card (PKCS#11), said plainly. */
function middlewareViewCheck(b: ReportBuilder, comparisons: MiddlewareComparison[]): CheckDraft {
  const evidence: ReportFact[] = [];
  let worst: CheckDraft | null = null;
  for (const c of comparisons) {
    const module = c.modulePath.split(/[\\/]/).pop() ?? c.modulePath;
    const sees =
      c.seesCard === 'sees-card'
        ? b.t('mwViewSees')
        : c.seesCard === 'sees-part'
          ? b.t('mwViewSeesPart')
          : c.seesCard === 'module-failed'
            ? b.t('mwViewFailed', { status: c.moduleStatus })
            : b.t('mwViewNotSees');
    evidence.push({ key: 'middlewareModule', label: module, value: sees });
    if (c.tokens.length > 0) evidence.push({ key: 'middlewareTokens', label: b.t('ev.tokens'), value: c.tokens.join(', ') });
    const counters = c.pins.map(
      (p) =>
        `${p.cardPinLabel}: ${p.status === 'no-counters' ? b.t('mwViewNoCounters') : p.status === 'agrees' ? b.t('mwViewCountersAgree') : p.status === 'disagrees' ? p.mismatches.join('; ') : p.status}`,
    );
    if (counters.length > 0) evidence.push({ key: 'middlewarePins', label: b.t('ev.pinFlags'), value: counters.join(' · ') });
    if (c.seesCard !== 'sees-card' && c.seesCard !== 'no-card-certificates') {
      worst = {
        status: 'warning',
        summary: b.t(c.seesCard === 'module-failed' ? 'mwViewFailedSummary' : 'mwViewNotSeesSummary', { module }),
        remedy: b.remedy('mwViewRemedy', 'local-it'),
      };
    } else if (!worst && c.pins.some((p) => p.status === 'disagrees')) {
      worst = { status: 'warning', summary: b.t('mwViewDisagreesSummary', { module }), remedy: b.remedy('mwViewRemedy', 'local-it') };
    }
  }
  if (worst) return { ...worst, evidence };
  const modules = comparisons.map((c) => c.modulePath.split(/[\\/]/).pop() ?? c.modulePath).join(', ');
  return { status: 'ok', summary: b.t('mwViewSeesSummary', { module: modules }), evidence };
}

function middlewareCheck(b: ReportBuilder, system: SystemFact[] | null, comparisons: MiddlewareComparison[] | null | undefined): CheckDraft {
  if (comparisons && comparisons.length > 0) return middlewareViewCheck(b, comparisons);
  if (!system) return { status: 'unknown', summary: b.t('mwNotChecked') };
  const value = (key: string) => system.find((f) => f.key === key)?.value;
  const products = ['siths-eid', 'netid-client', 'netid-enterprise', 'netid', 'safenet-sac', 'opensc'];
  const names: Record<string, string> = {
    'siths-eid': 'SITHS eID',
    'netid-client': 'Net iD Client',
    'netid-enterprise': 'Net iD Enterprise',
    netid: 'Net iD',
    'safenet-sac': 'SafeNet Authentication Client',
    opensc: 'OpenSC',
  };
  const installed = products.filter((p) => value(`middleware.${p}`) === 'installed');
  const evidence = installed.map((p) => {
    const version = value(`middleware.${p}.version`);
    return { key: `middleware.${p}`, label: names[p] as string, value: typeof version === 'string' && version !== 'unknown' ? version : '✓' };
  });
  if (value('certprop.conflict') === 'yes')
    return { status: 'warning', summary: b.t('mwCertProp'), evidence, remedy: b.remedy('mwCertPropRemedy', 'local-it') };
  if (installed.includes('netid-enterprise'))
    return { status: 'warning', summary: b.t('mwNetIdEnterprise'), evidence, remedy: b.remedy('mwNetIdEnterpriseRemedy', 'local-it') };
  // OpenSC does not handle the SITHS application on these cards (OpenSC issue #726): it is evidence
  // for IT support, not the middleware a browser needs.
  const sithsMiddleware = installed.filter((p) => p !== 'opensc');
  if (sithsMiddleware.length === 0) return { status: 'warning', summary: b.t('mwNone'), evidence, remedy: b.remedy('mwNoneRemedy', 'local-it') };
  return { status: 'ok', summary: b.t('mwFound', { products: sithsMiddleware.map((p) => names[p]).join(', ') }), evidence };
}

const browserNames: Record<string, string> = {
  edge: 'Edge',
  chrome: 'Chrome',
  chromium: 'Chromium',
  firefox: 'Firefox',
  'firefox-enterprise-roots': 'Firefox',
  safari: 'Safari',
};
function browsersText(browsers: readonly string[]): string {
  return [...new Set(browsers.map((name) => browserNames[name] ?? name))].join(', ');
}

/** The card module to name in a remedy: the middleware's own module when the probes found one. */
function cardModulePath(system: SystemFact[] | null): string {
  for (const product of ['siths-eid', 'safenet-sac', 'netid', 'netid-client', 'netid-enterprise', 'opensc']) {
    const value = system?.find((f) => f.key === `middleware.${product}.pkcs11`)?.value;
    if (typeof value === 'string' && value !== 'unknown') return value;
  }
  return '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
}

/** Will the browser's certificate picker offer the login certificate? Matched by its SHA-1 thumbprint. */
function browserStoreCheck(b: ReportBuilder, facts: DiagnosisFacts, match: BrowserStoreMatch | null, login: AnalysedCertificate | null): CheckDraft {
  if (!login) return { status: 'unknown', summary: b.t(facts.reading ? 'verdictReading' : 'bsNoLogin') };
  if (!facts.browserStores || !match) return { status: 'unknown', summary: b.t('bsNotAsked') };
  if (match.stores.length === 0) return { status: 'unknown', summary: b.t('bsNoStore') };
  const thumb = shortThumbprint(login.info.fingerprints.sha1);
  const validTo = formatDate(login.info.notAfter);
  const evidence: ReportFact[] = match.stores.map((s) => ({
    key: 'browserStore',
    label: `${b.t('ev.store')}: ${s.location || s.kind}`,
    value: `${browsersText(s.browsers)}: ${b.t(`bsOutcome.${s.outcome}` as DiagnosticMessageKey)}${s.note ? ` (${s.note})` : ''}`,
  }));
  for (const s of match.stores) {
    for (const stale of s.stale) {
      evidence.push({
        key: 'browserStoreStale',
        label: b.t('ev.thumbprint'),
        value: b.t('bsStale', { subject: stale.subject, validTo: stale.notAfter ? formatDate(stale.notAfter) : '?', thumb: shortThumbprint(stale.sha1) }),
        personal: true,
      });
    }
  }
  const worst = match.stores.find((s) => s.outcome === match.outcome) as StoreMatch | undefined;
  const store = worst?.location ?? '';
  const platform = facts.os.platform === 'win32' || facts.os.platform === 'darwin' ? facts.os.platform : 'linux';
  const module = cardModulePath(facts.system);
  switch (match.outcome) {
    case 'found':
      if (match.stale) {
        const count = match.stores.reduce((n, s) => n + s.stale.length, 0);
        return { status: 'warning', summary: b.t('bsFoundStale', { count }), evidence, remedy: b.remedy('bsStaleRemedy', 'local-it', { validTo, thumb }) };
      }
      return {
        status: 'ok',
        summary: b.t('bsFound', { browsers: browsersText(match.stores.filter((s) => s.outcome === 'found').flatMap((s) => s.browsers)), thumb }),
        evidence,
      };
    case 'software-key':
      return {
        status: 'warning',
        summary: b.t('bsSoftwareKey', { provider: worst?.match?.provider ?? '?' }),
        evidence,
        remedy: b.remedy('bsSoftwareKeyRemedy', 'local-it'),
      };
    case 'missing':
      return {
        status: 'warning',
        summary: b.t('bsMissing', { store }),
        evidence,
        remedy: b.remedy(`bsMissingRemedy.${platform}` as DiagnosticMessageKey, 'local-it'),
      };
    case 'module-not-registered': {
      const firefox = worst?.browsers.includes('firefox') ?? false;
      return firefox
        ? { status: 'warning', summary: b.t('bsFirefoxNoModule', { store }), evidence, remedy: b.remedy('bsFirefoxNoModuleRemedy', 'local-it', { module }) }
        : { status: 'warning', summary: b.t('bsChromiumNoModule', { store }), evidence, remedy: b.remedy('bsChromiumNoModuleRemedy', 'local-it', { module }) };
    }
    case 'module-sees-no-card':
      return {
        status: 'warning',
        summary: b.t('bsModuleNoCard', { modules: worst?.cardModules.join(', ') ?? '', store }),
        evidence,
        remedy: b.remedy('bsModuleNoCardRemedy', 'local-it'),
      };
    case 'unknown':
      return { status: 'unknown', summary: b.t('bsUnknown', { note: worst?.note ?? store }), evidence };
  }
}

function reportBrowserStores(b: ReportBuilder, match: BrowserStoreMatch): ReportBrowserStore[] {
  return match.stores.map((s) => ({
    store: s.location || s.kind,
    browsers: browsersText(s.browsers),
    outcome: b.t(`bsOutcome.${s.outcome}` as DiagnosticMessageKey),
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

function verdictOf(b: ReportBuilder, facts: DiagnosisFacts): ReportVerdict {
  const status = (id: CheckId) => b.checks.get(id)?.status;
  if (facts.reading) return { status: 'reading', headline: b.t('verdictReading') };
  if (status('pcsc-service') === 'error') return { status: 'no-service', headline: b.t('verdictNoService'), advice: b.t('serviceDownRemedy') };
  if (status('readers') === 'error') return { status: 'no-reader', headline: b.t('verdictNoReader'), advice: b.t('readersNoneRemedy') };
  if (status('card-present') === 'error' && facts.read === null)
    return { status: 'no-card', headline: b.t('verdictNoCard'), advice: b.t('verdictNoCardAdvice') };
  // What stops a login: everything from the card up to the authentication PIN. Chain, revocation
  // "could not check" and middleware findings are for IT support and do not change the verdict.
  const loginChecks: CheckId[] = [
    'card-present',
    'card-answers',
    'siths-application',
    'certificates-read',
    'auth-certificate',
    'auth-validity',
    'revocation',
    'auth-pin',
  ];
  const firstError = loginChecks.map((id) => b.checks.get(id)).find((check) => check?.status === 'error');
  if (firstError) return { status: 'blocked', headline: b.t('verdictBlocked'), advice: firstError.remedy?.text ?? firstError.summary };
  // A structure new to Kortkoll: it cannot tell, and says so instead of guessing either way.
  if (facts.read?.kind === 'unknown-structure') return { status: 'unknown-card', headline: b.t('verdictUnknownCard'), advice: b.t('verdictUnknownCardAdvice') };
  const userWarnings: CheckId[] = ['auth-validity', 'auth-pin', 'auth-certificate', 'puk', 'sign-pin', 'readers', 'system-clock'];
  const firstWarning = userWarnings.map((id) => b.checks.get(id)).find((check) => check?.status === 'warning');
  if (firstWarning)
    return { status: 'attention', headline: b.t('verdictAttention'), advice: `${firstWarning.summary} ${firstWarning.remedy?.text ?? ''}`.trim() };
  return { status: 'ready', headline: b.t('verdictReady'), advice: b.t('verdictReadyAdvice') };
}

export function buildDiagnosticReport(facts: DiagnosisFacts, lang: Lang): DiagnosticReport {
  const b = new ReportBuilder(lang);
  const read = facts.read;
  const snapshot = read?.kind === 'snapshot' ? read : null;
  const analysis = snapshot ? facts.analysis : null;
  const demo = facts.demoCard !== null;

  b.add('pcsc-service', null, () => {
    if (demo) return { status: 'ok', summary: b.t('serviceDemo'), evidence: [b.fact('mode', 'ev.mode', b.t('value.demo'))] };
    if (facts.service.available) return { status: 'ok', summary: b.t('serviceRunning') };
    return {
      status: 'error',
      summary: b.t('serviceDown'),
      evidence: facts.service.error ? [b.fact('serviceError', 'ev.error', serviceErrorText(facts.service.error.code, lang))] : [],
      remedy: b.remedy('serviceDownRemedy', 'local-it'),
    };
  });

  b.add('readers', 'pcsc-service', () => {
    const evidence = facts.readers.map((r) => ({ key: 'reader', label: b.t('ev.reader'), value: r.name }));
    if (facts.readers.length === 0) return { status: 'error', summary: b.t('readersNone'), remedy: b.remedy('readersNoneRemedy', 'self') };
    const remote = facts.system?.find((f) => f.key === 'session.remote')?.value;
    if (typeof remote === 'string' && !['none', 'unknown'].includes(remote)) {
      return { status: 'warning', summary: b.t('readersRemote', { kind: remote }), evidence, remedy: b.remedy('readersRemoteRemedy', 'local-it') };
    }
    const windowsVirtual = facts.readers.find((r) => windowsVirtualPattern.test(r.name));
    if (windowsVirtual)
      return {
        status: 'warning',
        summary: b.t('readersWindowsHello', { name: windowsVirtual.name }),
        evidence,
        remedy: b.remedy('readersWindowsHelloRemedy', 'local-it'),
      };
    const selected = facts.readers.find((r) => r.name === facts.selectedReader);
    if (selected && contactlessPattern.test(selected.name))
      return { status: 'warning', summary: b.t('readersContactless', { name: selected.name }), evidence, remedy: b.remedy('readersContactlessRemedy', 'self') };
    return { status: 'ok', summary: b.t('readersFound', { count: facts.readers.length }), evidence };
  });

  b.add('card-present', 'readers', () => {
    const reader = facts.readers.find((r) => r.name === facts.selectedReader) ?? facts.readers.find((r) => r.cardPresent);
    if (read || facts.reading) return { status: 'ok', summary: b.t('cardPresent', { reader: read?.reader ?? reader?.name ?? '' }) };
    if (reader?.cardPresent && reader.exclusive) return { status: 'error', summary: b.t('cardExclusive'), remedy: b.remedy('cardExclusiveRemedy', 'self') };
    return { status: 'error', summary: b.t('cardAbsent'), remedy: b.remedy('cardAbsentRemedy', 'self') };
  });

  b.add('card-answers', 'card-present', () => {
    if (!read) return { status: 'unknown', summary: b.t('verdictReading') };
    const profileName = read.profile.displayName[lang];
    const evidence = [b.fact('atr', 'ev.atr', spacedHex(read.atr)), b.fact('profile', 'ev.profile', profileName)];
    if (read.profile.smartcardListName) evidence.push(b.fact('smartcardList', 'ev.smartcardList', read.profile.smartcardListName));
    if (read.kind === 'card-removed') return { status: 'error', summary: b.t('cardRemoved'), evidence, remedy: b.remedy('cardRemovedRemedy', 'self') };
    if (read.kind === 'transport-error') {
      const summary = read.code === 'sharing-violation' ? b.t('cardSharing') : b.t('cardTransportError', { reason: describeTransportError(read.code, lang) });
      return {
        status: 'error',
        summary,
        evidence: [...evidence, b.fact('error', 'ev.error', read.code)],
        remedy: b.remedy(
          read.code === 'sharing-violation' ? 'cardExclusiveRemedy' : 'cardTransportErrorRemedy',
          read.code === 'sharing-violation' ? 'self' : 'local-it',
        ),
      };
    }
    if (!read.profile.known)
      return { status: 'warning', summary: b.t('cardAnswersUnknown'), evidence, remedy: b.remedy('cardAnswersUnknownRemedy', 'local-it') };
    return { status: 'ok', summary: b.t('cardAnswersKnown', { profile: profileName }), evidence };
  });

  b.add('siths-application', 'card-answers', () => {
    if (!read) return { status: 'unknown', summary: b.t('verdictReading') };
    if (read.kind === 'unknown-structure') {
      const evidence = read.probes.map((p) => ({ key: 'probe', label: p.target, value: p.statusWord ? spacedHex(p.statusWord) : '–' }));
      // Only a card that pcsc-tools' list names as a payment card is called "not an e-tjänstekort".
      if (isNamedPaymentCard(read.profile.smartcardListName)) {
        return {
          status: 'error',
          summary: b.t('appMissing', { name: read.profile.smartcardListName ?? '' }),
          evidence,
          remedy: b.remedy('appMissingRemedy', 'self'),
        };
      }
      return { status: 'unknown', summary: b.t('structureUnknown'), evidence, remedy: b.remedy('structureUnknownRemedy', 'local-it'), haltsDependents: true };
    }
    if (read.kind === 'card-error') {
      const meaning = read.statusWord ? statusWordMeaning(read.statusWord, lang) : b.t('cardAnswerUnreadable');
      return {
        status: 'error',
        summary: b.t('appCardError', { meaning }),
        evidence: [
          b.fact('stage', 'ev.stage', readStageLabel(read.stage, lang)),
          ...(read.statusWord ? [b.fact('statusWord', 'ev.statusWord', spacedHex(read.statusWord))] : []),
        ],
        remedy: b.remedy('appCardErrorRemedy', 'local-it'),
      };
    }
    if (read.kind === 'malformed-card-data' && read.stage === 'select-application') {
      return { status: 'error', summary: b.t('certsMalformed'), remedy: b.remedy('certsMalformedRemedy', 'local-it') };
    }
    if (read.kind === 'snapshot') {
      const structure = b.t(`structure.${read.structure}`);
      const version = read.application.appletVersion;
      const evidence = read.application.aid ? [b.fact('aid', 'ev.aid', spacedHex(read.application.aid))] : [];
      return { status: 'ok', summary: version ? b.t('structureFoundVersion', { structure, version }) : b.t('structureFound', { structure }), evidence };
    }
    return { status: 'ok', summary: b.t('appFound') };
  });

  b.add('certificates-read', 'siths-application', () => {
    if (read?.kind === 'malformed-card-data') {
      return {
        status: 'error',
        summary: b.t('certsMalformed'),
        evidence: [b.fact('stage', 'ev.stage', readStageLabel(read.stage, lang)), ...(read.file ? [b.fact('file', 'ev.file', read.file)] : [])],
        remedy: b.remedy('certsMalformedRemedy', 'local-it'),
      };
    }
    if (!snapshot || !analysis) return { status: 'unknown', summary: b.t('verdictReading') };
    if (snapshot.certificates.length === 0) return { status: 'error', summary: b.t('certsNone'), remedy: b.remedy('certsNoneRemedy', 'local-it') };
    const evidence = [b.fact('certificateCount', 'ev.count', String(snapshot.certificates.length))];
    if (analysis.unreadable.length > 0)
      return {
        status: 'warning',
        summary: `${b.t('certsRead', { count: snapshot.certificates.length })} ${b.t('certsUnreadable', { count: analysis.unreadable.length })}`,
        evidence,
      };
    return { status: 'ok', summary: b.t('certsRead', { count: snapshot.certificates.length }), evidence };
  });

  const loginCert = analysis?.loginCertificate ?? null;
  b.add('auth-certificate', 'certificates-read', () => {
    if (!analysis) return { status: 'unknown', summary: b.t('verdictReading') };
    const hasTelia = analysis.certificates.some((c) => c.classification.family === 'telia');
    if (!loginCert) {
      const onlyTelia = hasTelia && analysis.certificates.every((c) => c.classification.family === 'telia' || c.classification.subjectKind === 'ca');
      return { status: 'error', summary: b.t(onlyTelia ? 'authNoneTelia' : 'authNone'), remedy: b.remedy('authNoneRemedy', 'local-it') };
    }
    const info = loginCert.info;
    const name = info.subject.commonName ?? info.subject.display;
    const issuer = info.issuer.commonName ?? info.issuer.display;
    const evidence = [
      b.fact('subject', 'ev.subject', name, true),
      b.fact('issuer', 'ev.issuer', issuer),
      b.fact('validTo', 'ev.validTo', formatDate(info.notAfter)),
      b.fact('environment', 'ev.environment', environmentLabel(loginCert.classification.environment, lang)),
      // The fingerprint of the person's own certificate identifies them: personal, masked when redacted.
      b.fact('sha1', 'ev.sha1', info.fingerprints.sha1, true),
    ];
    if (analysis.login.chosenWarning === 'test-environment')
      return { status: 'warning', summary: b.t('authFoundTest', { issuer }), evidence, remedy: b.remedy('authFoundTestRemedy', 'local-it') };
    const summary = b.t('authFound', { name, issuer });
    return { status: 'ok', summary: hasTelia ? `${summary} ${b.t('authTeliaWarning')}` : summary, evidence };
  });

  b.add('auth-validity', 'auth-certificate', () => {
    if (!loginCert) return { status: 'unknown', summary: b.t('verdictReading') };
    const v = loginCert.validity;
    const date = formatDate(v.notAfter);
    const evidence = [b.fact('validFrom', 'ev.validFrom', formatDate(v.notBefore)), b.fact('validTo', 'ev.validTo', date)];
    switch (v.status) {
      case 'valid':
        return { status: 'ok', summary: b.t('validValid', { date, days: v.daysLeft ?? 0 }), evidence };
      case 'expires-soon':
        return { status: 'warning', summary: b.t('validSoon', { date, days: v.daysLeft ?? 0 }), evidence, remedy: b.remedy('validSoonRemedy', 'local-it') };
      case 'expired':
        return { status: 'error', summary: b.t('validExpired', { date }), evidence, remedy: b.remedy('validExpiredRemedy', 'local-it') };
      case 'not-yet-valid':
        return {
          status: 'error',
          summary: b.t('validNotYet', { date: formatDate(v.notBefore) }),
          evidence,
          remedy: b.remedy('validNotYetRemedy', v.clockSuspect ? 'self' : 'local-it'),
        };
    }
  });

  b.add('chain', 'auth-certificate', () => {
    const chain = analysis?.chain;
    if (!chain || !analysis) return { status: 'unknown', summary: b.t('verdictReading') };
    const pathText = chain.path.map((l) => l.subjectCommonName ?? l.subject).join(' → ');
    const sourceKey = (source: AnchorSource) => (source === 'system' ? 'sourceSystem' : source === 'pinned' ? 'sourcePinned' : 'sourceFile');
    const anchorsText = analysis.anchorSources
      .map((s) => `${b.t(sourceKey(s.source))}: ${s.available ? b.t('value.available', { count: s.count }) : b.t('value.unavailable')}`)
      .join('; ');
    const evidence = [b.fact('chainPath', 'ev.path', pathText), b.fact('anchorSources', 'ev.anchors', anchorsText)];
    switch (chain.status) {
      case 'trusted': {
        return {
          status: 'ok',
          summary: b.t('chainTrusted', { root: chain.anchor.subjectCommonName ?? chain.anchor.subject, source: b.t(sourceKey(chain.anchor.source)) }),
          evidence,
        };
      }
      case 'untrusted-root': {
        const root = chain.root.knownRoot ?? chain.root.subjectCommonName ?? chain.root.subject;
        // A root that calls itself SITHS but whose fingerprint we do not know: say the name proves nothing.
        if (chain.root.presented && chain.root.knownRoot === undefined && chain.root.sha256 !== undefined && claimsSithsName(root)) {
          return {
            status: 'warning',
            summary: b.t('chainNameNotEnough', { root }),
            evidence: [...evidence, b.fact('rootSha256', 'ev.rootSha256', chain.root.sha256)],
            remedy: b.remedy('chainNameNotEnoughRemedy', 'local-it'),
          };
        }
        const systemReadable = analysis.anchorSources.some((s) => s.source === 'system' && s.available);
        if (!systemReadable) return { status: 'unknown', summary: b.t('chainUntrustedUnknown', { root }), evidence };
        return { status: 'warning', summary: b.t('chainUntrusted', { root }), evidence, remedy: b.remedy('chainUntrustedRemedy', 'local-it') };
      }
      case 'incomplete':
        // Offline we cannot fetch the issuer from its AIA address: the chain is unknown, not wrong.
        return {
          status: 'unknown',
          summary: b.t('chainIncomplete', { issuer: chain.missingIssuer.subjectCommonName ?? chain.missingIssuer.subject }),
          evidence,
          remedy: b.remedy('chainIncompleteRemedy', 'local-it'),
        };
      case 'invalid':
        return { status: 'error', summary: b.t('chainInvalid', { problem: chain.problem.code }), evidence, remedy: b.remedy('chainInvalidRemedy', 'local-it') };
    }
  });

  b.add('revocation', 'auth-certificate', () => {
    const rev = analysis?.revocation;
    if (!rev || rev.status === 'not-checked') return { status: 'unknown', summary: b.t('revOffline') };
    switch (rev.status) {
      case 'good':
        return {
          status: 'ok',
          summary: b.t('revGood', { method: rev.method.toUpperCase(), time: formatDateTime(rev.thisUpdate) }),
          evidence: [b.fact('revocationUrl', 'ev.url', rev.url)],
        };
      case 'revoked':
        return {
          status: 'error',
          summary: b.t('revRevoked', { date: formatDate(rev.revokedAt) }),
          evidence: [
            b.fact('revocationUrl', 'ev.url', rev.url),
            ...(rev.revocationReason ? [b.fact('revocationReason', 'ev.reason', rev.revocationReason)] : []),
          ],
          remedy: b.remedy('revRevokedRemedy', 'local-it'),
        };
      case 'unknown':
        return {
          status: 'warning',
          summary: b.t('revUnknown'),
          evidence: [b.fact('revocationUrl', 'ev.url', rev.url)],
          remedy: b.remedy('revUnknownRemedy', 'local-it'),
        };
      case 'could-not-check':
        return {
          status: 'warning',
          summary: b.t('revCouldNot', { reason: rev.httpStatus ? `${rev.reason} ${rev.httpStatus}` : rev.reason }),
          evidence: rev.url ? [b.fact('revocationUrl', 'ev.url', rev.url)] : [],
          remedy: b.remedy('revCouldNotRemedy', 'self'),
        };
    }
  });

  b.add('hsa-id', 'auth-certificate', () => {
    if (!loginCert) return { status: 'unknown', summary: b.t('verdictReading') };
    const hsa = loginCert.classification.hsaId;
    if (!hsa) return { status: 'ok', summary: b.t('hsaNone') };
    const evidence = [b.fact('hsaId', 'ev.hsaId', hsa.value, true)];
    if (hsa.valid) return { status: 'ok', summary: b.t('hsaValid', { hsaId: hsa.value }), evidence };
    return {
      status: 'warning',
      summary: b.t('hsaInvalid', { hsaId: hsa.value, problems: hsa.problems.join(', ') }),
      evidence,
      remedy: b.remedy('hsaInvalidRemedy', 'local-it'),
    };
  });

  const pinOf = (role: CardPin['role']) => snapshot?.pins.find((p) => p.role === role);
  const puk = pinOf('puk');
  for (const [id, role] of [
    ['auth-pin', 'authentication'],
    ['sign-pin', 'signature'],
    ['puk', 'puk'],
  ] as const) {
    b.add(id, 'siths-application', () => (snapshot ? pinCheck(b, pinOf(role), role, puk) : { status: 'unknown', summary: b.t('verdictReading') }));
  }

  b.add('middleware', null, () => middlewareCheck(b, facts.system, snapshot ? facts.middleware : null));

  const storeMatch =
    loginCert && facts.browserStores
      ? matchBrowserStores(facts.browserStores, {
          sha1: loginCert.info.fingerprints.sha1,
          hsaId: loginCert.classification.hsaId?.value ?? null,
          commonName: loginCert.info.subject.commonName ?? null,
          cardThumbprints: (analysis?.certificates ?? []).map((c) => c.info.fingerprints.sha1),
        })
      : null;
  b.add('browser-store', 'middleware', () => browserStoreCheck(b, facts, storeMatch, loginCert));

  b.add('system-clock', null, () => {
    const suspect = analysis?.certificates.find((c) => c.validity.clockSuspect);
    const evidence = [b.fact('time', 'ev.time', formatDateTime(facts.generatedAt))];
    if (suspect)
      return {
        status: 'warning',
        summary: b.t('clockSuspect', { date: formatDate(suspect.validity.notBefore) }),
        evidence,
        remedy: b.remedy('clockSuspectRemedy', 'self'),
      };
    return { status: 'ok', summary: b.t('clockOk', { time: formatDateTime(facts.generatedAt) }) };
  });

  const verdict = verdictOf(b, facts);
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
        ...(snapshot && { structure: b.t(`structure.${snapshot.structure}`) }),
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
    checks: [...b.checks.values()],
    certificates: snapshot && analysis ? reportCertificates(b, snapshot, analysis) : [],
    pins: snapshot ? reportPins(b, snapshot) : [],
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
    ...(storeMatch && { browserStores: reportBrowserStores(b, storeMatch) }),
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
