/**
 * One run through the real PC/SC stack: pcscd with the vpcd driver, the service's PC/SC reader
 * monitor, the real API handlers and the renderer in Chromium. A virtual card is put into
 * "Virtual PCD 00 00" over vpcd's socket; the UI must reach "klart för inloggning"; the card is
 * taken out; the UI must say so. Holds the machine-wide pcscd lock while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPcscReaderMonitor } from '../../native/pcsc/index.js';
import { createVirtualCard } from '../../native/simulator/cards.js';
import { VpcdCardSocket, VPCD_DEFAULT_PORT } from '../../native/simulator/vpcd-client.js';
import { skipBrowserTests } from './harness/browser.js';
import { expectVerdictShown, openScenario, realService, startEnvironment, type E2eEnvironment } from './harness/environment.js';
import { holdPcscdLock, skipPcscdTests, type HeldLock } from './harness/pcscd.js';

const readerName = 'Virtual PCD 00 00';
const skip = skipBrowserTests() || skipPcscdTests();

describe.skipIf(skip)('a card inserted into and removed from a real reader (pcscd + vpcd)', () => {
  let env: E2eEnvironment;
  let lock: HeldLock;
  beforeAll(async () => {
    lock = await holdPcscdLock();
    env = await startEnvironment();
  }, 150_000);
  afterAll(async () => {
    await env?.close();
    await lock?.release();
  });

  it('reaches "klart för inloggning" on insertion and says the card was removed', async () => {
    const service = realService({ demoCard: null, monitorFactory: () => createPcscReaderMonitor() });
    const card = new VpcdCardSocket(await createVirtualCard('netid-legacy'), { port: VPCD_DEFAULT_PORT });
    const scenario = await openScenario(env, { service });
    try {
      const { page } = scenario.app;
      await expect.poll(() => service.getState().readers.map((reader) => reader.name), { timeout: 20_000 }).toContain(readerName);
      await expect.poll(() => service.getState().phase, { timeout: 20_000 }).toBe('no-card');
      await expect.poll(() => page.getByTestId('verdict').getAttribute('data-status'), { timeout: 20_000 }).toBe('no-card');
      await expect.poll(() => page.locator('.app-header__source').textContent()).not.toContain('Demokort');

      await card.insert();
      await expect.poll(() => page.getByTestId('verdict').getAttribute('data-status'), { timeout: 45_000 }).toBe('ready');
      await expectVerdictShown(scenario);
      expect(await page.locator('#verdict-headline').textContent()).toContain('klart för inloggning');
      expect(service.getState().report?.card?.reader).toBe(readerName);
      await expect.poll(() => page.getByTestId('announcer').textContent()).toContain('klart för inloggning');

      await card.remove();
      await expect.poll(() => page.getByTestId('last-event').getAttribute('data-kind'), { timeout: 30_000 }).toBe('card-removed');
      expect(await page.getByTestId('last-event').textContent()).toContain('Kortet togs ut ur läsaren');
      await expect.poll(() => page.getByTestId('verdict').getAttribute('data-status'), { timeout: 30_000 }).toBe('no-card');
      await expect.poll(() => page.getByTestId('announcer').textContent()).toContain('Kortet togs ut ur läsaren');
      expect(await scenario.app.cspViolations()).toEqual([]);
    } finally {
      await card.remove().catch(() => undefined);
      await scenario.close();
    }
  }, 120_000);
});
