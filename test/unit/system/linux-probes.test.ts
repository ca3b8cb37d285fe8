import { describe, expect, it } from 'vitest';
import {
  collectSystemFacts,
  createMemoryFileSystem,
  createScriptedCommandRunner,
  FactKeys,
  findFact,
  middlewareKey,
  middlewareModuleKey,
  middlewareVersionKey,
  UNKNOWN,
  type MemoryEntry,
  type ScriptedCommandAnswer,
  type SystemFacts,
} from '../../../native/system/index.js';
import {
  libraryDirectories,
  parseOpenscInfo,
  parseP11KitListModules,
  parseP11KitModuleFile,
  parseSystemctlIsActive,
} from '../../../native/system/linux/parse.js';
import { parseOpenscReaderList } from '../../../native/system/readers.js';
import { recorded } from './recorded.js';

const units = ['pcscd.socket', 'pcscd.service'];

describe('Linux parsers', () => {
  it('reads systemctl is-active for both units, renaming its "unknown"', () => {
    expect(parseSystemctlIsActive(recorded('linux', 'systemctl-is-active-running.txt'), units)).toEqual({
      kind: 'states',
      states: { 'pcscd.socket': 'active', 'pcscd.service': 'active' },
    });
    expect(parseSystemctlIsActive(recorded('linux', 'systemctl-is-active-failed.txt'), units)).toEqual({
      kind: 'states',
      states: { 'pcscd.socket': 'inactive', 'pcscd.service': 'failed' },
    });
    expect(parseSystemctlIsActive(recorded('linux', 'systemctl-is-active-not-loaded.txt'), units)).toMatchObject({ states: { 'pcscd.service': 'not-loaded' } });
  });
  it('gives unknown when systemd is not the init system (recorded) and for garbage', () => {
    expect(parseSystemctlIsActive(recorded('linux', 'systemctl-no-systemd.stdout.txt'), units)).toEqual({ kind: 'unknown', note: 'no output from systemctl' });
    expect(parseSystemctlIsActive('active\nmaybe\n', units).kind).toBe('unknown');
    expect(parseSystemctlIsActive('active\n', units).kind).toBe('unknown');
  });
  it('reads the OpenSC version from --info (recorded) and not from --version (recorded)', () => {
    expect(parseOpenscInfo(recorded('linux', 'opensc-tool-info.txt'))).toEqual({
      kind: 'version',
      version: '0.23.0',
      features: 'locking zlib readline openssl pcsc(libpcsclite.so.1)',
    });
    expect(parseOpenscInfo(recorded('linux', 'opensc-tool-version.txt'))).toEqual({
      kind: 'unknown',
      note: 'unexpected output from opensc-tool: No Git revision info available',
    });
  });
  it('reads p11-kit module files (recorded) and list-modules output', () => {
    expect(parseP11KitModuleFile('opensc-pkcs11', recorded('linux', 'opensc-pkcs11.module'))).toEqual({
      name: 'opensc-pkcs11',
      module: 'opensc-pkcs11.so',
      disableIn: [],
      enableIn: [],
    });
    expect(parseP11KitModuleFile('netid', recorded('linux', 'netid.module'))).toEqual({
      name: 'netid',
      module: '/usr/lib/libiidp11.so',
      disableIn: ['gnome-keyring'],
      enableIn: [],
    });
    const listed = parseP11KitListModules(recorded('linux', 'p11-kit-list-modules.txt'));
    expect(listed).toEqual({
      kind: 'modules',
      modules: [
        {
          name: 'opensc-pkcs11',
          path: '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
          libraryDescription: 'OpenSC smartcard framework',
          libraryVersion: '0.23',
          tokens: ['SITHS e-id kort (Legitimering)'],
        },
        {
          name: 'p11-kit-trust',
          path: '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so',
          libraryDescription: 'PKCS#11 Kit Trust Module',
          libraryVersion: '0.24',
          tokens: ['System Trust'],
        },
      ],
    });
    expect(parseP11KitListModules('Segmentation fault').kind).toBe('unknown');
  });
  it('reads opensc-tool reader lists by the Name column', () => {
    const text =
      '# Detected readers (pcsc)\nNr.  Card  Features  Name\n0    Yes             Virtual PCD 00 00\n1    No   PIN pad    Identiv SCR3500 USB Smart Card Reader\n';
    expect(parseOpenscReaderList(text)).toEqual({
      kind: 'readers',
      readers: [
        { index: 0, name: 'Virtual PCD 00 00', cardPresent: true },
        { index: 1, name: 'Identiv SCR3500 USB Smart Card Reader', cardPresent: false },
      ],
    });
    expect(parseOpenscReaderList(recorded('linux', 'opensc-tool-list-readers-none.txt'))).toEqual({ kind: 'readers', readers: [] });
    expect(parseOpenscReaderList(recorded('linux', 'opensc-tool-list-readers-vpcd.txt'))).toEqual({
      kind: 'readers',
      readers: [
        { index: 0, name: 'Virtual PCD 00 00', cardPresent: false },
        { index: 1, name: 'Virtual PCD 00 01', cardPresent: true },
      ],
    });
    expect(parseOpenscReaderList('Failed to establish context: Service not available').kind).toBe('unknown');
  });
  it('knows the multiarch library folders', () => {
    expect(libraryDirectories('x64').slice(0, 2)).toEqual(['/usr/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu/pkcs11']);
    expect(libraryDirectories('arm64')[0]).toBe('/usr/lib/aarch64-linux-gnu');
  });
});

const SOCKET = '/run/pcscd/pcscd.comm';
const baseFiles: Record<string, MemoryEntry> = {
  [SOCKET]: { kind: 'socket' },
  '/proc/1/comm': 'init\n',
  '/proc/77/comm': 'pcscd\n',
  '/proc/self/comm': 'node\n',
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so': 'ELF',
  '/usr/share/p11-kit/modules/opensc-pkcs11.module': recorded('linux', 'opensc-pkcs11.module'),
  '/home/anna': { kind: 'directory' },
};
const baseTools: Record<string, ScriptedCommandAnswer> = {
  'opensc-tool --info': { stdout: recorded('linux', 'opensc-tool-info.txt') },
  'opensc-tool --list-readers': { stdout: recorded('linux', 'opensc-tool-list-readers-vpcd.txt') },
  'p11-kit list-modules': { notFound: true },
};

function linux(files: Record<string, MemoryEntry>, tools: Record<string, ScriptedCommandAnswer> = {}, socketPath = SOCKET): Promise<SystemFacts> {
  return collectSystemFacts({
    platform: 'linux',
    arch: 'x64',
    osRelease: '6.1.0',
    env: {},
    homeDir: '/home/anna',
    run: createScriptedCommandRunner({ ...baseTools, ...tools }),
    fs: createMemoryFileSystem(files),
    pcscSocketPath: socketPath,
  });
}

const value = (facts: SystemFacts, key: string) => findFact(facts.facts, key)?.value;

describe('Linux probes on recorded outputs', () => {
  it('reports pcscd running without systemd, OpenSC and its module, the readers', async () => {
    const facts = await linux(baseFiles);
    expect(value(facts, FactKeys.pcscSocket)).toBe('present');
    expect(findFact(facts.facts, FactKeys.pcscProcess)).toMatchObject({ value: 'running', note: 'pid 77' });
    expect(findFact(facts.facts, FactKeys.systemd)).toMatchObject({ value: 'not-present' });
    expect(findFact(facts.facts, FactKeys.pcscSystemdService)).toBeUndefined();
    expect(findFact(facts.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'running', source: 'derived', assessment: 'ok' });
    expect(value(facts, middlewareKey('opensc'))).toBe('installed');
    expect(value(facts, middlewareVersionKey('opensc'))).toBe('0.23.0');
    expect(value(facts, middlewareModuleKey('opensc'))).toBe('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
    expect(value(facts, FactKeys.p11KitModules)).toEqual(['opensc-pkcs11: /usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so']);
    expect(value(facts, FactKeys.p11KitTool)).toBe('not-installed');
    expect(value(facts, middlewareKey('netid'))).toBe('not-installed');
    expect(facts.summary.readers).toEqual(['Virtual PCD 00 00', 'Virtual PCD 00 01']);
    expect(facts.summary.virtualReaders.map((r) => r.kind)).toEqual(['vsmartcard-vpcd', 'vsmartcard-vpcd']);
    expect(facts.summary.unknownFacts).toBe(0);
  });

  it('reports pcscd stopped when its socket is not there', async () => {
    const facts = await linux(baseFiles, {}, '/nonexistent/pcscd.comm');
    expect(value(facts, FactKeys.pcscSocket)).toBe('absent');
    expect(findFact(facts.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'stopped', assessment: 'error' });
    expect(findFact(facts.facts, FactKeys.pcscServiceState)?.note).toMatch(/runs but its socket \/nonexistent\/pcscd.comm is missing/);
    expect(facts.summary.pcscService).toBe('stopped');
  });

  it('reports pcscd stopped when neither socket nor process exist, and a stale socket', async () => {
    const { [SOCKET]: _socket, '/proc/77/comm': _pcscd, ...rest } = baseFiles;
    const gone = await linux(rest);
    expect(findFact(gone.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'stopped', note: `no pcscd socket at ${SOCKET}` });
    const stale = await linux({ ...rest, [SOCKET]: { kind: 'socket' } });
    expect(findFact(stale.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'stopped', note: expect.stringMatching(/no pcscd process/) });
  });

  it('uses systemd unit states where systemd runs: socket activation counts as running', async () => {
    const { '/proc/77/comm': _pcscd, ...noProcess } = baseFiles;
    const facts = await linux(
      { ...noProcess, '/run/systemd/system': { kind: 'directory' } },
      {
        'systemctl is-active pcscd.socket pcscd.service': { stdout: recorded('linux', 'systemctl-is-active-socket-only.txt'), exitCode: 3 },
      },
    );
    expect(value(facts, FactKeys.systemd)).toBe('present');
    expect(value(facts, FactKeys.pcscSystemdSocket)).toBe('active');
    expect(value(facts, FactKeys.pcscSystemdService)).toBe('inactive');
    expect(findFact(facts.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'running', note: expect.stringMatching(/socket activation/) });
  });

  it('gives unknown unit states when systemctl gives garbage or is missing', async () => {
    const withSystemd = { ...baseFiles, '/run/systemd/system': { kind: 'directory' } as MemoryEntry };
    const garbage = await linux(withSystemd, { 'systemctl is-active pcscd.socket pcscd.service': { stdout: 'Failed to connect to bus\n', exitCode: 1 } });
    expect(value(garbage, FactKeys.pcscSystemdSocket)).toBe(UNKNOWN);
    expect(value(garbage, FactKeys.pcscServiceState)).toBe('running');
    const missing = await linux(withSystemd);
    expect(findFact(missing.facts, FactKeys.pcscSystemdService)).toMatchObject({ value: UNKNOWN, note: 'program not found' });
  });

  it('finds Net iD by its libraries and SafeNet by libeTPkcs11.so', async () => {
    const facts = await linux({
      ...baseFiles,
      '/usr/lib/libiidp11.so': 'ELF',
      '/usr/lib/libnetid.so': 'ELF',
      '/etc/netid.conf': '[Trace]\n',
      '/home/anna/.iid': { kind: 'directory' },
      '/usr/lib/libeTPkcs11.so': 'ELF',
      '/etc/pkcs11/modules/netid.module': recorded('linux', 'netid.module'),
    });
    expect(findFact(facts.facts, middlewareKey('netid'))).toMatchObject({
      value: 'installed',
      detail: '/usr/lib/libiidp11.so, /usr/lib/libnetid.so, /etc/netid.conf, /home/anna/.iid',
    });
    expect(value(facts, middlewareModuleKey('netid'))).toBe('/usr/lib/libiidp11.so');
    expect(value(facts, middlewareKey('safenet-sac'))).toBe('installed');
    expect(value(facts, FactKeys.p11KitModules)).toEqual([
      'opensc-pkcs11: /usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
      'netid: /usr/lib/libiidp11.so (disabled in gnome-keyring)',
    ]);
    expect(facts.summary.pkcs11Modules).toEqual([
      '/usr/lib/libiidp11.so',
      '/usr/lib/libeTPkcs11.so',
      '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
      '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
    ]);
  });

  it('warns about Net iD left-overs without libraries', async () => {
    const facts = await linux({ ...baseFiles, '/home/anna/.iid': { kind: 'directory' } });
    expect(findFact(facts.facts, middlewareKey('netid'))).toMatchObject({ value: 'not-installed', assessment: 'warning' });
  });

  it('reports OpenSC missing, or its version unknown from garbage', async () => {
    const { '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so': _module, ...noModule } = baseFiles;
    const missing = await linux(noModule, { 'opensc-tool --info': { notFound: true }, 'opensc-tool --list-readers': { notFound: true } });
    expect(value(missing, middlewareKey('opensc'))).toBe('not-installed');
    expect(findFact(missing.facts, FactKeys.readers)).toMatchObject({ value: UNKNOWN, note: expect.stringMatching(/opensc-tool is not installed/) });
    const garbage = await linux(baseFiles, { 'opensc-tool --info': { stdout: recorded('linux', 'opensc-tool-version.txt') } });
    expect(value(garbage, middlewareKey('opensc'))).toBe('installed');
    expect(value(garbage, middlewareVersionKey('opensc'))).toBe(UNKNOWN);
  });

  it('lists p11-kit modules with the tool when it is installed, unknown on garbage', async () => {
    const listed = await linux(baseFiles, { 'p11-kit list-modules': { stdout: recorded('linux', 'p11-kit-list-modules.txt') } });
    expect(value(listed, FactKeys.p11KitTool)).toEqual([
      'opensc-pkcs11: /usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so 0.23 [SITHS e-id kort (Legitimering)]',
      'p11-kit-trust: /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so 0.24 [System Trust]',
    ]);
    const crashed = await linux(baseFiles, { 'p11-kit list-modules': { signal: 'SIGSEGV', exitCode: null } });
    expect(findFact(crashed.facts, FactKeys.p11KitTool)).toMatchObject({ value: UNKNOWN, note: 'ended by signal SIGSEGV' });
  });

  it('reports unknown process state when /proc cannot be read', async () => {
    const facts = await linux({ [SOCKET]: { kind: 'socket' } });
    expect(value(facts, FactKeys.pcscProcess)).toBe(UNKNOWN);
    // The socket is then the best evidence, and the note says the process was not checked.
    expect(findFact(facts.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'running', note: 'the socket exists; the process could not be checked' });
  });
});
