/** Is the login certificate valid today, and for how long yet? */
import { loginCertificateOf } from '../diagnosis-facts.js';
import { formatDate } from '../report-dates.js';
import { defineCheck } from './check.js';

export const authValidityCheck = defineCheck({
  id: 'auth-validity',
  after: 'auth-certificate',
  blocksLogin: true,
  warns: { rank: 1 },
  run(facts, w) {
    const loginCert = loginCertificateOf(facts);
    if (!loginCert) return { status: 'unknown', summary: w.t('verdictReading') };
    const v = loginCert.validity;
    const date = formatDate(v.notAfter);
    const evidence = [w.fact('validFrom', 'ev.validFrom', formatDate(v.notBefore)), w.fact('validTo', 'ev.validTo', date)];
    switch (v.status) {
      case 'valid':
        return { status: 'ok', summary: w.t('validValid', { date, days: v.daysLeft ?? 0 }), evidence };
      case 'expires-soon':
        return { status: 'warning', summary: w.t('validSoon', { date, days: v.daysLeft ?? 0 }), evidence, remedy: w.remedy('validSoonRemedy', 'local-it') };
      case 'expired':
        return { status: 'error', summary: w.t('validExpired', { date }), evidence, remedy: w.remedy('validExpiredRemedy', 'local-it') };
      case 'not-yet-valid':
        return {
          status: 'error',
          summary: w.t('validNotYet', { date: formatDate(v.notBefore) }),
          evidence,
          remedy: w.remedy('validNotYetRemedy', v.clockSuspect ? 'self' : 'local-it'),
        };
    }
  },
});
