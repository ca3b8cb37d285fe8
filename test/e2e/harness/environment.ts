/**
 * One browser and one renderer server per test file, and a page per scenario wired to a REAL
 * KortkollService (in-process virtual cards, or real readers through pcscd).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { createKortkollService, type KortkollServiceOptions } from '../../../electron/service.js';
import type { KortkollService } from '../../../electron/service-types.js';
import type { Lang } from '../../../electron/i18n/index.js';
import { collectSystemFacts } from '../../../native/system/index.js';
import { openAppPage, type AppPage } from './app-page.js';
import { launchChromium } from './browser.js';
import { ensureRendererBuilt } from './build.js';
import { startRendererServer, type RendererServer } from './server.js';

export interface E2eEnvironment {
  browser: Browser;
  server: RendererServer;
  saveDir: string;
  close(): Promise<void>;
}

export async function startEnvironment(): Promise<E2eEnvironment> {
  const dist = await ensureRendererBuilt();
  const server = await startRendererServer(dist);
  const browser = await launchChromium();
  const saveDir = mkdtempSync(path.join(tmpdir(), 'kortkoll-e2e-'));
  return {
    browser,
    server,
    saveDir,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

export interface Scenario {
  service: KortkollService;
  app: AppPage;
  close(): Promise<void>;
}

/** The real service, as the desktop app builds it, with a demo card or with the given readers. */
export function realService(options: KortkollServiceOptions): KortkollService {
  return createKortkollService({ appVersion: '0.1.0', collectSystemFacts: async () => (await collectSystemFacts()).facts, ...options });
}

export async function openScenario(
  env: E2eEnvironment,
  options: {
    demoCard?: string | null;
    lang?: Lang;
    service?: KortkollService;
    clipboard?: boolean;
    viewport?: { width: number; height: number };
    /** Where "Spara" writes (default: the environment's folder); a path that cannot be a folder makes saving fail. */
    saveDir?: string;
  },
): Promise<Scenario> {
  const service = options.service ?? realService({ demoCard: options.demoCard ?? null, ...(options.lang ? { lang: options.lang } : {}) });
  await service.start();
  const app = await openAppPage(env.browser, {
    service,
    origin: env.server.origin,
    saveDir: options.saveDir ?? env.saveDir,
    ...(options.clipboard ? { clipboard: true } : {}),
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
  await app.page.goto(`${env.server.origin}/`);
  return {
    service,
    app,
    close: async () => {
      await app.close();
      await service.close();
    },
  };
}

/** Waits until the page shows the verdict the service has now (status and headline). */
export async function expectVerdictShown(scenario: Scenario): Promise<void> {
  const { page } = scenario.app;
  await expect
    .poll(
      async () => {
        const state = scenario.service.getState();
        const verdict = page.getByTestId('verdict');
        if ((await verdict.count()) === 0 || !state.report) return 'no verdict yet';
        const status = await verdict.getAttribute('data-status');
        const headline = (await page.locator('#verdict-headline').textContent())?.trim();
        return status === state.report.verdict.status && headline === state.report.verdict.headline ? 'shown' : `${status} ${headline}`;
      },
      { timeout: 15_000 },
    )
    .toBe('shown');
}

export async function selectTab(page: AppPage['page'], tab: 'overview' | 'login' | 'certificates' | 'system' | 'report' | 'help'): Promise<void> {
  await page.locator(`#tab-${tab}`).click();
  await expect.poll(() => page.locator(`#panel-${tab}`).isVisible()).toBe(true);
}
