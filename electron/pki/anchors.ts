/**
 * Where trust anchors come from: the machine's own trust store (readable from Node 22.15 and
 * Electron's Node; Node 20 cannot, and we say so instead of failing), an anchors file that the user
 * or IT names (`--anchors`), and the few production SITHS roots pinned by fingerprint in
 * known-roots.ts. Nothing else: a card cannot vouch for itself, so a root certificate found on the
 * card is shown and used for path building, never as an anchor (anyone can put a self-signed
 * "SITHS e-id Root CA v2" on a card). Known but unpinned fingerprints only NAME a root.
 */
import * as tls from 'node:tls';
import { CertificateParseError } from './errors.js';
import { isCaCertificate } from './classify.js';
import { pinnedRootBySha256 } from './known-roots.js';
import { parseCertificate, parseCertificates, type CertificateInfo } from './parse.js';

export type AnchorSource = 'system' | 'file' | 'pinned';

export interface TrustAnchor {
  certificate: CertificateInfo;
  source: AnchorSource;
  /** E.g. the anchors file's path; for a pinned root, where its fingerprint comes from. */
  origin?: string;
}

export interface AnchorSourceStatus {
  source: AnchorSource;
  available: boolean;
  /** Anchors this source gave. */
  count: number;
  /** Why the source gave nothing (`unsupported-runtime`, `read-error`, `not-given`). */
  /** `not-needed`: not read, as there was no certificate to check a chain for. */
  reason?: 'unsupported-runtime' | 'read-error' | 'not-given' | 'not-needed';
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
  return runtimeCaReader;
}

const runtimeCaReader: SystemCaReader | undefined = (() => {
  const candidate = (tls as unknown as { getCACertificates?: SystemCaReader }).getCACertificates;
  return typeof candidate === 'function' ? candidate.bind(tls) : undefined;
})();

/**
 * The machine's trust store, or an honest "unavailable" on a runtime that cannot read it.
 * `reader` null: behave as a runtime without `tls.getCACertificates` (tests; a setting to skip it).
 */
export function loadSystemAnchors(reader: SystemCaReader | null = systemCaReader() ?? null): LoadedAnchors {
  // Parsing the store takes a few hundred milliseconds on a machine with hundreds of roots: once
  // per process for the runtime's own store (the app reads a card many times a day).
  if (reader !== null && reader === defaultReader) return (cachedSystemAnchors ??= readSystemAnchors(reader));
  return readSystemAnchors(reader);
}

const defaultReader = runtimeCaReader ?? null;
let cachedSystemAnchors: LoadedAnchors | undefined;

function readSystemAnchors(reader: SystemCaReader | null): LoadedAnchors {
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
  const anchors = parseCertificates(content).map((certificate): TrustAnchor =>
    origin === undefined ? { certificate, source: 'file' } : { certificate, source: 'file', origin },
  );
  const status: AnchorSourceStatus = { source: 'file', available: true, count: anchors.length };
  if (origin !== undefined) status.origin = origin;
  return { status, anchors };
}

/**
 * The card's CA certificates, all of them untrusted material for path building: intermediates and
 * any root the card carries (the chain walk then ends at that root as `untrusted-root` unless an
 * anchor from elsewhere has the same fingerprint). `roots` are the self-issued ones, for showing.
 */
export function cardCaCertificates(certs: readonly CertificateInfo[]): { intermediates: CertificateInfo[]; roots: CertificateInfo[] } {
  const intermediates = certs.filter((certificate) => isCaCertificate(certificate));
  return { intermediates, roots: intermediates.filter((certificate) => certificate.selfIssued) };
}

/**
 * Anchors by pinned fingerprint (known-roots.ts) among certificates we were given (the card's, a
 * file's): the certificate itself may come from anywhere, its fingerprint is what is trusted.
 */
export function pinnedAnchors(certs: readonly CertificateInfo[]): LoadedAnchors {
  const anchors: TrustAnchor[] = [];
  for (const certificate of certs) {
    const pinned = pinnedRootBySha256(certificate.fingerprints.sha256);
    if (pinned && !anchors.some((a) => a.certificate.fingerprints.sha256 === certificate.fingerprints.sha256)) {
      anchors.push({ certificate, source: 'pinned', origin: pinned.pinned.source });
    }
  }
  return { status: { source: 'pinned', available: true, count: anchors.length }, anchors };
}
