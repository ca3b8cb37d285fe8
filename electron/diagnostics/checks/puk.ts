/** The PUK, which unblocks a blocked PIN. */
import { defineCheck } from './check.js';
import { pinCounterDraft } from './pin-counter.js';

export const pukCheck = defineCheck({
  id: 'puk',
  after: 'siths-application',
  warns: { rank: 4 },
  run: (facts, w) => pinCounterDraft(facts, w, 'puk'),
});
