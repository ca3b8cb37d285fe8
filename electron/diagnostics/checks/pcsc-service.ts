/** Is the operating system's smart-card service (PC/SC) running? Demo mode needs none. */
import { defineCheck } from './check.js';

export const pcscServiceCheck = defineCheck({
  id: 'pcsc-service',
  after: null,
  missingLayer: { status: 'no-service', headline: 'verdictNoService', advice: 'serviceDownRemedy' },
  run(facts, w) {
    if (facts.demoCard !== null) return { status: 'ok', summary: w.t('serviceDemo'), evidence: [w.fact('mode', 'ev.mode', w.t('value.demo'))] };
    if (facts.service.available) return { status: 'ok', summary: w.t('serviceRunning') };
    return {
      status: 'error',
      summary: w.t('serviceDown'),
      evidence: facts.service.error ? [w.fact('serviceError', 'ev.error', `${facts.service.error.code}: ${facts.service.error.message}`)] : [],
      remedy: w.remedy('serviceDownRemedy', 'local-it'),
    };
  },
});
