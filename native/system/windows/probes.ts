/**
 * Windows probes. All read-only and none needs administrator rights: `sc.exe query/qc` and
 * `reg.exe query` work for ordinary users, and the certificate store read is the user's own.
 */
import { commandFailure, fact, unknownFact } from '../facts.js';
import { FactKeys, middlewareKey, middlewareModuleKey, middlewarePathKey, middlewareVersionKey, type MiddlewareProduct } from '../fact-keys.js';
import type { CommandResult, FactAssessment, ProbeContext, SystemFact, SystemProbe } from '../types.js';
import {
  commonName,
  detectRemoteSession,
  findInstalledProducts,
  findRegisteredMinidrivers,
  isSafeNetMinidriver,
  isSithsIssuer,
  parseCertificateStoreJson,
  parseCertutilStore,
  parseRegQuery,
  parseScQc,
  parseScQuery,
  type InstalledProduct,
  type ServiceConfigResult,
  type ServiceStateResult,
} from './parse.js';
import { windowsToolPath } from './tools.js';

const POWERSHELL_TIMEOUT_MS = 15_000;

async function serviceFacts(
  ctx: ProbeContext,
  service: string,
  stateKey: string,
  startTypeKey: string,
  assess: (state: ServiceStateResult, config: ServiceConfigResult) => { assessment?: FactAssessment; note?: string },
): Promise<SystemFact[]> {
  const query = await ctx.run.run(windowsToolPath('sc.exe', ctx.env), ['query', service]);
  const qc = await ctx.run.run(windowsToolPath('sc.exe', ctx.env), ['qc', service]);
  const state = commandRanAtAll(query)
    ? parseScQuery(query.stdout, query.stderr, query.exitCode)
    : { kind: 'unknown' as const, note: commandFailure(query) ?? 'no answer' };
  const config = commandRanAtAll(qc) ? parseScQc(qc.stdout, qc.stderr, qc.exitCode) : { kind: 'unknown' as const, note: commandFailure(qc) ?? 'no answer' };
  const verdict = assess(state, config);
  const stateFact =
    state.kind === 'state'
      ? fact(stateKey, state.state, 'command', query.commandLine, verdict)
      : state.kind === 'not-installed'
        ? fact(stateKey, 'not-installed', 'command', query.commandLine, verdict)
        : unknownFact(stateKey, 'command', query.commandLine, state.note);
  const configFact =
    config.kind === 'config'
      ? fact(startTypeKey, config.startType, 'command', qc.commandLine)
      : config.kind === 'not-installed'
        ? fact(startTypeKey, 'not-installed', 'command', qc.commandLine)
        : unknownFact(startTypeKey, 'command', qc.commandLine, config.note);
  return [stateFact, configFact];
}

/** sc.exe exits non-zero for a missing service; that is an answer, not a failure to run. */
function commandRanAtAll(result: CommandResult): boolean {
  return !result.notFound && !result.timedOut && !result.error && result.signal === null;
}

export const smartCardServiceProbe: SystemProbe = {
  id: 'windows.smart-card-service',
  platforms: ['win32'],
  run: (ctx) =>
    serviceFacts(ctx, 'SCardSvr', FactKeys.pcscServiceState, FactKeys.pcscServiceStartType, (state, config) => {
      if (state.kind === 'not-installed') return { assessment: 'error', note: 'The Smart Card service (SCardSvr) is missing' };
      if (config.kind === 'config' && config.startType === 'disabled') return { assessment: 'error', note: 'The Smart Card service is disabled' };
      if (state.kind === 'state' && state.state === 'running') return { assessment: 'ok' };
      // Since Windows 8 the service starts on demand when a reader is present; stopped is normal without one.
      if (state.kind === 'state') return { assessment: 'warning', note: 'Stopped services start on demand when a reader is connected' };
      return {};
    }),
};

export const certificatePropagationProbe: SystemProbe = {
  id: 'windows.certificate-propagation',
  platforms: ['win32'],
  async run(ctx) {
    const facts = await serviceFacts(ctx, 'CertPropSvc', FactKeys.certPropState, FactKeys.certPropStartType, () => ({}));
    const cardsKey = 'HKLM\\SOFTWARE\\Microsoft\\Cryptography\\Calais\\SmartCards';
    const result = await ctx.run.run(windowsToolPath('reg.exe', ctx.env), ['query', cardsKey, '/s']);
    const failure = commandFailure(result);
    if (failure) {
      facts.push(unknownFact(FactKeys.minidrivers, 'registry', cardsKey, failure), unknownFact(FactKeys.safenetMinidriver, 'registry', cardsKey, failure));
      return facts;
    }
    const drivers = findRegisteredMinidrivers(parseRegQuery(result.stdout));
    facts.push(
      fact(
        FactKeys.minidrivers,
        drivers.map((d) => `${d.cardName} → ${d.dll}`),
        'registry',
        cardsKey,
      ),
    );
    const safenet = drivers.filter(isSafeNetMinidriver);
    facts.push(
      fact(FactKeys.safenetMinidriver, safenet.length > 0, 'registry', cardsKey, safenet.length > 0 ? { note: safenet.map((d) => d.dll).join(', ') } : {}),
    );
    return facts;
  },
};

const uninstallRoots = [
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
  'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
  'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
];

function joinWindows(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/\\+$/, '') : p.replace(/^\\+|\\+$/g, ''))).join('\\');
}

/**
 * Where each product's files are expected. Net iD Enterprise's folder and iidp11.dll are from
 * Pointsharp's installation description; Net iD Client's folder follows the same "product name
 * as folder name" rule (unconfirmed); eTPKCS11.dll is SafeNet Authentication Client's PKCS#11
 * module in System32, which the SITHS eID app bundles.
 */
function expectedFiles(ctx: ProbeContext): Record<Exclude<MiddlewareProduct, 'netid'>, string[]> {
  const programFiles = [ctx.env.ProgramFiles ?? 'C:\\Program Files', ctx.env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)'];
  const system32 = joinWindows(ctx.env.SystemRoot ?? 'C:\\Windows', 'System32');
  return {
    'netid-enterprise': programFiles.map((pf) => joinWindows(pf, 'Net iD', 'iidp11.dll')),
    'netid-client': programFiles.map((pf) => joinWindows(pf, 'Net iD Client', 'iidp11.dll')),
    'siths-eid': [joinWindows(system32, 'eTPKCS11.dll')],
    'safenet-sac': [joinWindows(system32, 'eTPKCS11.dll')],
    opensc: programFiles.map((pf) => joinWindows(pf, 'OpenSC Project', 'OpenSC', 'pkcs11', 'opensc-pkcs11.dll')),
  };
}

export const installedMiddlewareProbe: SystemProbe = {
  id: 'windows.middleware',
  platforms: ['win32'],
  async run(ctx) {
    const installed: InstalledProduct[] = [];
    const failures: string[] = [];
    for (const root of uninstallRoots) {
      const result = await ctx.run.run(windowsToolPath('reg.exe', ctx.env), ['query', root, '/s']);
      // A missing root (no 32-bit programs, no per-user installs) is normal: reg.exe exits 1.
      if (result.exitCode === 1 && !result.stdout.includes('HKEY_')) continue;
      const failure = commandFailure(result);
      if (failure) {
        failures.push(`${root}: ${failure}`);
        continue;
      }
      installed.push(...findInstalledProducts(parseRegQuery(result.stdout)));
    }
    const registryUnreadable = failures.length === uninstallRoots.length;
    const files = expectedFiles(ctx);
    const facts: SystemFact[] = [];
    for (const product of ['netid-enterprise', 'netid-client', 'siths-eid', 'safenet-sac', 'opensc'] as const) {
      const entry = installed.find((p) => p.product === product);
      const candidates = [
        ...(entry?.installLocation ? [joinWindows(entry.installLocation, product === 'opensc' ? 'pkcs11\\opensc-pkcs11.dll' : 'iidp11.dll')] : []),
        ...files[product],
      ];
      let modulePath: string | null = null;
      for (const candidate of candidates) {
        if ((await ctx.fs.kind(candidate)) === 'file') {
          modulePath = candidate;
          break;
        }
      }
      if (entry) {
        facts.push(fact(middlewareKey(product), 'installed', 'registry', entry.registryKey, { note: entry.displayName }));
        facts.push(
          entry.version
            ? fact(middlewareVersionKey(product), entry.version, 'registry', `${entry.registryKey}\\DisplayVersion`)
            : unknownFact(middlewareVersionKey(product), 'registry', entry.registryKey, 'no DisplayVersion'),
        );
        if (entry.installLocation) facts.push(fact(middlewarePathKey(product), entry.installLocation, 'registry', `${entry.registryKey}\\InstallLocation`));
      } else if (modulePath && product !== 'siths-eid' && product !== 'safenet-sac') {
        // Files without an uninstall entry: copied by hand or by a deployment tool.
        facts.push(fact(middlewareKey(product), 'installed', 'file', modulePath, { note: 'found by its files; no uninstall entry' }));
      } else if (registryUnreadable) {
        facts.push(unknownFact(middlewareKey(product), 'registry', uninstallRoots.join('; '), failures.join('; ')));
      } else {
        facts.push(fact(middlewareKey(product), 'not-installed', 'registry', uninstallRoots.join('; ')));
      }
      if (modulePath) facts.push(fact(middlewareModuleKey(product), modulePath, 'file', modulePath));
    }
    return facts;
  },
};

export const remoteSessionProbe: SystemProbe = {
  id: 'session',
  platforms: ['win32', 'darwin', 'linux'],
  async run(ctx) {
    const session = detectRemoteSession(ctx.env);
    const remote = session.kind !== 'none';
    return [
      fact(
        FactKeys.remoteSession,
        session.kind,
        'environment',
        session.evidence,
        remote
          ? {
              assessment: 'warning',
              note: 'In a remote session the card reader must be redirected to the remote machine',
            }
          : { assessment: 'ok' },
      ),
    ];
  },
};

const CERT_STORE_SCRIPT =
  "[Console]::OutputEncoding=[Text.Encoding]::UTF8; Get-ChildItem Cert:\\CurrentUser\\My | Select-Object Issuer,Subject,Thumbprint,HasPrivateKey,@{n='NotAfter';e={$_.NotAfter.ToString('o')}} | ConvertTo-Json -Compress";

/**
 * The user's personal store is what the browser's certificate picker shows on Windows: with the
 * card in and the middleware working, the SITHS certificates appear there (propagated or
 * virtual). We report counts and issuers only, never subjects (they carry names and HSA-ids).
 */
export const personalCertificateStoreProbe: SystemProbe = {
  id: 'windows.certificate-store',
  platforms: ['win32'],
  timeoutMs: 25_000,
  async run(ctx) {
    const ps = await ctx.run.run(windowsToolPath('powershell.exe', ctx.env), ['-NoProfile', '-NonInteractive', '-Command', CERT_STORE_SCRIPT], {
      timeoutMs: POWERSHELL_TIMEOUT_MS,
    });
    let detail = ps.commandLine;
    let parsed = commandFailure(ps) ? null : parseCertificateStoreJson(ps.stdout);
    let note = commandFailure(ps) ?? (parsed?.kind === 'unknown' ? parsed.note : '');
    if (parsed === null || parsed.kind === 'unknown') {
      // PowerShell may be blocked by policy; certutil reads the same store.
      const certutil = await ctx.run.run(windowsToolPath('certutil.exe', ctx.env), ['-user', '-store', 'My']);
      const failure = commandFailure(certutil);
      if (failure) {
        note = `${note}; certutil: ${failure}`;
      } else {
        parsed = parseCertutilStore(certutil.stdout, certutil.exitCode);
        detail = certutil.commandLine;
        if (parsed.kind === 'unknown') note = `${note}; ${parsed.note}`;
      }
    }
    if (parsed === null || parsed.kind === 'unknown') {
      return [unknownFact(FactKeys.sithsCertificatesInStore, 'command', detail, note || 'no usable output')];
    }
    const siths = parsed.certificates.filter((c) => isSithsIssuer(c.issuer));
    const issuers = [...new Set(siths.map((c) => commonName(c.issuer)))];
    return [
      fact(FactKeys.certificatesInStore, parsed.certificates.length, 'command', detail),
      fact(
        FactKeys.sithsCertificatesInStore,
        siths.length,
        'command',
        detail,
        siths.length === 0
          ? {
              assessment: 'warning',
              note: 'No SITHS certificate in the personal store: the browser will not offer one',
            }
          : { assessment: 'ok' },
      ),
      fact(FactKeys.sithsIssuersInStore, issuers, 'command', detail),
    ];
  },
};

export const windowsProbes: readonly SystemProbe[] = [
  smartCardServiceProbe,
  certificatePropagationProbe,
  installedMiddlewareProbe,
  personalCertificateStoreProbe,
];
