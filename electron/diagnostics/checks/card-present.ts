/** Is there a card in a reader, and is it free for Kortkoll to read? */
import { defineCheck } from './check.js';

export const cardPresentCheck = defineCheck({
  id: 'card-present',
  after: 'readers',
  // An error here always means no card was read (a read or a read under way is "present"): the
  // verdict says "insert your card", before anything could block a login.
  missingLayer: { status: 'no-card', headline: 'verdictNoCard', advice: 'verdictNoCardAdvice' },
  run(facts, w) {
    const read = facts.read;
    const reader = facts.readers.find((r) => r.name === facts.selectedReader) ?? facts.readers.find((r) => r.cardPresent);
    if (read || facts.reading) return { status: 'ok', summary: w.t('cardPresent', { reader: read?.reader ?? reader?.name ?? '' }) };
    if (reader?.cardPresent && reader.exclusive) return { status: 'error', summary: w.t('cardExclusive'), remedy: w.remedy('cardExclusiveRemedy', 'self') };
    return { status: 'error', summary: w.t('cardAbsent'), remedy: w.remedy('cardAbsentRemedy', 'self') };
  },
});
