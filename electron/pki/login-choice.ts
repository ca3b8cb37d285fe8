/**
 * Which certificate the user should pick in the browser's certificate picker (login step 3), and
 * for every other certificate on the card why it is not that one. The most common mistake is the
 * Telia e-legitimation on older cards; the next is the signature certificate.
 *
 * Precedence: only SITHS authentication certificates of a person qualify (not a CA, not Telia, not
 * a function or signature certificate), valid now. Among those, production beats the TEST/PP/
 * SYSTEMTEST PKIs (which then get `test-environment`); a person with HSA-id beats a person with
 * personnummer; then the one that stays valid longest, then the newest. When only non-production
 * certificates qualify, the best of them is still chosen (a test card logs in to a test service),
 * flagged with `chosenWarning: 'test-environment'`.
 */
import { classifyCertificate, type CertificateClassification } from './classify.js';
import type { CertificateInfo } from './parse.js';
import { checkValidity, type ValidityResult } from './validity.js';

export type NotLoginReason =
  | 'ca'
  | 'telia'
  | 'not-siths'
  | 'function'
  | 'signature'
  | 'not-authentication'
  | 'expired'
  | 'not-yet-valid'
  | 'test-environment'
  /** Qualifies, but another certificate is the better choice. */
  | 'not-preferred';

export interface LoginCandidate {
  index: number;
  sha256: string;
  subjectCommonName?: string;
  issuerCommonName?: string;
  classification: CertificateClassification;
  validity: ValidityResult;
  chosen: boolean;
  reason?: NotLoginReason;
}

export interface LoginChoice {
  chosenIndex: number | null;
  chosen: CertificateInfo | null;
  /** Set when the chosen certificate is from a test PKI (no production certificate qualified). */
  chosenWarning?: 'test-environment';
  /**
   * When nothing qualifies: the authentication certificate that would have been chosen but for its
   * dates (expired or not yet valid), so the login guide can say "your certificate expired on …".
   */
  blockedIndex: number | null;
  candidates: LoginCandidate[];
}

const kindRank: Readonly<Record<string, number>> = { 'person-hsa': 0, 'person-personnummer': 1, unknown: 2 };

function hardReason(c: CertificateClassification): NotLoginReason | undefined {
  if (c.subjectKind === 'ca') return 'ca';
  if (c.family === 'telia') return 'telia';
  if (!c.isSiths) return 'not-siths';
  if (c.subjectKind === 'function') return 'function';
  if (c.purpose === 'signature') return 'signature';
  if (c.purpose !== 'authentication') return 'not-authentication';
  return undefined;
}

function dateReason(v: ValidityResult): NotLoginReason | undefined {
  if (v.status === 'expired') return 'expired';
  if (v.status === 'not-yet-valid') return 'not-yet-valid';
  return undefined;
}

/** Best first: production, HSA-id over personnummer, latest notAfter, latest notBefore. */
function compareCandidates(certs: readonly CertificateInfo[], a: LoginCandidate, b: LoginCandidate): number {
  const prodA = a.classification.environment === 'production' ? 0 : 1;
  const prodB = b.classification.environment === 'production' ? 0 : 1;
  if (prodA !== prodB) return prodA - prodB;
  const kindA = kindRank[a.classification.subjectKind] ?? 3;
  const kindB = kindRank[b.classification.subjectKind] ?? 3;
  if (kindA !== kindB) return kindA - kindB;
  const certA = certs[a.index] as CertificateInfo;
  const certB = certs[b.index] as CertificateInfo;
  if (certA.notAfter.getTime() !== certB.notAfter.getTime()) return certB.notAfter.getTime() - certA.notAfter.getTime();
  if (certA.notBefore.getTime() !== certB.notBefore.getTime()) return certB.notBefore.getTime() - certA.notBefore.getTime();
  return a.index - b.index;
}

export function chooseLoginCertificate(certs: readonly CertificateInfo[], now: Date): LoginChoice {
  const candidates: LoginCandidate[] = certs.map((info, index) => {
    const candidate: LoginCandidate = {
      index,
      sha256: info.fingerprints.sha256,
      classification: classifyCertificate(info),
      validity: checkValidity(info, now),
      chosen: false,
    };
    if (candidate.classification.subjectCommonName !== undefined) candidate.subjectCommonName = candidate.classification.subjectCommonName;
    if (info.issuer.commonName !== undefined) candidate.issuerCommonName = info.issuer.commonName;
    const reason = hardReason(candidate.classification) ?? dateReason(candidate.validity);
    if (reason) candidate.reason = reason;
    return candidate;
  });
  const byPreference = (list: LoginCandidate[]) => [...list].sort((a, b) => compareCandidates(certs, a, b));

  const qualified = byPreference(candidates.filter((c) => c.reason === undefined));
  const best = qualified[0];
  let chosenWarning: LoginChoice['chosenWarning'];
  if (best) {
    best.chosen = true;
    const bestIsProduction = best.classification.environment === 'production';
    if (!bestIsProduction) chosenWarning = 'test-environment';
    for (const other of qualified.slice(1)) {
      other.reason = bestIsProduction && other.classification.environment !== 'production' ? 'test-environment' : 'not-preferred';
    }
  }
  const blocked = best ? undefined : byPreference(candidates.filter((c) => c.reason === 'expired' || c.reason === 'not-yet-valid'))[0];
  const choice: LoginChoice = {
    chosenIndex: best ? best.index : null,
    chosen: best ? (certs[best.index] as CertificateInfo) : null,
    blockedIndex: blocked ? blocked.index : null,
    candidates,
  };
  if (chosenWarning) choice.chosenWarning = chosenWarning;
  return choice;
}
