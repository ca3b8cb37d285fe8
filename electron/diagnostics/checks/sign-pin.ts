/** The PIN for signing: not needed to log in, so at most a warning. */
import { defineCheck } from './check.js';
import { pinCounterDraft } from './pin-counter.js';

export const signPinCheck = defineCheck({
  id: 'sign-pin',
  after: 'siths-application',
  warns: { rank: 5 },
  run: (facts, w) => pinCounterDraft(facts, w, 'signature'),
});
