/**
 * What the shell promises the page, checked from inside Chromium: a frozen API whose arguments are
 * validated by the real handlers, a CSP that refuses injected inline script, links that leave only
 * through the allowlist, and the report copied and saved with personal data hidden by default.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBrowserTests } from './harness/browser.js';
import { expectVerdictShown, openScenario, selectTab, startEnvironment, type E2eEnvironment } from './harness/environment.js';

const skip = skipBrowserTests();

describe.skipIf(skip)('the shell as the page sees it (real service, Chromium)', () => {
  let env: E2eEnvironment;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('exposes a frozen API with exactly the contract methods', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      const shape = await page.evaluate(() => {
        const api = (window as unknown as { kortkoll: Record<string, unknown> }).kortkoll;
        let replaced = true;
        try {
          (api as { getState: unknown }).getState = () => 'hijacked';
        } catch {
          replaced = false;
        }
        return {
          frozen: Object.isFrozen(api),
          keys: Object.keys(api).sort(),
          replaced: replaced && api.getState !== undefined && String(api.getState).includes('hijacked'),
        };
      });
      expect(shape.frozen).toBe(true);
      expect(shape.replaced).toBe(false);
      expect(shape.keys).toEqual([
        'chooseReader',
        'getState',
        'listDemoCards',
        'onStateChanged',
        'openLoginPage',
        'operatePin',
        'renderReport',
        'reportCard',
        'runDiagnosis',
        'saveReport',
        'setLanguage',
        'useDemoCard',
      ]);
    } finally {
      await scenario.close();
    }
  });

  it('rejects bad arguments from the page with {code, message}, and the service never sees them', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      const before = scenario.service.getState();
      const errors = await page.evaluate(async () => {
        const api = (window as unknown as { kortkoll: Record<string, (...args: unknown[]) => Promise<unknown>> }).kortkoll;
        const attempts: [string, unknown[]][] = [
          ['setLanguage', ['de']],
          ['useDemoCard', ['../../etc/passwd']],
          ['chooseReader', [{ toString: () => 'x' }]],
          ['runDiagnosis', [{ online: 'yes' }]],
          ['renderReport', [{ format: 'exe', redact: false }]],
          ['saveReport', [{ format: 'html', redact: true, path: '/tmp/x' }]],
          ['getState', ['extra']],
        ];
        const results: unknown[] = [];
        for (const [method, args] of attempts) {
          try {
            await api[method]!(...args);
            results.push('resolved');
          } catch (error) {
            results.push(error);
          }
        }
        return results;
      });
      for (const error of errors) expect(error).toMatchObject({ code: 'bad-argument', message: expect.any(String) });
      const after = scenario.service.getState();
      expect(after.lang).toBe(before.lang);
      expect(after.demoCard).toBe('siths-eid-2024');
      expect(scenario.app.saved).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('runs no injected inline script (CSP), and the app itself causes no CSP violation', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      expect(await scenario.app.cspViolations()).toEqual([]);
      const ran = await page.evaluate(async () => {
        const win = window as unknown as { __injected?: boolean };
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.append(script);
        const frame = document.createElement('div');
        frame.innerHTML = '<img src="x" onerror="window.__injected = true">';
        document.body.append(frame);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return win.__injected === true;
      });
      expect(ran).toBe(false);
      const violations = await scenario.app.cspViolations();
      expect(violations.some((violation) => violation.startsWith('script-src'))).toBe(true);
    } finally {
      await scenario.close();
    }
  });

  it('opens the login page and test.siths.se through the allowlist, and nothing else', async () => {
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      await selectTab(page, 'login');
      await page.getByRole('button', { name: 'Öppna inloggningssidan' }).click();
      await expect.poll(() => scenario.app.opened).toEqual(['http://personal.minavardkontakter.se/']);
      await expect.poll(() => page.locator('.notice--ok').textContent()).toContain('Inloggningssidan öppnas');

      await selectTab(page, 'help');
      await page.getByRole('link', { name: /Testa kortet på test\.siths\.se/ }).click();
      await expect.poll(() => scenario.app.opened).toEqual(['http://personal.minavardkontakter.se/', 'https://test.siths.se/']);

      // A page that tries to leave for anywhere else stays where it is, and nothing is opened.
      await page.evaluate(() => {
        window.location.href = 'https://evil.example/phish';
      });
      await page.evaluate(() => window.open('http://personal.minavardkontakter.se.evil.com/'));
      await expect.poll(() => scenario.app.blocked.filter((url) => url.includes('evil')).length).toBe(2);
      expect(scenario.app.opened).toEqual(['http://personal.minavardkontakter.se/', 'https://test.siths.se/']);
      expect(page.url()).toBe(`${env.server.origin}/`);
      await selectTab(page, 'overview');
      await expectVerdictShown(scenario);
    } finally {
      await scenario.close();
    }
  });

  it('copies the report as text and saves HTML and JSON, with personal data hidden by default', async () => {
    const scenario = await openScenario(env, { demoCard: 'netid-legacy', clipboard: true });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      const hsaId = scenario.service.getState().report?.card?.hsaId ?? '';
      expect(hsaId).not.toBe('');
      await selectTab(page, 'report');
      expect(await page.getByTestId('redact').isChecked()).toBe(true);
      await expect.poll(() => page.getByTestId('report-preview').textContent()).toContain('Kortkoll');
      expect(await page.getByTestId('report-preview').textContent()).not.toContain(hsaId);

      await page.getByRole('button', { name: 'Kopiera som text' }).click();
      await expect.poll(() => page.getByTestId('report-status').textContent()).toContain('Rapporten är kopierad');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(scenario.service.renderReport({ format: 'text', redact: true }));
      expect(copied).not.toContain(hsaId);

      await page.getByRole('button', { name: 'Spara som HTML' }).click();
      await expect.poll(() => scenario.app.saved.length).toBe(1);
      const html = scenario.app.saved[0]!;
      expect(html.name).toMatch(/^kortkoll-rapport-\d{4}-\d{2}-\d{2}-\d{4}\.html$/);
      expect(readFileSync(html.path, 'utf8')).toMatch(/^<!doctype html>/i);
      expect(html.content).not.toContain(hsaId);
      await expect.poll(() => page.getByTestId('report-status').textContent()).toContain(html.path);

      // Redaction off: the JSON report carries the HSA-id, for IT support's own records.
      await page.getByTestId('redact').uncheck();
      await expect.poll(() => page.getByTestId('report-preview').textContent()).toContain(hsaId);
      await page.getByRole('button', { name: 'Spara som JSON' }).click();
      await expect.poll(() => scenario.app.saved.length).toBe(2);
      const json = JSON.parse(scenario.app.saved[1]!.content) as { card: { hsaId: string }; header: { redacted: boolean } };
      expect(json.header.redacted).toBe(false);
      expect(json.card.hsaId).toBe(hsaId);
    } finally {
      await scenario.close();
    }
  });

  it('a failed call is said in the UI’s own words and language, never with the main process’s English message', async () => {
    // Saving fails for real: the save folder would have to be made under a regular file.
    const scenario = await openScenario(env, { demoCard: 'siths-eid-2024', saveDir: '/dev/null/kortkoll' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      await selectTab(page, 'report');
      await page.getByRole('button', { name: 'Spara som HTML' }).click();
      await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('Filen kunde inte sparas. Välj en annan mapp.');
      // What crossed IPC: the code, and the fixed English message that the page does not show.
      const failure = scenario.app.ipcTrace.find((entry) => entry.channel === 'report:save');
      expect(JSON.parse(failure?.response ?? '{}')).toEqual({ ok: false, error: { code: 'save-failed', message: expect.any(String) } });
      await page.getByRole('button', { name: 'In English' }).click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
      await page.getByRole('button', { name: 'Save as HTML' }).click();
      await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('The file could not be saved. Choose another folder.');
    } finally {
      await scenario.close();
    }
  });

  it('switches language: the document, the UI and the service’s findings all change', async () => {
    const scenario = await openScenario(env, { demoCard: 'auth-pin-blocked' });
    try {
      const { page } = scenario.app;
      await expectVerdictShown(scenario);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
      const svHeadline = scenario.service.getState().report?.verdict.headline;
      await page.getByRole('button', { name: 'In English' }).click();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
      await expect.poll(() => scenario.service.getState().lang).toBe('en');
      await expectVerdictShown(scenario);
      expect(scenario.service.getState().report?.verdict.headline).not.toBe(svHeadline);
      await expect.poll(() => page.locator('#tab-overview').textContent()).toBe('Overview');
      expect(await page.getByRole('button', { name: 'På svenska' }).getAttribute('lang')).toBe('sv');
    } finally {
      await scenario.close();
    }
  });
});
