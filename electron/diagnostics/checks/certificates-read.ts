/** Could the certificates on the card be read and parsed? */
import { cardAnalysisOf, cardSnapshotOf } from '../diagnosis-facts.js';
import { readStageLabel } from '../../card/read-result-messages.js';
import { defineCheck } from './check.js';

export const certificatesReadCheck = defineCheck({
  id: 'certificates-read',
  after: 'siths-application',
  blocksLogin: true,
  run(facts, w) {
    const read = facts.read;
    if (read?.kind === 'malformed-card-data') {
      return {
        status: 'error',
        summary: w.t('certsMalformed'),
        evidence: [w.fact('stage', 'ev.stage', readStageLabel(read.stage, w.lang)), ...(read.file ? [w.fact('file', 'ev.file', read.file)] : [])],
        remedy: w.remedy('certsMalformedRemedy', 'local-it'),
      };
    }
    const snapshot = cardSnapshotOf(facts);
    const analysis = cardAnalysisOf(facts);
    if (!snapshot || !analysis) return { status: 'unknown', summary: w.t('verdictReading') };
    if (snapshot.certificates.length === 0) return { status: 'error', summary: w.t('certsNone'), remedy: w.remedy('certsNoneRemedy', 'local-it') };
    const evidence = [w.fact('certificateCount', 'ev.count', String(snapshot.certificates.length))];
    if (analysis.unreadable.length > 0)
      return {
        status: 'warning',
        summary: `${w.t('certsRead', { count: snapshot.certificates.length })} ${w.t('certsUnreadable', { count: analysis.unreadable.length })}`,
        evidence,
      };
    return { status: 'ok', summary: w.t('certsRead', { count: snapshot.certificates.length }), evidence };
  },
});
