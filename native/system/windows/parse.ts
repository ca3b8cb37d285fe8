/**
 * Parsers for what Windows tools print. Pure functions over recorded text; anything they do not
 * recognise becomes `{ kind: 'unknown', note }`, never an exception.
 *
 * sc.exe translates its labels on some language versions ("STATE" may read "ÉTAT"), but the
 * symbolic names after the numbers (RUNNING, DEMAND_START…) are constants, so we match those.
 */
import { firstLine } from '../facts.js';
import type { MiddlewareProduct } from '../fact-keys.js';

export type ServiceState = 'running' | 'stopped' | 'start-pending' | 'stop-pending' | 'continue-pending' | 'pause-pending' | 'paused';
export type ServiceStartType = 'boot' | 'system' | 'auto' | 'auto-delayed' | 'demand' | 'disabled';

export type Unknown = { kind: 'unknown'; note: string };

export type ServiceStateResult = { kind: 'state'; state: ServiceState } | { kind: 'not-installed' } | Unknown;
export type ServiceConfigResult = { kind: 'config'; startType: ServiceStartType; displayName?: string } | { kind: 'not-installed' } | Unknown;

const stateNames: Record<string, ServiceState> = {
  RUNNING: 'running',
  STOPPED: 'stopped',
  START_PENDING: 'start-pending',
  STOP_PENDING: 'stop-pending',
  CONTINUE_PENDING: 'continue-pending',
  PAUSE_PENDING: 'pause-pending',
  PAUSED: 'paused',
};

/** Win32 error 1060: ERROR_SERVICE_DOES_NOT_EXIST. */
const SERVICE_DOES_NOT_EXIST = 1060;

function serviceMissing(stdout: string, exitCode: number | null): boolean {
  return exitCode === SERVICE_DOES_NOT_EXIST || /\bFAILED 1060\b/.test(stdout);
}

function scFailure(stdout: string, stderr: string, exitCode: number | null): string {
  const failed = /FAILED\s+(\d+)/.exec(stdout);
  if (failed) return `sc.exe failed with Windows error ${failed[1]}${failed[1] === '5' ? ' (access denied)' : ''}`;
  const said = firstLine(stderr) || firstLine(stdout);
  return said ? `unexpected output from sc.exe (exit code ${exitCode}): ${said}` : `no output from sc.exe (exit code ${exitCode})`;
}

/** `sc.exe query <service>` */
export function parseScQuery(stdout: string, stderr = '', exitCode: number | null = 0): ServiceStateResult {
  if (serviceMissing(stdout, exitCode)) return { kind: 'not-installed' };
  const match = /^\s*[^\s:]+\s*:\s*\d+\s+(RUNNING|STOPPED|START_PENDING|STOP_PENDING|CONTINUE_PENDING|PAUSE_PENDING|PAUSED)\b/m.exec(stdout);
  if (match) return { kind: 'state', state: stateNames[match[1] as string] as ServiceState };
  return { kind: 'unknown', note: scFailure(stdout, stderr, exitCode) };
}

/** `sc.exe qc <service>` */
export function parseScQc(stdout: string, stderr = '', exitCode: number | null = 0): ServiceConfigResult {
  if (serviceMissing(stdout, exitCode)) return { kind: 'not-installed' };
  const match = /^\s*[^\s:]+\s*:\s*\d+\s+(BOOT_START|SYSTEM_START|AUTO_START|DEMAND_START|DISABLED)\b(.*)$/m.exec(stdout);
  if (!match) return { kind: 'unknown', note: scFailure(stdout, stderr, exitCode) };
  const token = match[1] as string;
  const startType: ServiceStartType =
    token === 'AUTO_START'
      ? /DELAYED/i.test(match[2] ?? '')
        ? 'auto-delayed'
        : 'auto'
      : token === 'DEMAND_START'
        ? 'demand'
        : token === 'DISABLED'
          ? 'disabled'
          : token === 'BOOT_START'
            ? 'boot'
            : 'system';
  const display = /^\s*DISPLAY_NAME\s*:\s*(.+?)\s*$/m.exec(stdout);
  return display ? { kind: 'config', startType, displayName: display[1] as string } : { kind: 'config', startType };
}

export interface RegistryKey {
  path: string;
  values: Record<string, { type: string; data: string }>;
}

/**
 * `reg.exe query <key> /s`: blocks of a key path line (`HKEY_…`) followed by value lines
 * `    <name>    <REG_TYPE>    <data>` (four spaces as separator). Lines that fit neither
 * are ignored (the "End of search" trailer, blank lines).
 */
export function parseRegQuery(stdout: string): RegistryKey[] {
  const keys: RegistryKey[] = [];
  let current: RegistryKey | null = null;
  for (const raw of stdout.split(/\r?\n/)) {
    if (/^HKEY_[A-Z_]+(\\|$)/.test(raw)) {
      current = { path: raw.trim(), values: {} };
      keys.push(current);
      continue;
    }
    const value = /^ {4}(.*?) {4}(REG_[A-Z_0-9]+)(?: {4}(.*))?$/.exec(raw);
    if (value && current) current.values[value[1] as string] = { type: value[2] as string, data: (value[3] ?? '').trimEnd() };
  }
  return keys;
}

export interface InstalledProduct {
  product: MiddlewareProduct;
  displayName: string;
  version: string | null;
  publisher: string | null;
  installLocation: string | null;
  registryKey: string;
}

/** Which product an uninstall entry's DisplayName names, if any. */
export function classifyDisplayName(displayName: string): MiddlewareProduct | null {
  if (/\bSITHS\s*e-?ID\b/i.test(displayName)) return 'siths-eid';
  if (/SafeNet\s+Authentication\s+Client/i.test(displayName)) return 'safenet-sac';
  // Net iD Portal/Access/Server are server products, not the card middleware.
  if (/\bNet\s*iD\s+(Portal|Access|Server)\b/i.test(displayName)) return null;
  if (/\bNet\s*iD\s+Client\b/i.test(displayName)) return 'netid-client';
  // "Net iD Enterprise", and the older product that was just called "Net iD".
  if (/^\s*(SecMaker\s+)?Net\s*iD\b/i.test(displayName)) return 'netid-enterprise';
  if (/^\s*OpenSC\b/i.test(displayName)) return 'opensc';
  return null;
}

/** Picks the middleware products out of parsed Uninstall keys. */
export function findInstalledProducts(keys: readonly RegistryKey[]): InstalledProduct[] {
  const found: InstalledProduct[] = [];
  for (const key of keys) {
    const displayName = key.values.DisplayName?.data;
    if (!displayName) continue;
    const product = classifyDisplayName(displayName);
    if (!product) continue;
    found.push({
      product,
      displayName,
      version: key.values.DisplayVersion?.data || null,
      publisher: key.values.Publisher?.data || null,
      installLocation: key.values.InstallLocation?.data || null,
      registryKey: key.path,
    });
  }
  return found;
}

export interface RegisteredMinidriver {
  cardName: string;
  /** The "80000001" value: the minidriver DLL the Smart Card Base CSP loads for this card. */
  dll: string;
  registryKey: string;
}

/** `reg.exe query HKLM\SOFTWARE\Microsoft\Cryptography\Calais\SmartCards /s`: card types with a minidriver. */
export function findRegisteredMinidrivers(keys: readonly RegistryKey[]): RegisteredMinidriver[] {
  const out: RegisteredMinidriver[] = [];
  for (const key of keys) {
    const dll = key.values['80000001']?.data;
    if (!dll) continue;
    const cardName = key.path.split('\\').pop() ?? key.path;
    out.push({ cardName, dll, registryKey: key.path });
  }
  return out;
}

/**
 * Minidrivers that belong to the Thales/SafeNet (IDPrime) package the SITHS eID app may install.
 * The DLL names are those Thales ships for IDPrime cards; a match is a strong hint, not proof.
 */
export function isSafeNetMinidriver(driver: RegisteredMinidriver): boolean {
  return /(axaltocm|idprime|etoken|safenet|gemalto)/i.test(driver.dll) || /(IDPrime|SafeNet|eToken)/i.test(driver.cardName);
}

export type RemoteSessionKind = 'none' | 'rdp' | 'citrix' | 'vmware-horizon' | 'ssh' | 'other-remote';

export interface RemoteSession {
  kind: RemoteSessionKind;
  /** The variable and value the verdict rests on, e.g. `SESSIONNAME=RDP-Tcp#3`. */
  evidence: string;
}

/**
 * Reads the session kind from the environment: Windows sets SESSIONNAME (`Console` locally,
 * `RDP-Tcp#N` over remote desktop, `ICA-…` under Citrix); VMware Horizon sets `ViewClient_*`;
 * an SSH login sets SSH_CONNECTION.
 */
export function detectRemoteSession(env: Readonly<Record<string, string | undefined>>): RemoteSession {
  const horizon = Object.keys(env).find((name) => /^ViewClient_/i.test(name) && env[name]);
  if (horizon) return { kind: 'vmware-horizon', evidence: `${horizon} is set` };
  const session = env.SESSIONNAME;
  if (session !== undefined) {
    if (/^RDP-/i.test(session)) return { kind: 'rdp', evidence: `SESSIONNAME=${session}` };
    if (/^ICA-/i.test(session)) return { kind: 'citrix', evidence: `SESSIONNAME=${session}` };
    if (/^Console$/i.test(session)) return { kind: 'none', evidence: `SESSIONNAME=${session}` };
    return { kind: 'other-remote', evidence: `SESSIONNAME=${session}` };
  }
  if (env.SSH_CONNECTION || env.SSH_CLIENT) return { kind: 'ssh', evidence: 'SSH_CONNECTION is set' };
  return { kind: 'none', evidence: 'SESSIONNAME, ViewClient_*, SSH_CONNECTION: not set' };
}

/**
 * `… | ConvertTo-Json` prints one object, an array, or nothing at all for no items (and may start
 * with a byte-order mark): always a list here, or why the output is not JSON.
 */
function powerShellJsonItems(stdout: string): unknown[] | Unknown {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'unknown', note: `not JSON: ${firstLine(text)}` };
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

export interface StoreCertificate {
  issuer: string;
  subject: string;
  notAfter: string | null;
  thumbprint: string | null;
  hasPrivateKey: boolean | null;
}

export type CertificateStoreResult = { kind: 'certificates'; certificates: StoreCertificate[] } | Unknown;

/**
 * PowerShell `Get-ChildItem Cert:\CurrentUser\My | Select-Object … | ConvertTo-Json`: one object,
 * an array, or nothing at all for an empty store.
 */
export function parseCertificateStoreJson(stdout: string): CertificateStoreResult {
  const items = powerShellJsonItems(stdout);
  if (!Array.isArray(items)) return items;
  const certificates: StoreCertificate[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || typeof (item as { Issuer?: unknown }).Issuer !== 'string') {
      return { kind: 'unknown', note: 'JSON without the expected Issuer/Subject fields' };
    }
    const record = item as Record<string, unknown>;
    certificates.push({
      issuer: record.Issuer as string,
      subject: typeof record.Subject === 'string' ? record.Subject : '',
      notAfter: typeof record.NotAfter === 'string' ? record.NotAfter : null,
      thumbprint: typeof record.Thumbprint === 'string' ? record.Thumbprint : null,
      hasPrivateKey: typeof record.HasPrivateKey === 'boolean' ? record.HasPrivateKey : null,
    });
  }
  return { kind: 'certificates', certificates };
}

/**
 * `certutil -user -store My` (fallback when PowerShell is unavailable). Its labels are translated
 * on non-English Windows, so we take each certificate block's distinguished names by shape
 * (`…: CN=…`): the first is the issuer, the second the subject, in the order certutil prints them.
 */
export function parseCertutilStore(stdout: string, exitCode: number | null = 0): CertificateStoreResult {
  const blocks = stdout.split(/^=+ [^=\r\n]+ \d+ =+\s*$/m);
  if (blocks.length < 2) {
    // An empty store prints the store name and a success line only; anything else is unexpected.
    if (exitCode === 0 && /CertUtil: -store/i.test(stdout)) return { kind: 'certificates', certificates: [] };
    return { kind: 'unknown', note: `unexpected output from certutil: ${firstLine(stdout)}` };
  }
  const certificates: StoreCertificate[] = [];
  for (const block of blocks.slice(1)) {
    const names = [...block.matchAll(/^[^:\r\n]{2,40}:\s*((?:[A-Z]+=)[^\r\n]*)$/gm)].map((m) => (m[1] as string).trim());
    const thumb = /^[^:\r\n]*\(sha1\):\s*([0-9a-f ]+)$/im.exec(block);
    certificates.push({
      issuer: names[0] ?? '',
      subject: names[1] ?? '',
      notAfter: null,
      thumbprint: thumb ? (thumb[1] as string).replace(/\s+/g, '').toUpperCase() : null,
      hasPrivateKey: null,
    });
  }
  return { kind: 'certificates', certificates };
}

/** A certificate issued by a SITHS CA (issuer CN starting "SITHS", "TEST SITHS" or "SYSTEMTEST SITHS"). */
export function isSithsIssuer(issuer: string): boolean {
  const cn = /(?:^|[,/]\s*)CN=([^,]+)/i.exec(issuer);
  return cn ? /^\s*((TEST|SYSTEMTEST)\s+)?SITHS\b/i.test(cn[1] as string) : /\bSITHS\b/i.test(issuer);
}

/** The CN of a distinguished name, for showing an issuer briefly. */
export function commonName(dn: string): string {
  const cn = /(?:^|[,/]\s*)CN=([^,]+)/i.exec(dn);
  return cn ? (cn[1] as string).trim() : dn.trim();
}

export interface PnpReader {
  name: string;
  status: string | null;
  instanceId: string | null;
}

export type PnpReadersResult = { kind: 'readers'; readers: PnpReader[] } | Unknown;

/** PowerShell `Get-PnpDevice -Class SmartCardReader -PresentOnly | Select FriendlyName,Status,InstanceId | ConvertTo-Json`. */
export function parsePnpReadersJson(stdout: string): PnpReadersResult {
  const items = powerShellJsonItems(stdout);
  if (!Array.isArray(items)) return items;
  const readers: PnpReader[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) return { kind: 'unknown', note: 'unexpected JSON' };
    const record = item as Record<string, unknown>;
    if (typeof record.FriendlyName !== 'string') return { kind: 'unknown', note: 'JSON without FriendlyName' };
    readers.push({
      name: record.FriendlyName,
      status: typeof record.Status === 'string' ? record.Status : null,
      instanceId: typeof record.InstanceId === 'string' ? record.InstanceId : null,
    });
  }
  return { kind: 'readers', readers };
}
