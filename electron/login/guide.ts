/**
 * The four login steps, derived from the service's state: nothing here waits or guesses. Step 1 is
 * done when the card has been read (with how long it took, instead of the support page's "wait a
 * minute"); steps 3 and 4 carry what the user needs at that moment in the browser.
 */
import type { Lang } from '../i18n/index.js';
import type { AppPhase } from '../ipc-contract.js';
import type { DiagnosticReport } from '../diagnostics/report-types.js';
import type { LoginGuide, LoginStep } from './guide-types.js';
import { loginMessages as m } from './messages.js';
import { shortThumbprint } from '../../native/system/browser-store/match.js';

/** The staff login page of 1177 Vårdguidens e-tjänster, as the support page gives it. */
export const defaultLoginUrl = 'http://personal.minavardkontakter.se';

export interface LoginGuideInput {
  phase: AppPhase;
  report: DiagnosticReport | null;
  lang: Lang;
  loginUrl?: string;
}

/** "35 ms" below a second (a demo card reads in a few ms; "0,0 s" would look broken), else "1,2 s". */
function formatDuration(ms: number, lang: Lang): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  return `${(ms / 1000).toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

export function buildLoginGuide(input: LoginGuideInput): LoginGuide {
  const { phase, report, lang } = input;
  const loginUrl = input.loginUrl ?? defaultLoginUrl;
  const t = (key: Parameters<typeof m.t>[0], params?: Record<string, string | number>) => m.t(key, lang, params);
  const cardRead = phase === 'ready' && report?.card != null;
  // A card whose structure Kortkoll does not know may still work: the person can try.
  const unknownCard = report?.verdict.status === 'unknown-card';

  const step1: LoginStep = { number: 1, title: t('step1Title'), status: 'active', detail: t('step1Waiting') };
  if (phase === 'no-service') Object.assign(step1, { status: 'blocked', detail: t('step1NoService') });
  else if (phase === 'no-reader') Object.assign(step1, { status: 'blocked', detail: t('step1NoReader') });
  else if (phase === 'reading') step1.detail = t('step1Reading');
  else if (phase === 'card-error' && unknownCard)
    Object.assign(step1, { status: 'done', detail: t('step1UnknownCard'), warning: t('step1UnknownCardWarning') });
  else if (phase === 'card-error') Object.assign(step1, { status: 'blocked', detail: t('step1CardError') });
  else if (cardRead && report?.card) Object.assign(step1, { status: 'done', detail: t('step1Done', { duration: formatDuration(report.card.readMs, lang) }) });

  const step2: LoginStep = {
    number: 2,
    title: t('step2Title'),
    status: cardRead || unknownCard ? 'active' : 'waiting',
    detail: t('step2Detail', { url: loginUrl }),
  };

  const step3: LoginStep = { number: 3, title: t('step3Title'), status: 'waiting', detail: t(unknownCard ? 'step3UnknownCard' : 'step3Waiting') };
  const step4: LoginStep = { number: 4, title: t('step4Title'), status: 'waiting', detail: t('step4Detail', { tries: '' }).trim() };

  if (cardRead && report) {
    const login = report.certificates.find((cert) => cert.isLoginCertificate);
    const authCheck = report.checks.find((check) => check.id === 'auth-validity');
    if (login) {
      const thumb = shortThumbprint(login.sha1);
      step3.certificate = {
        subjectCommonName: login.subjectCommonName,
        issuerCommonName: login.issuerCommonName,
        validTo: login.validTo,
        thumbprint: thumb,
        ...(login.subjectSerialNumber !== undefined && { serialNumber: login.subjectSerialNumber }),
      };
      step3.detail = t('step3DetailThumb', { name: login.subjectCommonName, issuer: login.issuerCommonName, validTo: login.validTo, thumb });
      // The browser-store check: shown only when it could tell (unknown or not asked says nothing).
      const store = report.checks.find((check) => check.id === 'browser-store');
      const stale = store?.evidence.some((e) => e.key === 'browserStoreStale') ?? false;
      if (store?.status === 'ok' || (store?.status === 'warning' && stale)) {
        step3.browser = { shows: true, detail: t('step3BrowserShows') };
        step3.detail = `${step3.detail} ${t('step3BrowserShows')}`;
        if (stale) step3.warning = [step3.warning, store.summary].filter(Boolean).join(' ');
      } else if (store?.status === 'warning') {
        const detail = t('step3BrowserWillNotShow', { remedy: store.remedy?.text ?? store.summary });
        step3.browser = { shows: false, detail };
        step3.detail = `${step3.detail} ${detail}`;
      }
      if (authCheck?.status === 'error') {
        Object.assign(step3, { status: 'blocked', detail: t('step3Expired', { validTo: login.validTo }) });
      } else if (authCheck?.status === 'warning') {
        const days = Math.max(0, Math.ceil((Date.parse(login.validTo) - Date.parse(report.header.generatedAt)) / 86_400_000));
        step3.warning = t('step3Expiring', { validTo: login.validTo, days });
      }
    } else {
      Object.assign(step3, { status: 'blocked', detail: t('step3NoCertificate') });
    }
    if (report.certificates.some((cert) => cert.family === 'telia')) {
      step3.warning = [step3.warning, t('step3Telia')].filter(Boolean).join(' ');
    }

    const authPin = report.pins.find((pin) => pin.role === 'authentication');
    const puk = report.pins.find((pin) => pin.role === 'puk');
    step4.pinTriesLeft = authPin?.triesLeft ?? null;
    if (authPin?.blocked) {
      Object.assign(step4, { status: 'blocked', detail: t(puk?.blocked ? 'step4PukBlocked' : 'step4Blocked') });
    } else {
      const tries = authPin?.triesLeft == null ? t('step4TriesUnknown') : t('step4Tries', { left: authPin.triesLeft });
      step4.detail = t('step4Detail', { tries });
      if (authPin?.triesLeft === 1) step4.warning = t('step4OneTry');
    }
  }

  return { steps: [step1, step2, step3, step4], loginUrl, logoutReminder: t('logout') };
}
