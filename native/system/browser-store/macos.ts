/**
 * macOS: Safari and Chrome take client certificates from the keychains, where CryptoTokenKit puts
 * the identities of an inserted smart card (token drivers: SITHS eID/SAC, Net iD, Apple's PIV).
 * - `security list-smartcards`: one token id per line (`com.apple.pivtoken:…`), nothing without a card;
 * - `sc_auth identities`: the smart-card identities, `<SHA-1>\t<label>`, grouped under "SmartCard: <token id>";
 * - `security find-identity -v -p ssl-client`: every identity fit for client authentication,
 *   `  1) <SHA-1> "<label>"`; one not among the smart-card identities has its key in a keychain (software).
 * Formats as Apple's man pages and support articles show them (no macOS machine here).
 */
import { commandFailure, firstLine } from '../facts.js';
import type { ProbeContext } from '../types.js';
import type { BrowserStoreView, StoreCertificate } from './types.js';

export const MACOS_STORE_TIMEOUT_MS = 10_000;

type Unknown = { kind: 'unknown'; note: string };

export function parseListSmartcards(stdout: string): { kind: 'tokens'; tokens: string[] } | Unknown {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const tokens: string[] = [];
  for (const line of lines) {
    if (/^no smart ?cards? (found|available)/i.test(line)) continue;
    if (!/^[A-Za-z0-9._-]+:\S+$/.test(line)) return { kind: 'unknown', note: `unexpected line: ${firstLine(line, 80)}` };
    tokens.push(line);
  }
  return { kind: 'tokens', tokens };
}

export interface ScAuthIdentity {
  sha1: string;
  label: string;
  token: string | null;
  paired: boolean;
}

export function parseScAuthIdentities(stdout: string): { kind: 'identities'; identities: ScAuthIdentity[] } | Unknown {
  const identities: ScAuthIdentity[] = [];
  let token: string | null = null;
  let paired = false;
  let recognised = 0;
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  for (const raw of lines) {
    const line = raw.trim();
    const card = /^SmartCard:\s*(\S+)/i.exec(line);
    if (card) {
      token = card[1] as string;
      recognised++;
      continue;
    }
    if (/^Unpaired identities/i.test(line)) {
      paired = false;
      recognised++;
      continue;
    }
    if (/^Paired identities/i.test(line)) {
      paired = true;
      recognised++;
      continue;
    }
    const identity = /^([0-9A-Fa-f]{40})\s+(.*)$/.exec(line);
    if (identity) {
      identities.push({ sha1: (identity[1] as string).toUpperCase(), label: (identity[2] as string).trim(), token, paired });
      recognised++;
      continue;
    }
    return { kind: 'unknown', note: `unexpected line: ${firstLine(line, 80)}` };
  }
  if (lines.length > 0 && recognised === 0) return { kind: 'unknown', note: firstLine(stdout, 80) };
  return { kind: 'identities', identities };
}

export function parseFindIdentity(stdout: string): { kind: 'identities'; identities: { sha1: string; label: string }[] } | Unknown {
  if (!/identities found|Matching identities|Valid identities/i.test(stdout))
    return { kind: 'unknown', note: `not the output of security find-identity: ${firstLine(stdout, 80)}` };
  const seen = new Map<string, string>();
  for (const match of stdout.matchAll(/^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"(.*)"\s*$/gm)) {
    const sha1 = (match[1] as string).toUpperCase();
    if (!seen.has(sha1)) seen.set(sha1, match[2] as string);
  }
  return { kind: 'identities', identities: [...seen].map(([sha1, label]) => ({ sha1, label })) };
}

function identityCertificate(sha1: string, label: string, onSmartCard: boolean | null, provider: string | null): StoreCertificate {
  return { sha1, subject: label, issuer: null, notAfter: null, hasPrivateKey: true, onSmartCard, provider };
}

export async function readMacStores(ctx: ProbeContext): Promise<BrowserStoreView[]> {
  const list = await ctx.run.run('security', ['list-smartcards'], { timeoutMs: MACOS_STORE_TIMEOUT_MS });
  const identities = await ctx.run.run('sc_auth', ['identities'], { timeoutMs: MACOS_STORE_TIMEOUT_MS });
  const keychain = await ctx.run.run('security', ['find-identity', '-v', '-p', 'ssl-client'], { timeoutMs: MACOS_STORE_TIMEOUT_MS });
  const browsers = ['safari', 'chrome', 'edge'];
  const cardDetail = `${list.commandLine}; ${identities.commandLine}`;
  const stores: BrowserStoreView[] = [];

  const listFailure = commandFailure(list);
  // list-smartcards exits 1 with "No smart cards" on some versions: that is an answer.
  const tokens =
    listFailure && !/no smart ?card/i.test(list.stdout + list.stderr)
      ? { kind: 'unknown' as const, note: listFailure }
      : parseListSmartcards(listFailure ? '' : list.stdout);
  const idFailure = commandFailure(identities);
  const parsedIds = idFailure ? { kind: 'unknown' as const, note: `sc_auth: ${idFailure}` } : parseScAuthIdentities(identities.stdout);
  const smartCard: BrowserStoreView = { kind: 'macos-smartcard', browsers, location: 'CryptoTokenKit', detail: cardDetail, status: 'ok', certificates: [] };
  if (parsedIds.kind === 'unknown') {
    Object.assign(smartCard, { status: 'unknown', note: parsedIds.note });
  } else {
    smartCard.certificates = parsedIds.identities.map((i) => identityCertificate(i.sha1, i.label, true, i.token));
    if (tokens.kind === 'tokens') smartCard.note = tokens.tokens.length === 0 ? 'no smart-card token' : `tokens: ${tokens.tokens.join(', ')}`;
  }
  stores.push(smartCard);

  const kcFailure = commandFailure(keychain);
  const parsedKc = kcFailure ? { kind: 'unknown' as const, note: kcFailure } : parseFindIdentity(keychain.stdout);
  const cardHashes = new Set(smartCard.certificates.map((c) => c.sha1));
  stores.push(
    parsedKc.kind === 'unknown'
      ? { kind: 'macos-keychain', browsers, location: 'keychains', detail: keychain.commandLine, status: 'unknown', note: parsedKc.note, certificates: [] }
      : {
          kind: 'macos-keychain',
          browsers,
          location: 'keychains',
          detail: keychain.commandLine,
          status: 'ok',
          // Smart-card identities show here too; only the others are keys in a keychain.
          certificates: parsedKc.identities
            .filter((i) => !cardHashes.has(i.sha1))
            .map((i) => identityCertificate(i.sha1, i.label, smartCard.status === 'ok' ? false : null, 'keychain')),
        },
  );
  return stores;
}
