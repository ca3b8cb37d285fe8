/**
 * What the PKI layer says about the certificates a card holds: each one parsed and classified,
 * the one to pick at login, its validity, its chain and (only when asked) its revocation status.
 * The slow parts (chain signatures, network) live here so that the report itself can be rebuilt
 * in another language without redoing them.
 */
import type { CardSnapshot } from '../card/card-read-result.js';
import { anchorsFromFile, cardCaCertificates, loadSystemAnchors, pinnedAnchors, type AnchorSourceStatus, type TrustAnchor } from '../pki/anchors.js';
import { verifyChain, type ChainResult } from '../pki/chain.js';
import { classifyCertificate, type CertificateClassification } from '../pki/classify.js';
import { chooseLoginCertificate, type LoginChoice } from '../pki/login-choice.js';
import { parseCertificate, type CertificateInfo } from '../pki/parse.js';
import { checkRevocation, type FetchLike, type RevocationResult } from '../pki/revocation.js';
import { checkValidity, type ValidityResult } from '../pki/validity.js';

export interface AnalysedCertificate {
  /** Index into the snapshot's `certificates`. */
  cardIndex: number;
  info: CertificateInfo;
  classification: CertificateClassification;
  validity: ValidityResult;
}

export interface CardAnalysis {
  certificates: AnalysedCertificate[];
  /** Certificates on the card that are not readable X.509 (index into the snapshot, and why). */
  unreadable: { cardIndex: number; message: string }[];
  /** Over `certificates` (not card indexes). */
  login: LoginChoice;
  /** The certificate the login guide points at, or the one that would be but for its dates. */
  loginCertificate: AnalysedCertificate | null;
  chain: ChainResult | null;
  anchorSources: AnchorSourceStatus[];
  revocation: RevocationResult | null;
}

export interface CardAnalysisOptions {
  now: Date;
  online: boolean;
  /** PEM/DER content of an anchors file supplied by the user or IT, with where it came from. */
  anchorsFile?: { content: Uint8Array | string; origin: string } | null;
  /** Injected for tests; default reads the runtime's store where it can. */
  systemAnchors?: () => { status: AnchorSourceStatus; anchors: TrustAnchor[] };
  fetch?: FetchLike;
  revocationTimeoutMs?: number;
}

export async function analyseCardCertificates(snapshot: CardSnapshot, options: CardAnalysisOptions): Promise<CardAnalysis> {
  const certificates: AnalysedCertificate[] = [];
  const unreadable: CardAnalysis['unreadable'] = [];
  snapshot.certificates.forEach((cardCert, cardIndex) => {
    try {
      const info = parseCertificate(cardCert.der);
      certificates.push({ cardIndex, info, classification: classifyCertificate(info), validity: checkValidity(info, options.now) });
    } catch (e) {
      unreadable.push({ cardIndex, message: e instanceof Error ? e.message : String(e) });
    }
  });

  const infos = certificates.map((c) => c.info);
  const login = chooseLoginCertificate(infos, options.now);
  const loginIndex = login.chosenIndex ?? login.blockedIndex;
  const loginCertificate = loginIndex === null ? null : (certificates[loginIndex] ?? null);

  // A card cannot vouch for itself: its CA certificates (roots included) only help build the path.
  // Trust comes from the computer's store, the file the user names, or a pinned SITHS fingerprint.
  const system = (options.systemAnchors ?? loadSystemAnchors)();
  const card = cardCaCertificates(infos);
  const pinned = pinnedAnchors(card.roots);
  const anchors: TrustAnchor[] = [...system.anchors, ...pinned.anchors];
  const anchorSources: AnchorSourceStatus[] = [system.status, pinned.status];
  if (options.anchorsFile) {
    try {
      const file = anchorsFromFile(options.anchorsFile.content, options.anchorsFile.origin);
      anchors.push(...file.anchors);
      anchorSources.push(file.status);
    } catch {
      anchorSources.push({ source: 'file', available: false, count: 0, reason: 'read-error', origin: options.anchorsFile.origin });
    }
  } else {
    anchorSources.push({ source: 'file', available: false, count: 0, reason: 'not-given' });
  }

  let chain: ChainResult | null = null;
  let revocation: RevocationResult | null = null;
  if (loginCertificate) {
    const leaf = loginCertificate.info;
    const intermediates = card.intermediates.filter((info) => info !== leaf);
    chain = await verifyChain(leaf, { intermediates, anchors, now: options.now, anchorSources });
    const issuerSha = chain.path[1]?.sha256;
    const pool = [...intermediates, ...anchors.map((a) => a.certificate)];
    const issuer = issuerSha ? pool.find((info) => info.fingerprints.sha256 === issuerSha) : undefined;
    revocation = await checkRevocation(leaf, issuer, {
      online: options.online,
      now: options.now,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.revocationTimeoutMs !== undefined && { timeoutMs: options.revocationTimeoutMs }),
    });
  }

  return { certificates, unreadable, login, loginCertificate, chain, anchorSources, revocation };
}
