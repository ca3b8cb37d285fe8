import { describe, expect, it } from 'vitest';
import { pinOutcomeDetail } from '../../../electron/card/pin/pin-outcome-detail.js';

const base = { operation: 'test', pin: 'authentication' } as const;

describe('the words for a PIN outcome’s codes', () => {
  it('say what a status word means, in the caller’s language', () => {
    const outcome = { ...base, kind: 'card-error', statusWord: '6F00', counterAfter: null } as const;
    expect(pinOutcomeDetail(outcome, 'sv')).toBe('Fel utan närmare förklaring');
    expect(pinOutcomeDetail(outcome, 'en')).toBe('No precise diagnosis');
  });
  it('say why the reader failed, and nothing for a code they have no words for', () => {
    expect(pinOutcomeDetail({ ...base, kind: 'transport-error', code: 'timeout' }, 'sv')).toBe('kortläsaren svarade inte i tid');
    expect(pinOutcomeDetail({ ...base, kind: 'transport-error', code: 'something-new' }, 'en')).toBeNull();
    expect(pinOutcomeDetail({ ...base, kind: 'card-error', statusWord: '', counterAfter: null }, 'en')).toBeNull();
    expect(pinOutcomeDetail({ ...base, kind: 'card-removed-before' }, 'sv')).toBeNull();
  });
});
