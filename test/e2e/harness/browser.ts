/**
 * Debian's Chromium through playwright-core. Missing Chromium skips the browser tests loudly on a
 * developer machine and fails them in CI (`CI=true`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.KORTKOLL_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumUnavailableReason(): string | null {
  return existsSync(chromiumPath) ? null : `Chromium not found at ${chromiumPath} (install Debian's chromium package or set KORTKOLL_CHROMIUM)`;
}

/** True when the suite must skip; throws in CI so that a missing browser fails the build. */
export function skipBrowserTests(): boolean {
  const reason = chromiumUnavailableReason();
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n*** SKIPPING browser tests: ${reason} ***\n`);
  return true;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}
