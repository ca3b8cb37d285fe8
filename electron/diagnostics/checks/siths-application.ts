/** How the card stores its certificates (PKCS#15 or IDPrime), or why that could not be found. */
import { spacedHex } from '../../card/atr.js';
import { readStageLabel, statusWordMeaning } from '../../card/read-result-messages.js';
import { defineCheck } from './check.js';

/** A card that pcsc-tools' list names as a payment card: only then is it called "not an e-tjänstekort". */
const paymentCardName = /\b(visa|mastercard|maestro|emv|bank|debit|credit|payment|betalkort|american express|amex|electron)\b/i;
export function isNamedPaymentCard(smartcardListName: string | undefined): boolean {
  return smartcardListName !== undefined && paymentCardName.test(smartcardListName);
}

export const sithsApplicationCheck = defineCheck({
  id: 'siths-application',
  after: 'card-answers',
  blocksLogin: true,
  run(facts, w) {
    const read = facts.read;
    if (!read) return { status: 'unknown', summary: w.t('verdictReading') };
    if (read.kind === 'unknown-structure') {
      const evidence = read.probes.map((p) => ({ key: 'probe', label: p.target, value: p.statusWord ? spacedHex(p.statusWord) : '–' }));
      // Only a card that pcsc-tools' list names as a payment card is called "not an e-tjänstekort".
      if (isNamedPaymentCard(read.profile.smartcardListName)) {
        return {
          status: 'error',
          summary: w.t('appMissing', { name: read.profile.smartcardListName ?? '' }),
          evidence,
          remedy: w.remedy('appMissingRemedy', 'self'),
        };
      }
      return { status: 'unknown', summary: w.t('structureUnknown'), evidence, remedy: w.remedy('structureUnknownRemedy', 'local-it'), haltsDependents: true };
    }
    if (read.kind === 'card-error') {
      const meaning = read.statusWord ? statusWordMeaning(read.statusWord, w.lang) : w.t('cardAnswerUnreadable');
      return {
        status: 'error',
        summary: w.t('appCardError', { meaning }),
        evidence: [
          w.fact('stage', 'ev.stage', readStageLabel(read.stage, w.lang)),
          ...(read.statusWord ? [w.fact('statusWord', 'ev.statusWord', spacedHex(read.statusWord))] : []),
        ],
        remedy: w.remedy('appCardErrorRemedy', 'local-it'),
      };
    }
    if (read.kind === 'malformed-card-data' && read.stage === 'select-application') {
      return { status: 'error', summary: w.t('certsMalformed'), remedy: w.remedy('certsMalformedRemedy', 'local-it') };
    }
    if (read.kind === 'snapshot') {
      const structure = w.t(`structure.${read.structure}`);
      const version = read.application.appletVersion;
      const evidence = read.application.aid ? [w.fact('aid', 'ev.aid', spacedHex(read.application.aid))] : [];
      return { status: 'ok', summary: version ? w.t('structureFoundVersion', { structure, version }) : w.t('structureFound', { structure }), evidence };
    }
    return { status: 'ok', summary: w.t('appFound') };
  },
});
