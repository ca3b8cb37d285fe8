/**
 * Windows: the certificates in Cert:\CurrentUser\My, the store Edge, Chrome and (with its
 * enterprise-roots setting) Firefox offer in their picker. For each: thumbprint, subject, issuer,
 * NotAfter, HasPrivateKey and the key's provider, read from the certificate's
 * CERT_KEY_PROV_INFO property (crypt32), which names the provider without opening the key, so no
 * PIN dialog and no card access.
 */
import { commandFailure, firstLine } from '../facts.js';
import type { ProbeContext } from '../types.js';
import { windowsToolPath } from '../windows/tools.js';
import type { BrowserStoreView, StoreCertificate } from './types.js';

export const WINDOWS_STORE_TIMEOUT_MS = 20_000;

/** CERT_KEY_PROV_INFO_PROP_ID = 2; CRYPT_KEY_PROV_INFO starts with pwszContainerName, pwszProvName. */
export const WINDOWS_STORE_SCRIPT = [
  '[Console]::OutputEncoding=[Text.Encoding]::UTF8',
  'Add-Type -Namespace Kortkoll -Name Crypt32 -MemberDefinition \'[DllImport("crypt32.dll")] public static extern bool CertGetCertificateContextProperty(IntPtr c, uint id, IntPtr d, ref uint n);\'',
  '$M=[Runtime.InteropServices.Marshal]',
  '$out=@(Get-ChildItem Cert:\\CurrentUser\\My | ForEach-Object {',
  '  $p=$null; $k=$null; [uint32]$n=0',
  '  if ([Kortkoll.Crypt32]::CertGetCertificateContextProperty($_.Handle,2,[IntPtr]::Zero,[ref]$n)) {',
  '    $b=$M::AllocHGlobal([int]$n)',
  '    try { if ([Kortkoll.Crypt32]::CertGetCertificateContextProperty($_.Handle,2,$b,[ref]$n)) { $k=$M::PtrToStringUni($M::ReadIntPtr($b,0)); $p=$M::PtrToStringUni($M::ReadIntPtr($b,[IntPtr]::Size)) } } finally { $M::FreeHGlobal($b) }',
  '  }',
  "  [pscustomobject]@{Thumbprint=$_.Thumbprint;Subject=$_.Subject;Issuer=$_.Issuer;NotAfter=$_.NotAfter.ToUniversalTime().ToString('o');HasPrivateKey=$_.HasPrivateKey;KeyProvider=$p;KeyContainer=$k}",
  '})',
  'ConvertTo-Json -InputObject $out -Compress',
].join('\n');

/** -EncodedCommand: the script as UTF-16LE base64, so no quoting rule of any shell touches it. */
export function encodedScript(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Key providers that keep the key on a smart card (Microsoft's smart-card KSP/CSP, minidrivers, Net iD, SafeNet). */
const smartCardProvider = /smart\s*card|smartcard|net\s*id|secmaker|iid|etoken|safenet|idprime|thales|gemalto|minidriver/i;

export function providerOnSmartCard(provider: string | null, hasPrivateKey: boolean | null): boolean | null {
  if (hasPrivateKey === false) return false;
  if (provider === null || provider === '') return null;
  return smartCardProvider.test(provider);
}

export type WindowsStoreParse = { kind: 'certificates'; certificates: StoreCertificate[] } | { kind: 'unknown'; note: string };

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** PowerShell's ConvertTo-Json of the script above: an array (or, from older scripts, one object). */
export function parseWindowsPersonalStore(stdout: string): WindowsStoreParse {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  // An empty store: ConvertTo-Json of an empty array prints `[]`; some versions print nothing.
  if (text === '') return { kind: 'certificates', certificates: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'unknown', note: `not JSON: ${firstLine(text, 80)}` };
  }
  const items = Array.isArray(data) ? data : [data];
  const certificates: StoreCertificate[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object') return { kind: 'unknown', note: 'an entry is not an object' };
    const entry = item as Record<string, unknown>;
    const thumbprint = stringOrNull(entry.Thumbprint);
    if (!thumbprint || !/^[0-9A-Fa-f]{40}$/.test(thumbprint)) return { kind: 'unknown', note: 'an entry has no 40-digit Thumbprint' };
    const hasPrivateKey = typeof entry.HasPrivateKey === 'boolean' ? entry.HasPrivateKey : null;
    const provider = stringOrNull(entry.KeyProvider);
    const notAfter = stringOrNull(entry.NotAfter);
    certificates.push({
      sha1: thumbprint.toUpperCase(),
      subject: stringOrNull(entry.Subject) ?? '',
      issuer: stringOrNull(entry.Issuer),
      notAfter: notAfter && !Number.isNaN(Date.parse(notAfter)) ? new Date(notAfter).toISOString() : null,
      hasPrivateKey,
      onSmartCard: providerOnSmartCard(provider, hasPrivateKey),
      provider,
    });
  }
  return { kind: 'certificates', certificates };
}

export async function readWindowsPersonalStore(ctx: ProbeContext): Promise<BrowserStoreView> {
  const result = await ctx.run.run(
    windowsToolPath('powershell.exe', ctx.env),
    ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodedScript(WINDOWS_STORE_SCRIPT)],
    { timeoutMs: WINDOWS_STORE_TIMEOUT_MS },
  );
  const base = {
    kind: 'windows-personal' as const,
    browsers: ['edge', 'chrome', 'firefox-enterprise-roots'],
    location: 'Cert:\\CurrentUser\\My',
    detail: `${windowsToolPath('powershell.exe', ctx.env)} -NoProfile -NonInteractive -EncodedCommand <Get-ChildItem Cert:\\CurrentUser\\My, CERT_KEY_PROV_INFO>`,
  };
  const failure = commandFailure(result);
  if (failure) return { ...base, status: 'unknown', note: failure, certificates: [] };
  const parsed = parseWindowsPersonalStore(result.stdout);
  if (parsed.kind === 'unknown') return { ...base, status: 'unknown', note: parsed.note, certificates: [] };
  return { ...base, status: 'ok', certificates: parsed.certificates };
}
