/** Is the operating system's smart-card service (PC/SC) running? Demo mode needs none. */
import type { Lang } from '../../i18n/index.js';
import { describeTransportError, isTransportErrorCode } from '../../card/read-result-messages.js';
import { defineCheck } from './check.js';

/** The service's error in the report's language; a code Kortkoll has no words for is shown as it is. */
function serviceErrorText(code: string, lang: Lang): string {
  return isTransportErrorCode(code) ? describeTransportError(code, lang) : code;
}

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
      evidence: facts.service.error ? [w.fact('serviceError', 'ev.error', serviceErrorText(facts.service.error.code, w.lang))] : [],
      remedy: w.remedy('serviceDownRemedy', 'local-it'),
    };
  },
});
