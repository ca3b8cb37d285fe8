/**
 * WCAG 2.1 AA in Chromium: zero axe-core violations (tags wcag2a, wcag2aa, wcag21a, wcag21aa) on every
 * view, in Swedish and English, for a ready card, a blocked card, an unreadable card and no reader;
 * everything reachable by keyboard with a visible focus; card events announced in a live region.
 * Also writes the screenshots of each view (test-results/screenshots; with
 * KORTKOLL_UPDATE_SCREENSHOTS=1 also docs/screenshots, which the README shows).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './harness/axe.js';
import { skipBrowserTests } from './harness/browser.js';
import { repoRoot } from './harness/build.js';
import { expectVerdictShown, openScenario, selectTab, startEnvironment, type E2eEnvironment, type Scenario } from './harness/environment.js';

const views = ['overview', 'login', 'certificates', 'system', 'report', 'help'] as const;
const langs = ['sv', 'en'] as const;
const skip = skipBrowserTests();

const screenshotDirs = [
  path.join(repoRoot, 'test-results', 'screenshots'),
  ...(process.env.KORTKOLL_UPDATE_SCREENSHOTS === '1' ? [path.join(repoRoot, 'docs', 'screenshots')] : []),
];

async function screenshot(page: Page, name: string): Promise<void> {
  for (const dir of screenshotDirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  }
}

async function switchLanguage(scenario: Scenario, lang: 'sv' | 'en'): Promise<void> {
  const { page } = scenario.app;
  if ((await page.evaluate(() => document.documentElement.lang)) === lang) return;
  await page.getByRole('button', { name: lang === 'en' ? 'In English' : 'På svenska' }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

/** Opens every <details> so that what is folded away is checked too. */
async function unfold(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.querySelectorAll('details').forEach((details) => {
      details.open = true;
    });
  });
}

describe.skipIf(skip)('accessibility (axe-core, keyboard, live region) and screenshots', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  const states: { name: string; demoCard: string | null }[] = [
    { name: 'ready card (netid-legacy)', demoCard: 'netid-legacy' },
    { name: 'blocked PIN (auth-pin-blocked)', demoCard: 'auth-pin-blocked' },
    { name: 'not a SITHS card (bank-card)', demoCard: 'bank-card' },
    { name: 'unknown card structure (unknown-structure)', demoCard: 'unknown-structure' },
    { name: 'no card reader', demoCard: null },
  ];

  it.each(states)('$name: no WCAG 2.1 A/AA violation on any view, in Swedish or English', async ({ demoCard }) => {
    const scenario = await openScenario(env, { demoCard });
    try {
      const { page } = scenario.app;
      await expect.poll(() => page.getByTestId('verdict').count()).toBe(1);
      const found: string[] = [];
      for (const lang of langs) {
        await switchLanguage(scenario, lang);
        for (const view of views) {
          await selectTab(page, view);
          await unfold(page);
          for (const violation of await axeViolations(page))
            found.push(`${lang}/${view}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes.slice(0, 3).join(' | ')}`);
        }
      }
      expect(found).toEqual([]);
      expect(await scenario.app.cspViolations()).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('takes a screenshot of each view in Swedish and English', async () => {
    const scenario = await openScenario(env, { demoCard: 'netid-legacy' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      for (const lang of langs) {
        await switchLanguage(scenario, lang);
        for (const view of views) {
          await selectTab(page, view);
          await page.locator('#tab-overview').focus();
          await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
          await screenshot(page, `${view}-${lang}`);
        }
      }
    } finally {
      await scenario.close();
    }
    for (const [card, name] of [
      ['auth-pin-blocked', 'overview-blocked'],
      [null, 'overview-no-reader'],
      ['siths-eid-idprime', 'overview-idprime'],
      ['unknown-structure', 'overview-unknown-structure'],
    ] as const) {
      const other = await openScenario(env, { demoCard: card });
      try {
        await expect.poll(() => other.app.page.getByTestId('verdict').count()).toBe(1);
        for (const lang of langs) {
          await switchLanguage(other, lang);
          await screenshot(other.app.page, `${name}-${lang}`);
          if (card === 'unknown-structure') {
            // The same overview with the card report asked for ("Rapportera kortet").
            await other.app.page.getByTestId('card-report-button').click();
            await expect.poll(() => other.app.page.getByTestId('card-report-text').count()).toBe(1);
            await other.app.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
            await screenshot(other.app.page, `overview-card-report-${lang}`);
          }
        }
      } finally {
        await other.close();
      }
    }
  });

  it('is usable by keyboard alone: skip link, tabs with arrow keys, visible focus everywhere', async () => {
    const scenario = await openScenario(env, { demoCard: 'netid-legacy' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement as HTMLElement | null;
          if (!element || element === document.body) return null;
          const style = getComputedStyle(element);
          const box = element.getBoundingClientRect();
          return {
            id: element.id,
            role: element.getAttribute('role'),
            text: (element.textContent ?? '').trim().slice(0, 40),
            tag: element.tagName.toLowerCase(),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
          };
        });

      // First Tab: the skip link, shown when focused; Enter moves focus to the main content.
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ tag: 'a', text: 'Hoppa till innehållet', outline: true, onScreen: true });
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ tag: 'button', text: 'In English', outline: true });
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ id: 'tab-overview', role: 'tab', outline: true });

      // Arrow keys move between tabs and select them (automatic activation), wrapping around.
      const selected = () => page.locator('[role="tab"][aria-selected="true"]').getAttribute('id');
      await page.keyboard.press('ArrowRight');
      expect(await focused()).toMatchObject({ id: 'tab-login', outline: true });
      expect(await selected()).toBe('tab-login');
      expect(await page.locator('#panel-login').isVisible()).toBe(true);
      expect(await page.locator('#panel-overview').isVisible()).toBe(false);
      await page.keyboard.press('End');
      expect(await selected()).toBe('tab-help');
      await page.keyboard.press('ArrowRight');
      expect(await selected()).toBe('tab-overview');
      await page.keyboard.press('ArrowLeft');
      expect(await selected()).toBe('tab-help');
      await page.keyboard.press('Home');
      expect(await selected()).toBe('tab-overview');
      // Only the selected tab is in the Tab order.
      expect(await page.locator('[role="tab"][tabindex="0"]').count()).toBe(1);

      // Tab leaves the tab list for the panel, then walks its controls, each with a visible focus.
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ id: 'panel-overview', role: 'tabpanel', outline: true });
      const seen: string[] = [];
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const now = await focused();
        if (!now) break;
        expect(now.outline, `focus visible on ${now.tag} "${now.text}"`).toBe(true);
        seen.push(`${now.tag}:${now.text}`);
        if (now.tag === 'button' && now.text === 'Kontrollera kortet igen') {
          const seq = scenario.service.getState().seq;
          await page.keyboard.press('Enter');
          await expect.poll(() => scenario.service.getState().seq).toBeGreaterThan(seq);
        }
      }
      expect(seen).toContain('button:Kontrollera kortet igen');
      expect(seen.some((entry) => entry.startsWith('summary:'))).toBe(true);

      // The skip link works.
      await page.locator('#tab-overview').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      expect(await focused()).toMatchObject({ tag: 'a', text: 'Hoppa till innehållet' });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await focused())?.id).toBe('main');
    } finally {
      await scenario.close();
    }
  });

  it('announces a card change in the live region', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      const announcer = page.getByTestId('announcer');
      expect(await announcer.getAttribute('aria-live')).toBe('polite');
      expect(await announcer.getAttribute('role')).toBe('status');
      await scenario.service.useDemoCard('auth-cert-expired');
      const headline = scenario.service.getState().report?.verdict.headline ?? '??';
      await expect.poll(() => announcer.textContent()).toContain(headline);
    } finally {
      await scenario.close();
    }
  });
});
