/** Will the browser's certificate picker offer the login certificate? Matched by its SHA-1 thumbprint. */
import type { SystemFact } from '../../../native/system/types.js';
import { matchBrowserStores, shortThumbprint, type BrowserStoreMatch, type StoreMatch } from '../../../native/system/browser-store/index.js';
import { cardAnalysisOf, loginCertificateOf, type DiagnosisFacts } from '../diagnosis-facts.js';
import type { DiagnosticMessageKey } from '../messages.js';
import { formatDate } from '../report-dates.js';
import type { ReportFact } from '../report-types.js';
import { defineCheck } from './check.js';

/** The browser stores matched against the login certificate (null: no login certificate, or the stores were not looked at). */
export function browserStoreMatchOf(facts: DiagnosisFacts): BrowserStoreMatch | null {
  const loginCert = loginCertificateOf(facts);
  if (!loginCert || !facts.browserStores) return null;
  return matchBrowserStores(facts.browserStores, {
    sha1: loginCert.info.fingerprints.sha1,
    hsaId: loginCert.classification.hsaId?.value ?? null,
    commonName: loginCert.info.subject.commonName ?? null,
    cardThumbprints: (cardAnalysisOf(facts)?.certificates ?? []).map((c) => c.info.fingerprints.sha1),
  });
}

const browserNames: Record<string, string> = {
  edge: 'Edge',
  chrome: 'Chrome',
  chromium: 'Chromium',
  firefox: 'Firefox',
  'firefox-enterprise-roots': 'Firefox',
  safari: 'Safari',
};
export function browsersText(browsers: readonly string[]): string {
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

export const browserStoreCheck = defineCheck({
  id: 'browser-store',
  after: 'middleware',
  run(facts, w) {
    const login = loginCertificateOf(facts);
    if (!login) return { status: 'unknown', summary: w.t(facts.reading ? 'verdictReading' : 'bsNoLogin') };
    const match = browserStoreMatchOf(facts);
    if (!facts.browserStores || !match) return { status: 'unknown', summary: w.t('bsNotAsked') };
    if (match.stores.length === 0) return { status: 'unknown', summary: w.t('bsNoStore') };
    const thumb = shortThumbprint(login.info.fingerprints.sha1);
    const validTo = formatDate(login.info.notAfter);
    const evidence: ReportFact[] = match.stores.map((s) => ({
      key: 'browserStore',
      label: `${w.t('ev.store')}: ${s.location || s.kind}`,
      value: `${browsersText(s.browsers)}: ${w.t(`bsOutcome.${s.outcome}` as DiagnosticMessageKey)}${s.note ? ` (${s.note})` : ''}`,
    }));
    for (const s of match.stores) {
      for (const stale of s.stale) {
        evidence.push({
          key: 'browserStoreStale',
          label: w.t('ev.thumbprint'),
          value: w.t('bsStale', { subject: stale.subject, validTo: stale.notAfter ? formatDate(stale.notAfter) : '?', thumb: shortThumbprint(stale.sha1) }),
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
          return { status: 'warning', summary: w.t('bsFoundStale', { count }), evidence, remedy: w.remedy('bsStaleRemedy', 'local-it', { validTo, thumb }) };
        }
        return {
          status: 'ok',
          summary: w.t('bsFound', { browsers: browsersText(match.stores.filter((s) => s.outcome === 'found').flatMap((s) => s.browsers)), thumb }),
          evidence,
        };
      case 'software-key':
        return {
          status: 'warning',
          summary: w.t('bsSoftwareKey', { provider: worst?.match?.provider ?? '?' }),
          evidence,
          remedy: w.remedy('bsSoftwareKeyRemedy', 'local-it'),
        };
      case 'missing':
        return {
          status: 'warning',
          summary: w.t('bsMissing', { store }),
          evidence,
          remedy: w.remedy(`bsMissingRemedy.${platform}` as DiagnosticMessageKey, 'local-it'),
        };
      case 'module-not-registered': {
        const firefox = worst?.browsers.includes('firefox') ?? false;
        return firefox
          ? { status: 'warning', summary: w.t('bsFirefoxNoModule', { store }), evidence, remedy: w.remedy('bsFirefoxNoModuleRemedy', 'local-it', { module }) }
          : {
              status: 'warning',
              summary: w.t('bsChromiumNoModule', { store }),
              evidence,
              remedy: w.remedy('bsChromiumNoModuleRemedy', 'local-it', { module }),
            };
      }
      case 'module-sees-no-card':
        return {
          status: 'warning',
          summary: w.t('bsModuleNoCard', { modules: worst?.cardModules.join(', ') ?? '', store }),
          evidence,
          remedy: w.remedy('bsModuleNoCardRemedy', 'local-it'),
        };
      case 'unknown':
        return { status: 'unknown', summary: w.t('bsUnknown', { note: worst?.note ?? store }), evidence };
    }
  },
});
