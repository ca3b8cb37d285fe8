/**
 * The Electron shell (electron/main.ts) against a mocked `electron` module: these tests drive the
 * real handlers main.ts registers — web preferences, the app:// protocol and its CSP, navigation,
 * window.open, webviews, permissions, the IPC sender check — and the single-instance lock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../../electron/ipc-contract.js';
import { invokeChannels } from '../../../electron/ipc-contract.js';
import { contentSecurityPolicy } from '../../../electron/window-security.js';
import type { FakeService } from './fake-service.js';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    emit(event: string, ...args: unknown[]) {
      return (this.listeners.get(event) ?? []).map((listener) => listener(...args));
    }
  }
  class FakeWebContents extends Emitter {
    readonly mainFrame = { url: 'app://kortkoll/index.html' };
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    readonly sent: [string, unknown][] = [];
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    getURL() {
      return this.mainFrame.url;
    }
  }
  const state = {
    lockGranted: true,
    windows: [] as FakeBrowserWindow[],
    ipcHandlers: new Map<string, Listener>(),
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    privileged: [] as unknown[],
    opened: [] as string[],
    menus: [] as unknown[],
    serviceOptions: [] as unknown[],
    services: [] as unknown[],
  };
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => state.lockGranted,
    quit: () => app.emit('quit-called'),
    exit: () => undefined,
    enableSandbox: () => app.emit('sandbox-enabled'),
    getPath: () => '/tmp',
    getVersion: () => '0.1.0',
  });
  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    focused = false;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return true;
    }
    restore() {}
    focus() {
      this.focused = true;
    }
  }
  const permissionHandlers: { request?: Listener; check?: Listener; device?: Listener; headers?: Listener } = {};
  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: { handle: (channel: string, handler: Listener) => state.ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => (permissionHandlers.request = handler),
        setPermissionCheckHandler: (handler: Listener) => (permissionHandlers.check = handler),
        setDevicePermissionHandler: (handler: Listener) => (permissionHandlers.device = handler),
        webRequest: { onHeadersReceived: (handler: Listener) => (permissionHandlers.headers = handler) },
      },
    },
    shell: { openExternal: async (url: string) => void state.opened.push(url) },
    // The PKCS#11 worker's process (electron/pkcs11-utility.ts; its own test drives it).
    utilityProcess: {
      fork: () => {
        throw new Error('not in this test');
      },
    },
    dialog: { showSaveDialog: async () => ({ canceled: true }), showMessageBox: async () => ({ response: 0 }) },
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: (menu: unknown) => state.menus.push(menu) },
  };
  return { state, electron, permissionHandlers, app };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));
vi.mock('../../../electron/service.js', async () => {
  const { createFakeService } = await import('./fake-service.js');
  return {
    createKortkollService: (options: unknown) => {
      fake.state.serviceOptions.push(options);
      const service = createFakeService();
      fake.state.services.push(service);
      return service;
    },
  };
});

vi.mock('../../../native/pcsc/index.js', () => ({ createPcscReaderMonitor: () => ({ fake: 'pcsc-monitor' }) }));
vi.mock('../../../native/system/index.js', () => ({ collectSystemFacts: async () => ({ facts: [{ key: 'os.platform' }] }) }));

const originalArgv = process.argv;

async function loadMain(argv: string[] = []) {
  process.argv = ['/usr/bin/electron', '/app', ...argv];
  await import('../../../electron/main.js');
  if (fake.state.lockGranted) await vi.waitFor(() => expect(fake.state.services.length).toBe(1));
  const service = fake.state.services[0] as FakeService | undefined;
  await vi.waitFor(() => expect(service?.calls.some((call) => call.method === 'start') ?? true).toBe(true));
  return { window: fake.state.windows[0], service };
}

function resetFake() {
  fake.state.lockGranted = true;
  fake.state.windows.length = 0;
  fake.state.ipcHandlers.clear();
  fake.state.protocolHandlers.clear();
  fake.state.privileged.length = 0;
  fake.state.opened.length = 0;
  fake.state.menus.length = 0;
  fake.state.serviceOptions.length = 0;
  fake.state.services.length = 0;
  fake.app.listeners.clear();
  delete fake.permissionHandlers.request;
  delete fake.permissionHandlers.check;
  delete fake.permissionHandlers.device;
  delete fake.permissionHandlers.headers;
}

beforeEach(() => {
  vi.resetModules();
  resetFake();
});
afterEach(() => {
  process.argv = originalArgv;
});

function preventable() {
  const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
  return event;
}

async function settle() {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('the window', () => {
  it('is created once, sandboxed and isolated, with every flag set explicitly', async () => {
    const { window } = await loadMain();
    expect(fake.state.windows).toHaveLength(1);
    const prefs = window?.options.webPreferences ?? {};
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(String(prefs.preload)).toMatch(/[/\\]preload\.cjs$/);
    expect(window?.loadedUrl).toBe('app://kortkoll/index.html');
  });

  it('enforces the sandbox for every renderer and registers app:// as a secure standard scheme', async () => {
    const sandboxCalls: unknown[] = [];
    fake.app.on('sandbox-enabled', () => sandboxCalls.push(1));
    await loadMain();
    expect(sandboxCalls).toHaveLength(1);
    expect(fake.state.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const privileges = (fake.state.privileged[0] as { privileges: Record<string, boolean> }).privileges;
    expect(privileges.bypassCSP).toBeUndefined();
  });
});

describe('the app:// protocol', () => {
  it('serves the renderer with the CSP header and refuses paths outside it', async () => {
    await loadMain();
    const handle = fake.state.protocolHandlers.get('app');
    expect(handle).toBeDefined();
    const page = await handle!(new Request('app://kortkoll/index.html'));
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const escape = await handle!(new Request('app://kortkoll/..%2f..%2fpackage.json'));
    expect(escape.status).toBe(404);
  });

  it('puts the same CSP on anything the session loads over HTTP(S)', async () => {
    await loadMain();
    const answers: { responseHeaders: Record<string, string[]> }[] = [];
    fake.permissionHandlers.headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (answer: { responseHeaders: Record<string, string[]> }) =>
      answers.push(answer),
    );
    expect(answers).toEqual([{ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] } }]);
  });
});

describe('navigation, new windows and webviews', () => {
  it('never navigates away; an allowed page opens in the browser, others not at all', async () => {
    const { window } = await loadMain();
    const contents = window!.webContents;
    for (const url of [
      'https://test.siths.se/',
      'https://evil.example/',
      'http://personal.minavardkontakter.se.evil.com/',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      const event = preventable();
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    }
    await settle();
    expect(fake.state.opened).toEqual(['https://test.siths.se/']);
  });

  it('never hands an app:// address to the browser', async () => {
    const { window } = await loadMain();
    const event = preventable();
    window!.webContents.emit('will-navigate', event, 'app://kortkoll/index.html');
    await settle();
    expect(event.defaultPrevented).toBe(true);
    expect(fake.state.opened).toEqual([]);
  });

  it('denies every window.open; allowed addresses go to the browser after the allowlist', async () => {
    const { window } = await loadMain();
    const handler = window!.webContents.windowOpenHandler!;
    expect(handler({ url: 'https://www.inera.se/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://user:pw@test.siths.se/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://test.siths.se:8443/' })).toEqual({ action: 'deny' });
    await settle();
    expect(fake.state.opened).toEqual(['https://www.inera.se/']);
  });

  it('prevents webviews and redirects out of the app', async () => {
    const { window } = await loadMain();
    const attach = preventable();
    window!.webContents.emit('will-attach-webview', attach, {}, {});
    expect(attach.defaultPrevented).toBe(true);
    const redirect = preventable();
    window!.webContents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('hardens every web contents the app creates, not only the main window', async () => {
    await loadMain();
    const other = new fake.electron.BrowserWindow({ webPreferences: {} });
    expect(other.webContents.windowOpenHandler?.({ url: 'https://test.siths.se/' })).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  const denied = [
    'media',
    'geolocation',
    'notifications',
    'smart-card',
    'hid',
    'usb',
    'serial',
    'openExternal',
    'clipboard-read',
    'display-capture',
    'fullscreen',
    'unknown',
  ];

  it.each(denied)('denies %s requests, even from the app itself', async (permission) => {
    await loadMain();
    const answers: boolean[] = [];
    fake.permissionHandlers.request!({ getURL: () => 'app://kortkoll/index.html' }, permission, (granted: boolean) => answers.push(granted), {
      requestingUrl: 'app://kortkoll/index.html',
      isMainFrame: true,
    });
    expect(answers).toEqual([false]);
    expect(fake.permissionHandlers.check!(null, permission, 'app://kortkoll', { requestingUrl: 'app://kortkoll/index.html', isMainFrame: true })).toBe(false);
  });

  it('lets only our own page write the clipboard (copy the report)', async () => {
    await loadMain();
    const answers: boolean[] = [];
    const request = fake.permissionHandlers.request!;
    request({ getURL: () => 'app://kortkoll/index.html' }, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), {
      requestingUrl: 'app://kortkoll/index.html',
      isMainFrame: true,
    });
    request({ getURL: () => 'https://evil.example/' }, 'clipboard-sanitized-write', (granted: boolean) => answers.push(granted), {
      requestingUrl: 'https://evil.example/',
      isMainFrame: true,
    });
    expect(answers).toEqual([true, false]);
    expect(fake.permissionHandlers.check!(null, 'clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true })).toBe(false);
  });

  it('denies every device (USB, HID, serial) selection', async () => {
    await loadMain();
    expect(fake.permissionHandlers.device!({ deviceType: 'usb', origin: 'app://kortkoll' })).toBe(false);
  });
});

describe('IPC', () => {
  it('registers one handler per channel of the contract', async () => {
    await loadMain();
    expect([...fake.state.ipcHandlers.keys()].sort()).toEqual([...invokeChannels].sort());
  });

  it('answers our own main frame and delegates to the validated API', async () => {
    const { window, service } = await loadMain();
    const handler = fake.state.ipcHandlers.get('state:get')!;
    const result = (await handler({ senderFrame: window!.webContents.mainFrame })) as { ok: boolean; value: AppState };
    expect(result.ok).toBe(true);
    expect(result.value.seq).toBe(service!.getState().seq);
    const bad = await fake.state.ipcHandlers.get('lang:set')!({ senderFrame: window!.webContents.mainFrame }, 'de');
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-argument' } });
  });

  it.each([
    ['no frame', () => null],
    ['a subframe showing our page', () => ({ url: 'app://kortkoll/index.html' })],
    [
      'our main frame after it navigated elsewhere',
      (window: { webContents: { mainFrame: { url: string } } }) => Object.assign(window.webContents.mainFrame, { url: 'https://evil.example/' }),
    ],
  ])('refuses %s', async (_name, frameOf) => {
    const { window, service } = await loadMain();
    const frame = frameOf(window as never);
    for (const channel of ['diagnosis:run', 'demo:use', 'login:open'] as const) {
      const result = await fake.state.ipcHandlers.get(channel)!(
        { senderFrame: frame },
        channel === 'diagnosis:run' ? { online: true } : channel === 'demo:use' ? 'siths-eid-2024' : undefined,
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(service!.calls.filter((call) => call.method !== 'start')).toEqual([]);
    expect(fake.state.opened).toEqual([]);
  });

  it('pushes every new state to the window', async () => {
    const { window, service } = await loadMain();
    const next = service!.emit({ phase: 'no-card', lastEvent: { kind: 'card-removed', reader: 'Virtual PCD 00 00', at: '2026-11-25T10:00:00.000Z' } });
    expect(window!.webContents.sent.at(-1)).toEqual(['state:changed', next]);
  });
});

describe('the application', () => {
  it('starts with the demo card given on the command line', async () => {
    await loadMain(['--demo', 'auth-pin-blocked', '--lang', 'en']);
    expect(fake.state.serviceOptions).toEqual([expect.objectContaining({ demoCard: 'auth-pin-blocked', lang: 'en' })]);
  });

  it('uses the real readers (PC/SC) and the system probes without --demo', async () => {
    await loadMain();
    expect(fake.state.serviceOptions).toHaveLength(1);
    const options = fake.state.serviceOptions[0] as {
      demoCard: unknown;
      appVersion: string;
      monitorFactory: () => unknown;
      collectSystemFacts: () => Promise<unknown>;
    };
    expect(options.demoCard).toBeNull();
    expect(options.appVersion).toBe('0.1.0');
    expect(options.monitorFactory()).toEqual({ fake: 'pcsc-monitor' });
    expect(await options.collectSystemFacts()).toEqual([{ key: 'os.platform' }]);
    // The app asks the PKCS#11 modules and the browser stores too (the worker as a utilityProcess).
    expect(typeof (options as unknown as { inspectMiddleware?: unknown }).inspectMiddleware).toBe('function');
    expect(typeof (options as unknown as { inspectBrowserStores?: unknown }).inspectBrowserStores).toBe('function');
  });

  it('runs once: a second instance quits at once and creates nothing', async () => {
    fake.state.lockGranted = false;
    const quits: unknown[] = [];
    fake.app.on('quit-called', () => quits.push(1));
    await loadMain();
    await settle();
    expect(quits).toHaveLength(1);
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.ipcHandlers.size).toBe(0);
  });

  it('brings the existing window forward when a second instance starts', async () => {
    const { window } = await loadMain();
    fake.app.emit('second-instance');
    expect(window!.focused).toBe(true);
  });

  it('has a Swedish menu, and an English one after the language changes', async () => {
    const { service } = await loadMain();
    const labels = (menu: unknown) => (menu as { template: { label?: string }[] }).template.map((item) => item.label);
    expect(labels(fake.state.menus.at(-1))).toEqual(['Arkiv', 'Redigera', 'Visa', 'Hjälp']);
    service!.emit({ lang: 'en' });
    expect(labels(fake.state.menus.at(-1))).toEqual(['File', 'Edit', 'View', 'Help']);
  });
});
