/** The browser certificate stores of this platform, read with timeouts; never throws. */
import { homedir } from 'node:os';
import { createCommandRunner } from '../command-runner.js';
import { nodeFileSystem } from '../file-system.js';
import type { CommandRunner, FileSystemView, HostPlatform, ProbeContext } from '../types.js';
import { readLinuxStores, type InspectModule } from './linux.js';
import { inspectPkcs11Module } from '../pkcs11/inspect.js';
import { readMacStores } from './macos.js';
import type { BrowserStoreView } from './types.js';
import { readWindowsPersonalStore } from './windows.js';

export type { BrowserStoreKind, BrowserStoreView, NssModule, StoreCertificate } from './types.js';
export {
  matchBrowserStores,
  matchStore,
  normaliseThumbprint,
  shortThumbprint,
  subjectCommonName,
  subjectSerialNumber,
  type BrowserStoreMatch,
  type LoginCertificateIdentity,
  type StoreMatch,
  type StoreOutcome,
} from './match.js';

/** Bound for all stores together (each command has its own, shorter timeout). */
export const BROWSER_STORES_TIMEOUT_MS = 60_000;

export interface ReadBrowserStoresOptions {
  platform?: HostPlatform;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  run?: CommandRunner;
  fs?: FileSystemView;
  timeoutMs?: number;
  /** Loads a card module registered in an NSS database (default: the PKCS#11 worker in a child process). */
  inspectModule?: InspectModule;
}

export async function readBrowserStores(options: ReadBrowserStoresOptions = {}): Promise<BrowserStoreView[]> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const ctx: ProbeContext = {
    platform,
    arch: process.arch,
    env,
    homeDir: options.homeDir ?? env.HOME ?? homedir(),
    run: options.run ?? createCommandRunner({ timeoutMs: 20_000 }),
    fs: options.fs ?? nodeFileSystem,
    commandTimeoutMs: 20_000,
    readerNames: null,
    pcscSocketPath: '',
  };
  const read =
    platform === 'win32'
      ? readWindowsPersonalStore(ctx).then((s) => [s])
      : platform === 'darwin'
        ? readMacStores(ctx)
        : platform === 'linux'
          ? readLinuxStores(ctx, options.inspectModule ?? ((path) => inspectPkcs11Module(path, { timeoutMs: 45_000 })))
          : Promise.resolve([]);
  const timeoutMs = options.timeoutMs ?? BROWSER_STORES_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      read,
      new Promise<BrowserStoreView[]>((resolve) => {
        timer = setTimeout(
          () =>
            resolve([
              {
                kind: platform === 'win32' ? 'windows-personal' : platform === 'darwin' ? 'macos-smartcard' : 'nss',
                browsers: [],
                location: '',
                detail: '',
                status: 'unknown',
                note: `no answer within ${timeoutMs} ms`,
                certificates: [],
              },
            ]),
          timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    return [
      {
        kind: platform === 'win32' ? 'windows-personal' : platform === 'darwin' ? 'macos-smartcard' : 'nss',
        browsers: [],
        location: '',
        detail: '',
        status: 'unknown',
        note: e instanceof Error ? e.message : String(e),
        certificates: [],
      },
    ];
  } finally {
    clearTimeout(timer);
  }
}
