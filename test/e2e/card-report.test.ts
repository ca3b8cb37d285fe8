/**
 * "Rapportera kortet" in Chromium against the real service: with the demo card unknown-structure the
 * overview shows the unknown-card verdict and the button; the button, used from the keyboard, brings
 * the card report's text, which can be copied and saved; axe finds nothing; in Swedish and English.
 * The Rapport view offers the same for any card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './harness/axe.js';
import { skipBrowserTests } from './harness/browser.js';
import { expectVerdictShown, openScenario, selectTab, startEnvironment, type E2eEnvironment } from './harness/environment.js';
import { defaultCardholder, idprimeCardholder } from '../../native/simulator/cards.js';

const skip = skipBrowserTests();

const words = {
  sv: {
    button: 'Rapportera kortet',
    copy: 'Kopiera',
    save: 'Spara',
    title: 'Kortrapport från Kortkoll',
    unknown: 'Trolig struktur: okänd',
    copied: 'Kortrapporten är kopierad',
    savedName: /^kortkoll-kortrapport-.*\.txt$/,
  },
  en: {
    button: 'Report the card',
    copy: 'Copy',
    save: 'Save',
    title: 'Card report from Kortkoll',
    unknown: 'Likely structure: unknown',
    copied: 'The card report has been copied',
    savedName: /^kortkoll-card-report-.*\.txt$/,
  },
} as const;

describe.skipIf(skip)('Rapportera kortet (card report) in the app', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each(['sv', 'en'] as const)('unknown-structure (%s): verdict, button, report text by keyboard, copy and save, no axe violation', async (lang) => {
    const w = words[lang];
    const scenario = await openScenario(env, { demoCard: 'unknown-structure', lang, clipboard: true });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('unknown-card');
      const button = page.getByRole('button', { name: w.button });
      expect(await button.count()).toBe(1);
      expect(await page.getByTestId('card-report-text').count()).toBe(0);

      await button.focus();
      await page.keyboard.press('Enter');
      const text = page.getByTestId('card-report-text');
      await expect.poll(() => text.count(), { timeout: 10_000 }).toBe(1);
      const shown = (await text.textContent()) ?? '';
      expect(shown).toContain(w.title);
      expect(shown).toContain(w.unknown);
      expect(shown).toContain('3B 7F 96 00 00 80 31 80 65 B0 85 06 00 2A 12 02 F0 82 90 00');
      expect(shown).toContain('SELECT IDPrime applet');
      expect(shown).toContain('00 CA 9F 7F 2D');
      for (const value of [defaultCardholder.surname, defaultCardholder.hsaId, defaultCardholder.personnummer]) expect(shown).not.toContain(value);
      // Focus went to the report's heading; the report itself is in the Tab order and named.
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('overview-card-report-heading');
      expect(await page.getByRole('region', { name: lang === 'sv' ? 'Kortrapport' : 'Card report' }).count()).toBe(1);
      expect(await text.getAttribute('tabindex')).toBe('0');
      expect(await text.getAttribute('aria-label')).toBeTruthy();

      // Kopiera and Spara by keyboard.
      await page.getByRole('button', { name: w.copy, exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('card-report-status').textContent()).toContain(w.copied);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(w.title);
      await page.getByRole('button', { name: w.save, exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => scenario.app.saved.length).toBe(1);
      expect(scenario.app.saved[0]?.name).toMatch(w.savedName);
      expect(scenario.app.saved[0]?.content).toContain(w.title);

      expect(await axeViolations(page)).toEqual([]);
      expect(await scenario.app.cspViolations()).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('the Rapport view offers the card report for any card (siths-eid-idprime), without the holder’s data', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-idprime' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      // Not in the overview of a card Kortkoll knows.
      expect(await page.getByRole('button', { name: 'Rapportera kortet' }).count()).toBe(0);
      await selectTab(page, 'report');
      await page.getByRole('button', { name: 'Rapportera kortet' }).click();
      const text = page.getByTestId('card-report-text');
      await expect.poll(() => text.count(), { timeout: 10_000 }).toBe(1);
      const shown = (await text.textContent()) ?? '';
      expect(shown).toContain('Trolig struktur: Thales IDPrime (minidriver)');
      expect(shown).toMatch(/Appletversion \(GET DATA DF30\): IDPrime/);
      for (const value of [idprimeCardholder.givenName, idprimeCardholder.surname, idprimeCardholder.hsaId, idprimeCardholder.personnummer])
        expect(shown).not.toContain(value);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await scenario.close();
    }
  });
});
