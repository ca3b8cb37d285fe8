/**
 * Runs the probes for this platform and gathers their facts into one plain-JSON object for the
 * diagnosis, the "Kortläsare och system" view, the report and `kortkoll system`.
 */
import { homedir, release } from 'node:os';
import { createCommandRunner } from './command-runner.js';
import { fact, findFact, isUnknown, unknownFact } from './facts.js';
import { FactKeys, middlewareKey, middlewareModuleKey, middlewareProducts, middlewareVersionKey, type MiddlewareProduct } from './fact-keys.js';
import { nodeFileSystem } from './file-system.js';
import { DEFAULT_PCSCD_SOCKET, linuxProbes } from './linux/probes.js';
import { macProbes } from './macos/probes.js';
import { inspectPkcs11Module, type InspectPkcs11Options } from './pkcs11/inspect.js';
import type { Pkcs11ModuleView } from './pkcs11/types.js';
import { readBrowserStores, type BrowserStoreView } from './browser-store/index.js';
import { classifyReaderName, readersProbe, type VirtualReaderKind } from './readers.js';
import { runProbe } from './run-probe.js';
import {
  UNKNOWN,
  type CommandRunner,
  type FileSystemView,
  type HostPlatform,
  type ProbeContext,
  type ProbeResult,
  type SystemFact,
  type SystemProbe,
} from './types.js';
import { remoteSessionProbe, windowsProbes } from './windows/probes.js';
import type { RemoteSessionKind } from './windows/parse.js';

export const systemFactsSchemaVersion = 1 as const;

export interface SystemSummary {
  /** 'available' on macOS (PC/SC is built in and starts on demand). */
  pcscService: 'running' | 'stopped' | 'not-installed' | 'available' | 'unknown';
  /** Reader names; null when they could not be listed. */
  readers: string[] | null;
  virtualReaders: { name: string; kind: VirtualReaderKind }[];
  /** Installed middleware products, with version and PKCS#11 module where found. */
  middleware: { product: MiddlewareProduct; version: string | null; pkcs11Module: string | null }[];
  /** PKCS#11 modules worth asking for the middleware's view (middleware first, then p11-kit's). */
  pkcs11Modules: string[];
  remoteSession: RemoteSessionKind | 'unknown';
  /** Windows: CertPropSvc running together with the SafeNet minidriver package. */
  certPropagationConflict: 'yes' | 'possible' | 'no' | 'not-applicable' | 'unknown';
  /** Windows: SITHS certificates in the user's personal store; null elsewhere or unknown. */
  sithsCertificatesInPersonalStore: number | null;
  /** How many facts could not be established. */
  unknownFacts: number;
}

export interface SystemFacts {
  schemaVersion: typeof systemFactsSchemaVersion;
  collectedAt: string;
  platform: HostPlatform;
  arch: string;
  osRelease: string;
  probes: ProbeResult[];
  /** Every probe's facts in probe order, then the derived ones. */
  facts: SystemFact[];
  summary: SystemSummary;
  /** The middleware's own view, for each module that was asked (see `inspectPkcs11`). */
  middlewareViews: Pkcs11ModuleView[];
  /** The browser certificate stores, when asked for (`browserStores: true`). */
  browserStores?: BrowserStoreView[];
}

export interface CollectSystemFactsOptions {
  platform?: HostPlatform;
  arch?: string;
  osRelease?: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  run?: CommandRunner;
  fs?: FileSystemView;
  /** Per command; default 5 s. */
  commandTimeoutMs?: number;
  /** Reader names from the PC/SC layer. Takes precedence over `listReaders`. */
  readerNames?: readonly string[];
  /** Asks the PC/SC layer for reader names (e.g. from `createPcscReaderMonitor()`); errors are recorded, not thrown. */
  listReaders?: () => Promise<readonly string[]>;
  /** Linux: pcscd's socket (default: $PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm). */
  pcscSocketPath?: string;
  /** Replace the platform's probe set (tests). */
  probes?: readonly SystemProbe[];
  /**
   * PKCS#11 modules to load (each in a child process) for the middleware's view. Default: none
   * (loading middleware talks to the cards).
   */
  inspectPkcs11?: readonly string[];
  /** Also load the modules the probes found (summary.pkcs11Modules). */
  inspectFoundPkcs11?: boolean;
  pkcs11?: InspectPkcs11Options;
  /** Injected for tests. */
  inspectModule?: (path: string, options: InspectPkcs11Options) => Promise<Pkcs11ModuleView>;
  /** Also read the browser certificate stores (on Linux this loads the card modules NSS registers). */
  browserStores?: boolean;
  now?: () => Date;
}

export function probesForPlatform(platform: HostPlatform): SystemProbe[] {
  const own = platform === 'win32' ? windowsProbes : platform === 'darwin' ? macProbes : platform === 'linux' ? linuxProbes : [];
  return [...own, readersProbe, remoteSessionProbe];
}

/** Windows: CertPropSvc must be off with the SafeNet minidriver package (Inera's instruction for the SITHS eID app). */
export function deriveCertPropConflict(facts: readonly SystemFact[]): SystemFact | null {
  const state = findFact(facts, FactKeys.certPropState);
  if (!state) return null;
  const detail = `${FactKeys.certPropState}, ${FactKeys.certPropStartType}, ${FactKeys.safenetMinidriver}, ${middlewareKey('siths-eid')}, ${middlewareKey('safenet-sac')}`;
  if (isUnknown(state)) return unknownFact(FactKeys.certPropConflict, 'derived', detail, 'the Certificate Propagation service state is unknown');
  const startType = findFact(facts, FactKeys.certPropStartType)?.value;
  const active = state.value === 'running' || state.value === 'start-pending' || startType === 'auto' || startType === 'auto-delayed';
  const minidriver = findFact(facts, FactKeys.safenetMinidriver);
  const sacInstalled = ['siths-eid', 'safenet-sac'].some((p) => findFact(facts, middlewareKey(p))?.value === 'installed');
  if (!active) return fact(FactKeys.certPropConflict, 'no', 'derived', detail, { assessment: 'ok' });
  if (minidriver?.value === true) {
    return fact(FactKeys.certPropConflict, 'yes', 'derived', detail, {
      assessment: 'warning',
      note: 'Certificate Propagation runs while the SafeNet minidriver package is installed; it should be turned off',
    });
  }
  if (sacInstalled && (minidriver === undefined || isUnknown(minidriver))) {
    return fact(FactKeys.certPropConflict, 'possible', 'derived', detail, {
      assessment: 'warning',
      note: 'Certificate Propagation runs and SafeNet/SITHS eID is installed; whether its minidriver is installed is unknown',
    });
  }
  return fact(FactKeys.certPropConflict, 'no', 'derived', detail, { assessment: 'ok' });
}

function stringList(value: SystemFact['value'] | undefined): string[] | null {
  return Array.isArray(value) ? value : null;
}

export function summarizeFacts(facts: readonly SystemFact[], platform: HostPlatform): SystemSummary {
  const pcsc = findFact(facts, FactKeys.pcscServiceState);
  const pcscValue = pcsc?.value;
  const pcscService: SystemSummary['pcscService'] =
    pcscValue === 'running' || pcscValue === 'not-installed' || pcscValue === 'available'
      ? pcscValue
      : pcscValue === 'stopped' || pcscValue === 'stop-pending' || pcscValue === 'paused'
        ? 'stopped'
        : pcscValue === 'start-pending' || pcscValue === 'continue-pending'
          ? 'running'
          : 'unknown';
  const readersFact = findFact(facts, FactKeys.readers);
  const readers = readersFact && !isUnknown(readersFact) ? stringList(readersFact.value) : null;
  const virtualReaders = (readers ?? []).flatMap((name) => {
    const kind = classifyReaderName(name);
    return kind ? [{ name, kind }] : [];
  });
  const middleware: SystemSummary['middleware'] = [];
  const modules: string[] = [];
  for (const product of middlewareProducts) {
    const module = findFact(facts, middlewareModuleKey(product))?.value;
    const modulePath = typeof module === 'string' && module !== UNKNOWN ? module : null;
    if (findFact(facts, middlewareKey(product))?.value === 'installed') {
      const version = findFact(facts, middlewareVersionKey(product))?.value;
      middleware.push({ product, version: typeof version === 'string' && version !== UNKNOWN ? version : null, pkcs11Module: modulePath });
    }
    if (modulePath && !modules.includes(modulePath)) modules.push(modulePath);
  }
  for (const entry of stringList(findFact(facts, FactKeys.p11KitModules)?.value) ?? []) {
    const path = /^[^:]+:\s*(\S+)/.exec(entry)?.[1];
    if (path && !modules.includes(path)) modules.push(path);
  }
  const session = findFact(facts, FactKeys.remoteSession);
  const conflict = findFact(facts, FactKeys.certPropConflict);
  const siths = findFact(facts, FactKeys.sithsCertificatesInStore);
  return {
    pcscService,
    readers,
    virtualReaders,
    middleware,
    pkcs11Modules: modules,
    remoteSession: session && !isUnknown(session) ? (session.value as RemoteSessionKind) : 'unknown',
    certPropagationConflict:
      platform !== 'win32' ? 'not-applicable' : conflict && !isUnknown(conflict) ? (conflict.value as 'yes' | 'possible' | 'no') : 'unknown',
    sithsCertificatesInPersonalStore: siths && typeof siths.value === 'number' ? siths.value : null,
    unknownFacts: facts.filter((f) => f.value === UNKNOWN).length,
  };
}

/** Drops paths that are links to a file already listed (Debian links pkcs11/opensc-pkcs11.so to ../opensc-pkcs11.so). */
async function distinctFiles(fs: FileSystemView, paths: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const path of paths) {
    const real = (await fs.realPath(path)) ?? path;
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(path);
  }
  return out;
}

async function readerNamesFrom(options: CollectSystemFactsOptions, timeoutMs: number): Promise<{ names: readonly string[] | null; error?: string }> {
  if (options.readerNames) return { names: options.readerNames };
  if (!options.listReaders) return { names: null };
  let timer: NodeJS.Timeout | undefined;
  try {
    const names = await Promise.race([
      options.listReaders(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reader list within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { names };
  } catch (e) {
    return { names: null, error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

export async function collectSystemFacts(options: CollectSystemFactsOptions = {}): Promise<SystemFacts> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
  const readerList = await readerNamesFrom(options, commandTimeoutMs);
  const ctx: ProbeContext = {
    platform,
    arch: options.arch ?? process.arch,
    env,
    homeDir: options.homeDir ?? homedir(),
    run: options.run ?? createCommandRunner({ timeoutMs: commandTimeoutMs }),
    fs: options.fs ?? nodeFileSystem,
    commandTimeoutMs,
    readerNames: readerList.names,
    pcscSocketPath: options.pcscSocketPath ?? env.PCSCLITE_CSOCK_NAME ?? DEFAULT_PCSCD_SOCKET,
  };
  const osRelease = options.osRelease ?? release();
  // Probes run one after another: each is quick, and some start heavy programs (PowerShell).
  const probes: ProbeResult[] = [];
  for (const probe of options.probes ?? probesForPlatform(platform)) probes.push(await runProbe(probe, ctx));

  const facts: SystemFact[] = [
    fact(FactKeys.osPlatform, platform, 'environment', 'process.platform'),
    fact(FactKeys.osRelease, osRelease, 'environment', 'os.release()'),
    fact(FactKeys.osArch, ctx.arch, 'environment', 'process.arch'),
    ...probes.flatMap((p) => p.facts),
  ];
  if (readerList.error !== undefined) {
    facts.push(fact('readers.pcsc-error', readerList.error, 'pcsc', 'SCardListReaders (PC/SC layer)', { assessment: 'warning' }));
  }
  const conflict = platform === 'win32' ? deriveCertPropConflict(facts) : null;
  if (conflict) facts.push(conflict);

  const summary = summarizeFacts(facts, platform);
  summary.pkcs11Modules = await distinctFiles(ctx.fs, summary.pkcs11Modules);
  const middlewareViews: Pkcs11ModuleView[] = [];
  const toInspect = [...new Set([...(options.inspectFoundPkcs11 ? summary.pkcs11Modules : []), ...(options.inspectPkcs11 ?? [])])];
  const inspect = options.inspectModule ?? inspectPkcs11Module;
  for (const path of toInspect) middlewareViews.push(await inspect(path, options.pkcs11 ?? {}));

  const browserStores = options.browserStores
    ? await readBrowserStores({
        platform,
        env,
        homeDir: ctx.homeDir,
        run: ctx.run,
        fs: ctx.fs,
        inspectModule: (path) => inspect(path, { timeoutMs: 45_000, ...options.pkcs11 }),
      })
    : undefined;

  return {
    ...(browserStores && { browserStores }),
    schemaVersion: systemFactsSchemaVersion,
    collectedAt: (options.now?.() ?? new Date()).toISOString(),
    platform,
    arch: ctx.arch,
    osRelease,
    probes,
    facts,
    summary,
    middlewareViews,
  };
}
