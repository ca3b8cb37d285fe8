/**
 * Roots we can name by their SHA-256 fingerprint (siths-facts.md; the TEST root from
 * ../shared/fixtures/real-certs/README.md). Naming is not trusting: a root becomes a trust anchor
 * only when it is in the machine's store, in the anchors file the user names, or when it is
 * `pinned` here: a production SITHS root whose fingerprint we have from a stated source. A root
 * that merely carries a SITHS name (on the card, in a file) is never trusted for its name. The
 * fingerprint of the production `SITHS e-id Root CA v2` is not in our facts, so it is not listed;
 * add it here, pinned and with its source, once IT confirms it.
 */
export type PkiEnvironment = 'production' | 'test' | 'preproduction' | 'systemtest';

export interface KnownRoot {
  name: string;
  environment: PkiEnvironment;
  sha256: string;
  note: string;
  /**
   * A trust anchor by fingerprint alone (wherever the certificate itself came from). Only real
   * production SITHS roots, each with `source` saying where the fingerprint comes from.
   */
  pinned?: { source: string };
}

export const knownRoots: readonly KnownRoot[] = [
  {
    name: 'SITHS Root CA v1',
    environment: 'production',
    sha256: 'FC:50:B2:6B:DC:4A:8F:DF:13:44:CC:80:15:7A:E1:3A:C6:71:E2:70:6F:AC:FC:06:05:FE:34:E2:49:EB:72:D6',
    note: 'First-generation SITHS root (2012–2032); stopped issuing 2020, in Microsoft’s root program until 2025.',
    pinned: { source: 'shared/docs/siths-facts.md, “The SITHS PKI”: production SITHS Root CA v1, SHA-256 as published for Microsoft’s root program' },
  },
  {
    name: 'TEST SITHS e-id Root CA v2',
    environment: 'test',
    sha256: '21:7E:E0:FA:B0:14:27:C8:69:88:75:8E:3A:6B:22:97:B1:83:20:D0:0E:1F:B7:C7:5E:52:C4:19:88:75:53:07',
    note: 'Root of Inera’s TEST PKI for SITHS e-id.',
  },
];

function normalise(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export function knownRootBySha256(sha256: string): KnownRoot | undefined {
  const wanted = normalise(sha256);
  return knownRoots.find((root) => normalise(root.sha256) === wanted);
}

/** The pinned root with this fingerprint, if any (a trust anchor by fingerprint). */
export function pinnedRootBySha256(sha256: string): (KnownRoot & { pinned: { source: string } }) | undefined {
  const root = knownRootBySha256(sha256);
  return root?.pinned ? (root as KnownRoot & { pinned: { source: string } }) : undefined;
}

/** A name that claims to be SITHS (`SITHS e-id Root CA v2`, `TEST SITHS …`): a claim, not a proof. */
export function claimsSithsName(commonName: string | undefined): boolean {
  return commonName !== undefined && /\bSITHS\b/i.test(commonName);
}

/** Names that a root has (for saying "the missing root is probably …" when it was not presented). */
export function looksLikeRootName(commonName: string | undefined): boolean {
  return commonName !== undefined && /\broot\b/i.test(commonName);
}
