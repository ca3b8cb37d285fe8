/** The middleware a browser needs for the card (Net iD, SITHS eID), and what its PKCS#11 module sees. */
import type { MiddlewareComparison } from '../../../native/system/index.js';
import type { SystemFact } from '../../../native/system/types.js';
import { cardSnapshotOf } from '../diagnosis-facts.js';
import type { ReportFact } from '../report-types.js';
import { defineCheck, type CheckDraft, type CheckWriter } from './check.js';

/** The middleware's own view of the card (PKCS#11), said plainly. */
function middlewareViewDraft(w: CheckWriter, comparisons: MiddlewareComparison[]): CheckDraft {
  const evidence: ReportFact[] = [];
  let worst: CheckDraft | null = null;
  for (const c of comparisons) {
    const module = c.modulePath.split(/[\\/]/).pop() ?? c.modulePath;
    const sees =
      c.seesCard === 'sees-card'
        ? w.t('mwViewSees')
        : c.seesCard === 'sees-part'
          ? w.t('mwViewSeesPart')
          : c.seesCard === 'module-failed'
            ? w.t('mwViewFailed', { status: c.moduleStatus })
            : w.t('mwViewNotSees');
    evidence.push({ key: 'middlewareModule', label: module, value: sees });
    if (c.tokens.length > 0) evidence.push({ key: 'middlewareTokens', label: w.t('ev.tokens'), value: c.tokens.join(', ') });
    const counters = c.pins.map(
      (p) =>
        `${p.cardPinLabel}: ${p.status === 'no-counters' ? w.t('mwViewNoCounters') : p.status === 'agrees' ? w.t('mwViewCountersAgree') : p.status === 'disagrees' ? p.mismatches.join('; ') : p.status}`,
    );
    if (counters.length > 0) evidence.push({ key: 'middlewarePins', label: w.t('ev.pinFlags'), value: counters.join(' · ') });
    if (c.seesCard !== 'sees-card' && c.seesCard !== 'no-card-certificates') {
      worst = {
        status: 'warning',
        summary: w.t(c.seesCard === 'module-failed' ? 'mwViewFailedSummary' : 'mwViewNotSeesSummary', { module }),
        remedy: w.remedy('mwViewRemedy', 'local-it'),
      };
    } else if (!worst && c.pins.some((p) => p.status === 'disagrees')) {
      worst = { status: 'warning', summary: w.t('mwViewDisagreesSummary', { module }), remedy: w.remedy('mwViewRemedy', 'local-it') };
    }
  }
  if (worst) return { ...worst, evidence };
  const modules = comparisons.map((c) => c.modulePath.split(/[\\/]/).pop() ?? c.modulePath).join(', ');
  return { status: 'ok', summary: w.t('mwViewSeesSummary', { module: modules }), evidence };
}

/** What the system probes found installed. */
function middlewareInstalledDraft(w: CheckWriter, system: SystemFact[] | null): CheckDraft {
  if (!system) return { status: 'unknown', summary: w.t('mwNotChecked') };
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
    return { status: 'warning', summary: w.t('mwCertProp'), evidence, remedy: w.remedy('mwCertPropRemedy', 'local-it') };
  if (installed.includes('netid-enterprise'))
    return { status: 'warning', summary: w.t('mwNetIdEnterprise'), evidence, remedy: w.remedy('mwNetIdEnterpriseRemedy', 'local-it') };
  // OpenSC does not handle the SITHS application on these cards (OpenSC issue #726): it is evidence
  // for IT support, not the middleware a browser needs.
  const sithsMiddleware = installed.filter((p) => p !== 'opensc');
  if (sithsMiddleware.length === 0) return { status: 'warning', summary: w.t('mwNone'), evidence, remedy: w.remedy('mwNoneRemedy', 'local-it') };
  return { status: 'ok', summary: w.t('mwFound', { products: sithsMiddleware.map((p) => names[p]).join(', ') }), evidence };
}

export const middlewareCheck = defineCheck({
  id: 'middleware',
  after: null,
  run(facts, w) {
    // The module's view is of the card we read: without a snapshot it compares nothing.
    const comparisons = cardSnapshotOf(facts) ? facts.middleware : null;
    if (comparisons && comparisons.length > 0) return middlewareViewDraft(w, comparisons);
    return middlewareInstalledDraft(w, facts.system);
  },
});
