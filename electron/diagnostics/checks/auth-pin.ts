/** The PIN for authentication: the one a login asks for. */
import { defineCheck } from './check.js';
import { pinCounterDraft } from './pin-counter.js';

export const authPinCheck = defineCheck({
  id: 'auth-pin',
  after: 'siths-application',
  blocksLogin: true,
  warns: { rank: 2 },
  run: (facts, w) => pinCounterDraft(facts, w, 'authentication'),
});
