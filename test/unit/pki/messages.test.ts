import { describe, expect, it } from 'vitest';
import '../../../electron/cli/cert-command.js';
import { messageForms, placeholdersOf, registeredMessageSets, type Message } from '../../../electron/i18n/index.js';
import { describeRevocation, describeValidity, pkiMessages } from '../../../electron/pki/messages.js';

describe('pki and cert-command messages', () => {
  const ours = registeredMessageSets().filter((set) => set.area === 'pki' || set.area === 'cli-cert');

  it('registers both catalogues', () => {
    expect(ours.map((set) => set.area).sort()).toEqual(['cli-cert', 'pki']);
  });

  it.each(['pki', 'cli-cert'])('%s: same keys and the same placeholders in Swedish and English, no empty text', (area) => {
    const set = ours.find((s) => s.area === area);
    expect(set).toBeDefined();
    if (!set) return;
    expect(Object.keys(set.en).sort()).toEqual(Object.keys(set.sv).sort());
    for (const key of Object.keys(set.sv)) {
      const sv = set.sv[key] as Message;
      expect(placeholdersOf(set.en[key] as Message), key).toEqual(placeholdersOf(sv));
      for (const form of messageForms(sv)) expect(form.trim().length, key).toBeGreaterThan(0);
    }
  });

  it('the describe helpers fill every placeholder', () => {
    const texts = [
      describeValidity(
        {
          status: 'expired',
          notBefore: '2022-01-01T00:00:00.000Z',
          notAfter: '2024-09-15T21:58:00.000Z',
          checkedAt: '2025-01-01T00:00:00.000Z',
          daysSinceExpiry: 107,
          clockSuspect: false,
        },
        'sv',
      ),
      describeValidity(
        {
          status: 'not-yet-valid',
          notBefore: '2030-01-01T00:00:00.000Z',
          notAfter: '2031-01-01T00:00:00.000Z',
          checkedAt: '2025-01-01T00:00:00.000Z',
          daysUntilValid: 1826,
          clockSuspect: true,
        },
        'en',
      ),
      describeRevocation(
        {
          status: 'revoked',
          method: 'crl',
          url: 'http://x',
          thisUpdate: '2025-01-01T00:00:00.000Z',
          checkedAt: '2025-01-01T00:00:00.000Z',
          attempts: [],
          revokedAt: '2024-12-24T00:00:00.000Z',
          revocationReason: 'superseded',
        },
        'sv',
      ),
      describeRevocation(
        { status: 'could-not-check', reason: 'timeout', checkedAt: '2025-01-01T00:00:00.000Z', attempts: [], url: 'http://ocsp.example' },
        'en',
      ),
    ];
    expect(texts[0]).toBe('Utgick 2024-09-15 (107 dagar sedan).');
    expect(texts[1]).toContain("The computer's clock looks wrong");
    expect(texts[2]).toBe('SPÄRRAT sedan 2024-12-24, orsak: superseded.');
    expect(texts[3]).toBe('Revocation status could not be checked: the service did not answer in time (http://ocsp.example).');
    for (const text of texts) expect(text).not.toMatch(/\{\w+\}/);
    expect(pkiMessages.area).toBe('pki');
  });
});
