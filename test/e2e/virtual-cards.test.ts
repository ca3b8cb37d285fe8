/**
 * The renderer in Chromium, served with the app's CSP, talking to the REAL service through the real
 * API handlers, one scenario per in-process virtual card. Each card states what a person at the
 * desk must see: the verdict, the check that explains it, and where the login guide stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckId, CheckStatus, VerdictStatus } from '../../electron/diagnostics/report-types.js';
import type { LoginStepStatus } from '../../electron/login/guide-types.js';
import { skipBrowserTests } from './harness/browser.js';
import { expectVerdictShown, openScenario, selectTab, startEnvironment, type E2eEnvironment, type Scenario } from './harness/environment.js';

interface CardExpectation {
  card: string;
  phase: 'ready' | 'card-error';
  verdict: VerdictStatus;
  /** The check that explains the verdict, with the status it must show (and a remedy when it is not ok). */
  explainedBy?: { check: CheckId; status: CheckStatus };
  /** The login step that must be blocked, if any. */
  blockedStep?: 1 | 3 | 4;
  /** A login step that must carry a warning. */
  warnedStep?: 3 | 4;
}

// What each virtual card is (native/simulator/cards.ts) and what support would expect to see.
const cards: CardExpectation[] = [
  { card: 'netid-legacy', phase: 'ready', verdict: 'ready', warnedStep: 3 }, // Telia certificate on the card: warn at the picker
  { card: 'siths-eid-2024', phase: 'ready', verdict: 'ready' },
  { card: 'auth-pin-blocked', phase: 'ready', verdict: 'blocked', explainedBy: { check: 'auth-pin', status: 'error' }, blockedStep: 4 },
  { card: 'auth-pin-one-try', phase: 'ready', verdict: 'attention', explainedBy: { check: 'auth-pin', status: 'warning' }, warnedStep: 4 },
  // The PUK counter is not asked on SetCOS cards (not known to be harmless): unknown, not a warning.
  { card: 'puk-blocked', phase: 'ready', verdict: 'ready' },
  { card: 'auth-cert-expired', phase: 'ready', verdict: 'blocked', explainedBy: { check: 'auth-validity', status: 'error' }, blockedStep: 3 },
  { card: 'auth-cert-expiring', phase: 'ready', verdict: 'attention', explainedBy: { check: 'auth-validity', status: 'warning' }, warnedStep: 3 },
  { card: 'telia-only', phase: 'ready', verdict: 'blocked', explainedBy: { check: 'auth-certificate', status: 'error' }, blockedStep: 3 },
  { card: 'bank-card', phase: 'card-error', verdict: 'blocked', explainedBy: { check: 'siths-application', status: 'error' }, blockedStep: 1 },
  { card: 'corrupt-cdf', phase: 'card-error', verdict: 'blocked', explainedBy: { check: 'certificates-read', status: 'error' }, blockedStep: 1 },
  { card: 'test-pki', phase: 'ready', verdict: 'attention', explainedBy: { check: 'auth-certificate', status: 'warning' } },
  { card: 'siths-eid-idprime', phase: 'ready', verdict: 'ready' },
  { card: 'idprime-auth-pin-blocked', phase: 'ready', verdict: 'blocked', explainedBy: { check: 'auth-pin', status: 'error' }, blockedStep: 4 },
  { card: 'idprime-auth-pin-one-try', phase: 'ready', verdict: 'attention', explainedBy: { check: 'auth-pin', status: 'warning' }, warnedStep: 4 },
  { card: 'reservkort', phase: 'ready', verdict: 'ready' },
  { card: 'unknown-structure', phase: 'card-error', verdict: 'unknown-card', explainedBy: { check: 'siths-application', status: 'unknown' } },
];

const skip = skipBrowserTests();

describe.skipIf(skip)('the desktop UI with each virtual card (real service, Chromium)', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each(cards)('$card: shows the verdict "$verdict" and why', async (expected) => {
    const scenario: Scenario = await openScenario(env, { demoCard: expected.card });
    try {
      const { page } = scenario.app;
      const state = scenario.service.getState();
      expect(state.phase).toBe(expected.phase);
      expect(state.report?.verdict.status).toBe(expected.verdict);
      await expectVerdictShown(scenario);
      expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe(expected.verdict);

      // The header says which card is in use; the card table shows what test.siths.se would.
      await expect.poll(() => page.locator('.app-header__source').textContent()).toContain(expected.card);
      const card = state.report?.card;
      if (expected.phase === 'ready' && card?.hsaId) {
        const table = page.getByTestId('card-table');
        await expect.poll(() => table.locator('tr[data-field="hsaId"] td').textContent()).toBe(card.hsaId);
        await expect.poll(() => table.locator('tr[data-field="issuer"] td').textContent()).toBe(card.issuer ?? 'Inte läst');
        await expect.poll(() => table.locator('tr[data-field="cardNumber"] td').textContent()).toBe(card.cardNumber ?? 'Inte läst');
      }

      // Every check is listed with its status; the explaining one carries a remedy.
      const checks = page.getByTestId('checks').locator('li.check');
      await expect.poll(() => checks.count()).toBe(state.report?.checks.length ?? 0);
      if (expected.explainedBy) {
        const item = page.locator(`li.check[data-check="${expected.explainedBy.check}"]`);
        expect(await item.getAttribute('data-status')).toBe(expected.explainedBy.status);
        expect(await item.locator('.check__remedy').count()).toBe(1);
      } else {
        expect(await page.locator('li.check[data-status="error"]').count()).toBe(0);
      }

      // The login guide stops where the card does.
      await selectTab(page, 'login');
      const steps = page.getByTestId('login-steps').locator('li.step');
      await expect.poll(() => steps.count()).toBe(4);
      const statuses = (await steps.evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))) as LoginStepStatus[];
      if (expected.blockedStep) expect(statuses[expected.blockedStep - 1]).toBe('blocked');
      else expect(statuses).not.toContain('blocked');
      if (expected.warnedStep)
        expect(
          await steps
            .nth(expected.warnedStep - 1)
            .locator('.step__warning')
            .count(),
        ).toBe(1);

      // Certificates: the one to pick at login is marked, at most one.
      await selectTab(page, 'certificates');
      const certificates = page.getByTestId('certificate');
      await expect.poll(() => certificates.count()).toBe(state.report?.certificates.length ?? 0);
      const login = state.report?.certificates.filter((cert) => cert.isLoginCertificate) ?? [];
      expect(await page.locator('.cert--login').count()).toBe(login.length);

      expect(await scenario.app.cspViolations()).toEqual([]);
      expect(scenario.app.refusedCalls).toBe(0);
    } finally {
      await scenario.close();
    }
  });

  it('netid-legacy: one certificate for login, and the Telia ones explained', async () => {
    const scenario = await openScenario(env, { demoCard: 'netid-legacy' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      await selectTab(page, 'certificates');
      const certs = scenario.service.getState().report?.certificates ?? [];
      expect(certs.some((cert) => cert.family === 'telia')).toBe(true);
      const telia = certs.filter((cert) => cert.family === 'telia');
      const teliaCards = page.getByTestId('certificate').filter({ hasText: telia[0]?.issuerCommonName ?? '??' });
      await expect.poll(() => teliaCards.count()).toBe(telia.length);
      for (const text of await teliaCards.locator('.tag--neutral').allTextContents()) expect(text).toContain('Inte för inloggning');
      expect(await page.locator('.cert--login').count()).toBe(1);
    } finally {
      await scenario.close();
    }
  });

  it('follows the card live: switching demo cards from the UI updates the verdict without a reload', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      await page.evaluate(() => {
        (window as unknown as { __loaded: boolean }).__loaded = true;
      });
      await selectTab(page, 'system');
      await page.locator('#demo-system-heading').scrollIntoViewIfNeeded();
      await page.getByRole('button', { name: 'Sluta använda demokort' }).click();
      await expect.poll(() => page.locator('#demo-card').count()).toBe(1);
      await page.locator('#demo-card').selectOption('auth-pin-blocked');
      await page.getByRole('button', { name: 'Använd demokortet' }).click();
      await selectTab(page, 'overview');
      await expect.poll(() => scenario.service.getState().demoCard).toBe('auth-pin-blocked');
      await expectVerdictShown(scenario);
      expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('blocked');
      // Same document: the page was updated, not reloaded.
      expect(await page.evaluate(() => (window as unknown as { __loaded?: boolean }).__loaded)).toBe(true);
    } finally {
      await scenario.close();
    }
  });
});
