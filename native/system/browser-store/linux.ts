/**
 * Linux: Chromium and Firefox take client certificates from NSS databases: Chromium (and Chrome)
 * from ~/.pki/nssdb, Firefox from its profile folder (cert9.db, with the modules listed in
 * pkcs11.txt). A smart card shows there only when the middleware's PKCS#11 module is registered in
 * that database. Read with Debian's libnss3-tools: `modutil -list` (modules, and which slots hold
 * a token) and `certutil -L -h all` (every certificate NSS sees, the card's as "<token>:<label>").
 * The certificates themselves (thumbprint, names, dates): those of the database with
 * `certutil -L -a -n <nickname>`; those on a card token through our PKCS#11 worker, loading the
 * module registered there. certutil cannot dump a token's certificate without logging in to the
 * token (it asks for the PIN, and with `-h all` it ignores `-n` and `-a`), and we never log in.
 */
import { X509Certificate } from 'node:crypto';
import { commandFailure, firstLine } from '../facts.js';
import type { ProbeContext } from '../types.js';
import type { Pkcs11ModuleView } from '../pkcs11/types.js';
import type { BrowserStoreView, NssModule, StoreCertificate } from './types.js';

export const NSS_COMMAND_TIMEOUT_MS = 20_000;
/** A database with more certificates than this is listed, not dumped one by one. */
const MAX_DUMPED_NICKNAMES = 40;

const INTERNAL_MODULE = /^NSS Internal PKCS #11 Module$/i;
const ROOTS_LIBRARY = /nssckbi|p11-kit-trust|libnssckbi/i;

export function classifyNssModule(name: string, library: string | null): NssModule['kind'] {
  if (INTERNAL_MODULE.test(name) || library === null || library === '') return 'internal';
  if (ROOTS_LIBRARY.test(library)) return 'roots';
  return 'card';
}

/** `modutil -list -dbdir sql:DIR` */
export function parseModutilList(stdout: string): { kind: 'modules'; modules: NssModule[] } | { kind: 'unknown'; note: string } {
  if (!/Listing of PKCS #11 Modules/i.test(stdout)) return { kind: 'unknown', note: `not the output of modutil -list: ${firstLine(stdout, 80)}` };
  const modules: NssModule[] = [];
  let current: NssModule | null = null;
  for (const raw of stdout.split(/\r?\n/)) {
    const head = /^\s*\d+\.\s+(.+?)\s*$/.exec(raw);
    if (head) {
      current = { name: head[1] as string, library: null, kind: 'internal', tokens: [], status: null };
      modules.push(current);
      continue;
    }
    if (!current) continue;
    const field = /^\s*(library name|status|token|slot):\s?(.*?)\s*$/.exec(raw);
    if (!field) continue;
    const [, name, value] = field as unknown as [string, string, string];
    if (name === 'library name') current.library = value || null;
    else if (name === 'status') current.status = value || null;
    else if (name === 'token' && value !== '') current.tokens?.push(value);
  }
  for (const module of modules) module.kind = classifyNssModule(module.name, module.library);
  return { kind: 'modules', modules };
}

/** pkcs11.txt (what modutil reads): blocks of `library=`, `name=`, … lines. Tokens are not known from the file. */
export function parsePkcs11Txt(text: string): NssModule[] {
  const modules: NssModule[] = [];
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const library = /^library=(.*)$/m.exec(block)?.[1]?.trim() ?? null;
    const name = /^name=(.*)$/m.exec(block)?.[1]?.trim();
    if (name === undefined) continue;
    const lib = library === '' ? null : library;
    modules.push({ name, library: lib, kind: classifyNssModule(name, lib), tokens: null, status: null });
  }
  return modules;
}

/** `certutil -L -h all -d sql:DIR`: nickname (may contain spaces) and trust flags such as `u,u,u` or `,,`. */
export function parseCertutilNicknames(stdout: string): { kind: 'nicknames'; nicknames: string[] } | { kind: 'unknown'; note: string } {
  if (!/Certificate Nickname/.test(stdout)) return { kind: 'unknown', note: `not the output of certutil -L: ${firstLine(stdout, 80)}` };
  const nicknames: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (/Certificate Nickname|SSL,S\/MIME/.test(line)) continue;
    const match = /^(.+?)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (match && !nicknames.includes(match[1] as string)) nicknames.push(match[1] as string);
  }
  return { kind: 'nicknames', nicknames };
}

export function certificatesFromPem(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
    try {
      out.push(new X509Certificate(block[0]));
    } catch {
      // A block that does not parse is left out; the nickname is still listed.
    }
  }
  return out;
}

function dnOneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).reverse().join(', ');
}

export function storeCertificateOf(cert: X509Certificate, token: string | null): StoreCertificate {
  return {
    sha1: cert.fingerprint.replace(/:/g, '').toUpperCase(),
    subject: dnOneLine(cert.subject),
    issuer: dnOneLine(cert.issuer),
    notAfter: new Date(cert.validTo).toISOString(),
    // NSS pairs a token's certificate with its key on that token; in the internal database a key
    // would be software. We do not ask for keys (that needs the PIN); a card token implies one.
    hasPrivateKey: token !== null ? true : null,
    onSmartCard: token !== null,
    provider: token,
  };
}

/** The NSS databases browsers use, for this home folder. */
export async function findNssDatabases(ctx: ProbeContext): Promise<{ dir: string; browsers: string[] }[]> {
  const found: { dir: string; browsers: string[] }[] = [];
  const chromium = `${ctx.homeDir}/.pki/nssdb`;
  if ((await ctx.fs.kind(`${chromium}/cert9.db`)) === 'file') found.push({ dir: chromium, browsers: ['chromium', 'chrome'] });
  const firefoxRoots = [
    `${ctx.homeDir}/.mozilla/firefox`,
    `${ctx.homeDir}/snap/firefox/common/.mozilla/firefox`,
    `${ctx.homeDir}/.var/app/org.mozilla.firefox/.mozilla/firefox`,
  ];
  for (const root of firefoxRoots) {
    for (const name of (await ctx.fs.list(root)) ?? []) {
      const dir = `${root}/${name}`;
      if ((await ctx.fs.kind(`${dir}/cert9.db`)) === 'file') found.push({ dir, browsers: ['firefox'] });
    }
  }
  return found;
}

export type InspectModule = (modulePath: string) => Promise<Pkcs11ModuleView>;

export async function readNssDatabase(ctx: ProbeContext, dir: string, browsers: string[], inspectModule?: InspectModule): Promise<BrowserStoreView> {
  const db = `sql:${dir}`;
  const base = { kind: 'nss' as const, browsers, location: dir };
  const listed = await ctx.run.run('modutil', ['-list', '-dbdir', db], { timeoutMs: NSS_COMMAND_TIMEOUT_MS });
  let modules: NssModule[] | undefined;
  const notes: string[] = [];
  const modFailure = commandFailure(listed);
  const parsedModules = modFailure ? { kind: 'unknown' as const, note: modFailure } : parseModutilList(listed.stdout);
  if (parsedModules.kind === 'modules') modules = parsedModules.modules;
  else {
    // Without modutil the registered modules are still in pkcs11.txt (what slots hold is not).
    const text = await ctx.fs.readText(`${dir}/pkcs11.txt`);
    if (text !== null) modules = parsePkcs11Txt(text);
    notes.push(`modutil: ${listed.notFound ? 'not installed (Debian: libnss3-tools)' : parsedModules.note}`);
  }
  const detail = [listed.commandLine, `certutil -L -h all -d ${db}`].join('; ');
  const list = await ctx.run.run('certutil', ['-L', '-h', 'all', '-d', db], { timeoutMs: NSS_COMMAND_TIMEOUT_MS });
  const listFailure = commandFailure(list);
  const nicknames = listFailure ? { kind: 'unknown' as const, note: listFailure } : parseCertutilNicknames(list.stdout);
  if (nicknames.kind === 'unknown') {
    notes.push(`certutil: ${list.notFound ? 'not installed (Debian: libnss3-tools)' : nicknames.note}`);
    return { ...base, detail, status: 'unknown', note: notes.join('; '), certificates: [], ...(modules && { modules }) };
  }
  const tokens = new Set((modules ?? []).filter((m) => m.kind === 'card').flatMap((m) => m.tokens ?? []));
  const certificates: StoreCertificate[] = [];
  const seen = new Set<string>();
  const tokenOf = (nickname: string): string | null => {
    const colon = nickname.indexOf(':');
    return colon > 0 && tokens.has(nickname.slice(0, colon)) ? nickname.slice(0, colon) : null;
  };
  const add = (entry: StoreCertificate): void => {
    const key = `${entry.sha1}|${entry.provider ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    certificates.push(entry);
  };
  // The database's own certificates (imported ones, e.g. of an earlier card): certutil gives them.
  for (const nickname of nicknames.nicknames.filter((n) => tokenOf(n) === null).slice(0, MAX_DUMPED_NICKNAMES)) {
    const dump = await ctx.run.run('certutil', ['-L', '-d', db, '-a', '-n', nickname], { timeoutMs: NSS_COMMAND_TIMEOUT_MS });
    const failure = commandFailure(dump);
    if (failure) {
      notes.push(`${nickname}: ${failure}`);
      continue;
    }
    for (const cert of certificatesFromPem(dump.stdout)) add(storeCertificateOf(cert, null));
  }
  // The card's: NSS lists them under their token; their values come from the module itself.
  const seenTokens = new Set(nicknames.nicknames.map(tokenOf).filter((t): t is string => t !== null));
  for (const module of (modules ?? []).filter((m) => m.kind === 'card' && m.library && (m.tokens ?? []).some((t) => seenTokens.has(t)))) {
    if (!inspectModule) {
      notes.push(`${module.name}: the card's certificates were not read (no PKCS#11 worker)`);
      continue;
    }
    const view = await inspectModule(module.library as string);
    if (view.status !== 'ok') {
      notes.push(`${module.name}: the PKCS#11 worker: ${view.status}`);
      continue;
    }
    for (const slot of view.slots) {
      if (!slot.token || !seenTokens.has(slot.token.label)) continue;
      for (const object of slot.token.certificates) {
        if (!object.derBase64) continue;
        try {
          add(storeCertificateOf(new X509Certificate(Buffer.from(object.derBase64, 'base64')), slot.token.label));
        } catch {
          notes.push(`${slot.token.label}: a certificate that does not parse`);
        }
      }
    }
  }
  if (nicknames.nicknames.length > MAX_DUMPED_NICKNAMES) notes.push(`${nicknames.nicknames.length - MAX_DUMPED_NICKNAMES} more certificates not read`);
  return { ...base, detail, status: 'ok', ...(notes.length > 0 && { note: notes.join('; ') }), certificates, ...(modules && { modules }) };
}

export async function readLinuxStores(ctx: ProbeContext, inspectModule?: InspectModule): Promise<BrowserStoreView[]> {
  const stores: BrowserStoreView[] = [];
  // One worker run per module file, shared by the databases that register it.
  const views = new Map<string, Promise<Pkcs11ModuleView>>();
  const cached: InspectModule | undefined =
    inspectModule &&
    ((path) => {
      if (!views.has(path)) views.set(path, inspectModule(path));
      return views.get(path) as Promise<Pkcs11ModuleView>;
    });
  for (const { dir, browsers } of await findNssDatabases(ctx)) stores.push(await readNssDatabase(ctx, dir, browsers, cached));
  return stores;
}
