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
  type ScriptedCommandAnswer,
  type SystemFacts,
} from '../../../native/system/index.js';
import { recorded } from './recorded.js';

const UNINSTALL_HKLM = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const UNINSTALL_WOW = 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const UNINSTALL_HKCU = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const CALAIS = 'HKLM\\SOFTWARE\\Microsoft\\Cryptography\\Calais\\SmartCards';

type Machine = {
  scardQuery?: ScriptedCommandAnswer;
  scardQc?: ScriptedCommandAnswer;
  certPropQuery?: ScriptedCommandAnswer;
  certPropQc?: ScriptedCommandAnswer;
  uninstall?: Partial<Record<'hklm' | 'wow' | 'hkcu', ScriptedCommandAnswer>>;
  calais?: ScriptedCommandAnswer;
  certStorePowerShell?: ScriptedCommandAnswer;
  certutil?: ScriptedCommandAnswer;
  pnp?: ScriptedCommandAnswer;
};

const missingKey: ScriptedCommandAnswer = { stdout: '', stderr: recorded('windows', 'reg-missing-key.stderr.txt'), exitCode: 1 };

/** A machine with the SITHS eID app (SAC + IDPrime minidriver), old Net iD, CertPropSvc running. */
const sithsEidMachine: Required<Machine> = {
  scardQuery: { stdout: recorded('windows', 'sc-query-scardsvr-running.txt') },
  scardQc: { stdout: recorded('windows', 'sc-qc-scardsvr-demand.txt') },
  certPropQuery: { stdout: recorded('windows', 'sc-query-certpropsvc-running.txt') },
  certPropQc: { stdout: recorded('windows', 'sc-qc-certpropsvc-demand.txt') },
  uninstall: {
    hklm: { stdout: recorded('windows', 'reg-uninstall-hklm.txt') },
    wow: { stdout: recorded('windows', 'reg-uninstall-wow64.txt') },
    hkcu: missingKey,
  },
  calais: { stdout: recorded('windows', 'reg-calais-smartcards.txt') },
  certStorePowerShell: { stdout: recorded('windows', 'ps-certstore.json') },
  certutil: { stdout: recorded('windows', 'certutil-store-en.txt') },
  pnp: { stdout: recorded('windows', 'ps-pnp-readers.json') },
};

function script(machine: Machine) {
  const m = { ...sithsEidMachine, ...machine, uninstall: { ...sithsEidMachine.uninstall, ...machine.uninstall } };
  return (path: string, args: readonly string[]): ScriptedCommandAnswer | undefined => {
    // Windows' tools are started by absolute path; the script answers by the tool's name.
    const program = path.slice(path.lastIndexOf('\\') + 1);
    const line = args.join(' ');
    if (program === 'sc.exe') {
      return { 'query SCardSvr': m.scardQuery, 'qc SCardSvr': m.scardQc, 'query CertPropSvc': m.certPropQuery, 'qc CertPropSvc': m.certPropQc }[line];
    }
    if (program === 'reg.exe') {
      return {
        [`query ${UNINSTALL_HKLM} /s`]: m.uninstall.hklm,
        [`query ${UNINSTALL_WOW} /s`]: m.uninstall.wow,
        [`query ${UNINSTALL_HKCU} /s`]: m.uninstall.hkcu,
        [`query ${CALAIS} /s`]: m.calais,
      }[line];
    }
    if (program === 'powershell.exe')
      return line.includes('Cert:\\CurrentUser\\My') ? m.certStorePowerShell : line.includes('Get-PnpDevice') ? m.pnp : undefined;
    if (program === 'certutil.exe' && line === '-user -store My') return m.certutil;
    return undefined;
  };
}

const env = { ProgramFiles: 'C:\\Program Files', 'ProgramFiles(x86)': 'C:\\Program Files (x86)', SystemRoot: 'C:\\Windows', SESSIONNAME: 'Console' };
const files = createMemoryFileSystem({
  'C:\\Program Files\\Net iD\\iidp11.dll': 'MZ',
  'C:\\Windows\\System32\\eTPKCS11.dll': 'MZ',
});

async function collect(machine: Machine, extra: { env?: Record<string, string>; readerNames?: string[] } = {}): Promise<SystemFacts> {
  return collectSystemFacts({
    platform: 'win32',
    arch: 'x64',
    osRelease: '10.0.22631',
    env: { ...env, ...extra.env },
    homeDir: 'C:\\Users\\anna',
    run: createScriptedCommandRunner(script(machine)),
    fs: files,
    ...(extra.readerNames ? { readerNames: extra.readerNames } : {}),
    now: () => new Date('2025-01-01T10:00:00Z'),
  });
}

const value = (facts: SystemFacts, key: string) => findFact(facts.facts, key)?.value;

describe('Windows tools by absolute path', () => {
  it('starts sc.exe, reg.exe, certutil.exe and powershell.exe under %SystemRoot%\\System32, never by bare name', async () => {
    const runner = createScriptedCommandRunner(script({ certStorePowerShell: { stdout: '', exitCode: 1 } }));
    await collectSystemFacts({
      platform: 'win32',
      arch: 'x64',
      osRelease: '10.0.22631',
      env: { ...env, SystemRoot: 'D:\\WINNT' },
      homeDir: 'C:\\Users\\anna',
      run: runner,
      fs: files,
      now: () => new Date('2025-01-01T10:00:00Z'),
    });
    const programs = new Set(runner.calls.map((line) => line.split(' ')[0] as string));
    expect([...programs].sort()).toEqual([
      'D:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      'D:\\WINNT\\System32\\certutil.exe',
      'D:\\WINNT\\System32\\reg.exe',
      'D:\\WINNT\\System32\\sc.exe',
    ]);
  });

  it('falls back to C:\\Windows when SystemRoot is not set', async () => {
    const { SystemRoot: _unset, ...withoutRoot } = env;
    const runner = createScriptedCommandRunner(script({}));
    await collectSystemFacts({
      platform: 'win32',
      arch: 'x64',
      osRelease: '10.0.22631',
      env: withoutRoot,
      homeDir: 'C:\\Users\\anna',
      run: runner,
      fs: files,
      now: () => new Date('2025-01-01T10:00:00Z'),
    });
    expect(runner.calls.length).toBeGreaterThan(0);
    for (const line of runner.calls) expect(line.startsWith('C:\\Windows\\System32\\')).toBe(true);
  });
});

describe('Windows probes on recorded outputs', () => {
  it('reads a machine with the SITHS eID app, old Net iD and Certificate Propagation running', async () => {
    const facts = await collect({});
    expect(value(facts, FactKeys.pcscServiceState)).toBe('running');
    expect(value(facts, FactKeys.pcscServiceStartType)).toBe('demand');
    expect(value(facts, FactKeys.certPropState)).toBe('running');
    expect(value(facts, FactKeys.safenetMinidriver)).toBe(true);
    expect(value(facts, FactKeys.certPropConflict)).toBe('yes');
    expect(facts.summary.certPropagationConflict).toBe('yes');
    expect(value(facts, middlewareKey('netid-enterprise'))).toBe('installed');
    expect(value(facts, middlewareVersionKey('netid-enterprise'))).toBe('6.8.3.21');
    expect(value(facts, middlewareModuleKey('netid-enterprise'))).toBe('C:\\Program Files\\Net iD\\iidp11.dll');
    expect(value(facts, middlewareKey('netid-client'))).toBe('installed');
    expect(value(facts, middlewareVersionKey('siths-eid'))).toBe('1.4.0');
    expect(value(facts, middlewareModuleKey('siths-eid'))).toBe('C:\\Windows\\System32\\eTPKCS11.dll');
    expect(value(facts, middlewareKey('opensc'))).toBe('not-installed');
    expect(value(facts, FactKeys.sithsCertificatesInStore)).toBe(1);
    expect(value(facts, FactKeys.sithsIssuersInStore)).toEqual(['SITHS e-id Person HSA-id 3 CA v1']);
    expect(facts.summary.sithsCertificatesInPersonalStore).toBe(1);
    expect(value(facts, FactKeys.remoteSession)).toBe('none');
    // The readers come from PnP when the PC/SC layer gave none; the TPM virtual card is flagged.
    expect(facts.summary.readers).toEqual(['Alcor Micro USB Smart Card Reader', 'Microsoft Virtual Smart Card 0']);
    expect(facts.summary.virtualReaders).toEqual([{ name: 'Microsoft Virtual Smart Card 0', kind: 'tpm-virtual-smart-card' }]);
    expect(findFact(facts.facts, FactKeys.virtualReaders)?.assessment).toBe('warning');
    expect(facts.summary.middleware.map((m) => m.product)).toEqual(['netid-enterprise', 'netid-client', 'siths-eid', 'safenet-sac']);
    expect(facts.summary.pkcs11Modules).toEqual(['C:\\Program Files\\Net iD\\iidp11.dll', 'C:\\Windows\\System32\\eTPKCS11.dll']);
    expect(facts.summary.unknownFacts).toBe(0);
    expect(facts.probes.every((p) => p.status === 'ok')).toBe(true);
  });

  it('never puts certificate subjects (names, HSA-ids) into the facts', async () => {
    const facts = await collect({});
    const text = JSON.stringify(facts);
    expect(text).not.toContain('Anna Andersson');
    expect(text).not.toContain('SE2321000016-1234');
  });

  it('reports a stopped Smart Card service, and a disabled one as an error', async () => {
    const stopped = await collect({ scardQuery: { stdout: recorded('windows', 'sc-query-scardsvr-stopped.txt') } });
    expect(value(stopped, FactKeys.pcscServiceState)).toBe('stopped');
    expect(findFact(stopped.facts, FactKeys.pcscServiceState)?.assessment).toBe('warning');
    expect(stopped.summary.pcscService).toBe('stopped');
    const disabled = await collect({
      scardQuery: { stdout: recorded('windows', 'sc-query-scardsvr-stopped.txt') },
      scardQc: { stdout: recorded('windows', 'sc-qc-scardsvr-disabled.txt') },
    });
    expect(findFact(disabled.facts, FactKeys.pcscServiceState)?.assessment).toBe('error');
    expect(value(disabled, FactKeys.pcscServiceStartType)).toBe('disabled');
  });

  it('reports a missing Smart Card service', async () => {
    const facts = await collect({
      scardQuery: { stdout: recorded('windows', 'sc-query-missing.txt'), exitCode: 1060 },
      scardQc: { stdout: recorded('windows', 'sc-qc-missing.txt'), exitCode: 1060 },
    });
    expect(value(facts, FactKeys.pcscServiceState)).toBe('not-installed');
    expect(facts.summary.pcscService).toBe('not-installed');
  });

  it('reports no middleware on a machine without any', async () => {
    const facts = await collect({
      uninstall: { hklm: { stdout: recorded('windows', 'reg-uninstall-nothing.txt') }, wow: missingKey, hkcu: missingKey },
      calais: { stdout: recorded('windows', 'reg-calais-smartcards-generic-only.txt') },
      certStorePowerShell: { stdout: '' },
    });
    for (const product of ['netid-client', 'siths-eid', 'safenet-sac', 'opensc']) expect(value(facts, middlewareKey(product))).toBe('not-installed');
    // iidp11.dll is still in the Net iD folder: found by its files, without an uninstall entry.
    expect(findFact(facts.facts, middlewareKey('netid-enterprise'))).toMatchObject({ value: 'installed', source: 'file' });
    expect(value(facts, FactKeys.safenetMinidriver)).toBe(false);
    expect(value(facts, FactKeys.certPropConflict)).toBe('no');
    expect(value(facts, FactKeys.sithsCertificatesInStore)).toBe(0);
    expect(findFact(facts.facts, FactKeys.sithsCertificatesInStore)?.assessment).toBe('warning');
  });

  it('says a conflict is possible when SAC is installed but the minidriver list cannot be read', async () => {
    const facts = await collect({ calais: { stdout: '', stderr: 'ERROR: Access is denied.', exitCode: 1 } });
    expect(value(facts, FactKeys.safenetMinidriver)).toBe(UNKNOWN);
    expect(value(facts, FactKeys.certPropConflict)).toBe('possible');
  });

  it('sees no conflict when Certificate Propagation is stopped and disabled', async () => {
    const facts = await collect({
      certPropQuery: { stdout: recorded('windows', 'sc-query-certpropsvc-stopped.txt') },
      certPropQc: { stdout: recorded('windows', 'sc-qc-certpropsvc-disabled.txt') },
    });
    expect(value(facts, FactKeys.certPropState)).toBe('stopped');
    expect(value(facts, FactKeys.certPropConflict)).toBe('no');
  });

  it('turns garbage and missing tools into unknown facts without throwing', async () => {
    const garbage: ScriptedCommandAnswer = { stdout: recorded('windows', 'garbage.txt') };
    const facts = await collect({
      scardQuery: garbage,
      scardQc: garbage,
      certPropQuery: { notFound: true },
      certPropQc: { timedOut: true },
      uninstall: { hklm: { timedOut: true }, wow: { notFound: true }, hkcu: { notFound: true } },
      calais: garbage,
      certStorePowerShell: garbage,
      certutil: garbage,
      pnp: garbage,
    });
    expect(value(facts, FactKeys.pcscServiceState)).toBe(UNKNOWN);
    expect(findFact(facts.facts, FactKeys.pcscServiceState)?.note).toMatch(/unexpected output from sc\.exe/);
    expect(value(facts, FactKeys.certPropState)).toBe(UNKNOWN);
    expect(findFact(facts.facts, FactKeys.certPropState)?.note).toBe('program not found');
    expect(findFact(facts.facts, FactKeys.certPropStartType)?.note).toMatch(/timed out/);
    expect(value(facts, middlewareKey('siths-eid'))).toBe(UNKNOWN);
    expect(value(facts, FactKeys.sithsCertificatesInStore)).toBe(UNKNOWN);
    expect(value(facts, FactKeys.readers)).toBe(UNKNOWN);
    expect(value(facts, FactKeys.certPropConflict)).toBe(UNKNOWN);
    expect(facts.summary.pcscService).toBe('unknown');
    expect(facts.summary.readers).toBeNull();
    expect(facts.summary.unknownFacts).toBeGreaterThan(5);
    expect(facts.probes.find((p) => p.probeId === 'windows.smart-card-service')?.status).toBe('partial');
  });

  it('falls back to certutil (Swedish) when PowerShell is blocked', async () => {
    const facts = await collect({
      certStorePowerShell: { stdout: '', stderr: 'powershell.exe is blocked by group policy', exitCode: 1 },
      certutil: { stdout: recorded('windows', 'certutil-store-sv.txt') },
    });
    expect(value(facts, FactKeys.sithsCertificatesInStore)).toBe(1);
    expect(value(facts, FactKeys.sithsIssuersInStore)).toEqual(['TEST SITHS e-id Person HSA-id 3 CA v1']);
    expect(findFact(facts.facts, FactKeys.sithsCertificatesInStore)?.detail).toBe('C:\\Windows\\System32\\certutil.exe -user -store My');
  });

  it('flags remote desktop and Citrix sessions', async () => {
    const rdp = await collect({}, { env: { SESSIONNAME: 'RDP-Tcp#3' } });
    expect(rdp.summary.remoteSession).toBe('rdp');
    expect(findFact(rdp.facts, FactKeys.remoteSession)).toMatchObject({ detail: 'SESSIONNAME=RDP-Tcp#3', assessment: 'warning' });
    const citrix = await collect({}, { env: { SESSIONNAME: 'ICA-tcp#7' } });
    expect(citrix.summary.remoteSession).toBe('citrix');
  });

  it('uses the PC/SC reader list when given and flags Windows Hello for Business', async () => {
    const facts = await collect({}, { readerNames: ['Windows Hello for Business 1', 'HID Global OMNIKEY 3x21 Smart Card Reader 0'] });
    expect(findFact(facts.facts, FactKeys.readers)).toMatchObject({ source: 'pcsc' });
    expect(facts.summary.virtualReaders).toEqual([{ name: 'Windows Hello for Business 1', kind: 'windows-hello' }]);
  });
});
