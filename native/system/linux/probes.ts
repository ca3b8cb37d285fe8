/**
 * Linux probes: pcscd (its socket, its process, its systemd units where systemd runs), Net iD,
 * SafeNet, OpenSC and the PKCS#11 modules p11-kit registers. File checks and a few commands; no
 * root needed.
 */
import { commandFailure, fact, unknownFact } from '../facts.js';
import { FactKeys, middlewareKey, middlewareModuleKey, middlewareVersionKey } from '../fact-keys.js';
import type { ProbeContext, SystemFact, SystemProbe } from '../types.js';
import { libraryDirectories, multiarchTriplet, parseOpenscInfo, parseP11KitListModules, parseP11KitModuleFile, parseSystemctlIsActive } from './parse.js';

/** pcsc-lite's default socket; `PCSCLITE_CSOCK_NAME` moves it. */
export const DEFAULT_PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** PIDs of processes whose name (`/proc/<pid>/comm`) is `name`; null when /proc cannot be read. */
export async function findProcesses(ctx: ProbeContext, name: string): Promise<number[] | null> {
  const entries = await ctx.fs.list('/proc');
  if (entries === null) return null;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await ctx.fs.readText(`/proc/${entry}/comm`);
    if (comm !== null && comm.trim() === name) pids.push(Number(entry));
  }
  return pids;
}

export const pcscdProbe: SystemProbe = {
  id: 'linux.pcscd',
  platforms: ['linux'],
  async run(ctx) {
    const facts: SystemFact[] = [];
    const socketKind = await ctx.fs.kind(ctx.pcscSocketPath);
    const socketValue = socketKind === 'socket' ? 'present' : socketKind === null ? 'absent' : 'not-a-socket';
    facts.push(fact(FactKeys.pcscSocket, socketValue, 'socket', ctx.pcscSocketPath));

    const pids = await findProcesses(ctx, 'pcscd');
    facts.push(
      pids === null
        ? unknownFact(FactKeys.pcscProcess, 'process', '/proc/*/comm', '/proc could not be read')
        : fact(
            FactKeys.pcscProcess,
            pids.length > 0 ? 'running' : 'not-running',
            'process',
            '/proc/*/comm',
            pids.length > 0 ? { note: `pid ${pids.join(', ')}` } : {},
          ),
    );

    let systemdSocketActive = false;
    const systemdPresent = (await ctx.fs.kind('/run/systemd/system')) === 'directory';
    if (!systemdPresent) {
      facts.push(
        fact(FactKeys.systemd, 'not-present', 'file', '/run/systemd/system', {
          note: 'systemd is not the init system here (a container or another init); pcscd is started by hand',
        }),
      );
    } else {
      facts.push(fact(FactKeys.systemd, 'present', 'file', '/run/systemd/system'));
      const units = ['pcscd.socket', 'pcscd.service'];
      const result = await ctx.run.run('systemctl', ['is-active', ...units]);
      // is-active exits 3 when a unit is inactive: only a missing program or a timeout is a failure.
      const failure = result.notFound || result.timedOut || result.error ? commandFailure(result) : null;
      const parsed = failure ? { kind: 'unknown' as const, note: failure } : parseSystemctlIsActive(result.stdout, units);
      if (parsed.kind === 'unknown') {
        facts.push(unknownFact(FactKeys.pcscSystemdSocket, 'command', result.commandLine, parsed.note));
        facts.push(unknownFact(FactKeys.pcscSystemdService, 'command', result.commandLine, parsed.note));
      } else {
        const socketState = parsed.states['pcscd.socket'] as string;
        systemdSocketActive = socketState === 'active';
        facts.push(fact(FactKeys.pcscSystemdSocket, socketState, 'command', result.commandLine));
        facts.push(fact(FactKeys.pcscSystemdService, parsed.states['pcscd.service'] as string, 'command', result.commandLine));
      }
    }

    // What a PC/SC client experiences: it connects to the socket, nothing else.
    // When /proc cannot be read, the socket is the best evidence there is.
    const processRunning = pids === null || pids.length > 0;
    const detail = `${FactKeys.pcscSocket}, ${FactKeys.pcscProcess}${systemdPresent ? `, ${FactKeys.pcscSystemdSocket}` : ''}`;
    if (socketValue === 'present') {
      const note =
        pids === null
          ? 'the socket exists; the process could not be checked'
          : processRunning
            ? undefined
            : systemdSocketActive
              ? 'pcscd starts on demand (systemd socket activation)'
              : 'the socket exists but no pcscd process runs (left over from a crash?)';
      facts.push(
        fact(FactKeys.pcscServiceState, processRunning || systemdSocketActive ? 'running' : 'stopped', 'derived', detail, {
          assessment: processRunning || systemdSocketActive ? 'ok' : 'error',
          ...(note ? { note } : {}),
        }),
      );
    } else {
      facts.push(
        fact(FactKeys.pcscServiceState, 'stopped', 'derived', detail, {
          assessment: 'error',
          note:
            pids !== null && pids.length > 0
              ? `a pcscd process runs but its socket ${ctx.pcscSocketPath} is missing, so programs cannot reach it`
              : `no pcscd socket at ${ctx.pcscSocketPath}`,
        }),
      );
    }
    return facts;
  },
};

async function findFiles(ctx: ProbeContext, directories: readonly string[], names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of directories) {
    for (const name of names) {
      const path = `${dir}/${name}`;
      if ((await ctx.fs.kind(path)) === 'file') found.push(path);
    }
  }
  return found;
}

/** Net iD for Linux: PKCS#11 module libiidp11.so, core libnetid.so, config /etc/netid.conf (or iid.conf), per-user ~/.iid. */
export const linuxMiddlewareProbe: SystemProbe = {
  id: 'linux.middleware',
  platforms: ['linux'],
  async run(ctx) {
    const facts: SystemFact[] = [];
    const libDirs = [...libraryDirectories(ctx.arch), '/opt/netid/lib', '/opt/iid/lib'];
    const modules = await findFiles(ctx, libDirs, ['libiidp11.so']);
    const cores = await findFiles(ctx, libDirs, ['libnetid.so']);
    const configs = await findFiles(ctx, ['/etc'], ['netid.conf', 'iid.conf']);
    const userDir = `${ctx.homeDir}/.iid`;
    const hasUserDir = (await ctx.fs.kind(userDir)) === 'directory';
    const evidence = [...modules, ...cores, ...configs, ...(hasUserDir ? [userDir] : [])];
    const looked = `{${libDirs.join(',')}}/{libiidp11.so,libnetid.so}; /etc/netid.conf; /etc/iid.conf; ${userDir}`;
    if (modules.length > 0 || cores.length > 0) {
      facts.push(fact(middlewareKey('netid'), 'installed', 'file', evidence.join(', ')));
    } else if (evidence.length > 0) {
      facts.push(
        fact(middlewareKey('netid'), 'not-installed', 'file', looked, {
          assessment: 'warning',
          note: `left-overs of Net iD without its libraries: ${evidence.join(', ')}`,
        }),
      );
    } else {
      facts.push(fact(middlewareKey('netid'), 'not-installed', 'file', looked));
    }
    if (modules[0]) facts.push(fact(middlewareModuleKey('netid'), modules[0], 'file', modules[0]));

    const sac = await findFiles(ctx, libDirs, ['libeTPkcs11.so', 'libIDPrimePKCS11.so']);
    facts.push(
      fact(
        middlewareKey('safenet-sac'),
        sac.length > 0 ? 'installed' : 'not-installed',
        'file',
        sac[0] ?? `{${libDirs.join(',')}}/{libeTPkcs11.so,libIDPrimePKCS11.so}`,
      ),
    );
    if (sac[0]) facts.push(fact(middlewareModuleKey('safenet-sac'), sac[0], 'file', sac[0]));
    return facts;
  },
};

export const openscProbe: SystemProbe = {
  id: 'linux.opensc',
  platforms: ['linux'],
  async run(ctx) {
    const facts: SystemFact[] = [];
    const libDirs = libraryDirectories(ctx.arch);
    const modules = await findFiles(ctx, libDirs, ['opensc-pkcs11.so']);
    // `--version` prints build (git) details only; `--info` starts with "OpenSC <version>".
    const info = await ctx.run.run('opensc-tool', ['--info']);
    const failure = commandFailure(info);
    const parsed = failure ? null : parseOpenscInfo(info.stdout);
    const toolFound = !info.notFound;
    if (!toolFound && modules.length === 0) {
      facts.push(fact(middlewareKey('opensc'), 'not-installed', 'file', `opensc-tool (PATH); {${libDirs.join(',')}}/opensc-pkcs11.so`));
      return facts;
    }
    facts.push(fact(middlewareKey('opensc'), 'installed', toolFound ? 'command' : 'file', toolFound ? info.commandLine : (modules[0] as string)));
    if (parsed?.kind === 'version') facts.push(fact(middlewareVersionKey('opensc'), parsed.version, 'command', info.commandLine));
    else if (toolFound)
      facts.push(
        unknownFact(middlewareVersionKey('opensc'), 'command', info.commandLine, failure ?? (parsed?.kind === 'unknown' ? parsed.note : 'no version')),
      );
    if (modules[0]) facts.push(fact(middlewareModuleKey('opensc'), modules[0], 'file', modules[0]));
    else
      facts.push(
        fact(middlewareModuleKey('opensc'), null, 'file', `{${libDirs.join(',')}}/opensc-pkcs11.so`, {
          assessment: 'warning',
          note: 'OpenSC tools without the PKCS#11 module (package opensc-pkcs11)',
        }),
      );
    return facts;
  },
};

export const p11KitProbe: SystemProbe = {
  id: 'linux.p11-kit',
  platforms: ['linux'],
  async run(ctx) {
    const facts: SystemFact[] = [];
    const triplet = multiarchTriplet(ctx.arch);
    const moduleDir = triplet ? `/usr/lib/${triplet}/pkcs11` : '/usr/lib/pkcs11';
    const configDirs = ['/usr/share/p11-kit/modules', '/etc/pkcs11/modules', `${ctx.homeDir}/.config/pkcs11/modules`];
    const registered: string[] = [];
    for (const dir of configDirs) {
      const names = await ctx.fs.list(dir);
      for (const file of names ?? []) {
        if (!file.endsWith('.module')) continue;
        const text = await ctx.fs.readText(`${dir}/${file}`);
        if (text === null) continue;
        const config = parseP11KitModuleFile(file.slice(0, -'.module'.length), text);
        if (!config.module) continue;
        const path = config.module.startsWith('/') ? config.module : `${moduleDir}/${config.module}`;
        const disabled = config.disableIn.length > 0 ? ` (disabled in ${config.disableIn.join(', ')})` : '';
        registered.push(`${config.name}: ${path}${disabled}`);
      }
    }
    facts.push(fact(FactKeys.p11KitModules, registered, 'file', configDirs.join(', ')));

    // `p11-kit list-modules` loads every module (in its own process); only when installed.
    const listed = await ctx.run.run('p11-kit', ['list-modules'], { timeoutMs: 10_000 });
    if (listed.notFound) {
      facts.push(fact(FactKeys.p11KitTool, 'not-installed', 'command', listed.commandLine));
    } else {
      const failure = commandFailure(listed);
      const parsed = failure ? { kind: 'unknown' as const, note: failure } : parseP11KitListModules(listed.stdout);
      facts.push(
        parsed.kind === 'unknown'
          ? unknownFact(FactKeys.p11KitTool, 'command', listed.commandLine, parsed.note)
          : fact(
              FactKeys.p11KitTool,
              parsed.modules.map(
                (m) => `${m.name}: ${m.path ?? '?'}${m.libraryVersion ? ` ${m.libraryVersion}` : ''}${m.tokens.length ? ` [${m.tokens.join('; ')}]` : ''}`,
              ),
              'command',
              listed.commandLine,
            ),
      );
    }
    return facts;
  },
};

export const linuxProbes: readonly SystemProbe[] = [pcscdProbe, linuxMiddlewareProbe, openscProbe, p11KitProbe];
