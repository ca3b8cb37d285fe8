/**
 * Does the chain hold? From the leaf, find each issuer among the intermediates and anchors (by name,
 * narrowed by key identifier, confirmed by signature) until an anchor is reached. Each way of
 * failing gets its own answer: a root that is not trusted (and which one), a missing intermediate,
 * or something broken (signature, CA flags, dates of a CA).
 *
 * Time: a certificate that has expired still has a chain that either holds or does not. The chain
 * is checked at `now` when the leaf is valid now, otherwise at the leaf's own notAfter (expired) or
 * notBefore (not yet valid); `checkedAt` says which. Whether the leaf is valid NOW is the separate
 * answer of checkValidity. So Inera's expired TEST function certificate still has a trusted chain
 * when the TEST root is an anchor.
 *
 * A path that our own walk accepts is confirmed by pkijs's CertificateChainValidationEngine. That
 * engine takes the LAST certificate of `certs` as the leaf, so we pass exactly the path's
 * intermediates followed by the leaf (`validateWithPkijsEngine`).
 */
import * as pkijs from 'pkijs';
import type { AnchorSource, AnchorSourceStatus, TrustAnchor } from './anchors.js';
import { cryptoEngine } from './engine.js';
import { knownRootBySha256, looksLikeRootName } from './known-roots.js';
import { pkijsCertificate, type CertificateInfo } from './parse.js';

export type ChainStatus = 'trusted' | 'untrusted-root' | 'incomplete' | 'invalid';

export interface ChainLink {
  role: 'leaf' | 'intermediate' | 'root';
  subject: string;
  subjectCommonName?: string;
  issuerCommonName?: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
  /** Where this certificate came from: passed in with the leaf, or an anchor's source. */
  source: 'presented' | AnchorSource;
  /** This link is the trust anchor the chain ends at. */
  anchor?: boolean;
  /** A root we know by fingerprint. */
  knownRoot?: string;
}

export type InvalidChainCode =
  | 'bad-signature'
  | 'issuer-not-ca'
  | 'path-length-exceeded'
  | 'ca-not-valid-at-time'
  | 'unsupported-critical-extension'
  | 'unsupported-algorithm'
  | 'too-long'
  | 'engine-rejected';

/** When the chain was judged (see the module comment). */
export type ChainCheckTime = 'now' | 'leaf-not-after' | 'leaf-not-before';

interface ChainBase {
  path: ChainLink[];
  checkedAt: string;
  checkedAtReason: ChainCheckTime;
  anchorSources: AnchorSourceStatus[];
}

export interface TrustedChain extends ChainBase {
  status: 'trusted';
  anchor: { subject: string; subjectCommonName?: string; sha256: string; source: AnchorSource; origin?: string; knownRoot?: string };
}

export interface UntrustedRootChain extends ChainBase {
  status: 'untrusted-root';
  root: {
    subject: string;
    subjectCommonName?: string;
    /** The root certificate itself was among the certificates we got (its fingerprint is then known). */
    presented: boolean;
    sha256?: string;
    knownRoot?: string;
    /** Where the issuing certificate can be fetched (the AIA of the last certificate in the path). */
    caIssuersUrls: string[];
  };
}

export interface IncompleteChain extends ChainBase {
  status: 'incomplete';
  missingIssuer: { subject: string; subjectCommonName?: string; authorityKeyIdentifier?: string; caIssuersUrls: string[] };
}

export interface InvalidChain extends ChainBase {
  status: 'invalid';
  problem: { code: InvalidChainCode; subject: string; subjectCommonName?: string; detail?: string };
}

export type ChainResult = TrustedChain | UntrustedRootChain | IncompleteChain | InvalidChain;

export interface ChainOptions {
  /** Other certificates that may be intermediates (the card's CA certificates, the rest of a file). */
  intermediates?: readonly CertificateInfo[];
  anchors?: readonly TrustAnchor[];
  now?: Date;
  /** What each anchor source delivered, copied into the result for the report. */
  anchorSources?: readonly AnchorSourceStatus[];
}

const maxPathLength = 10;

interface PoolEntry {
  info: CertificateInfo;
  source: 'presented' | AnchorSource;
  anchor?: TrustAnchor;
}

function link(info: CertificateInfo, role: ChainLink['role'], source: ChainLink['source']): ChainLink {
  const out: ChainLink = {
    role,
    subject: info.subject.display,
    sha256: info.fingerprints.sha256,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    source,
  };
  if (info.subject.commonName !== undefined) out.subjectCommonName = info.subject.commonName;
  if (info.issuer.commonName !== undefined) out.issuerCommonName = info.issuer.commonName;
  const known = knownRootBySha256(info.fingerprints.sha256);
  if (known) out.knownRoot = known.name;
  return out;
}

/** The time at which the chain is judged: now, or the nearest instant inside the leaf's validity. */
export function chainCheckTime(leaf: CertificateInfo, now: Date): { at: Date; reason: ChainCheckTime } {
  if (now.getTime() > leaf.notAfter.getTime()) return { at: new Date(leaf.notAfter.getTime()), reason: 'leaf-not-after' };
  if (now.getTime() < leaf.notBefore.getTime()) return { at: new Date(leaf.notBefore.getTime()), reason: 'leaf-not-before' };
  return { at: now, reason: 'now' };
}

async function signedBy(subject: CertificateInfo, issuer: CertificateInfo): Promise<'yes' | 'no' | 'unsupported'> {
  try {
    return (await pkijsCertificate(subject).verify(pkijsCertificate(issuer), cryptoEngine())) ? 'yes' : 'no';
  } catch {
    // pkijs throws for algorithms WebCrypto lacks (e.g. MD5, DSA) and for malformed keys.
    return 'unsupported';
  }
}

function issuerNameMatches(subject: CertificateInfo, candidate: CertificateInfo): boolean {
  try {
    return pkijsCertificate(candidate).subject.isEqual(pkijsCertificate(subject).issuer);
  } catch {
    return false;
  }
}

function withoutDuplicates(entries: PoolEntry[]): PoolEntry[] {
  const seen = new Map<string, PoolEntry>();
  for (const entry of entries) {
    const existing = seen.get(entry.info.fingerprints.sha256);
    // The same certificate as an anchor and as an intermediate: it is an anchor.
    if (!existing || (!existing.anchor && entry.anchor)) seen.set(entry.info.fingerprints.sha256, entry);
  }
  return [...seen.values()];
}

/**
 * pkijs's chain engine as a second opinion on a path we built: `path` is leaf first, anchor last.
 * The engine treats the LAST element of `certs` as the leaf, so the leaf goes last and nothing but
 * the path goes in.
 */
export async function validateWithPkijsEngine(
  leaf: CertificateInfo,
  intermediates: readonly CertificateInfo[],
  anchor: CertificateInfo,
  checkDate: Date,
): Promise<{ ok: boolean; message?: string }> {
  try {
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [pkijsCertificate(anchor)],
      certs: [...intermediates.map(pkijsCertificate), pkijsCertificate(leaf)],
      checkDate,
    });
    const result = await engine.verify({}, cryptoEngine());
    return result.result ? { ok: true } : { ok: false, message: result.resultMessage };
  } catch (e) {
    const message =
      e instanceof Error
        ? e.message
        : typeof e === 'object' && e !== null && 'resultMessage' in e
          ? String((e as { resultMessage: unknown }).resultMessage)
          : String(e);
    return { ok: false, message };
  }
}

export async function verifyChain(leaf: CertificateInfo, options: ChainOptions = {}): Promise<ChainResult> {
  const now = options.now ?? new Date();
  const { at, reason } = chainCheckTime(leaf, now);
  const base = (path: ChainLink[]): ChainBase => ({
    path,
    checkedAt: at.toISOString(),
    checkedAtReason: reason,
    anchorSources: [...(options.anchorSources ?? [])],
  });

  const pool = withoutDuplicates([
    ...(options.anchors ?? []).map((anchor): PoolEntry => ({ info: anchor.certificate, source: anchor.source, anchor })),
    ...(options.intermediates ?? []).map((info): PoolEntry => ({ info, source: 'presented' })),
  ]).filter((entry) => entry.info.fingerprints.sha256 !== leaf.fingerprints.sha256 || entry.anchor);
  const anchorBySha = new Map(pool.filter((e) => e.anchor).map((e) => [e.info.fingerprints.sha256, e]));

  const chain: CertificateInfo[] = [leaf];
  const path: ChainLink[] = [link(leaf, 'leaf', 'presented')];
  const invalid = (code: InvalidChainCode, info: CertificateInfo, detail?: string): InvalidChain => {
    const problem: InvalidChain['problem'] = { code, subject: info.subject.display };
    if (info.subject.commonName !== undefined) problem.subjectCommonName = info.subject.commonName;
    if (detail !== undefined) problem.detail = detail;
    return { status: 'invalid', ...base(path), problem };
  };

  if (leaf.unparsedCriticalExtensions.length > 0) return invalid('unsupported-critical-extension', leaf, leaf.unparsedCriticalExtensions.join(', '));

  for (;;) {
    const current = chain[chain.length - 1] as CertificateInfo;
    const currentLink = path[path.length - 1] as ChainLink;

    const anchorEntry = anchorBySha.get(current.fingerprints.sha256);
    if (anchorEntry?.anchor) {
      currentLink.anchor = true;
      currentLink.source = anchorEntry.source;
      if (chain.length > 1) {
        const verdict = await validateWithPkijsEngine(leaf, chain.slice(1, -1), current, at);
        if (!verdict.ok) return invalid('engine-rejected', leaf, verdict.message);
      }
      const anchor: TrustedChain['anchor'] = { subject: current.subject.display, sha256: current.fingerprints.sha256, source: anchorEntry.anchor.source };
      if (current.subject.commonName !== undefined) anchor.subjectCommonName = current.subject.commonName;
      if (anchorEntry.anchor.origin !== undefined) anchor.origin = anchorEntry.anchor.origin;
      if (currentLink.knownRoot !== undefined) anchor.knownRoot = currentLink.knownRoot;
      return { status: 'trusted', ...base(path), anchor };
    }

    if (current.selfIssued) {
      const self = await signedBy(current, current);
      if (self === 'yes') {
        if (chain.length > 1) currentLink.role = 'root';
        const root: UntrustedRootChain['root'] = { subject: current.subject.display, presented: true, sha256: current.fingerprints.sha256, caIssuersUrls: [] };
        if (current.subject.commonName !== undefined) root.subjectCommonName = current.subject.commonName;
        if (currentLink.knownRoot !== undefined) root.knownRoot = currentLink.knownRoot;
        return { status: 'untrusted-root', ...base(path), root };
      }
      // A self-issued certificate that is not self-signed: a CA key rollover certificate; keep walking.
    }

    if (chain.length > maxPathLength) return invalid('too-long', current, `more than ${maxPathLength} certificates`);

    const byName = pool.filter((entry) => entry.info.fingerprints.sha256 !== current.fingerprints.sha256 && issuerNameMatches(current, entry.info));
    const byKey =
      current.authorityKeyIdentifier === undefined
        ? byName
        : byName.filter((entry) => entry.info.subjectKeyIdentifier === undefined || entry.info.subjectKeyIdentifier === current.authorityKeyIdentifier);
    // Anchors first: the shortest way to trust.
    const candidates = [...byKey.filter((e) => e.anchor), ...byKey.filter((e) => !e.anchor)].filter(
      (entry) => !chain.some((c) => c.fingerprints.sha256 === entry.info.fingerprints.sha256),
    );

    if (candidates.length === 0) {
      const issuerName = current.issuer;
      if (looksLikeRootName(issuerName.commonName)) {
        const root: UntrustedRootChain['root'] = { subject: issuerName.display, presented: false, caIssuersUrls: [...current.caIssuersUrls] };
        if (issuerName.commonName !== undefined) root.subjectCommonName = issuerName.commonName;
        return { status: 'untrusted-root', ...base(path), root };
      }
      const missingIssuer: IncompleteChain['missingIssuer'] = { subject: issuerName.display, caIssuersUrls: [...current.caIssuersUrls] };
      if (issuerName.commonName !== undefined) missingIssuer.subjectCommonName = issuerName.commonName;
      if (current.authorityKeyIdentifier !== undefined) missingIssuer.authorityKeyIdentifier = current.authorityKeyIdentifier;
      return { status: 'incomplete', ...base(path), missingIssuer };
    }

    let issuer: PoolEntry | undefined;
    let unsupported = false;
    for (const candidate of candidates) {
      const verdict = await signedBy(current, candidate.info);
      if (verdict === 'yes') {
        issuer = candidate;
        break;
      }
      if (verdict === 'unsupported') unsupported = true;
    }
    if (!issuer) {
      return unsupported
        ? invalid('unsupported-algorithm', current, current.signatureAlgorithm.name)
        : invalid('bad-signature', current, `not signed by ${candidates[0]?.info.subject.display ?? ''}`);
    }

    const issuerInfo = issuer.info;
    const issuerIsCa = issuerInfo.basicConstraints?.isCA === true || (issuerInfo.version < 3 && issuerInfo.basicConstraints === null);
    if (!issuerIsCa || (issuerInfo.keyUsage !== null && !issuerInfo.keyUsage.includes('keyCertSign'))) {
      path.push(link(issuerInfo, 'intermediate', issuer.source));
      return invalid('issuer-not-ca', issuerInfo);
    }
    // pathLenConstraint counts the non-self-issued intermediates below this CA (RFC 5280 §4.2.1.9).
    const intermediatesBelow = chain.slice(1).filter((c) => !c.selfIssued).length;
    if (issuerInfo.basicConstraints?.pathLength !== undefined && intermediatesBelow > issuerInfo.basicConstraints.pathLength) {
      path.push(link(issuerInfo, 'intermediate', issuer.source));
      return invalid('path-length-exceeded', issuerInfo, `pathLenConstraint ${issuerInfo.basicConstraints.pathLength}`);
    }
    if (issuerInfo.notBefore.getTime() > at.getTime() || issuerInfo.notAfter.getTime() < at.getTime()) {
      path.push(link(issuerInfo, 'intermediate', issuer.source));
      return invalid('ca-not-valid-at-time', issuerInfo, `${issuerInfo.notBefore.toISOString()} – ${issuerInfo.notAfter.toISOString()}`);
    }
    if (issuerInfo.unparsedCriticalExtensions.length > 0) {
      path.push(link(issuerInfo, 'intermediate', issuer.source));
      return invalid('unsupported-critical-extension', issuerInfo, issuerInfo.unparsedCriticalExtensions.join(', '));
    }
    chain.push(issuerInfo);
    path.push(link(issuerInfo, issuerInfo.selfIssued ? 'root' : 'intermediate', issuer.source));
  }
}
