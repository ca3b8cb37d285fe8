/** Certificate analysis: parse, classify, validity, login choice, chain, revocation. */
export { CertificateParseError, type CertificateParseErrorCode } from './errors.js';
export {
  parseCertificate,
  parseCertificates,
  certificateInfoToJson,
  certificateSummary,
  toPem,
  type CertificateInfo,
  type CertificateInfoJson,
  type CertificateSummary,
  type DistinguishedName,
  type NameAttribute,
  type ExtendedKeyUsage,
  type PublicKeyDescription,
} from './parse.js';
export {
  classifyCertificate,
  certificatePurpose,
  isCaCertificate,
  issuerFamily,
  familyRules,
  environmentRules,
  environmentPolicies,
  type CertificateClassification,
  type CertificatePurpose,
  type EnvironmentEvidence,
  type IssuerFamily,
  type PkiEnvironment,
  type SubjectKind,
} from './classify.js';
export { checkHsaId, looksLikeHsaId, hsaIdMaxLength, type HsaIdCheck, type HsaIdProblem, type HsaIdWarning } from './hsa-id.js';
export { isPersonnummer, maskPersonnummer, maskPersonnummerInText, personnummerChecksumValid } from './personnummer.js';
export { knownRoots, knownRootBySha256, type KnownRoot } from './known-roots.js';
export { checkValidity, expiresSoonDays, type ValidityResult, type ValidityStatus } from './validity.js';
export { chooseLoginCertificate, type LoginCandidate, type LoginChoice, type NotLoginReason } from './login-choice.js';
export {
  loadSystemAnchors,
  anchorsFromFile,
  cardCaCertificates,
  pinnedAnchors,
  systemCaReader,
  type AnchorSource,
  type AnchorSourceStatus,
  type LoadedAnchors,
  type TrustAnchor,
} from './anchors.js';
export {
  verifyChain,
  chainCheckTime,
  validateWithPkijsEngine,
  type ChainCheckTime,
  type ChainLink,
  type ChainOptions,
  type ChainResult,
  type ChainStatus,
  type IncompleteChain,
  type InvalidChain,
  type InvalidChainCode,
  type TrustedChain,
  type UntrustedRootChain,
} from './chain.js';
export {
  checkRevocation,
  defaultRevocationTimeoutMs,
  type CouldNotCheckReason,
  type FetchLike,
  type RevocationAttempt,
  type RevocationMethod,
  type RevocationOptions,
  type RevocationResult,
} from './revocation.js';
export * from './messages.js';
