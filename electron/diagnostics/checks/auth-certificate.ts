/** Is there a certificate to log in with (SITHS, for authentication, a person's)? */
import { cardAnalysisOf, loginCertificateOf } from '../diagnosis-facts.js';
import { formatDate } from '../report-dates.js';
import { environmentLabel } from '../../pki/messages.js';
import { defineCheck } from './check.js';

export const authCertificateCheck = defineCheck({
  id: 'auth-certificate',
  after: 'certificates-read',
  blocksLogin: true,
  warns: { rank: 3 },
  run(facts, w) {
    const analysis = cardAnalysisOf(facts);
    if (!analysis) return { status: 'unknown', summary: w.t('verdictReading') };
    const loginCert = loginCertificateOf(facts);
    const hasTelia = analysis.certificates.some((c) => c.classification.family === 'telia');
    if (!loginCert) {
      const onlyTelia = hasTelia && analysis.certificates.every((c) => c.classification.family === 'telia' || c.classification.subjectKind === 'ca');
      return { status: 'error', summary: w.t(onlyTelia ? 'authNoneTelia' : 'authNone'), remedy: w.remedy('authNoneRemedy', 'local-it') };
    }
    const info = loginCert.info;
    const name = info.subject.commonName ?? info.subject.display;
    const issuer = info.issuer.commonName ?? info.issuer.display;
    const evidence = [
      w.fact('subject', 'ev.subject', name, true),
      w.fact('issuer', 'ev.issuer', issuer),
      w.fact('validTo', 'ev.validTo', formatDate(info.notAfter)),
      w.fact('environment', 'ev.environment', environmentLabel(loginCert.classification.environment, w.lang)),
      // The fingerprint of the person's own certificate identifies them: personal, masked when redacted.
      w.fact('sha1', 'ev.sha1', info.fingerprints.sha1, true),
    ];
    if (analysis.login.chosenWarning === 'test-environment')
      return { status: 'warning', summary: w.t('authFoundTest', { issuer }), evidence, remedy: w.remedy('authFoundTestRemedy', 'local-it') };
    const summary = w.t('authFound', { name, issuer });
    return { status: 'ok', summary: hasTelia ? `${summary} ${w.t('authTeliaWarning')}` : summary, evidence };
  },
});
