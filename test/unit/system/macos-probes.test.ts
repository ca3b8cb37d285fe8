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
import { parseDefaultsReadValue, parsePluginkitList, parseSystemProfilerSmartCards, parseXmlInfoPlist } from '../../../native/system/macos/parse.js';
import { recorded, recordedBytes } from './recorded.js';

describe('macOS parsers', () => {
  it('reads readers (without their ATR) and drivers from system_profiler', () => {
    const report = parseSystemProfilerSmartCards(recorded('macos', 'system-profiler-smartcards.txt'));
    expect(report).toEqual({
      kind: 'smartcards',
      readers: ['Alcor Micro USB Smart Card Reader', 'Identiv uTrust 2700 R Smart Card Reader'],
      readerDrivers: ['fr.apdu.ccidclassdriver:1.5.2 (/usr/libexec/SmartCardServices/drivers/ifd-ccid.bundle)'],
      tokenDrivers: [
        'com.apple.CryptoTokenKit.pivtoken:1.0 (/System/Library/Frameworks/CryptoTokenKit.framework/PlugIns/pivtoken.appex)',
        'com.secmaker.netid.ctk:6.8.3 (/Applications/Net iD Client.app/Contents/PlugIns/NetiDToken.appex)',
      ],
    });
    expect(parseSystemProfilerSmartCards(recorded('macos', 'system-profiler-no-readers.txt'))).toMatchObject({ kind: 'smartcards', readers: [] });
  });
  it('gives unknown for an error, for nothing and for garbage', () => {
    expect(parseSystemProfilerSmartCards(recorded('macos', 'system-profiler-garbage.txt')).kind).toBe('unknown');
    expect(parseSystemProfilerSmartCards('')).toEqual({ kind: 'unknown', note: 'no output from system_profiler' });
  });
  it('reads pluginkit token extensions with their election state', () => {
    const parsed = parsePluginkitList(recorded('macos', 'pluginkit-ctk-tokens.txt'));
    expect(parsed).toEqual({
      kind: 'plugins',
      plugins: [
        { election: '', bundleId: 'com.apple.CryptoTokenKit.pivtoken', version: '1.0' },
        { election: '+', bundleId: 'com.secmaker.netid.ctk', version: '6.8.3' },
        { election: '-', bundleId: 'com.thalesgroup.sac.token', version: '10.8.28' },
      ],
    });
    expect(parsePluginkitList('pluginkit: unrecognized option -x').kind).toBe('unknown');
    expect(parsePluginkitList('')).toEqual({ kind: 'plugins', plugins: [] });
  });
  it('reads an XML Info.plist and refuses a binary one', () => {
    expect(parseXmlInfoPlist(recorded('macos', 'netid-client-Info.plist'))).toEqual({
      bundleId: 'com.secmaker.netid.client',
      shortVersion: '7.2.1',
      version: '7.2.1.48',
      name: 'Net iD Client',
    });
    expect(parseXmlInfoPlist(Buffer.from(recordedBytes('macos', 'siths-eid-Info.binary.plist')).toString('utf8'))).toBeNull();
  });
  it('reads one `defaults read` value and nothing else', () => {
    expect(parseDefaultsReadValue(recorded('macos', 'defaults-read-version.txt'), 0)).toBe('1.4.0');
    expect(parseDefaultsReadValue('', 1)).toMatchObject({ kind: 'unknown' });
    expect(parseDefaultsReadValue('{\n  a = 1;\n}\n', 0)).toMatchObject({ kind: 'unknown' });
  });
});

const defaultsCommand = 'defaults read "/Applications/SITHS eID.app/Contents/Info" CFBundleShortVersionString';

function machine(answers: Record<string, ScriptedCommandAnswer>, files: Record<string, MemoryEntry>, readerNames?: string[]): Promise<SystemFacts> {
  return collectSystemFacts({
    platform: 'darwin',
    arch: 'arm64',
    osRelease: '23.4.0',
    env: {},
    homeDir: '/Users/anna',
    run: createScriptedCommandRunner(answers),
    fs: createMemoryFileSystem(files),
    ...(readerNames ? { readerNames } : {}),
  });
}

const value = (facts: SystemFacts, key: string) => findFact(facts.facts, key)?.value;

describe('macOS probes on recorded outputs', () => {
  const installedApps: Record<string, MemoryEntry> = {
    '/Applications/Net iD Client.app/Contents/Info.plist': recorded('macos', 'netid-client-Info.plist'),
    '/Applications/Net iD Client.app/Contents/Frameworks/libiidp11.dylib': 'bin',
    '/Applications/SITHS eID.app/Contents/Info.plist': recordedBytes('macos', 'siths-eid-Info.binary.plist'),
    '/Applications/Safari.app/Contents/Info.plist': '<plist></plist>',
    '/usr/local/lib/libeTPkcs11.dylib': 'bin',
  };
  const tools: Record<string, ScriptedCommandAnswer> = {
    'system_profiler SPSmartCardsDataType': { stdout: recorded('macos', 'system-profiler-smartcards.txt') },
    'pluginkit -m -p com.apple.ctk-tokens': { stdout: recorded('macos', 'pluginkit-ctk-tokens.txt') },
    [defaultsCommand]: { stdout: recorded('macos', 'defaults-read-version.txt') },
  };

  it('finds Net iD Client and the SITHS eID app with versions, PC/SC and token drivers', async () => {
    const facts = await machine(tools, installedApps);
    expect(value(facts, FactKeys.pcscServiceState)).toBe('available');
    expect(facts.summary.pcscService).toBe('available');
    expect(value(facts, FactKeys.readers)).toEqual(['Alcor Micro USB Smart Card Reader', 'Identiv uTrust 2700 R Smart Card Reader']);
    expect(value(facts, FactKeys.macTokenDrivers)).toEqual([
      'com.apple.CryptoTokenKit.pivtoken 1.0',
      'com.secmaker.netid.ctk 6.8.3',
      'com.thalesgroup.sac.token 10.8.28 (disabled)',
    ]);
    expect(value(facts, middlewareKey('netid-client'))).toBe('installed');
    expect(value(facts, middlewareVersionKey('netid-client'))).toBe('7.2.1');
    expect(value(facts, middlewareModuleKey('netid-client'))).toBe('/Applications/Net iD Client.app/Contents/Frameworks/libiidp11.dylib');
    // Binary Info.plist: the version comes from `defaults read`.
    expect(findFact(facts.facts, middlewareVersionKey('siths-eid'))).toMatchObject({ value: '1.4.0', source: 'command', detail: defaultsCommand });
    expect(value(facts, middlewareModuleKey('siths-eid'))).toBe('/usr/local/lib/libeTPkcs11.dylib');
    expect(value(facts, middlewareKey('opensc'))).toBe('not-installed');
    // An edition was found, so "any Net iD" is not reported as missing.
    expect(findFact(facts.facts, middlewareKey('netid'))).toBeUndefined();
    expect(facts.summary.unknownFacts).toBe(0);
  });

  it('reports no middleware when the Applications folder has none', async () => {
    const facts = await machine(
      { ...tools, 'system_profiler SPSmartCardsDataType': { stdout: recorded('macos', 'system-profiler-no-readers.txt') } },
      {
        '/Applications/Safari.app/Contents/Info.plist': '<plist></plist>',
      },
    );
    expect(value(facts, middlewareKey('netid'))).toBe('not-installed');
    expect(value(facts, middlewareKey('siths-eid'))).toBe('not-installed');
    expect(value(facts, middlewareKey('safenet-sac'))).toBe('not-installed');
    expect(facts.summary.middleware).toEqual([]);
    expect(facts.summary.readers).toEqual([]);
  });

  it('turns failing tools and unreadable folders into unknown facts', async () => {
    const facts = await machine(
      {
        'system_profiler SPSmartCardsDataType': { stdout: recorded('macos', 'system-profiler-garbage.txt') },
        'pluginkit -m -p com.apple.ctk-tokens': { timedOut: true },
        [defaultsCommand]: { stdout: '', stderr: recorded('macos', 'defaults-read-missing.stderr.txt'), exitCode: 1 },
      },
      { '/Applications/SITHS eID.app/Contents/Info.plist': recordedBytes('macos', 'siths-eid-Info.binary.plist') },
    );
    expect(value(facts, FactKeys.pcscServiceState)).toBe(UNKNOWN);
    expect(value(facts, FactKeys.macTokenDrivers)).toBe(UNKNOWN);
    expect(findFact(facts.facts, middlewareVersionKey('siths-eid'))).toMatchObject({ value: UNKNOWN, note: expect.stringMatching(/does not exist/) });
    expect(facts.summary.pcscService).toBe('unknown');
    const noFolders = await machine(tools, {});
    expect(value(noFolders, middlewareKey('siths-eid'))).toBe(UNKNOWN);
  });

  it('prefers the PC/SC layer reader list', async () => {
    const facts = await machine(tools, installedApps, ['Yubico YubiKey OTP+FIDO+CCID']);
    expect(findFact(facts.facts, FactKeys.readers)).toMatchObject({ value: ['Yubico YubiKey OTP+FIDO+CCID'], source: 'pcsc' });
    expect(facts.facts.filter((f) => f.key === FactKeys.readers)).toHaveLength(1);
  });
});
