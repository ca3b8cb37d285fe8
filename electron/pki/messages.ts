/**
 * Words and sentences for certificate results, in Swedish (default) and English. Shared by the CLI
 * (`kortkoll cert`), the diagnostic report and the login guide, so a certificate is described the
 * same way everywhere. Dates are shown as YYYY-MM-DD (UTC), which reads the same in both languages.
 */
import { defineMessages, plural, type Lang } from '../i18n/index.js';
import type { AnchorSource, AnchorSourceStatus } from './anchors.js';
import { claimsSithsName } from './known-roots.js';
import type { ChainResult, InvalidChainCode } from './chain.js';
import type { CertificatePurpose, IssuerFamily, PkiEnvironment, SubjectKind } from './classify.js';
import type { HsaIdCheck, HsaIdProblem, HsaIdWarning } from './hsa-id.js';
import type { NotLoginReason } from './login-choice.js';
import type { CouldNotCheckReason, RevocationResult } from './revocation.js';
import type { ValidityResult } from './validity.js';

export const pkiMessages = defineMessages(
  'pki',
  {
    'family.siths-eid': 'SITHS e-id',
    'family.siths-type1': 'SITHS första generationen, Typ 1 (personer)',
    'family.siths-type3': 'SITHS första generationen, Typ 3 (funktioner)',
    'family.siths-root-v1': 'SITHS Root CA v1 (första generationen)',
    'family.siths-carelink': 'SITHS från Carelink-tiden',
    'family.telia': 'Telia e-legitimation',
    'family.other': 'annan utfärdare',
    'environment.production': 'produktion',
    'environment.test': 'TEST',
    'environment.preproduction': 'förproduktion (PP)',
    'environment.systemtest': 'SYSTEMTEST (utveckling)',
    'kind.person-hsa': 'person med HSA-id',
    'kind.person-personnummer': 'person med personnummer',
    'kind.function': 'funktionscertifikat',
    'kind.ca': 'CA-certifikat (utfärdare)',
    'kind.unknown': 'okänd innehavare',
    'purpose.authentication': 'legitimering',
    'purpose.signature': 'underskrift',
    'purpose.other': 'annan användning',
    'validity.valid': plural('days', { one: 'Giltigt till {date} ({days} dag kvar).', other: 'Giltigt till {date} ({days} dagar kvar).' }),
    'validity.expires-soon': plural('days', {
      one: 'Går ut {date}, om {days} dag. Se till att förnya det i god tid.',
      other: 'Går ut {date}, om {days} dagar. Se till att förnya det i god tid.',
    }),
    'validity.expired': plural('days', { one: 'Utgick {date} ({days} dag sedan).', other: 'Utgick {date} ({days} dagar sedan).' }),
    // Short forms for a list of certificates (the report's "Giltighet" row, the app's certificate view).
    'validityShort.valid': plural('days', { one: 'giltigt, {days} dag kvar', other: 'giltigt, {days} dagar kvar' }),
    'validityShort.expires-soon': plural('days', { one: 'går ut om {days} dag', other: 'går ut om {days} dagar' }),
    'validityShort.expired': plural('days', { one: 'gick ut för {days} dag sedan', other: 'gick ut för {days} dagar sedan' }),
    'validityShort.not-yet-valid': plural('days', { one: 'gäller om {days} dag', other: 'gäller om {days} dagar' }),
    unreadable: 'gick inte att tolka',
    'validity.not-yet-valid': 'Gäller först från {date}.',
    'validity.clockSuspect': 'Datorns klocka verkar gå fel: certifikatet gäller från {date}, mer än ett dygn fram i tiden. Kontrollera datum och tid.',
    'anchorSource.system': 'datorns certifikatlager',
    'anchorSource.pinned': 'SITHS-rötter som Kortkoll känner på fingeravtrycket',
    'anchorSource.file': 'den angivna filen',
    'anchorSource.presented': 'de angivna certifikaten',
    'anchorStatus.available': '{source}: {count} rotcertifikat',
    'anchorStatus.unsupported-runtime': '{source}: kan inte läsas i den här miljön (kräver Node 22.15 eller senare, eller appen)',
    'anchorStatus.read-error': '{source}: gick inte att läsa',
    'anchorStatus.not-given': '{source}: inga',
    'anchorStatus.not-needed': '{source}: inte lästa (inget certifikat att kontrollera)',
    'anchorStatus.noFile': 'ingen fil med betrodda rotcertifikat angiven',
    'chain.trusted': 'Kedjan håller: den slutar i {anchor}, ett betrott rotcertifikat från {source}.',
    'chain.untrusted-root': 'Rotcertifikatet {root} är inte betrott här.',
    'chain.untrusted-root.remedy':
      'IT-avdelningen kan lägga in {root} bland datorns betrodda rotcertifikat, eller ange det i en fil med betrodda rotcertifikat (--anchors).',
    'chain.incomplete': 'Kedjan är ofullständig: utfärdaren {issuer} saknas.',
    'chain.incomplete.where': 'Utfärdarens certifikat finns att hämta på {url}.',
    'chain.invalid': 'Kedjan håller inte: {problem} ({subject}).',
    'chain.checkedAtLeafValidity': 'Kedjan prövades per {date}, inom certifikatets giltighetstid, eftersom certifikatet inte gäller i dag.',
    'chain.knownRoot': '{name} är ett rotcertifikat som Kortkoll känner igen på fingeravtrycket.',
    'chain.nameNotEnough':
      'Rotcertifikatet heter {root} men har ett fingeravtryck som Kortkoll inte känner ({sha256}). Namnet räcker inte: vem som helst kan skapa ett rotcertifikat med det namnet. Bara datorns betrodda rotcertifikat, en fil som anges med --anchors eller ett känt fingeravtryck gör en rot betrodd.',
    'chainProblem.bad-signature': 'en signatur stämmer inte',
    'chainProblem.issuer-not-ca': 'utfärdaren är inte en CA',
    'chainProblem.path-length-exceeded': 'för många mellanliggande CA',
    'chainProblem.ca-not-valid-at-time': 'ett CA-certifikat gällde inte vid tidpunkten',
    'chainProblem.unsupported-critical-extension': 'ett kritiskt tillägg som inte går att tolka',
    'chainProblem.unsupported-algorithm': 'signaturalgoritmen stöds inte',
    'chainProblem.too-long': 'kedjan är orimligt lång',
    'chainProblem.engine-rejected': 'kedjekontrollen underkände den',
    'revocation.not-checked': 'Spärrkontroll gjordes inte (den görs bara med --online).',
    'revocation.good': 'Inte spärrat enligt {method} ({url}).',
    'revocation.revoked': 'SPÄRRAT sedan {date}.',
    'revocation.revokedWithReason': 'SPÄRRAT sedan {date}, orsak: {reason}.',
    'revocation.unknown': 'OCSP-tjänsten känner inte till certifikatet ({url}).',
    'revocation.could-not-check': 'Spärrstatus kunde inte kontrolleras: {reason}.',
    'revocationReason.offline': 'ingen kontakt med tjänsten (nätverket eller brandväggen)',
    'revocationReason.timeout': 'tjänsten svarade inte i tid',
    'revocationReason.http-error': 'tjänsten svarade med ett HTTP-fel',
    'revocationReason.bad-response': 'svaret gick inte att tolka',
    'revocationReason.bad-signature': 'svaret var inte signerat av utfärdaren',
    'revocationReason.stale': 'svaret var inaktuellt (eller datorns klocka går fel)',
    'revocationReason.nonce-mismatch': 'svaret hörde inte till vår fråga (fel nonce)',
    'revocationReason.no-endpoint': 'certifikatet anger ingen OCSP-tjänst eller spärrlista',
    'revocationReason.no-issuer': 'utfärdarens certifikat saknas',
    'revocationReason.too-large': 'svaret var orimligt stort och avbröts',
    'revocationReason.redirect-refused':
      'tjänsten skickade vidare till en adress som inte godtas (annat protokoll, lokal eller privat adress, eller för många steg)',
    'revocationReason.out-of-scope': 'spärrlistan gäller inte för det här certifikatet',
    'revocationReason.unsupported': 'spärrlistan har en kritisk utökning som Kortkoll inte kan tolka',
    'loginReason.ca': 'ett CA-certifikat, inte ditt eget',
    'loginReason.telia': 'Telia e-legitimation: välj inte det här vid inloggning',
    'loginReason.not-siths': 'inte utfärdat av SITHS',
    'loginReason.function': 'ett funktionscertifikat, inte för personlig inloggning',
    'loginReason.signature': 'underskriftscertifikatet, används inte vid inloggning',
    'loginReason.not-authentication': 'inte avsett för legitimering',
    'loginReason.expired': 'har gått ut',
    'loginReason.not-yet-valid': 'gäller inte ännu',
    'loginReason.test-environment': 'ett testcertifikat',
    'loginReason.not-preferred': 'ett annat certifikat på kortet passar bättre',
    'hsaId.valid': 'giltigt format',
    'hsaId.test': 'testidentitet',
    'hsaProblem.empty': 'tomt',
    'hsaProblem.too-long': 'längre än 31 tecken',
    'hsaProblem.whitespace': 'innehåller mellanslag',
    'hsaProblem.bad-characters': 'innehåller otillåtna tecken (bara A–Z, a–z, 0–9 och ett bindestreck)',
    'hsaProblem.missing-dash': 'bindestreck saknas',
    'hsaProblem.bad-prefix': 'börjar inte med SE (eller TST för test)',
    'hsaProblem.bad-organisation-number': 'organisationsnumret är inte tio siffror',
    'hsaProblem.empty-suffix': 'inget efter bindestrecket',
    'hsaWarning.organisation-number-checksum': 'organisationsnumrets kontrollsiffra stämmer inte',
  },
  {
    'family.siths-eid': 'SITHS e-id',
    'family.siths-type1': 'SITHS first generation, Type 1 (persons)',
    'family.siths-type3': 'SITHS first generation, Type 3 (functions)',
    'family.siths-root-v1': 'SITHS Root CA v1 (first generation)',
    'family.siths-carelink': 'SITHS, Carelink era',
    'family.telia': 'Telia e-legitimation',
    'family.other': 'other issuer',
    'environment.production': 'production',
    'environment.test': 'TEST',
    'environment.preproduction': 'pre-production (PP)',
    'environment.systemtest': 'SYSTEMTEST (development)',
    'kind.person-hsa': 'person with HSA-id',
    'kind.person-personnummer': 'person with personal identity number',
    'kind.function': 'function certificate',
    'kind.ca': 'CA certificate (issuer)',
    'kind.unknown': 'unknown holder',
    'purpose.authentication': 'authentication',
    'purpose.signature': 'signature',
    'purpose.other': 'other use',
    'validity.valid': plural('days', { one: 'Valid until {date} ({days} day left).', other: 'Valid until {date} ({days} days left).' }),
    'validity.expires-soon': plural('days', {
      one: 'Expires on {date}, in {days} day. Make sure it is renewed in good time.',
      other: 'Expires on {date}, in {days} days. Make sure it is renewed in good time.',
    }),
    'validity.expired': plural('days', { one: 'Expired on {date} ({days} day ago).', other: 'Expired on {date} ({days} days ago).' }),
    'validityShort.valid': plural('days', { one: 'valid, {days} day left', other: 'valid, {days} days left' }),
    'validityShort.expires-soon': plural('days', { one: 'expires in {days} day', other: 'expires in {days} days' }),
    'validityShort.expired': plural('days', { one: 'expired {days} day ago', other: 'expired {days} days ago' }),
    'validityShort.not-yet-valid': plural('days', { one: 'valid in {days} day', other: 'valid in {days} days' }),
    unreadable: 'could not be parsed',
    'validity.not-yet-valid': 'Not valid until {date}.',
    'validity.clockSuspect': "The computer's clock looks wrong: the certificate is valid from {date}, more than a day ahead. Check the date and time.",
    'anchorSource.system': "the computer's certificate store",
    'anchorSource.pinned': 'SITHS roots Kortkoll knows by fingerprint',
    'anchorSource.file': 'the file given',
    'anchorSource.presented': 'the certificates given',
    'anchorStatus.available': plural('count', { one: '{source}: {count} root certificate', other: '{source}: {count} root certificates' }),
    'anchorStatus.unsupported-runtime': '{source}: cannot be read here (needs Node 22.15 or later, or the app)',
    'anchorStatus.read-error': '{source}: could not be read',
    'anchorStatus.not-given': '{source}: none',
    'anchorStatus.not-needed': '{source}: not read (no certificate to check)',
    'anchorStatus.noFile': 'no trusted roots file given',
    'chain.trusted': 'The chain holds: it ends at {anchor}, a trusted root certificate from {source}.',
    'chain.untrusted-root': 'The root certificate {root} is not trusted here.',
    'chain.untrusted-root.remedy':
      "The IT department can add {root} to the computer's trusted root certificates, or give it in a trusted roots file (--anchors).",
    'chain.incomplete': 'The chain is incomplete: the issuer {issuer} is missing.',
    'chain.incomplete.where': "The issuer's certificate can be fetched from {url}.",
    'chain.invalid': 'The chain does not hold: {problem} ({subject}).',
    'chain.checkedAtLeafValidity': "The chain was checked as of {date}, within the certificate's validity, because the certificate is not valid today.",
    'chain.knownRoot': '{name} is a root certificate Kortkoll recognises by its fingerprint.',
    'chain.nameNotEnough':
      'The root certificate is named {root} but has a fingerprint Kortkoll does not know ({sha256}). The name is not enough: anyone can make a root certificate with that name. Only the computer’s trusted root certificates, a file given with --anchors or a known fingerprint make a root trusted.',
    'chainProblem.bad-signature': 'a signature does not verify',
    'chainProblem.issuer-not-ca': 'the issuer is not a CA',
    'chainProblem.path-length-exceeded': 'too many intermediate CAs',
    'chainProblem.ca-not-valid-at-time': 'a CA certificate was not valid at the time',
    'chainProblem.unsupported-critical-extension': 'a critical extension that cannot be read',
    'chainProblem.unsupported-algorithm': 'the signature algorithm is not supported',
    'chainProblem.too-long': 'the chain is unreasonably long',
    'chainProblem.engine-rejected': 'chain validation rejected it',
    'revocation.not-checked': 'Revocation not checked (only with --online).',
    'revocation.good': 'Not revoked according to {method} ({url}).',
    'revocation.revoked': 'REVOKED since {date}.',
    'revocation.revokedWithReason': 'REVOKED since {date}, reason: {reason}.',
    'revocation.unknown': 'The OCSP responder does not know this certificate ({url}).',
    'revocation.could-not-check': 'Revocation status could not be checked: {reason}.',
    'revocationReason.offline': 'no contact with the service (network or firewall)',
    'revocationReason.timeout': 'the service did not answer in time',
    'revocationReason.http-error': 'the service answered with an HTTP error',
    'revocationReason.bad-response': 'the answer could not be read',
    'revocationReason.bad-signature': 'the answer was not signed by the issuer',
    'revocationReason.stale': "the answer was out of date (or the computer's clock is wrong)",
    'revocationReason.nonce-mismatch': 'the answer did not belong to our question (wrong nonce)',
    'revocationReason.no-endpoint': 'the certificate names no OCSP service and no CRL',
    'revocationReason.no-issuer': "the issuer's certificate is missing",
    'revocationReason.too-large': 'the answer was unreasonably large and was cut off',
    'revocationReason.redirect-refused':
      'the service redirected to an address that is not accepted (another scheme, a local or private address, or too many hops)',
    'revocationReason.out-of-scope': 'the CRL does not cover this certificate',
    'revocationReason.unsupported': 'the CRL has a critical extension Kortkoll cannot interpret',
    'loginReason.ca': 'a CA certificate, not your own',
    'loginReason.telia': 'Telia e-legitimation: do not pick this one at login',
    'loginReason.not-siths': 'not issued by SITHS',
    'loginReason.function': 'a function certificate, not for personal login',
    'loginReason.signature': 'the signature certificate, not used at login',
    'loginReason.not-authentication': 'not meant for authentication',
    'loginReason.expired': 'has expired',
    'loginReason.not-yet-valid': 'is not valid yet',
    'loginReason.test-environment': 'a test certificate',
    'loginReason.not-preferred': 'another certificate on the card is a better fit',
    'hsaId.valid': 'valid format',
    'hsaId.test': 'test identity',
    'hsaProblem.empty': 'empty',
    'hsaProblem.too-long': 'longer than 31 characters',
    'hsaProblem.whitespace': 'contains spaces',
    'hsaProblem.bad-characters': 'contains characters that are not allowed (only A–Z, a–z, 0–9 and one hyphen)',
    'hsaProblem.missing-dash': 'the hyphen is missing',
    'hsaProblem.bad-prefix': 'does not start with SE (or TST for test)',
    'hsaProblem.bad-organisation-number': 'the organisation number is not ten digits',
    'hsaProblem.empty-suffix': 'nothing after the hyphen',
    'hsaWarning.organisation-number-checksum': "the organisation number's check digit is wrong",
  },
);

type Key = Parameters<typeof pkiMessages.t>[0];
const t = (key: string, lang: Lang, params?: Record<string, string | number>) => pkiMessages.t(key as Key, lang, params);

/** YYYY-MM-DD of an ISO time or Date (UTC). */
export function shortDate(value: string | Date): string {
  return (typeof value === 'string' ? value : value.toISOString()).slice(0, 10);
}

export const familyLabel = (family: IssuerFamily, lang: Lang) => t(`family.${family}`, lang);
export const environmentLabel = (environment: PkiEnvironment, lang: Lang) => t(`environment.${environment}`, lang);
export const subjectKindLabel = (kind: SubjectKind, lang: Lang) => t(`kind.${kind}`, lang);
export const purposeLabel = (purpose: CertificatePurpose, lang: Lang) => t(`purpose.${purpose}`, lang);
export const notLoginReasonLabel = (reason: NotLoginReason, lang: Lang) => t(`loginReason.${reason}`, lang);
export const anchorSourceLabel = (source: AnchorSource | 'presented', lang: Lang) => t(`anchorSource.${source}`, lang);
export const chainProblemLabel = (code: InvalidChainCode, lang: Lang) => t(`chainProblem.${code}`, lang);
export const revocationReasonLabel = (reason: CouldNotCheckReason, lang: Lang) => t(`revocationReason.${reason}`, lang);
export const hsaProblemLabel = (problem: HsaIdProblem, lang: Lang) => t(`hsaProblem.${problem}`, lang);
export const hsaWarningLabel = (warning: HsaIdWarning, lang: Lang) => t(`hsaWarning.${warning}`, lang);

/** "TSTNMT2321000156-B02 (testidentitet, giltigt format)" */
export function describeHsaId(check: HsaIdCheck, lang: Lang): string {
  const notes = [
    ...(check.test ? [t('hsaId.test', lang)] : []),
    ...(check.valid ? [t('hsaId.valid', lang)] : check.problems.map((p) => hsaProblemLabel(p, lang))),
    ...check.warnings.map((w) => hsaWarningLabel(w, lang)),
  ];
  return `${check.value} (${notes.join(', ')})`;
}

/** A certificate that could not be parsed, as a list of certificates says it. */
export const unreadableCertificateLabel = (lang: Lang) => t('unreadable', lang);

/** "giltigt, 1460 dagar kvar": the validity in a few words, for a list of certificates. */
export function shortValidityLabel(validity: ValidityResult, lang: Lang): string {
  const days = validity.status === 'expired' ? validity.daysSinceExpiry : validity.status === 'not-yet-valid' ? validity.daysUntilValid : validity.daysLeft;
  return t(`validityShort.${validity.status}`, lang, { days: days ?? 0 });
}

/** One or two sentences: the status, and the clock warning when notBefore lies in the future. */
export function describeValidity(validity: ValidityResult, lang: Lang): string {
  let sentence: string;
  switch (validity.status) {
    case 'valid':
    case 'expires-soon':
      sentence = t(`validity.${validity.status}`, lang, { date: shortDate(validity.notAfter), days: validity.daysLeft ?? 0 });
      break;
    case 'expired':
      sentence = t('validity.expired', lang, { date: shortDate(validity.notAfter), days: validity.daysSinceExpiry ?? 0 });
      break;
    case 'not-yet-valid':
      sentence = t('validity.not-yet-valid', lang, { date: shortDate(validity.notBefore) });
      break;
  }
  return validity.clockSuspect ? `${sentence} ${t('validity.clockSuspect', lang, { date: shortDate(validity.notBefore) })}` : sentence;
}

export function describeAnchorStatus(status: AnchorSourceStatus, lang: Lang): string {
  const source = anchorSourceLabel(status.source, lang) + (status.origin ? ` (${status.origin})` : '');
  if (status.available) return t('anchorStatus.available', lang, { source, count: status.count });
  if (status.source === 'file' && status.reason === 'not-given') return t('anchorStatus.noFile', lang);
  return t(`anchorStatus.${status.reason ?? 'not-given'}`, lang, { source });
}

/** Sentences about a chain result, first the verdict, then what to do and how it was judged. */
export function describeChain(chain: ChainResult, lang: Lang): string[] {
  const lines: string[] = [];
  switch (chain.status) {
    case 'trusted': {
      const source = anchorSourceLabel(chain.anchor.source, lang) + (chain.anchor.origin ? ` (${chain.anchor.origin})` : '');
      lines.push(t('chain.trusted', lang, { anchor: chain.anchor.subjectCommonName ?? chain.anchor.subject, source }));
      break;
    }
    case 'untrusted-root': {
      const root = chain.root.subjectCommonName ?? chain.root.subject;
      lines.push(t('chain.untrusted-root', lang, { root }));
      if (chain.root.knownRoot) lines.push(t('chain.knownRoot', lang, { name: chain.root.knownRoot }));
      else if (chain.root.presented && chain.root.sha256 !== undefined && claimsSithsName(root))
        lines.push(t('chain.nameNotEnough', lang, { root, sha256: chain.root.sha256 }));
      lines.push(t('chain.untrusted-root.remedy', lang, { root }));
      break;
    }
    case 'incomplete': {
      lines.push(t('chain.incomplete', lang, { issuer: chain.missingIssuer.subjectCommonName ?? chain.missingIssuer.subject }));
      const url = chain.missingIssuer.caIssuersUrls[0];
      if (url) lines.push(t('chain.incomplete.where', lang, { url }));
      break;
    }
    case 'invalid':
      lines.push(
        t('chain.invalid', lang, { problem: chainProblemLabel(chain.problem.code, lang), subject: chain.problem.subjectCommonName ?? chain.problem.subject }),
      );
      break;
  }
  if (chain.checkedAtReason !== 'now') lines.push(t('chain.checkedAtLeafValidity', lang, { date: shortDate(chain.checkedAt) }));
  return lines;
}

export function describeRevocation(result: RevocationResult, lang: Lang): string {
  switch (result.status) {
    case 'not-checked':
      return t('revocation.not-checked', lang);
    case 'good':
      return t('revocation.good', lang, { method: result.method.toUpperCase(), url: result.url });
    case 'revoked':
      return result.revocationReason
        ? t('revocation.revokedWithReason', lang, { date: shortDate(result.revokedAt), reason: result.revocationReason })
        : t('revocation.revoked', lang, { date: shortDate(result.revokedAt) });
    case 'unknown':
      return t('revocation.unknown', lang, { url: result.url });
    case 'could-not-check': {
      const detail = [result.httpStatus !== undefined ? `HTTP ${result.httpStatus}` : undefined, result.url].filter(Boolean).join(', ');
      return t('revocation.could-not-check', lang, { reason: revocationReasonLabel(result.reason, lang) + (detail ? ` (${detail})` : '') });
    }
  }
}
