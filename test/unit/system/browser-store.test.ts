/**
 * The browser-store probes on recorded outputs (written from the documented formats: see
 * test/fixtures/system/README.md) for each case the issue lists: the login certificate is there; a
 * stale one is there beside it; it is missing; its key is not on a smart card; the tool is missing;
 * the output is garbage. Plus the Linux parsers on outputs recorded on the Debian 12 machine.
 */
import { describe, expect, it } from 'vitest';
import {
  createMemoryFileSystem,
  createScriptedCommandRunner,
  matchBrowserStores,
  readBrowserStores,
  type LoginCertificateIdentity,
  type ScriptedCommandAnswer,
} from '../../../native/system/index.js';
import { parseFindIdentity, parseListSmartcards, parseScAuthIdentities } from '../../../native/system/browser-store/macos.js';
import { parseCertutilNicknames, parseModutilList, parsePkcs11Txt } from '../../../native/system/browser-store/linux.js';
import { parseWindowsPersonalStore, providerOnSmartCard } from '../../../native/system/browser-store/windows.js';
import { subjectSerialNumber } from '../../../native/system/browser-store/match.js';
import { recorded } from './recorded.js';

const login: LoginCertificateIdentity = {
  sha1: '41:1B:C2:9F:3E:5D:7A:8B:9C:0D:1E:2F:3A:4B:5C:6D:7E:8F:90:12',
  hsaId: 'SE2321000016-1234',
  commonName: 'Åsa Lindström',
  cardThumbprints: ['C0FFEE00112233445566778899AABBCCDDEEFF00', '5A5B5C5D5E5F6061626364656667686970717273'],
};

function windowsStores(answer: ScriptedCommandAnswer | undefined) {
  const run = createScriptedCommandRunner((program) => (program.endsWith('\\System32\\WindowsPowerShell\\v1.0\\powershell.exe') ? answer : undefined));
  return { run, stores: readBrowserStores({ platform: 'win32', env: { SystemRoot: 'C:\\Windows' }, run, fs: createMemoryFileSystem({}) }) };
}

describe('Windows: Cert:\\CurrentUser\\My with the key provider', () => {
  it('runs PowerShell by its absolute path under %SystemRoot%\\System32, with an encoded script', async () => {
    const { run, stores } = windowsStores({ stdout: recorded('windows', 'ps-browser-store-present.json') });
    await stores;
    expect(run.calls[0]).toMatch(
      /^C:\\Windows\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+$/,
    );
  });

  it('present: the login certificate, its key on a smart card', async () => {
    const match = matchBrowserStores(await windowsStores({ stdout: recorded('windows', 'ps-browser-store-present.json') }).stores, login);
    expect(match.outcome).toBe('found');
    expect(match.stale).toBe(false);
    expect(match.stores[0]!.match).toMatchObject({
      sha1: '411BC29F3E5D7A8B9C0D1E2F3A4B5C6D7E8F9012',
      onSmartCard: true,
      provider: 'Microsoft Smart Card Key Storage Provider',
      notAfter: '2027-03-01T22:59:59.000Z',
    });
  });

  it("stale beside it: the old card's certificate with the same HSA-id, another thumbprint", async () => {
    const match = matchBrowserStores(await windowsStores({ stdout: recorded('windows', 'ps-browser-store-stale.json') }).stores, login);
    expect(match.outcome).toBe('found');
    expect(match.stale).toBe(true);
    expect(match.stores[0]!.stale.map((c) => [c.sha1, c.notAfter, c.provider])).toEqual([
      ['9E2D4C6A8B0F1E3D5C7B9A8F6E4D2C0B1A3F5E7D', '2024-02-28T22:59:59.000Z', 'Net iD - CSP'],
    ]);
  });

  it('missing: only another certificate (one object, not an array, as ConvertTo-Json prints one)', async () => {
    const match = matchBrowserStores(await windowsStores({ stdout: recorded('windows', 'ps-browser-store-missing.json') }).stores, login);
    expect(match.outcome).toBe('missing');
    // The Telia certificate has the same name, but it is on the card: not stale.
    expect(match.stale).toBe(false);
    expect(
      matchBrowserStores(await windowsStores({ stdout: recorded('windows', 'ps-browser-store-missing.json') }).stores, { ...login, cardThumbprints: [] }).stale,
    ).toBe(true);
  });

  it('key not on a smart card: a software copy of the certificate', async () => {
    const match = matchBrowserStores(await windowsStores({ stdout: recorded('windows', 'ps-browser-store-software-key.json') }).stores, login);
    expect(match.outcome).toBe('software-key');
    expect(match.stores[0]!.match?.provider).toBe('Microsoft Software Key Storage Provider');
  });

  it('tool missing and garbage: unknown, never a guess', async () => {
    for (const answer of [undefined, { stdout: recorded('windows', 'garbage.txt') }, { timedOut: true }]) {
      const stores = await windowsStores(answer).stores;
      expect(stores[0]).toMatchObject({ status: 'unknown' });
      expect(matchBrowserStores(stores, login).outcome).toBe('unknown');
    }
  });

  it('an empty store and providers', () => {
    expect(parseWindowsPersonalStore('')).toEqual({ kind: 'certificates', certificates: [] });
    expect(parseWindowsPersonalStore('[]')).toEqual({ kind: 'certificates', certificates: [] });
    expect(parseWindowsPersonalStore('[{"Thumbprint":"xyz"}]').kind).toBe('unknown');
    expect(providerOnSmartCard('Microsoft Base Smart Card Crypto Provider', true)).toBe(true);
    expect(providerOnSmartCard('Microsoft Enhanced RSA and AES Cryptographic Provider', true)).toBe(false);
    expect(providerOnSmartCard(null, true)).toBeNull();
    expect(providerOnSmartCard(null, false)).toBe(false);
    expect(subjectSerialNumber('OID.2.5.4.5=SE2321000016-1234, CN=Åsa')).toBe('SE2321000016-1234');
  });
});

function macStores(answers: { list?: ScriptedCommandAnswer; identities?: ScriptedCommandAnswer; keychain?: ScriptedCommandAnswer }) {
  const run = createScriptedCommandRunner({
    ...(answers.list && { 'security list-smartcards': answers.list }),
    ...(answers.identities && { 'sc_auth identities': answers.identities }),
    ...(answers.keychain && { 'security find-identity -v -p ssl-client': answers.keychain }),
  });
  return readBrowserStores({ platform: 'darwin', run, fs: createMemoryFileSystem({}) });
}

describe('macOS: sc_auth identities, security list-smartcards, security find-identity', () => {
  const list = { stdout: recorded('macos', 'security-list-smartcards.txt') };
  const none = { stdout: recorded('macos', 'find-identity-none.txt') };

  it('parses the formats', () => {
    expect(parseListSmartcards(recorded('macos', 'security-list-smartcards.txt'))).toEqual({
      kind: 'tokens',
      tokens: ['com.thales.tokend.idprime:8A3F29C1D0E4B7A6'],
    });
    expect(parseScAuthIdentities(recorded('macos', 'sc-auth-identities-present.txt'))).toMatchObject({
      kind: 'identities',
      identities: [
        { sha1: '411BC29F3E5D7A8B9C0D1E2F3A4B5C6D7E8F9012', label: 'Åsa Lindström', token: 'com.thales.tokend.idprime:8A3F29C1D0E4B7A6', paired: false },
        {},
      ],
    });
    expect(parseFindIdentity(recorded('macos', 'find-identity-stale.txt'))).toMatchObject({
      identities: [{ sha1: '411BC29F3E5D7A8B9C0D1E2F3A4B5C6D7E8F9012' }, { sha1: '9E2D4C6A8B0F1E3D5C7B9A8F6E4D2C0B1A3F5E7D' }],
    });
  });

  it("present: the card token's identity has the login certificate's SHA-1", async () => {
    const match = matchBrowserStores(
      await macStores({ list, identities: { stdout: recorded('macos', 'sc-auth-identities-present.txt') }, keychain: none }),
      login,
    );
    expect(match.outcome).toBe('found');
    expect(match.stale).toBe(false);
  });

  it('stale beside it: an older identity with the same name in a keychain', async () => {
    const match = matchBrowserStores(
      await macStores({
        list,
        identities: { stdout: recorded('macos', 'sc-auth-identities-present.txt') },
        keychain: { stdout: recorded('macos', 'find-identity-stale.txt') },
      }),
      login,
    );
    expect(match.outcome).toBe('found');
    expect(match.stale).toBe(true);
    expect(match.stores.find((s) => s.kind === 'macos-keychain')!.stale.map((c) => c.sha1)).toEqual(['9E2D4C6A8B0F1E3D5C7B9A8F6E4D2C0B1A3F5E7D']);
  });

  it('missing: no smart-card identity at all', async () => {
    const match = matchBrowserStores(
      await macStores({
        list: { stdout: recorded('macos', 'security-list-smartcards-none.txt') },
        identities: { stdout: recorded('macos', 'sc-auth-identities-none.txt') },
        keychain: none,
      }),
      login,
    );
    expect(match.outcome).toBe('missing');
  });

  it('key not on a smart card: the certificate only as a keychain identity', async () => {
    const match = matchBrowserStores(
      await macStores({
        list,
        identities: { stdout: recorded('macos', 'sc-auth-identities-none.txt') },
        keychain: { stdout: recorded('macos', 'find-identity-software.txt') },
      }),
      login,
    );
    expect(match.outcome).toBe('software-key');
  });

  it('tool missing and garbage: unknown', async () => {
    const missing = matchBrowserStores(await macStores({ list, keychain: none }), login);
    expect(missing.outcome).toBe('unknown');
    const garbage = matchBrowserStores(await macStores({ list, identities: { stdout: recorded('macos', 'sc-auth-garbage.txt') }, keychain: none }), login);
    expect(garbage.outcome).toBe('unknown');
    expect(garbage.stores[0]!.note).toMatch(/unexpected line/);
  });
});

describe('Linux: NSS databases (outputs recorded on Debian 12, NSS 3.87, OpenSC 0.23)', () => {
  it('parses modutil -list: the internal module and OpenSC with its tokens', () => {
    const parsed = parseModutilList(recorded('linux', 'modutil-list-opensc-card.txt'));
    expect(parsed).toMatchObject({
      kind: 'modules',
      modules: [
        { name: 'NSS Internal PKCS #11 Module', kind: 'internal' },
        {
          name: 'OpenSC',
          kind: 'card',
          library: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
          tokens: ['SITHS e-id kort (Legitimering)', 'SITHS e-id kort (Underskrift)'],
          status: 'loaded',
        },
      ],
    });
    expect(parseModutilList(recorded('linux', 'modutil-list-opensc-no-card.txt'))).toMatchObject({ modules: [{}, { name: 'OpenSC', tokens: [] }] });
    expect(parseModutilList('garbage').kind).toBe('unknown');
  });

  it('parses certutil -L -h all: nicknames with spaces, colons and a single space before the trust flags', () => {
    expect(parseCertutilNicknames(recorded('linux', 'certutil-list-opensc-card.txt'))).toEqual({
      kind: 'nicknames',
      nicknames: [
        'SITHS e-id kort (Legitimering):Åsa Lindström, Region Stockholm',
        'SITHS e-id kort (Legitimering):SITHS e-id Person HSA-id 3 CA v1',
        'SITHS e-id kort (Underskrift):SITHS e-id Person HSA-id 3 CA v1',
        'SITHS e-id kort (Legitimering):Åsa Lindström, Telia e-legitimation',
        'SITHS e-id kort (Underskrift):Åsa Lindström, Region Stockholm',
        'SITHS e-id kort (Underskrift):Åsa Lindström, Telia e-legitimation',
      ],
    });
  });

  it('reads pkcs11.txt when modutil is missing, and says certutil is missing: unknown store, but "not registered" is still known', async () => {
    const home = '/home/asa';
    const fs = createMemoryFileSystem({
      [`${home}/.mozilla/firefox/abcd.default-esr/cert9.db`]: '',
      [`${home}/.mozilla/firefox/abcd.default-esr/pkcs11.txt`]:
        'library=\nname=NSS Internal PKCS #11 Module\nparameters=configdir=sql:/x\nNSS=Flags=internal,critical\n\nlibrary=/usr/lib/x86_64-linux-gnu/libnssckbi.so\nname=Builtin Roots Module\n',
      [`${home}/.mozilla/firefox/profiles.ini`]: '[Profile0]\nPath=abcd.default-esr\n',
    });
    const stores = await readBrowserStores({ platform: 'linux', homeDir: home, run: createScriptedCommandRunner({}), fs });
    expect(stores).toMatchObject([{ kind: 'nss', browsers: ['firefox'], status: 'unknown', modules: [{ kind: 'internal' }, { kind: 'roots' }] }]);
    expect(stores[0]!.note).toMatch(/libnss3-tools/);
    expect(matchBrowserStores(stores, login).outcome).toBe('module-not-registered');
    expect(parsePkcs11Txt('library=/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so\nname=p11-kit-proxy\n')).toMatchObject([{ kind: 'card' }]);
  });
});
