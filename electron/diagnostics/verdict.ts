/**
 * The verdict a nurse sees first, derived from the checks' flags: a missing layer (service,
 * reader, card) names itself; an error in a check that `blocksLogin` blocks; a warning in one that
 * `warns` asks for attention; errors and warnings elsewhere (chain, middleware, …) are for IT
 * support and leave the person ready to log in.
 */
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { ReportVerdict } from './report-types.js';
import type { CheckWriter } from './checks/check.js';
import type { CheckOutcome } from './run-checks.js';

export function diagnosisVerdict(outcomes: readonly CheckOutcome[], facts: DiagnosisFacts, w: CheckWriter): ReportVerdict {
  if (facts.reading) return { status: 'reading', headline: w.t('verdictReading') };
  const errors = outcomes.filter((o) => o.result.status === 'error');
  const missingLayer = errors.find((o) => o.check.missingLayer)?.check.missingLayer;
  if (missingLayer) return { status: missingLayer.status, headline: w.t(missingLayer.headline), advice: w.t(missingLayer.advice) };
  const blocking = errors.find((o) => o.check.blocksLogin)?.result;
  if (blocking) return { status: 'blocked', headline: w.t('verdictBlocked'), advice: blocking.remedy?.text ?? blocking.summary };
  // A structure new to Kortkoll: it cannot tell, and says so instead of guessing either way.
  if (facts.read?.kind === 'unknown-structure') return { status: 'unknown-card', headline: w.t('verdictUnknownCard'), advice: w.t('verdictUnknownCardAdvice') };
  const rank = (o: CheckOutcome) => o.check.warns?.rank ?? Infinity;
  const warning = outcomes
    .filter((o) => o.check.warns && o.result.status === 'warning')
    .sort((a, b) => rank(a) - rank(b))
    .at(0)?.result;
  if (warning) return { status: 'attention', headline: w.t('verdictAttention'), advice: `${warning.summary} ${warning.remedy?.text ?? ''}`.trim() };
  return { status: 'ready', headline: w.t('verdictReady'), advice: w.t('verdictReadyAdvice') };
}
