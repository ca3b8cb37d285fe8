/**
 * Acceptance (IDPrime issue, "unknown structure"): a card with an IDPrime-family ATR that carries
 * neither the IDPrime applet nor a PKCS#15 application (the `unknown-structure` virtual card) ends
 * as `unknown-structure` with the probes that were tried, never gets a PIN command (VERIFY 20,
 * CHANGE REFERENCE DATA 24, RESET RETRY COUNTER 2C: its PINs must never be touched), and the
 * diagnosis says Kortkoll does not know the card: verdict `unknown-card`, the SITHS-application
 * check `unknown`, and nowhere "not an e-tjänstekort" (Kortkoll cannot tell that).
 */
import { describe, expect, it } from 'vitest';
import { createVirtualCard } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import { renderReportHtml } from '../../../electron/diagnostics/render-html.js';
import { diagnoseVirtualCard } from '../diagnostics/diagnosis-helpers.js';

const pinCommands = new Set([0x20, 0x24, 0x2c]);

describe('the unknown-structure card', () => {
  it('reads as unknown-structure with its probes, and no PIN command reaches the card', async () => {
    const engine = await createVirtualCard('unknown-structure');
    const pinsBefore = engine.pinStatuses();
    const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
    expect(result.kind).toBe('unknown-structure');
    if (result.kind !== 'unknown-structure') return;
    expect(result.profile.family).toBe('idprime');
    // IDPrime first (the ATR's family), then PKCS#15: every probe answered 6A82.
    expect(result.probes.map((p) => [p.structure, p.target, p.statusWord])).toEqual([
      ['idprime', 'SELECT IDPrime applet', '6A82'],
      ['pkcs15', 'SELECT AID A000000063504B43532D3135', '6A82'],
      ['pkcs15', 'EF.DIR 3F002F00', '6A82'],
      ['pkcs15', 'SELECT DF 3F005015', '6A82'],
    ]);
    expect(result.probes.map((p) => p.command)).toEqual(engine.apduLog.map((entry) => toHex(entry.command)));
    expect(result.message).toMatch(/SELECT IDPrime applet/);

    // The card's own log: only SELECTs, nothing of the PIN commands.
    expect(engine.apduLog.length).toBe(result.stats.apduCount);
    expect(engine.apduLog.filter((entry) => pinCommands.has(entry.command[1] as number)).map((entry) => toHex(entry.command))).toEqual([]);
    expect(engine.apduLog.every((entry) => entry.command[1] === 0xa4)).toBe(true);
    expect(engine.pinStatuses()).toEqual(pinsBefore);
  });

  it('diagnoses as unknown-card, the SITHS-application check unknown, never "not an e-tjänstekort"', async () => {
    const { read, report } = await diagnoseVirtualCard('unknown-structure');
    expect(read.kind).toBe('unknown-structure');
    expect(read.apduLog.filter((entry) => pinCommands.has(parseInt(entry.command.slice(2, 4), 16)))).toEqual([]);
    for (const lang of ['sv', 'en'] as const) {
      const r = report(lang);
      expect(r.verdict.status).toBe('unknown-card');
      expect(r.checks.find((check) => check.id === 'siths-application')?.status).toBe('unknown');
      for (const text of [renderReportText(r), renderReportHtml(r), JSON.stringify(r)]) {
        expect(text).not.toMatch(/inte ett e-tjänstekort/i);
        expect(text).not.toMatch(/not an e-tjänstekort/i);
      }
    }
    // The words the test looks for are the ones a payment card gets (the check can fail).
    const bank = await diagnoseVirtualCard('bank-card');
    expect(renderReportText(bank.report('sv'))).toMatch(/inte ett e-tjänstekort/);
    expect(renderReportText(bank.report('en'))).toMatch(/not an e-tjänstekort/);
  });
});
