/** Is the HSA-id in the login certificate well formed? */
import { loginCertificateOf } from '../diagnosis-facts.js';
import { defineCheck } from './check.js';

export const hsaIdCheck = defineCheck({
  id: 'hsa-id',
  after: 'auth-certificate',
  run(facts, w) {
    const loginCert = loginCertificateOf(facts);
    if (!loginCert) return { status: 'unknown', summary: w.t('verdictReading') };
    const hsa = loginCert.classification.hsaId;
    if (!hsa) return { status: 'ok', summary: w.t('hsaNone') };
    const evidence = [w.fact('hsaId', 'ev.hsaId', hsa.value, true)];
    if (hsa.valid) return { status: 'ok', summary: w.t('hsaValid', { hsaId: hsa.value }), evidence };
    return {
      status: 'warning',
      summary: w.t('hsaInvalid', { hsaId: hsa.value, problems: hsa.problems.join(', ') }),
      evidence,
      remedy: w.remedy('hsaInvalidRemedy', 'local-it'),
    };
  },
});
