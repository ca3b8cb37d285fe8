/** Has the login certificate been revoked (OCSP or CRL, only when asked to go online)? */
import { cardAnalysisOf } from '../diagnosis-facts.js';
import { formatDate, formatDateTime } from '../report-dates.js';
import { defineCheck } from './check.js';

export const revocationCheck = defineCheck({
  id: 'revocation',
  after: 'auth-certificate',
  blocksLogin: true,
  run(facts, w) {
    const rev = cardAnalysisOf(facts)?.revocation;
    if (!rev || rev.status === 'not-checked') return { status: 'unknown', summary: w.t('revOffline') };
    switch (rev.status) {
      case 'good':
        return {
          status: 'ok',
          summary: w.t('revGood', { method: rev.method.toUpperCase(), time: formatDateTime(rev.thisUpdate) }),
          evidence: [w.fact('revocationUrl', 'ev.url', rev.url)],
        };
      case 'revoked':
        return {
          status: 'error',
          summary: w.t('revRevoked', { date: formatDate(rev.revokedAt) }),
          evidence: [
            w.fact('revocationUrl', 'ev.url', rev.url),
            ...(rev.revocationReason ? [w.fact('revocationReason', 'ev.reason', rev.revocationReason)] : []),
          ],
          remedy: w.remedy('revRevokedRemedy', 'local-it'),
        };
      case 'unknown':
        return {
          status: 'warning',
          summary: w.t('revUnknown'),
          evidence: [w.fact('revocationUrl', 'ev.url', rev.url)],
          remedy: w.remedy('revUnknownRemedy', 'local-it'),
        };
      case 'could-not-check':
        return {
          status: 'warning',
          summary: w.t('revCouldNot', { reason: rev.httpStatus ? `${rev.reason} ${rev.httpStatus}` : rev.reason }),
          evidence: rev.url ? [w.fact('revocationUrl', 'ev.url', rev.url)] : [],
          remedy: w.remedy('revCouldNotRemedy', 'self'),
        };
    }
  },
});
