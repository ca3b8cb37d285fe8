/**
 * The Electron shell: one window, the renderer served from app://kortkoll/ with a strict CSP, a
 * sandboxed renderer that only sees the preload API, every IPC call checked for its sender and
 * validated (app-api.ts), links out only through the allowlist, one running instance, a Swedish
 * menu. Everything else lives in the service, shared with the CLI.
 *
 * Command line: `--demo <card>` starts with a virtual demo card, `--lang sv|en` picks the language.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppApiError, createAppApiHandlers, forbiddenCall, invokeAppApi, openAllowed, type AppApiDeps, type AppApiHandlers } from './app-api.js';
import { defaultLoginUrl } from './login/guide.js';
import { buildMenuTemplate, cardTestPageUrl, desktopMessages } from './app-menu.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { invokeChannels, type AppState, type IpcEventContract } from './ipc-contract.js';
import type { Lang } from './i18n/index.js';
import { parseDesktopArgs, type DesktopArgs } from './desktop-args.js';
import { createKortkollService, type KortkollServiceOptions } from './service.js';
import type { KortkollService } from './service-types.js';
import { appEntryUrl, appScheme, hardenSession, hardenWebContents, isTrustedSender } from './window-security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Built by scripts/build-preload.mjs next to main.js. */
const preloadPath = path.join(here, 'preload.cjs');
/** Built by Vite (renderer/vite.config.ts) into dist/renderer. */
const rendererDir = path.join(here, '..', 'renderer');
const stateChannel: keyof IpcEventContract = 'state:changed';

// Privileged schemes must be registered before the app is ready; the sandbox is enforced for every
// renderer the app might ever create, not only our window.
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let service: KortkollService | null = null;
let handlers: AppApiHandlers | null = null;

function loginUrl(): string {
  return service?.loginUrl ?? defaultLoginUrl;
}

/**
 * Opens a web page outside the app, only when the allowlist lets it through (app-api.ts). A refused
 * or failed address is dropped: the page asked by navigating, and there is no one to answer.
 */
function openExternalIfAllowed(url: string): void {
  openAllowed(url, loginUrl(), {
    openExternal: (allowed) => shell.openExternal(allowed) /* eng-disable OPEN_EXTERNAL_JS_CHECK: only allowlisted, normalised addresses (app-api.ts) */,
  }).catch(() => undefined);
}

const deps: AppApiDeps = {
  // app-api.ts calls this only with the output of allowedExternalUrl.
  openExternal: (url) => shell.openExternal(url) /* eng-disable OPEN_EXTERNAL_JS_CHECK: allowlisted by the caller */,
  async saveFile(suggestedName, content) {
    const lang = service?.getState().lang ?? 'sv';
    const extension = path.extname(suggestedName).slice(1);
    const filterName = extension === 'html' ? 'htmlFiles' : extension === 'json' ? 'jsonFiles' : 'textFiles';
    const options = {
      title: desktopMessages.t('saveDialogTitle', lang),
      defaultPath: path.join(app.getPath('documents'), suggestedName),
      filters: [{ name: desktopMessages.t(filterName, lang), extensions: [extension] }],
    };
    const choice = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return null;
    await writeFile(choice.filePath, content, 'utf8');
    return choice.filePath;
  },
};

function applyMenu(lang: Lang): void {
  const template = buildMenuTemplate(
    lang,
    {
      rerun: () => {
        if (service) void service.runDiagnosis({ online: service.getState().onlineChecks });
      },
      saveReport: () => {
        // From the menu there is no page waiting for an answer; say in the log what failed (its code only).
        handlers?.['report:save']({ format: 'html', redact: true }).catch((error: unknown) => {
          console.error(`Kortkoll: the report could not be saved (${error instanceof AppApiError ? error.code : 'internal'})`);
        });
      },
      openCardTestPage: () => openExternalIfAllowed(cardTestPageUrl),
      openLoginPage: () => openExternalIfAllowed(loginUrl()),
      showAbout: () => {
        const options = {
          type: 'info' as const,
          title: desktopMessages.t('about', lang),
          message: desktopMessages.t('aboutDetail', lang, { version: app.getVersion() }),
        };
        void (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
      },
    },
    { isMac: process.platform === 'darwin', developer: !app.isPackaged },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function registerIpc(): void {
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event.senderFrame, mainWindow) || handlers === null) return forbiddenCall();
      return invokeAppApi(handlers, channel, args);
    });
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 800,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Kortkoll',
    backgroundColor: '#ffffff',
    // Every security-relevant preference set explicitly, even where Electron's default agrees, and
    // written out here where Electronegativity can read it.
    webPreferences: {
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK: reviewed; exposes only the frozen contract API through contextBridge (preload.ts)
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
      safeDialogs: true,
      spellcheck: false,
      // A middle click would ask for a new window; refuse the feature outright.
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(appEntryUrl);
  return window;
}

/**
 * The real readers (PC/SC) and the operating-system probes. Loaded on demand: the PC/SC binding is
 * a native module, and a demo-card session does not need it to start.
 */
export async function nativeServiceOptions(): Promise<
  Pick<KortkollServiceOptions, 'monitorFactory' | 'collectSystemFacts' | 'inspectMiddleware' | 'inspectBrowserStores'>
> {
  try {
    const [pcsc, system, utility] = await Promise.all([import('../native/pcsc/index.js'), import('../native/system/index.js'), import('./pkcs11-utility.js')]);
    // The PKCS#11 worker as a utilityProcess: the fuse (runAsNode: false) rules out the CLI's child.
    const inspectModule = utility.createUtilityPkcs11Inspector();
    return {
      monitorFactory: () => pcsc.createPcscReaderMonitor(),
      collectSystemFacts: async () => (await system.collectSystemFacts()).facts,
      // After each read: does the middleware (Net iD, SAC, OpenSC) see the card, will the browser offer it?
      inspectMiddleware: async () =>
        (await system.collectSystemFacts({ inspectFoundPkcs11: true, inspectModule: (path, options) => inspectModule(path, options) })).middlewareViews,
      inspectBrowserStores: () => system.readBrowserStores({ inspectModule: (path) => inspectModule(path, { timeoutMs: 45_000 }) }),
    };
  } catch (error) {
    // Without the native layer the app still starts, with the demo cards only.
    console.error(`Kortkoll: card readers are unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}

async function startDesktop(args: DesktopArgs): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession);
  protocol.handle(appScheme, createAppProtocolHandler(rendererDir));

  const kortkoll: KortkollService = createKortkollService({
    demoCard: args.demoCard,
    ...(args.lang ? { lang: args.lang } : {}),
    appVersion: app.getVersion(),
    ...(await nativeServiceOptions()),
  });
  service = kortkoll;
  handlers = createAppApiHandlers(kortkoll, deps);
  registerIpc();

  let menuLang: Lang = kortkoll.getState().lang;
  applyMenu(menuLang);
  kortkoll.subscribe((state: AppState) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(stateChannel, state);
    if (state.lang !== menuLang) {
      menuLang = state.lang;
      applyMenu(menuLang);
    }
  });

  mainWindow = createWindow();
  await kortkoll.start();
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternalIfAllowed));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void service?.close();
  });
  startDesktop(parseDesktopArgs(process.argv.slice(1))).catch((error: unknown) => {
    console.error(`Kortkoll could not start: ${error instanceof Error ? error.message : String(error)}`);
    app.exit(1);
  });
}
