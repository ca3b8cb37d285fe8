/**
 * Where trust anchors come from, in the order the issue names them: the machine's own trust store
 * (readable from Node 22.15 and Electron's Node; Node 20 cannot, and we say so instead of failing),
 * the root CA certificates on the card, and an anchors file that the user or IT supplies.
 * Known fingerprints (known-roots.ts) only NAME a root; they never make one trusted.
 */
import * as tls from 'node:tls';
import { CertificateParseError } from './errors.js';
import { isCaCertificate } from './classify.js';
import { parseCertificate, parseCertificates, type CertificateInfo } from './parse.js';

export type AnchorSource = 'system' | 'card' | 'file';

export interface TrustAnchor {
  certificate: CertificateInfo;
  source: AnchorSource;
  /** E.g. the anchors file's path. */
  origin?: string;
}

export interface AnchorSourceStatus {
  source: AnchorSource;
  available: boolean;
  /** Anchors this source gave. */
  count: number;
  /** Why the source gave nothing (`unsupported-runtime`, `read-error`, `not-given`). */
  reason?: 'unsupported-runtime' | 'read-error' | 'not-given';
  /** Entries that were not readable certificates (skipped). */
  skipped?: number;
  origin?: string;
}

export interface LoadedAnchors {
  status: AnchorSourceStatus;
  anchors: TrustAnchor[];
}

type SystemCaReader = (type: 'system') => readonly string[];

/** `tls.getCACertificates` when this runtime has it (Node ≥ 22.15, Electron). */
export function systemCaReader(): SystemCaReader | undefined {
  const candidate = (tls as unknown as { getCACertificates?: SystemCaReader }).getCACertificates;
  return typeof candidate === 'function' ? candidate.bind(tls) : undefined;
}

/**
 * The machine's trust store, or an honest "unavailable" on a runtime that cannot read it.
 * `reader` null: behave as a runtime without `tls.getCACertificates` (tests; a setting to skip it).
 */
export function loadSystemAnchors(reader: SystemCaReader | null = systemCaReader() ?? null): LoadedAnchors {
  if (!reader) return { status: { source: 'system', available: false, count: 0, reason: 'unsupported-runtime' }, anchors: [] };
  let pems: readonly string[];
  try {
    pems = reader('system');
  } catch {
    return { status: { source: 'system', available: false, count: 0, reason: 'read-error' }, anchors: [] };
  }
  const anchors: TrustAnchor[] = [];
  let skipped = 0;
  for (const pem of pems) {
    try {
      anchors.push({ certificate: parseCertificate(pem), source: 'system' });
    } catch (e) {
      if (!(e instanceof CertificateParseError)) throw e;
      skipped++;
    }
  }
  const status: AnchorSourceStatus = { source: 'system', available: true, count: anchors.length };
  if (skipped > 0) status.skipped = skipped;
  return { status, anchors };
}

/**
 * Anchors from a PEM bundle, DER or PKCS#7 file (`--anchors FILE`, the app's setting).
 * Throws CertificateParseError when the file holds no readable certificate.
 */
export function anchorsFromFile(content: Uint8Array | string, origin?: string): LoadedAnchors {
  const anchors = parseCertificates(content).map((certificate): TrustAnchor => (origin === undefined ? { certificate, source: 'file' } : { certificate, source: 'file', origin }));
  const status: AnchorSourceStatus = { source: 'file', available: true, count: anchors.length };
  if (origin !== undefined) status.origin = origin;
  return { status, anchors };
}

/**
 * The card's CA certificates: self-issued CA certificates (roots) become anchors from the card;
 * the other CA certificates are intermediates. An intermediate is never an anchor, or any
 * certificate it issued would count as trusted.
 */
export function splitCardCertificates(certs: readonly CertificateInfo[]): { anchors: TrustAnchor[]; intermediates: CertificateInfo[]; status: AnchorSourceStatus } {
  const anchors: TrustAnchor[] = [];
  const intermediates: CertificateInfo[] = [];
  for (const certificate of certs) {
    if (!isCaCertificate(certificate)) continue;
    if (certificate.selfIssued) anchors.push({ certificate, source: 'card' });
    else intermediates.push(certificate);
  }
  return { anchors, intermediates, status: { source: 'card', available: true, count: anchors.length } };
}
