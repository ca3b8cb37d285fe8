/** Is the computer's clock plausible? A certificate "not valid yet" by more than a day says it is not. */
import { cardAnalysisOf } from '../diagnosis-facts.js';
import { formatDate, formatDateTime } from '../report-dates.js';
import { defineCheck } from './check.js';

export const systemClockCheck = defineCheck({
  id: 'system-clock',
  after: null,
  warns: { rank: 7 },
  run(facts, w) {
    const suspect = cardAnalysisOf(facts)?.certificates.find((c) => c.validity.clockSuspect);
    const evidence = [w.fact('time', 'ev.time', formatDateTime(facts.generatedAt))];
    if (suspect)
      return {
        status: 'warning',
        summary: w.t('clockSuspect', { date: formatDate(suspect.validity.notBefore) }),
        evidence,
        remedy: w.remedy('clockSuspectRemedy', 'self'),
      };
    return { status: 'ok', summary: w.t('clockOk', { time: formatDateTime(facts.generatedAt) }) };
  },
});
