/** Did the card answer, and is its type (by ATR) one Kortkoll knows? */
import { spacedHex } from '../../card/atr.js';
import { describeTransportError } from '../../card/read-result-messages.js';
import { defineCheck } from './check.js';

export const cardAnswersCheck = defineCheck({
  id: 'card-answers',
  after: 'card-present',
  blocksLogin: true,
  run(facts, w) {
    const read = facts.read;
    if (!read) return { status: 'unknown', summary: w.t('verdictReading') };
    const profileName = read.profile.displayName[w.lang];
    const evidence = [w.fact('atr', 'ev.atr', spacedHex(read.atr)), w.fact('profile', 'ev.profile', profileName)];
    if (read.profile.smartcardListName) evidence.push(w.fact('smartcardList', 'ev.smartcardList', read.profile.smartcardListName));
    if (read.kind === 'card-removed') return { status: 'error', summary: w.t('cardRemoved'), evidence, remedy: w.remedy('cardRemovedRemedy', 'self') };
    if (read.kind === 'transport-error') {
      const summary = read.code === 'sharing-violation' ? w.t('cardSharing') : w.t('cardTransportError', { reason: describeTransportError(read.code, w.lang) });
      return {
        status: 'error',
        summary,
        evidence: [...evidence, w.fact('error', 'ev.error', read.code)],
        remedy: w.remedy(
          read.code === 'sharing-violation' ? 'cardExclusiveRemedy' : 'cardTransportErrorRemedy',
          read.code === 'sharing-violation' ? 'self' : 'local-it',
        ),
      };
    }
    if (!read.profile.known)
      return { status: 'warning', summary: w.t('cardAnswersUnknown'), evidence, remedy: w.remedy('cardAnswersUnknownRemedy', 'local-it') };
    return { status: 'ok', summary: w.t('cardAnswersKnown', { profile: profileName }), evidence };
  },
});
