/**
 * The PIN dialogs ("Testa PIN-koden", "Byt PIN-kod", "Lås upp med PUK") in Chromium against the real
 * service and the virtual cards, by keyboard only: they open from the overview's PIN rows (and the
 * verdict of a blocked PIN), show the counter before anything is typed, keep Tab inside, submit on
 * Enter, close on Escape with focus back on the button, announce the result in a live region, and
 * have no axe violation in Swedish or English. After a session of operations, no PIN or PUK used is
 * anywhere: DOM, field values, the page's state, the service's state, the rendered reports, the IPC
 * trace, the page's console or the test process's console. Also writes the dialogs' screenshots.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './harness/axe.js';
import { skipBrowserTests } from './harness/browser.js';
import { repoRoot } from './harness/build.js';
import { expectVerdictShown, openScenario, startEnvironment, type E2eEnvironment } from './harness/environment.js';
import { VIRTUAL_CARD_PINS } from '../../native/simulator/cards.js';
import type { KortkollApi } from '../../electron/ipc-contract.js';

const skip = skipBrowserTests();
const netid = VIRTUAL_CARD_PINS.netid;

const words = {
  sv: {
    test: 'Testa PIN-koden',
    change: 'Byt PIN-kod',
    unblock: 'Lås upp med PUK',
    close: 'Stäng',
    wrong: 'Fel PIN-kod. 2 försök kvar.',
    right: 'Rätt PIN-kod.',
    changed: 'PIN-koden är bytt.',
    unblocked: 'PIN-koden är upplåst',
    counter: 'PIN-koden har 3 av 3 försök kvar.',
    pinDigits: 'PIN-koden ska vara 6 siffror.',
    confirmBox: 'Jag förstår',
    trivial: 'lätt att gissa',
    blocked: 'PIN-koden är spärrad',
    lastTry: 'Ett fel till spärrar PIN-koden',
  },
  en: {
    test: 'Test the PIN',
    change: 'Change PIN',
    unblock: 'Unblock with PUK',
    close: 'Close',
    wrong: 'Wrong PIN. 2 tries left.',
    right: 'The PIN is right.',
    changed: 'The PIN has been changed.',
    unblocked: 'The PIN is unblocked',
    counter: 'The PIN has 3 of 3 tries left.',
    pinDigits: 'The PIN must be 6 digits.',
    confirmBox: 'I understand',
    trivial: 'easy to guess',
    blocked: 'The PIN is blocked',
    lastTry: 'One more wrong PIN blocks it',
  },
} as const;

const screenshotDirs = [
  path.join(repoRoot, 'test-results', 'screenshots'),
  ...(process.env.KORTKOLL_UPDATE_SCREENSHOTS === '1' ? [path.join(repoRoot, 'docs', 'screenshots')] : []),
];

async function screenshot(page: Page, name: string): Promise<void> {
  for (const dir of screenshotDirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), animations: 'disabled', caret: 'hide' });
  }
}

/** The focused element, briefly. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      text: (element.textContent ?? '').trim(),
      action: element.dataset.pinAction ?? element.dataset.action ?? null,
      inDialog: element.closest('dialog') !== null,
    };
  });
}

/** Focuses the overview button for this operation on this PIN (row or verdict) and opens the dialog with Enter. */
async function openByKeyboard(page: Page, kind: 'test' | 'change' | 'unblock', pin: 'authentication' | 'signature', place: 'row' | 'verdict' = 'row') {
  const button = page.locator(`button[data-pin-action="${kind}"][data-pin="${pin}"][data-place="${place}"]`);
  await expect.poll(() => button.count()).toBe(1);
  await button.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('pin-dialog');
  await expect.poll(() => dialog.isVisible()).toBe(true);
  expect(await dialog.getAttribute('data-kind')).toBe(kind);
  return { button, dialog };
}

async function resultText(page: Page): Promise<string> {
  return ((await page.getByTestId('pin-dialog-result').textContent()) ?? '').trim();
}

/** The values of the page's PIN fields. */
async function fieldValues(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('input[type="password"]'), (input) => (input as HTMLInputElement).value));
}

const hex = (text: string) => Buffer.from(text, 'ascii').toString('hex');
/** The virtual cards' number contains the virtual PUK's digits: card data, taken out before looking. */
const cardNumbers = /9752269000012345678F?/g;

function leaksIn(where: string, raw: string, secrets: readonly string[]): string[] {
  const text = raw.replace(cardNumbers, '<card number>');
  const compact = text.replace(/[\s:]+/g, '').toLowerCase();
  return secrets.flatMap((secret) => [
    ...(text.includes(secret) ? [`${where}: ${secret}`] : []),
    ...(compact.includes(hex(secret)) ? [`${where}: hex of ${secret}`] : []),
  ]);
}

describe.skipIf(skip)('PIN dialogs in the app (keyboard only, axe, live region)', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  it.each(['sv', 'en'] as const)(
    'Testa PIN-koden (%s): counter first, Tab stays inside, Enter submits, result announced, Escape closes with focus back',
    async (lang) => {
      const w = words[lang];
      const scenario = await openScenario(env, { demoCard: 'netid-legacy', lang });
      try {
        const { page } = scenario.app;
        await expectVerdictShown(scenario);
        expect(await page.getByTestId('pin-rows').isVisible()).toBe(true);
        expect(await page.getByRole('button', { name: w.test }).count()).toBe(2);
        expect(await page.getByRole('button', { name: w.change }).count()).toBe(2);
        // Nothing is blocked or at its last try: no unblock button.
        expect(await page.getByRole('button', { name: w.unblock }).count()).toBe(0);

        const { dialog } = await openByKeyboard(page, 'test', 'authentication');
        expect(await page.getByTestId('pin-dialog-counter').textContent()).toBe(w.counter);
        expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open && element.matches(':modal'))).toBe(true);
        // The field: labelled, password, numeric, no autocomplete; focused first.
        expect(await focused(page)).toMatchObject({ tag: 'input', id: 'pin-field-pin', inDialog: true });
        const field = page.locator('#pin-field-pin');
        expect(await field.getAttribute('type')).toBe('password');
        expect(await field.getAttribute('inputmode')).toBe('numeric');
        expect(await field.getAttribute('autocomplete')).toBe('off');
        expect(await page.locator('label[for="pin-field-pin"]').count()).toBe(1);
        expect(await page.getByTestId('pin-dialog-result').getAttribute('aria-live')).toBe('polite');

        // Tab order: field → submit → close → back to the field; Shift+Tab wraps the other way.
        await page.keyboard.press('Tab');
        expect(await focused(page)).toMatchObject({ tag: 'button', inDialog: true, text: lang === 'sv' ? 'Testa' : 'Test' });
        await page.keyboard.press('Tab');
        expect(await focused(page)).toMatchObject({ action: 'close', inDialog: true });
        await page.keyboard.press('Tab');
        expect(await focused(page)).toMatchObject({ id: 'pin-field-pin' });
        await page.keyboard.press('Shift+Tab');
        expect(await focused(page)).toMatchObject({ action: 'close' });
        await page.keyboard.press('Tab');

        // A wrong PIN: one try fewer, announced; the field is empty again.
        await page.keyboard.type('000000');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toBe(w.wrong);
        expect(await fieldValues(page)).toEqual(['']);
        expect(scenario.service.getState().pinOperations?.pins[0]?.triesLeft).toBe(2);
        expect(await page.getByTestId('pin-tries-authentication').textContent()).toContain('2');
        // The right PIN: the counter is whole again.
        await expect.poll(async () => (await focused(page))?.id).toBe('pin-field-pin');
        await page.keyboard.type(netid.authentication.value);
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain(w.right);
        expect(scenario.service.getState().pinOperations?.pins[0]?.triesLeft).toBe(3);

        expect(await axeViolations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.count()).toBe(0);
        await expect.poll(() => focused(page)).toMatchObject({ action: 'test', inDialog: false });
        expect(await page.evaluate(() => document.activeElement?.getAttribute('data-pin'))).toBe('authentication');
        expect(await scenario.app.cspViolations()).toEqual([]);
      } finally {
        await scenario.close();
      }
    },
  );

  it.each(['sv', 'en'] as const)(
    'Byt PIN-kod (%s): the rules are checked before calling, trivial PINs warned about, the change done by keyboard',
    async (lang) => {
      const w = words[lang];
      const scenario = await openScenario(env, { demoCard: 'netid-legacy', lang });
      try {
        const { page } = scenario.app;
        await expectVerdictShown(scenario);
        const { dialog } = await openByKeyboard(page, 'change', 'signature');
        const order: string[] = [];
        for (let i = 0; i < 5; i++) {
          order.push((await focused(page))?.id || (await focused(page))?.action || (await focused(page))?.text || '?');
          await page.keyboard.press('Tab');
        }
        expect(order).toEqual(['pin-field-current', 'pin-field-next', 'pin-field-confirmation', lang === 'sv' ? 'Byt PIN-kod' : 'Change PIN', 'close']);
        expect(await focused(page)).toMatchObject({ id: 'pin-field-current' });

        // Five digits: refused in the dialog; nothing reached the card.
        const callsBefore = scenario.app.ipcTrace.filter((entry) => entry.channel === 'pin:operate').length;
        await page.keyboard.type('65432');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByRole('alert').textContent()).toBe(w.pinDigits);
        expect(await page.locator('#pin-field-current').getAttribute('aria-invalid')).toBe('true');
        expect(scenario.app.ipcTrace.filter((entry) => entry.channel === 'pin:operate').length).toBe(callsBefore);

        // A trivial new PIN gets a warning as it is typed.
        await page.locator('#pin-field-current').fill('');
        await page.keyboard.type(netid.signature.value);
        await page.keyboard.press('Tab');
        await page.keyboard.type('111111');
        await expect.poll(() => page.locator('#pin-trivial-warning').textContent()).toContain(w.trivial);
        await page.locator('#pin-field-next').fill('');
        await page.keyboard.type('918273');
        await expect.poll(() => page.locator('#pin-trivial-warning').count()).toBe(0);
        await page.keyboard.press('Tab');
        await page.keyboard.type('918273');
        await screenshot(page, `pin-change-${lang}`);
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain(w.changed);
        expect(await fieldValues(page)).toEqual(['', '', '']);
        expect(await axeViolations(page)).toEqual([]);
        // Done: focus on Stäng; Enter closes, focus goes back to the button.
        await expect.poll(() => focused(page)).toMatchObject({ action: 'close' });
        await page.keyboard.press('Enter');
        await expect.poll(() => dialog.count()).toBe(0);
        await expect.poll(() => focused(page)).toMatchObject({ action: 'change', inDialog: false });

        // The new PIN works, the old one does not.
        expect((await scenario.service.pinOperation({ kind: 'test', pin: 'signature', values: { pin: '918273' }, confirmedLastTry: false })).outcome.kind).toBe(
          'done',
        );
      } finally {
        await scenario.close();
      }
    },
  );

  it.each(['sv', 'en'] as const)(
    'Lås upp med PUK (%s) from the verdict of auth-pin-blocked: PUK counter unknown needs the box ticked; the verdict turns ready',
    async (lang) => {
      const w = words[lang];
      const scenario = await openScenario(env, { demoCard: 'auth-pin-blocked', lang });
      try {
        const { page } = scenario.app;
        await expectVerdictShown(scenario);
        expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('blocked');
        // The blocked PIN: no test or change, unblock in its row and under the verdict.
        expect(await page.locator('button[data-pin="authentication"][data-pin-action="test"]').count()).toBe(0);
        expect(await page.locator('button[data-pin="authentication"][data-pin-action="unblock"]').count()).toBe(2);
        const { dialog } = await openByKeyboard(page, 'unblock', 'authentication', 'verdict');
        expect(await page.getByTestId('pin-dialog-counter').textContent()).toContain(w.blocked);
        expect(await page.getByTestId('pin-dialog-puk-counter').textContent()).toBeTruthy();
        expect(await focused(page)).toMatchObject({ id: 'pin-field-puk' });
        await page.keyboard.type(netid.puk.value);
        await page.keyboard.press('Tab');
        await page.keyboard.type('246813');
        await page.keyboard.press('Tab');
        await page.keyboard.type('246813');
        await page.keyboard.press('Tab');
        expect(await focused(page)).toMatchObject({ tag: 'input' });
        expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('checkbox');
        await screenshot(page, `pin-unblock-${lang}`);
        // Without the box: refused in the dialog.
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByRole('alert').count()).toBe(1);
        await expect.poll(() => focused(page)).toMatchObject({ tag: 'input' });
        expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe('checkbox');
        await page.keyboard.press('Space');
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain(w.unblocked);
        expect(await fieldValues(page)).toEqual(['', '', '']);
        expect(await axeViolations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        await expect.poll(() => dialog.count()).toBe(0);
        await expectVerdictShown(scenario);
        expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('ready');
        expect(await page.getByTestId('pin-tries-authentication').textContent()).toBe(lang === 'sv' ? '3 av 3' : '3 of 3');
        // The unblock buttons are gone with the block: focus lands on the PIN rows' heading.
        await expect.poll(() => focused(page)).toMatchObject({ id: 'pin-ops-heading' });
        expect(scenario.service.getState().guide.steps.some((step) => step.status === 'blocked')).toBe(false);
      } finally {
        await scenario.close();
      }
    },
  );

  it.each(['sv', 'en'] as const)('screenshot of Testa PIN-koden at one try left (%s): the second confirmation names the consequence', async (lang) => {
    const w = words[lang];
    const scenario = await openScenario(env, { demoCard: 'auth-pin-one-try', lang });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      await openByKeyboard(page, 'test', 'authentication', 'verdict');
      expect(await page.getByTestId('pin-dialog').textContent()).toContain(w.lastTry);
      expect(await page.getByLabel(new RegExp(w.confirmBox)).count()).toBe(1);
      await page.keyboard.type('123');
      await screenshot(page, `pin-test-${lang}`);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('pin-dialog').count()).toBe(0);
      // Nothing was sent: the last try is still there.
      expect(scenario.service.getState().pinOperations?.pins[0]?.triesLeft).toBe(1);
      await expect.poll(() => focused(page)).toMatchObject({ action: 'test' });
    } finally {
      await scenario.close();
    }
  });

  it('IDPrime card with a blocked PIN: no unblock button, the plain-words advice instead; unknown structure: no PIN buttons at all', async () => {
    const scenario = await openScenario(env, { demoCard: 'idprime-auth-pin-blocked' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      expect(await page.getByRole('button', { name: 'Lås upp med PUK' }).count()).toBe(0);
      expect(await page.getByTestId('pin-unblock-advice').textContent()).toContain('SITHS eID');
      expect(await page.getByTestId('pin-unblock-advice').textContent()).toContain('6XX');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await scenario.close();
    }
    for (const card of ['unknown-structure', 'bank-card']) {
      const other = await openScenario(env, { demoCard: card });
      try {
        await expectVerdictShown(other);
        expect(await other.app.page.getByTestId('pin-rows').count()).toBe(0);
        expect(await other.app.page.locator('button[data-pin-action]').count()).toBe(0);
      } finally {
        await other.close();
      }
    }
  });

  describe('no PIN leaks', () => {
    const consoleLines: string[] = [];
    beforeEach(() => {
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        const original = console[method].bind(console);
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          consoleLines.push(args.map(String).join(' '));
          original(...args);
        });
      }
    });
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('after a session of operations, no PIN or PUK used is in the DOM, the fields, the states, the reports, the IPC trace or any console', async () => {
      const used = [netid.puk.value, netid.authentication.value, netid.signature.value, '246813', '000000', '135799', '98765432'];
      const scenario = await openScenario(env, { demoCard: 'auth-pin-blocked' });
      const pageConsole: string[] = [];
      try {
        const { page } = scenario.app;
        page.on('console', (message) => pageConsole.push(message.text()));
        page.on('pageerror', (error) => pageConsole.push(String(error)));
        await expectVerdictShown(scenario);
        const type = async (...values: string[]) => {
          for (const [index, value] of values.entries()) {
            if (index > 0) await page.keyboard.press('Tab');
            await page.keyboard.type(value);
          }
        };
        // A wrong PUK, then the right one.
        await openByKeyboard(page, 'unblock', 'authentication');
        await type('98765432', '246813', '246813');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).not.toBe('');
        await expect.poll(() => focused(page)).toMatchObject({ id: 'pin-field-puk' });
        await type(netid.puk.value, '246813', '246813');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Space');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain('upplåst');
        await page.keyboard.press('Escape');
        // Test wrong and right, change, test the signature PIN.
        await openByKeyboard(page, 'test', 'authentication');
        await type('000000');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain('Fel');
        await type('246813');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain('Rätt');
        await page.keyboard.press('Escape');
        await openByKeyboard(page, 'change', 'authentication');
        await type('246813', '135799', '135799');
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain('bytt');
        await page.keyboard.press('Escape');
        await openByKeyboard(page, 'test', 'signature');
        await type(netid.signature.value);
        await page.keyboard.press('Enter');
        await expect.poll(() => resultText(page)).toContain('Rätt');
        // Leave one dialog open with typed digits, then close it: closing clears them.
        await page.keyboard.press('Escape');
        await openByKeyboard(page, 'test', 'signature');
        await type(netid.signature.value);
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByTestId('pin-dialog').count()).toBe(0);
        expect(scenario.app.ipcTrace.filter((entry) => entry.channel === 'pin:operate').length).toBe(6);

        const found: string[] = [];
        found.push(...leaksIn('DOM', await page.evaluate(() => document.documentElement.outerHTML), used));
        found.push(...leaksIn('fields', JSON.stringify(await fieldValues(page)), used));
        // What the page holds: its own state from the API, and every global it has.
        found.push(
          ...leaksIn(
            'page state',
            await page.evaluate(async () => JSON.stringify(await (window as unknown as { kortkoll: KortkollApi }).kortkoll.getState())),
            used,
          ),
        );
        found.push(
          ...leaksIn(
            'window',
            await page.evaluate(() =>
              Object.getOwnPropertyNames(window)
                .map((name) => {
                  try {
                    const value = (window as unknown as Record<string, unknown>)[name];
                    return typeof value === 'string' || typeof value === 'number'
                      ? `${name}=${value}`
                      : typeof value === 'object' && value !== null && !(value instanceof Node)
                        ? `${name}=${JSON.stringify(value)?.slice(0, 100_000) ?? ''}`
                        : '';
                  } catch {
                    return '';
                  }
                })
                .join('\n'),
            ),
            used,
          ),
        );
        found.push(...leaksIn('service state', JSON.stringify(scenario.service.getState()), used));
        for (const format of ['text', 'json', 'html'] as const) {
          for (const redact of [false, true]) {
            const rendered = await page.evaluate(
              async (options) => JSON.stringify(await (window as unknown as { kortkoll: KortkollApi }).kortkoll.renderReport(options)),
              { format, redact },
            );
            found.push(...leaksIn(`report ${format}${redact ? ' redacted' : ''}`, rendered, used));
          }
        }
        const cardReport = await page.evaluate(async () =>
          JSON.stringify(await (window as unknown as { kortkoll: KortkollApi }).kortkoll.reportCard({ save: null })),
        );
        found.push(...leaksIn('card report', cardReport, used));
        found.push(...leaksIn('IPC trace', JSON.stringify(scenario.app.ipcTrace), used));
        found.push(...leaksIn('page console', pageConsole.join('\n'), used));
        found.push(...leaksIn('test process console', consoleLines.join('\n'), used));
        expect(found).toEqual([]);
        // The session did change the card: the new authentication PIN is in force.
        expect(scenario.service.getState().pinOperations?.pins[0]).toMatchObject({ pin: 'authentication', triesLeft: 3, blocked: false });
      } finally {
        await scenario.close();
      }
    });
  });
});
