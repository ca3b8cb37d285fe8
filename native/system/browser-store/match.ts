/**
 * Will the browser offer the login certificate? Matches the certificate Kortkoll read from the card
 * (by its SHA-1 thumbprint) against what each browser store holds, and finds stale certificates of
 * an earlier card: the same HSA-id (subject serialNumber) or the same name, another thumbprint.
 * A store that could not be read gives `unknown`: never a guess.
 */
import type { BrowserStoreView, StoreCertificate } from './types.js';

export interface LoginCertificateIdentity {
  /** SHA-1 of the DER, hex, with or without colons. */
  sha1: string;
  /** HSA-id (subject serialNumber), when the certificate has one. */
  hsaId: string | null;
  /** Subject CN: what the picker shows. */
  commonName: string | null;
  /** The thumbprints of the card's other certificates (signature, Telia): same person, not stale. */
  cardThumbprints?: readonly string[];
}

/**
 * found: the certificate is there with its key on the card; software-key: it is there, but with a
 * key that is not on a smart card (a copy; the card's own is not used); missing: not there;
 * module-not-registered (NSS): no card module in the database; module-sees-no-card (NSS): the
 * module is registered but shows no card; unknown: the store could not be read.
 */
export type StoreOutcome = 'found' | 'software-key' | 'missing' | 'module-not-registered' | 'module-sees-no-card' | 'unknown';

export interface StoreMatch {
  kind: BrowserStoreView['kind'];
  location: string;
  browsers: string[];
  outcome: StoreOutcome;
  /** The login certificate as the store holds it. */
  match: StoreCertificate | null;
  /** Certificates of an earlier card (same HSA-id or name, another thumbprint). */
  stale: StoreCertificate[];
  /** NSS: the card modules registered (names). */
  cardModules: string[];
  note?: string;
}

export interface BrowserStoreMatch {
  /** The worst outcome over the stores (unknown when there is no store to look at). */
  outcome: StoreOutcome;
  /** Any store holds stale certificates of an earlier card. */
  stale: boolean;
  stores: StoreMatch[];
}

export function normaliseThumbprint(sha1: string): string {
  return sha1.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
}

/** First bytes of a thumbprint as a picker's details show it: `41:1B:C2:9F:…`. */
export function shortThumbprint(sha1: string, bytes = 4): string {
  const hex = normaliseThumbprint(sha1);
  return `${(hex.match(/../g) ?? []).slice(0, bytes).join(':')}:…`;
}

function rdn(dn: string, names: RegExp): string | null {
  const match = new RegExp(`(?:^|[,+/]\\s*)(?:${names.source})\\s*=\\s*("[^"]*"|[^,+/]+)`, 'i').exec(dn);
  return match ? (match[1] as string).replace(/^"|"$/g, '').trim() : null;
}

/** The HSA-id (serialNumber, 2.5.4.5) of a subject DN, in Windows' (`SERIALNUMBER=`, `OID.2.5.4.5=`) or OpenSSL's spelling. */
export function subjectSerialNumber(dn: string): string | null {
  return rdn(dn, /serialNumber|SERIALNUMBER|OID\.2\.5\.4\.5|2\.5\.4\.5/);
}

export function subjectCommonName(dn: string): string | null {
  return rdn(dn, /CN/);
}

function sameName(cert: StoreCertificate, name: string): boolean {
  const cn = subjectCommonName(cert.subject);
  const wanted = name.trim().toLowerCase();
  if (cn !== null) return cn.toLowerCase() === wanted;
  // No DN (macOS identity labels, e.g. "Åsa Lindström, Region Exempel"): the label starts with the name.
  return cert.subject.toLowerCase().startsWith(wanted);
}

// A software copy outranks a missing card identity: the picker then offers the copy.
const severity: Record<StoreOutcome, number> = { found: 0, unknown: 1, 'module-sees-no-card': 2, missing: 3, 'software-key': 4, 'module-not-registered': 5 };

export function matchStore(store: BrowserStoreView, login: LoginCertificateIdentity): StoreMatch {
  const sha1 = normaliseThumbprint(login.sha1);
  const cardModules = (store.modules ?? []).filter((m) => m.kind === 'card');
  const base = {
    kind: store.kind,
    location: store.location,
    browsers: store.browsers,
    cardModules: cardModules.map((m) => m.name),
    ...(store.note !== undefined && { note: store.note }),
  };
  const withSameSha = store.certificates.filter((c) => c.sha1 === sha1);
  const match = withSameSha.find((c) => c.onSmartCard !== false) ?? withSameSha[0] ?? null;
  const onCard = new Set((login.cardThumbprints ?? []).map(normaliseThumbprint));
  const stale = store.certificates.filter(
    (c) =>
      c.sha1 !== sha1 &&
      !onCard.has(c.sha1) &&
      ((login.hsaId !== null && subjectSerialNumber(c.subject)?.toUpperCase() === login.hsaId.toUpperCase()) ||
        (login.commonName !== null && sameName(c, login.commonName))),
  );
  const outcome = ((): StoreOutcome => {
    if (store.kind === 'nss' && store.modules && cardModules.length === 0) return 'module-not-registered';
    if (match) return match.onSmartCard === false ? 'software-key' : 'found';
    if (store.status !== 'ok') return 'unknown';
    if (store.kind === 'nss' && cardModules.length > 0 && cardModules.every((m) => m.tokens !== null && m.tokens.length === 0)) return 'module-sees-no-card';
    return 'missing';
  })();
  return { ...base, outcome, match, stale };
}

export function matchBrowserStores(stores: readonly BrowserStoreView[], login: LoginCertificateIdentity): BrowserStoreMatch {
  const matches = stores.map((s) => matchStore(s, login));
  // macOS: the keychain store only counts when it holds the certificate (a software copy) or stale ones.
  const counted = matches.filter((m) => m.kind !== 'macos-keychain' || m.match !== null);
  const outcome =
    counted.length === 0 ? 'unknown' : counted.reduce<StoreOutcome>((worst, m) => (severity[m.outcome] > severity[worst] ? m.outcome : worst), 'found');
  return { outcome, stale: matches.some((m) => m.stale.length > 0), stores: matches };
}
