/**
 * Opens the renderer in a browser page wired to a real KortkollService through the real API
 * handlers (electron/app-api.ts): `page.exposeBinding` stands in for ipcMain.handle, and the same
 * sender check applies (only our page's main frame may call). Navigation away from the app and new
 * windows are handled as the shell does: the address goes through the allowlist, is "opened"
 * (recorded) when allowed, and the page never leaves.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAppApiHandlers, forbiddenCall, invokeAppApi, openAllowed, type AppApiDeps } from '../../../electron/app-api.js';
import type { AppState, IpcEnvelope } from '../../../electron/ipc-contract.js';
import type { KortkollService } from '../../../electron/service-types.js';
import { repoRoot } from './build.js';

let bridgeSource: Promise<string> | null = null;

/** electron/preload-api.ts + the binding glue, as one script for `addInitScript`. */
function pageBridgeScript(): Promise<string> {
  bridgeSource ??= build({
    entryPoints: [path.join(repoRoot, 'test', 'e2e', 'harness', 'page-bridge.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'error',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bridgeSource;
}

export interface AppPageOptions {
  service: KortkollService;
  origin: string;
  viewport?: { width: number; height: number };
  /** Where "Spara rapport" writes (the save dialog's answer). */
  saveDir: string;
  /** Let the page use navigator.clipboard (granted in Electron to our own page only). */
  clipboard?: boolean;
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** Addresses the app asked to open in the user's browser and the allowlist let through. */
  opened: string[];
  /** Addresses the page tried to reach outside its origin (all blocked). */
  blocked: string[];
  saved: { name: string; path: string; content: string }[];
  /** Calls refused by the sender check. */
  refusedCalls: number;
  /**
   * Every call's channel and what went back to the page (as the wire carries it): what a main-process
   * IPC log would hold. The arguments are left out on purpose, as the shell never logs them.
   */
  ipcTrace: { channel: string; response: string }[];
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openAppPage(browser: Browser, options: AppPageOptions): Promise<AppPage> {
  const { service, origin } = options;
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 800 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();

  const result: AppPage = {
    page,
    context,
    opened: [],
    blocked: [],
    saved: [],
    refusedCalls: 0,
    ipcTrace: [],
    cspViolations: () => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []),
    close: async () => {
      unsubscribe();
      for (const waiter of waiters.splice(0)) waiter.resolve(current);
      await context.close();
    },
  };

  const deps: AppApiDeps = {
    openExternal: async (url) => {
      result.opened.push(url);
    },
    saveFile: async (name, content) => {
      mkdirSync(options.saveDir, { recursive: true });
      const file = path.join(options.saveDir, name);
      writeFileSync(file, content, 'utf8');
      result.saved.push({ name, path: file, content });
      return file;
    },
  };
  const handlers = createAppApiHandlers(service, deps);

  // State pushes: the page long-polls for the first snapshot newer than the one it has.
  let current: AppState = service.getState();
  const waiters: { after: number; resolve: (state: AppState) => void }[] = [];
  const unsubscribe = service.subscribe((state) => {
    current = state;
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i];
      if (waiter && state.seq > waiter.after) {
        waiters.splice(i, 1);
        waiter.resolve(state);
      }
    }
  });

  const trusted = (frame: { url(): string }) => frame === page.mainFrame() && new URL(frame.url()).origin === origin;

  await page.exposeBinding('__kortkollInvoke', async (source, channel: unknown, args: unknown): Promise<IpcEnvelope<unknown>> => {
    if (!trusted(source.frame)) {
      result.refusedCalls++;
      return forbiddenCall();
    }
    const response = await invokeAppApi(handlers, channel, args);
    result.ipcTrace.push({ channel: String(channel), response: JSON.stringify(response) });
    return response;
  });
  // As ipcRenderer.on('state:changed'): a subscriber hears the snapshots that come after it
  // subscribed (`after` < 0), or after the one it already has; the first state comes from getState.
  await page.exposeBinding('__kortkollNextState', async (source, after: unknown): Promise<AppState> => {
    if (!trusted(source.frame)) throw new Error('forbidden');
    const now = service.getState();
    if (now.seq > current.seq) current = now;
    const seq = typeof after === 'number' && after >= 0 ? after : current.seq;
    if (current.seq > seq) return current;
    return new Promise<AppState>((resolve) => waiters.push({ after: seq, resolve }));
  });
  await page.addInitScript({ content: await pageBridgeScript() });

  // The shell's will-navigate / setWindowOpenHandler: nothing outside the app loads; an allowed
  // address is handed to the browser (recorded here).
  const ours = (url: URL) => url.origin === origin;
  await context.route(
    (url) => !ours(url),
    async (route) => {
      const request = route.request();
      const url = request.url();
      result.blocked.push(url);
      if (!request.isNavigationRequest()) return route.abort('blockedbyclient');
      // A refused address is simply not opened (as the shell's openExternalIfAllowed).
      await openAllowed(url, service.loginUrl, deps).catch(() => undefined);
      // "204 No Content" ends a navigation without leaving the page: as will-navigate's preventDefault.
      return route.fulfill({ status: 204, body: '' });
    },
  );
  context.on('page', (popup) => {
    if (popup !== page) void popup.close().catch(() => undefined);
  });

  return result;
}
