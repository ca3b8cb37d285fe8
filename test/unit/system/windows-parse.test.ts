import { describe, expect, it } from 'vitest';
import {
  classifyDisplayName,
  commonName,
  detectRemoteSession,
  findInstalledProducts,
  findRegisteredMinidrivers,
  isSafeNetMinidriver,
  isSithsIssuer,
  parseCertificateStoreJson,
  parseCertutilStore,
  parsePnpReadersJson,
  parseRegQuery,
  parseScQc,
  parseScQuery,
} from '../../../native/system/windows/parse.js';
import { recorded } from './recorded.js';

describe('sc.exe query', () => {
  it('reads a running service', () => {
    expect(parseScQuery(recorded('windows', 'sc-query-scardsvr-running.txt'))).toEqual({ kind: 'state', state: 'running' });
  });
  it('reads a stopped service', () => {
    expect(parseScQuery(recorded('windows', 'sc-query-scardsvr-stopped.txt'))).toEqual({ kind: 'state', state: 'stopped' });
  });
  it('reads the state on a Windows whose labels are translated', () => {
    expect(parseScQuery(recorded('windows', 'sc-query-scardsvr-running-fr.txt'))).toEqual({ kind: 'state', state: 'running' });
  });
  it('says not-installed for error 1060, by exit code or by text', () => {
    expect(parseScQuery(recorded('windows', 'sc-query-missing.txt'), '', 1060)).toEqual({ kind: 'not-installed' });
    expect(parseScQuery(recorded('windows', 'sc-query-missing.txt'), '', 1)).toEqual({ kind: 'not-installed' });
  });
  it('gives unknown with the Windows error for access denied', () => {
    const result = parseScQuery(recorded('windows', 'sc-query-access-denied.txt'), '', 5);
    expect(result.kind).toBe('unknown');
    expect(result.kind === 'unknown' && result.note).toMatch(/error 5 \(access denied\)/);
  });
  it('gives unknown, not a throw, for garbage and for nothing', () => {
    expect(parseScQuery(recorded('windows', 'garbage.txt')).kind).toBe('unknown');
    expect(parseScQuery('').kind).toBe('unknown');
  });
});

describe('sc.exe qc', () => {
  it('reads demand start and the display name', () => {
    expect(parseScQc(recorded('windows', 'sc-qc-scardsvr-demand.txt'))).toEqual({ kind: 'config', startType: 'demand', displayName: 'Smart Card' });
  });
  it('reads disabled and delayed automatic start', () => {
    expect(parseScQc(recorded('windows', 'sc-qc-scardsvr-disabled.txt'))).toMatchObject({ startType: 'disabled' });
    expect(parseScQc(recorded('windows', 'sc-qc-scardsvr-auto-delayed.txt'))).toMatchObject({ startType: 'auto-delayed' });
  });
  it('says not-installed for a missing service and unknown for garbage', () => {
    expect(parseScQc(recorded('windows', 'sc-qc-missing.txt'), '', 1060)).toEqual({ kind: 'not-installed' });
    expect(parseScQc(recorded('windows', 'garbage.txt')).kind).toBe('unknown');
  });
});

describe('reg.exe query /s', () => {
  const hklm = parseRegQuery(recorded('windows', 'reg-uninstall-hklm.txt'));

  it('splits keys and values, keeping values with spaces and empty data', () => {
    const netid = hklm.find((k) => k.values.DisplayName?.data === 'Net iD Enterprise');
    expect(netid?.values.DisplayVersion).toEqual({ type: 'REG_SZ', data: '6.8.3.21' });
    expect(netid?.values.UninstallString?.data).toBe('MsiExec.exe /X{0D5A3F1C-6E3B-4F7A-9C11-2B6C1D7E8F90}');
    expect(netid?.values.AuthorizedCDFPrefix).toEqual({ type: 'REG_SZ', data: '' });
    expect(hklm).toHaveLength(6);
  });

  it('finds the middleware products and ignores other Net iD products', () => {
    const products = findInstalledProducts([...hklm, ...parseRegQuery(recorded('windows', 'reg-uninstall-wow64.txt'))]);
    expect(products.map((p) => [p.product, p.version])).toEqual([
      ['netid-enterprise', '6.8.3.21'],
      ['safenet-sac', '10.8.1040.0'],
      ['siths-eid', '1.4.0'],
      ['netid-client', '7.2.1.48'],
    ]);
    expect(products.find((p) => p.product === 'siths-eid')?.installLocation).toBeNull();
    expect(products.find((p) => p.product === 'netid-client')?.installLocation).toBe('C:\\Program Files (x86)\\Net iD Client\\');
  });

  it('classifies display names', () => {
    expect(classifyDisplayName('Net iD')).toBe('netid-enterprise');
    expect(classifyDisplayName('SecMaker Net iD 5.4')).toBe('netid-enterprise');
    expect(classifyDisplayName('Net iD Access Server')).toBeNull();
    expect(classifyDisplayName('SITHS eID-appen')).toBe('siths-eid');
    expect(classifyDisplayName('Microsoft Edge')).toBeNull();
  });

  it('gives no keys for garbage', () => {
    expect(parseRegQuery(recorded('windows', 'garbage.txt'))).toEqual([]);
  });

  it('lists minidrivers and recognises the Thales IDPrime one', () => {
    const drivers = findRegisteredMinidrivers(parseRegQuery(recorded('windows', 'reg-calais-smartcards.txt')));
    expect(drivers.map((d) => [d.cardName, d.dll])).toEqual([
      ['Identity Device (Microsoft Generic Profile)', 'msclmd.dll'],
      ['IDPrime MD T=0', 'axaltocm.dll'],
    ]);
    expect(drivers.map(isSafeNetMinidriver)).toEqual([false, true]);
  });
});

describe('remote session', () => {
  it('tells console, remote desktop, Citrix, Horizon and SSH apart', () => {
    expect(detectRemoteSession({ SESSIONNAME: 'Console' }).kind).toBe('none');
    expect(detectRemoteSession({ SESSIONNAME: 'RDP-Tcp#12' })).toEqual({ kind: 'rdp', evidence: 'SESSIONNAME=RDP-Tcp#12' });
    expect(detectRemoteSession({ SESSIONNAME: 'ICA-CGP#3' }).kind).toBe('citrix');
    expect(detectRemoteSession({ SESSIONNAME: 'Console', ViewClient_Machine_Name: 'PC123' }).kind).toBe('vmware-horizon');
    expect(detectRemoteSession({ SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' }).kind).toBe('ssh');
    expect(detectRemoteSession({}).kind).toBe('none');
    expect(detectRemoteSession({ SESSIONNAME: '31C5CE94259D4006A9E4#0' }).kind).toBe('other-remote');
  });
});

describe('personal certificate store', () => {
  it('reads PowerShell JSON arrays and single objects', () => {
    const many = parseCertificateStoreJson(recorded('windows', 'ps-certstore.json'));
    expect(many.kind === 'certificates' && many.certificates.map((c) => isSithsIssuer(c.issuer))).toEqual([true, false, false]);
    const one = parseCertificateStoreJson(recorded('windows', 'ps-certstore-single.json'));
    expect(one.kind === 'certificates' && one.certificates).toHaveLength(1);
    expect(parseCertificateStoreJson('')).toEqual({ kind: 'certificates', certificates: [] });
  });
  it('gives unknown for garbage and for JSON of another shape', () => {
    expect(parseCertificateStoreJson(recorded('windows', 'garbage.txt')).kind).toBe('unknown');
    expect(parseCertificateStoreJson('[{"Name":"x"}]').kind).toBe('unknown');
  });
  it('reads certutil output in English and Swedish', () => {
    const en = parseCertutilStore(recorded('windows', 'certutil-store-en.txt'));
    expect(en.kind === 'certificates' && en.certificates.map((c) => commonName(c.issuer))).toEqual(['SITHS e-id Person HSA-id 3 CA v1', 'Contoso Issuing CA']);
    expect(en.kind === 'certificates' && en.certificates[0]?.thumbprint).toBe('123456789ABCDEF0123456789ABCDEF012345678');
    const sv = parseCertutilStore(recorded('windows', 'certutil-store-sv.txt'));
    expect(sv.kind === 'certificates' && sv.certificates.map((c) => isSithsIssuer(c.issuer))).toEqual([true]);
    expect(parseCertutilStore(recorded('windows', 'certutil-store-empty.txt'))).toEqual({ kind: 'certificates', certificates: [] });
    expect(parseCertutilStore(recorded('windows', 'garbage.txt')).kind).toBe('unknown');
  });
  it('recognises SITHS issuers by CN, including test and systemtest CAs', () => {
    expect(isSithsIssuer('CN=TEST SITHS e-id Function CA v1, O=Inera AB, C=SE')).toBe(true);
    expect(isSithsIssuer('CN=SYSTEMTEST SITHS e-id Person ID 3 CA v1, O=Inera AB, C=SE')).toBe(true);
    expect(isSithsIssuer('CN=SITHS Type 1 CA v1, O=Inera AB, C=SE')).toBe(true);
    expect(isSithsIssuer('CN=Telia e-legitimation Test PP CA v3, O=Telia Test, C=SE')).toBe(false);
    expect(isSithsIssuer('CN=Not SITHS CA, O=Other')).toBe(false);
  });
});

describe('PnP readers', () => {
  it('reads reader names and gives unknown for garbage', () => {
    const parsed = parsePnpReadersJson(recorded('windows', 'ps-pnp-readers.json'));
    expect(parsed.kind === 'readers' && parsed.readers.map((r) => r.name)).toEqual(['Alcor Micro USB Smart Card Reader', 'Microsoft Virtual Smart Card 0']);
    expect(parsePnpReadersJson('{"FriendlyName":"One Reader","Status":"OK"}')).toEqual({
      kind: 'readers',
      readers: [{ name: 'One Reader', status: 'OK', instanceId: null }],
    });
    expect(parsePnpReadersJson(recorded('windows', 'garbage.txt')).kind).toBe('unknown');
  });
});
