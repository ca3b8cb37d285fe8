/**
 * One table per diagnosis check: hand-built facts → the finding the check makes (status, message
 * key with its parameters, remedy and who gives it, whether it halts what stands on it). Each row
 * changes one thing from a healthy card in a healthy computer, so a condition turned around in a
 * check turns a row red. The texts themselves are not tested here: `keyWriter` writes keys.
 */
import { describe, expect, it } from 'vitest';
import type { MiddlewareComparison } from '../../../../native/system/index.js';
import type { BrowserStoreView, StoreCertificate } from '../../../../native/system/browser-store/index.js';
import type { ChainResult } from '../../../../electron/pki/chain.js';
import type { DiagnosisFacts } from '../../../../electron/diagnostics/diagnosis-facts.js';
import type { CheckId, CheckStatus } from '../../../../electron/diagnostics/report-types.js';
import { diagnosisChecks } from '../../../../electron/diagnostics/checks/index.js';
import {
  analysedCertificate,
  analysis,
  certificateInfo,
  classification,
  facts,
  failedRead,
  keyWriter,
  knownProfile,
  pin,
  readerName,
  snapshot,
  systemFact,
  validity,
  withLogin,
} from './facts.js';

interface Row {
  name: string;
  facts: DiagnosisFacts;
  status: CheckStatus;
  summary: string;
  /** `[remedyKey …] contact`; absent: the check gives no remedy. */
  remedy?: string;
  halts?: true;
  /** The evidence, in order (key → value), when the row is about it. */
  evidence?: Record<string, string>;
}

const issuerName = 'SITHS e-id Person ID 3 CA v1';
const holder = 'Åsa Lindström';

function chain(result: Partial<ChainResult> & Pick<ChainResult, 'status'>): ChainResult {
  return {
    path: [
      { role: 'leaf', subject: `CN=${holder}`, subjectCommonName: holder, sha256: '11', notBefore: '', notAfter: '', source: 'presented' },
      { role: 'intermediate', subject: `CN=${issuerName}`, subjectCommonName: issuerName, sha256: '22', notBefore: '', notAfter: '', source: 'presented' },
    ],
    checkedAt: '2026-03-02T09:30:00.000Z',
    checkedAtReason: 'now',
    anchorSources: [],
    ...result,
  } as ChainResult;
}
const sithsRoot = {
  subject: 'CN=SITHS Root CA v1, O=Inera AB',
  subjectCommonName: 'SITHS Root CA v1',
  presented: true,
  sha256: 'CC'.repeat(32),
  caIssuersUrls: [],
};
const systemStoreUnreadable = [{ source: 'system' as const, available: false, count: 0, reason: 'unsupported-runtime' as const }];

function comparison(overrides: Partial<MiddlewareComparison>): MiddlewareComparison {
  return {
    modulePath: '/opt/iid/lib/libiidp11.so',
    moduleStatus: 'ok',
    seesCard: 'sees-card',
    tokens: [],
    cardTokens: [],
    matched: [],
    missingFromMiddleware: [],
    onlyInMiddleware: [],
    withoutValue: 0,
    pins: [],
    ...overrides,
  };
}
const pinComparison = (status: MiddlewareComparison['pins'][number]['status'], mismatches: string[] = []) => ({
  cardPinLabel: 'Legitimering',
  triesLeft: 3,
  maxTries: 3,
  tokenLabel: 'SITHS',
  status,
  middlewareFlags: [],
  expectedFlags: [],
  mismatches,
});

/** The login certificate of `facts()` as a store holds it: thumbprint without colons. */
const loginThumbprint = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
const shortThumb = 'AB:CD:EF:01:…';
function storeCertificate(overrides: Partial<StoreCertificate> = {}): StoreCertificate {
  return {
    sha1: loginThumbprint,
    subject: `CN=${holder}, SERIALNUMBER=SE2321000016-1234`,
    issuer: `CN=${issuerName}`,
    notAfter: '2030-01-01T00:00:00Z',
    hasPrivateKey: true,
    onSmartCard: true,
    provider: 'Microsoft Smart Card Key Storage Provider',
    ...overrides,
  };
}
const windowsStore = (certificates: StoreCertificate[], overrides: Partial<BrowserStoreView> = {}): BrowserStoreView => ({
  kind: 'windows-personal',
  browsers: ['edge', 'chrome'],
  location: 'Cert:\\CurrentUser\\My',
  detail: 'certutil -user -store My',
  status: 'ok',
  certificates,
  ...overrides,
});
const nssStore = (browsers: string[], modules: BrowserStoreView['modules'], certificates: StoreCertificate[] = []): BrowserStoreView => ({
  kind: 'nss',
  browsers,
  location: '/home/asa/.mozilla/firefox/abc.default',
  detail: 'certutil -L',
  status: 'ok',
  certificates,
  modules,
});
const openscModule = (tokens: string[] | null) => ({
  name: 'OpenSC',
  library: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  kind: 'card' as const,
  tokens,
  status: 'loaded',
});
const defaultCardModule = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

const noCard = { read: null, analysis: null };

const tables: { readonly [Id in CheckId]: readonly Row[] } = {
  'pcsc-service': [
    { name: 'running', facts: facts(), status: 'ok', summary: '[serviceRunning]', evidence: {} },
    {
      name: 'demo mode needs no service',
      facts: facts({ demoCard: 'netid-legacy', service: { available: false } }),
      status: 'ok',
      summary: '[serviceDemo]',
      evidence: { mode: '[value.demo]' },
    },
    {
      name: 'not running, with the PC/SC error',
      facts: facts({ service: { available: false, error: { code: 'service-not-running', message: 'SCardEstablishContext: 0x8010001D' } } }),
      status: 'error',
      summary: '[serviceDown]',
      remedy: '[serviceDownRemedy] local-it',
      // The code's words in the report's language; the binding's English message stays out of it.
      evidence: { serviceError: 'the smart-card service (PC/SC) is not running' },
    },
    {
      name: 'not running, no error given',
      facts: facts({ service: { available: false } }),
      status: 'error',
      summary: '[serviceDown]',
      remedy: '[serviceDownRemedy] local-it',
      evidence: {},
    },
  ],

  readers: [
    { name: 'one reader', facts: facts(), status: 'ok', summary: '[readersFound count=1]', evidence: { reader: readerName } },
    {
      name: 'no reader',
      facts: facts({ readers: [], selectedReader: null, ...noCard }),
      status: 'error',
      summary: '[readersNone]',
      remedy: '[readersNoneRemedy] self',
    },
    {
      name: 'remote session (RDP)',
      facts: facts({ system: [systemFact('session.remote', 'rdp')] }),
      status: 'warning',
      summary: '[readersRemote kind=rdp]',
      remedy: '[readersRemoteRemedy] local-it',
    },
    { name: 'no remote session', facts: facts({ system: [systemFact('session.remote', 'none')] }), status: 'ok', summary: '[readersFound count=1]' },
    { name: 'remote session unknown', facts: facts({ system: [systemFact('session.remote', 'unknown')] }), status: 'ok', summary: '[readersFound count=1]' },
    {
      name: 'Windows Hello virtual reader beside the real one',
      facts: facts({
        readers: [
          { name: readerName, cardPresent: true },
          { name: 'Windows Hello for Business 1', cardPresent: true },
        ],
      }),
      status: 'warning',
      summary: '[readersWindowsHello name=Windows Hello for Business 1]',
      remedy: '[readersWindowsHelloRemedy] local-it',
    },
    {
      name: 'Microsoft virtual smart card',
      facts: facts({
        readers: [
          { name: 'Microsoft Virtual Smart Card 0', cardPresent: true },
          { name: readerName, cardPresent: true },
        ],
      }),
      status: 'warning',
      summary: '[readersWindowsHello name=Microsoft Virtual Smart Card 0]',
      remedy: '[readersWindowsHelloRemedy] local-it',
    },
    {
      name: 'a remote session is said before a virtual reader',
      facts: facts({ system: [systemFact('session.remote', 'citrix')], readers: [{ name: 'Windows Hello for Business 1', cardPresent: true }] }),
      status: 'warning',
      summary: '[readersRemote kind=citrix]',
      remedy: '[readersRemoteRemedy] local-it',
    },
    {
      name: 'the selected reader is contactless',
      facts: facts({ readers: [{ name: 'ACS ACR1252 1S CL Reader PICC 0', cardPresent: true }], selectedReader: 'ACS ACR1252 1S CL Reader PICC 0' }),
      status: 'warning',
      summary: '[readersContactless name=ACS ACR1252 1S CL Reader PICC 0]',
      remedy: '[readersContactlessRemedy] self',
    },
    {
      name: 'a contactless reader that is not the selected one',
      facts: facts({
        readers: [
          { name: 'HID OMNIKEY 5022 CL 0', cardPresent: false },
          { name: readerName, cardPresent: true },
        ],
      }),
      status: 'ok',
      summary: '[readersFound count=2]',
    },
  ],

  'card-present': [
    { name: 'a card was read', facts: facts(), status: 'ok', summary: `[cardPresent reader=${readerName}]` },
    { name: 'a card is being read', facts: facts({ ...noCard, reading: true }), status: 'ok', summary: `[cardPresent reader=${readerName}]` },
    {
      name: 'the card in the reader is held by another program',
      facts: facts({ ...noCard, readers: [{ name: readerName, cardPresent: true, exclusive: true }] }),
      status: 'error',
      summary: '[cardExclusive]',
      remedy: '[cardExclusiveRemedy] self',
    },
    {
      name: 'no reader selected: the one with a card is looked at',
      facts: facts({
        ...noCard,
        selectedReader: null,
        readers: [
          { name: 'Empty', cardPresent: false },
          { name: 'Busy', cardPresent: true, exclusive: true },
        ],
      }),
      status: 'error',
      summary: '[cardExclusive]',
      remedy: '[cardExclusiveRemedy] self',
    },
    {
      name: 'no card',
      facts: facts({ ...noCard, readers: [{ name: readerName, cardPresent: false }] }),
      status: 'error',
      summary: '[cardAbsent]',
      remedy: '[cardAbsentRemedy] self',
    },
    {
      name: 'exclusive but no card in it',
      facts: facts({ ...noCard, readers: [{ name: readerName, cardPresent: false, exclusive: true }] }),
      status: 'error',
      summary: '[cardAbsent]',
      remedy: '[cardAbsentRemedy] self',
    },
  ],

  'card-answers': [
    {
      name: 'a known card',
      facts: facts(),
      status: 'ok',
      summary: '[cardAnswersKnown profile=SITHS card (SetCOS)]',
      evidence: { atr: '3B 9F 95 81 31 FE 9F 00 66 46 53 05 34 00 2F 71', profile: 'SITHS card (SetCOS)' },
    },
    { name: 'no read yet', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'a card type Kortkoll does not know, named by pcsc-tools',
      facts: facts({ read: snapshot({ profile: { ...knownProfile, known: false, smartcardListName: 'JavaCard 3.0' } }) }),
      status: 'warning',
      summary: '[cardAnswersUnknown]',
      remedy: '[cardAnswersUnknownRemedy] local-it',
      evidence: { atr: '3B 9F 95 81 31 FE 9F 00 66 46 53 05 34 00 2F 71', profile: 'SITHS card (SetCOS)', smartcardList: 'JavaCard 3.0' },
    },
    {
      name: 'removed while read',
      facts: facts({ read: failedRead('card-removed') }),
      status: 'error',
      summary: '[cardRemoved]',
      remedy: '[cardRemovedRemedy] self',
    },
    {
      name: 'another program holds the card (sharing violation)',
      facts: facts({ read: failedRead('transport-error', { code: 'sharing-violation' }) }),
      status: 'error',
      summary: '[cardSharing]',
      remedy: '[cardExclusiveRemedy] self',
    },
    {
      name: 'the reader failed',
      facts: facts({ read: failedRead('transport-error', { code: 'unresponsive-card', message: 'no answer' }) }),
      status: 'error',
      summary: '[cardTransportError reason=the card does not answer (is it inserted the right way, chip first?)]',
      remedy: '[cardTransportErrorRemedy] local-it',
    },
  ],

  'siths-application': [
    {
      name: 'PKCS#15',
      facts: facts(),
      status: 'ok',
      summary: '[structureFound structure=[structure.pkcs15]]',
      evidence: { aid: 'E8 28 BD 08 0F A0 00 00 00 00' },
    },
    {
      name: 'IDPrime with its applet version',
      facts: facts({ read: snapshot({ structure: 'idprime', application: { aid: null, label: null, path: null, foundBy: 'aid', appletVersion: '4.4.2' } }) }),
      status: 'ok',
      summary: '[structureFoundVersion structure=[structure.idprime] version=4.4.2]',
      evidence: {},
    },
    { name: 'no read yet', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'unknown structure of a card pcsc-tools calls a payment card',
      facts: facts({
        read: failedRead('unknown-structure', { profile: { ...knownProfile, known: false, smartcardListName: 'VISA Debit (Swedbank)' } }),
        analysis: null,
      }),
      status: 'error',
      summary: '[appMissing name=VISA Debit (Swedbank)]',
      remedy: '[appMissingRemedy] self',
    },
    {
      name: 'unknown structure, not named: Kortkoll cannot tell, and halts what stands on it',
      facts: facts({
        read: failedRead('unknown-structure', {
          probes: [{ structure: 'idprime', target: 'SELECT IDPrime applet', command: '00A4', statusWord: '6A82', response: null }],
        }),
      }),
      status: 'unknown',
      summary: '[structureUnknown]',
      remedy: '[structureUnknownRemedy] local-it',
      halts: true,
      evidence: { probe: '6A 82' },
    },
    {
      name: 'unknown structure of a card named, but not as a payment card',
      facts: facts({ read: failedRead('unknown-structure', { profile: { ...knownProfile, known: false, smartcardListName: 'JavaCard 3.0' } }) }),
      status: 'unknown',
      summary: '[structureUnknown]',
      remedy: '[structureUnknownRemedy] local-it',
      halts: true,
    },
    {
      name: 'the card answered with an error',
      facts: facts({ read: failedRead('card-error', { statusWord: '6985', stage: 'select-application' }) }),
      status: 'error',
      // The meaning and the stage in the report's language, from the card layer's catalogue.
      summary: '[appCardError meaning=Conditions of use not satisfied]',
      remedy: '[appCardErrorRemedy] local-it',
      evidence: { stage: "selecting the card's application", statusWord: '69 85' },
    },
    {
      name: 'a card error without a status word',
      facts: facts({ read: failedRead('card-error', { message: 'short response' }) }),
      status: 'error',
      // Not the read's English message: the report says in its own words that the answer was unreadable.
      summary: '[appCardError meaning=[cardAnswerUnreadable]]',
      remedy: '[appCardErrorRemedy] local-it',
      evidence: { stage: 'reading the certificates' },
    },
    {
      name: 'malformed data when selecting the application',
      facts: facts({ read: failedRead('malformed-card-data', { stage: 'select-application' }) }),
      status: 'error',
      summary: '[certsMalformed]',
      remedy: '[certsMalformedRemedy] local-it',
    },
    {
      name: 'malformed data further in: the application was found',
      facts: facts({ read: failedRead('malformed-card-data', { stage: 'directories' }) }),
      status: 'ok',
      summary: '[appFound]',
    },
  ],

  'certificates-read': [
    { name: 'two certificates', facts: facts(), status: 'ok', summary: '[certsRead count=2]', evidence: { certificateCount: '2' } },
    {
      name: 'malformed certificate directory',
      facts: facts({ read: failedRead('malformed-card-data', { stage: 'directories', file: '3F0050154404' }) }),
      status: 'error',
      summary: '[certsMalformed]',
      remedy: '[certsMalformedRemedy] local-it',
      evidence: { stage: "reading the card's directories of certificates, keys and PINs", file: '3F0050154404' },
    },
    { name: 'no read yet', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    { name: 'read, not analysed yet', facts: facts({ analysis: null }), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'an analysis without a snapshot counts for nothing',
      facts: facts({ read: failedRead('card-removed') }),
      status: 'unknown',
      summary: '[verdictReading]',
    },
    {
      name: 'no certificate on the card',
      facts: facts({ read: snapshot({ certificates: [] }) }),
      status: 'error',
      summary: '[certsNone]',
      remedy: '[certsNoneRemedy] local-it',
    },
    {
      name: 'one certificate that cannot be parsed',
      facts: facts({ analysis: analysis({ unreadable: [{ cardIndex: 1, message: 'bad DER' }] }) }),
      status: 'warning',
      summary: '[certsRead count=2] [certsUnreadable count=1]',
    },
  ],

  'auth-certificate': [
    {
      name: 'a SITHS login certificate',
      facts: facts(),
      status: 'ok',
      summary: `[authFound name=${holder} issuer=${issuerName}]`,
      evidence: { subject: holder, issuer: issuerName, validTo: '2030-01-01', environment: 'production', sha1: certificateInfo().fingerprints.sha1 },
    },
    { name: 'not analysed yet', facts: facts({ analysis: null }), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'no certificate to log in with',
      facts: facts({ analysis: analysis({ loginCert: null }) }),
      status: 'error',
      summary: '[authNone]',
      remedy: '[authNoneRemedy] local-it',
    },
    {
      name: 'only Telia certificates (and their CA)',
      facts: facts({
        analysis: analysis({
          loginCert: null,
          others: [
            analysedCertificate({ classification: classification({ family: 'telia' }) }),
            analysedCertificate({ classification: classification({ subjectKind: 'ca' }) }),
          ],
        }),
      }),
      status: 'error',
      summary: '[authNoneTelia]',
      remedy: '[authNoneRemedy] local-it',
    },
    {
      name: 'a Telia certificate beside a SITHS signature certificate',
      facts: facts({
        analysis: analysis({
          loginCert: null,
          others: [
            analysedCertificate({ classification: classification({ family: 'telia' }) }),
            analysedCertificate({ classification: classification({ purpose: 'signature' }) }),
          ],
        }),
      }),
      status: 'error',
      summary: '[authNone]',
      remedy: '[authNoneRemedy] local-it',
    },
    {
      name: 'from the SITHS test environment',
      facts: facts({
        analysis: analysis({ login: { chosenIndex: 0, chosen: certificateInfo(), chosenWarning: 'test-environment', blockedIndex: null, candidates: [] } }),
      }),
      status: 'warning',
      summary: `[authFoundTest issuer=${issuerName}]`,
      remedy: '[authFoundTestRemedy] local-it',
    },
    {
      name: 'found, with a Telia certificate beside it',
      facts: facts({ analysis: analysis({ others: [analysedCertificate({ classification: classification({ family: 'telia' }) })] }) }),
      status: 'ok',
      summary: `[authFound name=${holder} issuer=${issuerName}] [authTeliaWarning]`,
    },
    {
      name: 'names without a CN are shown whole',
      facts: withLogin({ info: certificateInfo({ subject: { attributes: [], display: 'O=Region' }, issuer: { attributes: [], display: 'O=Inera AB' } }) }),
      status: 'ok',
      summary: '[authFound name=O=Region issuer=O=Inera AB]',
    },
  ],

  'auth-validity': [
    {
      name: 'valid',
      facts: facts(),
      status: 'ok',
      summary: '[validValid date=2030-01-01 days=1401]',
      evidence: { validFrom: '2025-01-01', validTo: '2030-01-01' },
    },
    { name: 'no login certificate', facts: facts({ analysis: analysis({ loginCert: null }) }), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'expires within a month',
      facts: withLogin({ validity: validity({ status: 'expires-soon', notAfter: '2026-03-12T00:00:00.000Z', daysLeft: 10 }) }),
      status: 'warning',
      summary: '[validSoon date=2026-03-12 days=10]',
      remedy: '[validSoonRemedy] local-it',
    },
    {
      name: 'expired',
      facts: withLogin({ validity: validity({ status: 'expired', notAfter: '2026-02-01T00:00:00.000Z', daysLeft: undefined, daysSinceExpiry: 29 }) }),
      status: 'error',
      summary: '[validExpired date=2026-02-01]',
      remedy: '[validExpiredRemedy] local-it',
    },
    {
      name: 'not valid yet, and the clock looks wrong: the person can fix it',
      facts: withLogin({ validity: validity({ status: 'not-yet-valid', notBefore: '2026-04-01T00:00:00.000Z', daysUntilValid: 30, clockSuspect: true }) }),
      status: 'error',
      summary: '[validNotYet date=2026-04-01]',
      remedy: '[validNotYetRemedy] self',
    },
    {
      name: 'not valid yet, the clock is fine',
      facts: withLogin({ validity: validity({ status: 'not-yet-valid', notBefore: '2026-03-02T12:00:00.000Z', daysUntilValid: 0, clockSuspect: false }) }),
      status: 'error',
      summary: '[validNotYet date=2026-03-02]',
      remedy: '[validNotYetRemedy] local-it',
    },
  ],

  chain: [
    {
      name: 'trusted by the computer',
      facts: facts({
        analysis: analysis({
          chain: chain({
            status: 'trusted',
            anchor: { subject: 'CN=SITHS Root CA v1', subjectCommonName: 'SITHS Root CA v1', sha256: 'CC', source: 'system' },
          }),
          anchorSources: [
            { source: 'system', available: true, count: 140 },
            { source: 'file', available: false, count: 0, reason: 'not-given' },
          ],
        }),
      }),
      status: 'ok',
      summary: '[chainTrusted root=SITHS Root CA v1 source=[sourceSystem]]',
      evidence: { chainPath: `${holder} → ${issuerName}`, anchorSources: '[sourceSystem]: [value.available count=140]; [sourceFile]: [value.unavailable]' },
    },
    {
      name: 'trusted by a pinned fingerprint, root without a CN',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'trusted', anchor: { subject: 'O=Inera AB', sha256: 'CC', source: 'pinned' } }) }) }),
      status: 'ok',
      summary: '[chainTrusted root=O=Inera AB source=[sourcePinned]]',
    },
    { name: 'no chain (no login certificate)', facts: facts({ analysis: analysis({ chain: null }) }), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'a root calling itself SITHS with an unknown fingerprint: the name proves nothing',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'untrusted-root', root: sithsRoot }) }) }),
      status: 'warning',
      summary: '[chainNameNotEnough root=SITHS Root CA v1]',
      remedy: '[chainNameNotEnoughRemedy] local-it',
      evidence: { chainPath: `${holder} → ${issuerName}`, anchorSources: '[sourceSystem]: [value.available count=140]', rootSha256: 'CC'.repeat(32) },
    },
    {
      name: 'a known SITHS root the computer does not trust',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'untrusted-root', root: { ...sithsRoot, knownRoot: 'SITHS Root CA v1' } }) }) }),
      status: 'warning',
      summary: '[chainUntrusted root=SITHS Root CA v1]',
      remedy: '[chainUntrustedRemedy] local-it',
    },
    {
      name: 'a SITHS-named root that was not presented: not trusted, said plainly',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'untrusted-root', root: { ...sithsRoot, presented: false } }) }) }),
      status: 'warning',
      summary: '[chainUntrusted root=SITHS Root CA v1]',
      remedy: '[chainUntrustedRemedy] local-it',
    },
    {
      name: 'a SITHS-named root presented without a fingerprint',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'untrusted-root', root: { ...sithsRoot, sha256: undefined } }) }) }),
      status: 'warning',
      summary: '[chainUntrusted root=SITHS Root CA v1]',
      remedy: '[chainUntrustedRemedy] local-it',
    },
    {
      name: 'an untrusted chain (another root), and the computer store could not be read',
      facts: facts({
        analysis: analysis({
          chain: chain({ status: 'untrusted-root', root: { ...sithsRoot, subjectCommonName: 'Other Root' } }),
          anchorSources: systemStoreUnreadable,
        }),
      }),
      status: 'unknown',
      summary: '[chainUntrustedUnknown root=Other Root]',
    },
    {
      name: 'the same root with the computer store readable',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'untrusted-root', root: { ...sithsRoot, subjectCommonName: 'Other Root' } }) }) }),
      status: 'warning',
      summary: '[chainUntrusted root=Other Root]',
      remedy: '[chainUntrustedRemedy] local-it',
    },
    {
      name: 'an issuer is missing (offline: unknown, not wrong)',
      facts: facts({
        analysis: analysis({ chain: chain({ status: 'incomplete', missingIssuer: { subject: 'CN=X', subjectCommonName: issuerName, caIssuersUrls: [] } }) }),
      }),
      status: 'unknown',
      summary: `[chainIncomplete issuer=${issuerName}]`,
      remedy: '[chainIncompleteRemedy] local-it',
    },
    {
      name: 'a broken signature',
      facts: facts({ analysis: analysis({ chain: chain({ status: 'invalid', problem: { code: 'bad-signature', subject: 'CN=X' } }) }) }),
      status: 'error',
      summary: '[chainInvalid problem=bad-signature]',
      remedy: '[chainInvalidRemedy] local-it',
    },
  ],

  revocation: [
    { name: 'offline (not checked)', facts: facts(), status: 'unknown', summary: '[revOffline]' },
    { name: 'no answer at all', facts: facts({ analysis: analysis({ revocation: null }) }), status: 'unknown', summary: '[revOffline]' },
    {
      name: 'good by OCSP',
      facts: facts({
        analysis: analysis({
          revocation: {
            status: 'good',
            method: 'ocsp',
            url: 'http://ocsp.siths.se',
            thisUpdate: '2026-03-02T09:00:00Z',
            checkedAt: '2026-03-02T09:30:00Z',
            attempts: [],
          },
        }),
      }),
      status: 'ok',
      summary: '[revGood method=OCSP time=2026-03-02 09:00 UTC]',
      evidence: { revocationUrl: 'http://ocsp.siths.se' },
    },
    {
      name: 'revoked, with the reason',
      facts: facts({
        analysis: analysis({
          revocation: {
            status: 'revoked',
            method: 'crl',
            url: 'http://crl.siths.se/p3.crl',
            thisUpdate: '2026-03-01T00:00:00Z',
            checkedAt: '2026-03-02T09:30:00Z',
            attempts: [],
            revokedAt: '2026-02-15T08:00:00Z',
            revocationReason: 'keyCompromise',
          },
        }),
      }),
      status: 'error',
      summary: '[revRevoked date=2026-02-15]',
      remedy: '[revRevokedRemedy] local-it',
      evidence: { revocationUrl: 'http://crl.siths.se/p3.crl', revocationReason: 'keyCompromise' },
    },
    {
      name: 'the responder does not know the certificate',
      facts: facts({
        analysis: analysis({
          revocation: { status: 'unknown', method: 'ocsp', url: 'http://ocsp.siths.se', thisUpdate: '2026-03-02T09:00:00Z', checkedAt: '', attempts: [] },
        }),
      }),
      status: 'warning',
      summary: '[revUnknown]',
      remedy: '[revUnknownRemedy] local-it',
    },
    {
      name: 'could not check: an HTTP error',
      facts: facts({
        analysis: analysis({
          revocation: { status: 'could-not-check', reason: 'http-error', httpStatus: 503, url: 'http://ocsp.siths.se', checkedAt: '', attempts: [] },
        }),
      }),
      status: 'warning',
      summary: '[revCouldNot reason=http-error 503]',
      remedy: '[revCouldNotRemedy] self',
      evidence: { revocationUrl: 'http://ocsp.siths.se' },
    },
    {
      name: 'could not check: a time-out, no address',
      facts: facts({ analysis: analysis({ revocation: { status: 'could-not-check', reason: 'timeout', checkedAt: '', attempts: [] } }) }),
      status: 'warning',
      summary: '[revCouldNot reason=timeout]',
      remedy: '[revCouldNotRemedy] self',
      evidence: {},
    },
  ],

  'hsa-id': [
    { name: 'a valid HSA-id', facts: facts(), status: 'ok', summary: '[hsaValid hsaId=SE2321000016-1234]', evidence: { hsaId: 'SE2321000016-1234' } },
    { name: 'no login certificate', facts: facts({ analysis: analysis({ loginCert: null }) }), status: 'unknown', summary: '[verdictReading]' },
    { name: 'no HSA-id in the certificate', facts: withLogin({ classification: classification({ hsaId: undefined }) }), status: 'ok', summary: '[hsaNone]' },
    {
      name: 'an invalid HSA-id',
      facts: withLogin({
        classification: classification({
          hsaId: { value: 'SE23210000161234', valid: false, test: false, problems: ['missing-dash', 'bad-organisation-number'], warnings: [] },
        }),
      }),
      status: 'warning',
      summary: '[hsaInvalid hsaId=SE23210000161234 problems=missing-dash, bad-organisation-number]',
      remedy: '[hsaInvalidRemedy] local-it',
    },
  ],

  'auth-pin': [
    {
      name: 'three tries of three',
      facts: facts(),
      status: 'ok',
      summary: '[pinTries left=3 max=3]',
      evidence: { pinLabel: 'Legitimering', pinReference: '0x81', pinCounterSource: '[value.verify]', pinStatusWord: '63 C3' },
    },
    { name: 'not read', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    {
      name: 'the card has no authentication PIN',
      facts: facts({ read: snapshot({ pins: [pin('signature'), pin('puk')] }) }),
      status: 'error',
      summary: '[pinMissingAuth]',
      remedy: '[pinMissingAuthRemedy] local-it',
    },
    {
      name: 'blocked, the PUK can unblock it',
      facts: facts({ read: snapshot({ pins: [pin('authentication', { blocked: true, triesLeft: 0 }), pin('puk')] }) }),
      status: 'error',
      summary: '[pinBlocked]',
      remedy: '[authPinBlockedRemedy] local-it',
    },
    {
      name: 'blocked, and the PUK too',
      facts: facts({ read: snapshot({ pins: [pin('authentication', { blocked: true, triesLeft: 0 }), pin('puk', { blocked: true, triesLeft: 0 })] }) }),
      status: 'error',
      summary: '[pinBlocked]',
      remedy: '[authPinBlockedPukBlockedRemedy] local-it',
    },
    {
      name: 'one try left',
      facts: facts({ read: snapshot({ pins: [pin('authentication', { triesLeft: 1 })] }) }),
      status: 'warning',
      summary: '[pinTries left=1 max=3] [pinOneTry]',
      remedy: '[pinOneTryRemedy] local-it',
    },
    {
      name: 'two tries, the maximum unknown',
      facts: facts({ read: snapshot({ pins: [pin('authentication', { triesLeft: 2, maxTries: 'unknown' })] }) }),
      status: 'ok',
      summary: '[pinTriesNoMax left=2]',
    },
    {
      name: 'the card type forbids asking',
      facts: facts({
        read: snapshot({
          pins: [
            pin('authentication', {
              triesLeft: 'unknown',
              blocked: 'unknown',
              reference: null,
              label: null,
              counter: { source: 'not-probed', statusWord: null, unknownReason: 'card-profile-forbids-probe' },
            }),
          ],
        }),
      }),
      status: 'unknown',
      summary: '[pinUnknownProfile]',
      evidence: { pinReference: '–', pinCounterSource: '[value.notProbed]' },
    },
    {
      name: 'asked, the card did not say',
      facts: facts({
        read: snapshot({
          pins: [pin('authentication', { triesLeft: 'unknown', counter: { source: 'earlier-this-insertion', statusWord: null, unknownReason: null } })],
        }),
      }),
      status: 'unknown',
      summary: '[pinUnknown]',
      evidence: { pinLabel: 'Legitimering', pinReference: '0x81', pinCounterSource: '[value.verifyEarlier]' },
    },
  ],

  'sign-pin': [
    { name: 'three tries of three', facts: facts(), status: 'ok', summary: '[pinTries left=3 max=3]' },
    { name: 'not read', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    { name: 'the card has no signing PIN', facts: facts({ read: snapshot({ pins: [pin('authentication')] }) }), status: 'ok', summary: '[signPinMissing]' },
    {
      name: 'blocked: a warning, login still works',
      facts: facts({ read: snapshot({ pins: [pin('authentication'), pin('signature', { blocked: true, triesLeft: 0 })] }) }),
      status: 'warning',
      summary: '[pinBlocked]',
      remedy: '[signPinBlockedRemedy] local-it',
    },
    {
      name: 'one try left',
      facts: facts({ read: snapshot({ pins: [pin('signature', { triesLeft: 1 })] }) }),
      status: 'warning',
      summary: '[pinTries left=1 max=3] [pinOneTry]',
      remedy: '[pinOneTryRemedy] local-it',
    },
  ],

  puk: [
    {
      name: 'ten tries of ten',
      facts: facts({ read: snapshot({ pins: [pin('puk', { triesLeft: 10, maxTries: 10 })] }) }),
      status: 'ok',
      summary: '[pinTries left=10 max=10]',
    },
    { name: 'not read', facts: facts(noCard), status: 'unknown', summary: '[verdictReading]' },
    { name: 'the card names no PUK', facts: facts({ read: snapshot({ pins: [pin('authentication')] }) }), status: 'unknown', summary: '[pukMissing]' },
    {
      name: 'blocked',
      facts: facts({ read: snapshot({ pins: [pin('puk', { blocked: true, triesLeft: 0 })] }) }),
      status: 'warning',
      summary: '[pukBlocked]',
      remedy: '[pukBlockedRemedy] local-it',
    },
    {
      name: 'one try left is no warning for the PUK',
      facts: facts({ read: snapshot({ pins: [pin('puk', { triesLeft: 1, maxTries: 10 })] }) }),
      status: 'ok',
      summary: '[pinTries left=1 max=10]',
    },
    {
      name: 'not asked: the probe is not known to be safe',
      facts: facts({
        read: snapshot({
          pins: [pin('puk', { triesLeft: 'unknown', counter: { source: 'not-probed', statusWord: null, unknownReason: 'probe-not-known-safe' } })],
        }),
      }),
      status: 'unknown',
      summary: '[pinUnknownNotSafe]',
    },
    {
      name: 'the structure names no reference for it (IDPrime)',
      facts: facts({
        read: snapshot({
          pins: [pin('puk', { triesLeft: 'unknown', counter: { source: 'not-probed', statusWord: null, unknownReason: 'reference-unknown' } })],
        }),
      }),
      status: 'unknown',
      summary: '[pukNotReadable]',
    },
  ],

  middleware: [
    { name: 'not probed', facts: facts({ system: null }), status: 'unknown', summary: '[mwNotChecked]' },
    { name: 'nothing installed', facts: facts(), status: 'warning', summary: '[mwNone]', remedy: '[mwNoneRemedy] local-it', evidence: {} },
    {
      name: 'only OpenSC: not the middleware a browser needs',
      facts: facts({ system: [systemFact('middleware.opensc', 'installed')] }),
      status: 'warning',
      summary: '[mwNone]',
      remedy: '[mwNoneRemedy] local-it',
      evidence: { 'middleware.opensc': '✓' },
    },
    {
      name: 'Net iD Client with its version',
      facts: facts({ system: [systemFact('middleware.netid-client', 'installed'), systemFact('middleware.netid-client.version', '7.1.2')] }),
      status: 'ok',
      summary: '[mwFound products=Net iD Client]',
      evidence: { 'middleware.netid-client': '7.1.2' },
    },
    {
      name: 'SITHS eID beside OpenSC, version unknown',
      facts: facts({
        system: [
          systemFact('middleware.siths-eid', 'installed'),
          systemFact('middleware.siths-eid.version', 'unknown'),
          systemFact('middleware.opensc', 'installed'),
        ],
      }),
      status: 'ok',
      summary: '[mwFound products=SITHS eID]',
      evidence: { 'middleware.siths-eid': '✓', 'middleware.opensc': '✓' },
    },
    {
      name: 'Net iD Enterprise',
      facts: facts({ system: [systemFact('middleware.netid-enterprise', 'installed')] }),
      status: 'warning',
      summary: '[mwNetIdEnterprise]',
      remedy: '[mwNetIdEnterpriseRemedy] local-it',
    },
    {
      name: 'CertPropSvc conflicts (said before Net iD Enterprise)',
      facts: facts({ system: [systemFact('certprop.conflict', 'yes'), systemFact('middleware.netid-enterprise', 'installed')] }),
      status: 'warning',
      summary: '[mwCertProp]',
      remedy: '[mwCertPropRemedy] local-it',
    },
    {
      name: 'CertPropSvc without a conflict',
      facts: facts({ system: [systemFact('certprop.conflict', 'no'), systemFact('middleware.netid', 'installed')] }),
      status: 'ok',
      summary: '[mwFound products=Net iD]',
    },
    {
      name: 'the PKCS#11 module sees the card',
      facts: facts({
        middleware: [comparison({ tokens: ['SITHS'], pins: [pinComparison('agrees'), { ...pinComparison('no-counters'), cardPinLabel: 'Underskrift' }] })],
      }),
      status: 'ok',
      summary: '[mwViewSeesSummary module=libiidp11.so]',
      evidence: {
        middlewareModule: '[mwViewSees]',
        middlewareTokens: 'SITHS',
        middlewarePins: 'Legitimering: [mwViewCountersAgree] · Underskrift: [mwViewNoCounters]',
      },
    },
    {
      name: 'the module crashed',
      facts: facts({ middleware: [comparison({ seesCard: 'module-failed', moduleStatus: 'crashed' })] }),
      status: 'warning',
      summary: '[mwViewFailedSummary module=libiidp11.so]',
      remedy: '[mwViewRemedy] local-it',
      evidence: { middlewareModule: '[mwViewFailed status=crashed]' },
    },
    {
      name: 'the module does not see the card',
      facts: facts({ middleware: [comparison({ modulePath: 'C:\\Windows\\System32\\iidp11.dll', seesCard: 'does-not-see-card' })] }),
      status: 'warning',
      summary: '[mwViewNotSeesSummary module=iidp11.dll]',
      remedy: '[mwViewRemedy] local-it',
      evidence: { middlewareModule: '[mwViewNotSees]' },
    },
    {
      name: 'the module sees part of the card',
      facts: facts({ middleware: [comparison({ seesCard: 'sees-part' })] }),
      status: 'warning',
      summary: '[mwViewNotSeesSummary module=libiidp11.so]',
      remedy: '[mwViewRemedy] local-it',
      evidence: { middlewareModule: '[mwViewSeesPart]' },
    },
    {
      name: 'its PIN flags contradict the card',
      facts: facts({ middleware: [comparison({ pins: [pinComparison('disagrees', ['CKF_USER_PIN_FINAL_TRY missing'])] })] }),
      status: 'warning',
      summary: '[mwViewDisagreesSummary module=libiidp11.so]',
      remedy: '[mwViewRemedy] local-it',
      evidence: { middlewareModule: '[mwViewSees]', middlewarePins: 'Legitimering: CKF_USER_PIN_FINAL_TRY missing' },
    },
    {
      name: 'a module that lists none of the card’s certificates is no warning by itself',
      facts: facts({ middleware: [comparison({ modulePath: '/a/one.so', seesCard: 'no-card-certificates' }), comparison({ modulePath: '/b/two.so' })] }),
      status: 'ok',
      summary: '[mwViewSeesSummary module=one.so, two.so]',
    },
    {
      name: 'without a card read, the module’s view compares nothing: the installed products count',
      facts: facts({ ...noCard, middleware: [comparison({ seesCard: 'module-failed' })], system: [systemFact('middleware.netid', 'installed')] }),
      status: 'ok',
      summary: '[mwFound products=Net iD]',
    },
    { name: 'no module asked', facts: facts({ middleware: [], system: null }), status: 'unknown', summary: '[mwNotChecked]' },
  ],

  'browser-store': [
    {
      name: 'the store holds it, key on the card',
      facts: facts({ browserStores: [windowsStore([storeCertificate()])] }),
      status: 'ok',
      summary: `[bsFound browsers=Edge, Chrome thumb=${shortThumb}]`,
      evidence: { browserStore: 'Edge, Chrome: [bsOutcome.found]' },
    },
    { name: 'no login certificate', facts: facts({ analysis: analysis({ loginCert: null }), browserStores: [] }), status: 'unknown', summary: '[bsNoLogin]' },
    { name: 'no login certificate while reading', facts: facts({ ...noCard, reading: true }), status: 'unknown', summary: '[verdictReading]' },
    { name: 'the stores were not looked at', facts: facts(), status: 'unknown', summary: '[bsNotAsked]' },
    { name: 'no store found', facts: facts({ browserStores: [] }), status: 'unknown', summary: '[bsNoStore]' },
    {
      name: 'found, beside a certificate of an earlier card',
      facts: facts({ browserStores: [windowsStore([storeCertificate(), storeCertificate({ sha1: '99'.repeat(20), notAfter: '2024-05-01T00:00:00Z' })])] }),
      status: 'warning',
      summary: '[bsFoundStale count=1]',
      remedy: `[bsStaleRemedy validTo=2030-01-01 thumb=${shortThumb}] local-it`,
    },
    {
      name: 'a software copy of the certificate',
      facts: facts({ browserStores: [windowsStore([storeCertificate({ onSmartCard: false, provider: 'Microsoft Software Key Storage Provider' })])] }),
      status: 'warning',
      summary: '[bsSoftwareKey provider=Microsoft Software Key Storage Provider]',
      remedy: '[bsSoftwareKeyRemedy] local-it',
    },
    {
      name: 'missing on Windows',
      facts: facts({ os: { name: 'Windows 11', platform: 'win32', arch: 'x64' }, browserStores: [windowsStore([])] }),
      status: 'warning',
      summary: '[bsMissing store=Cert:\\CurrentUser\\My]',
      remedy: '[bsMissingRemedy.win32] local-it',
    },
    {
      name: 'missing on another system: the Linux advice',
      facts: facts({ os: { name: 'FreeBSD', platform: 'freebsd', arch: 'x64' }, browserStores: [windowsStore([])] }),
      status: 'warning',
      summary: '[bsMissing store=Cert:\\CurrentUser\\My]',
      remedy: '[bsMissingRemedy.linux] local-it',
    },
    {
      name: 'Firefox has no card module',
      facts: facts({ browserStores: [nssStore(['firefox'], [])] }),
      status: 'warning',
      summary: '[bsFirefoxNoModule store=/home/asa/.mozilla/firefox/abc.default]',
      remedy: `[bsFirefoxNoModuleRemedy module=${defaultCardModule}] local-it`,
    },
    {
      name: 'Chromium has no card module: the middleware’s own module is named',
      facts: facts({ system: [systemFact('middleware.netid.pkcs11', '/usr/lib/libiidp11.so')], browserStores: [nssStore(['chromium'], [])] }),
      status: 'warning',
      summary: '[bsChromiumNoModule store=/home/asa/.mozilla/firefox/abc.default]',
      remedy: '[bsChromiumNoModuleRemedy module=/usr/lib/libiidp11.so] local-it',
    },
    {
      name: 'the card module sees no card',
      facts: facts({ browserStores: [nssStore(['firefox'], [openscModule([])])] }),
      status: 'warning',
      summary: '[bsModuleNoCard modules=OpenSC store=/home/asa/.mozilla/firefox/abc.default]',
      remedy: '[bsModuleNoCardRemedy] local-it',
    },
    {
      name: 'the store could not be read',
      facts: facts({ browserStores: [windowsStore([], { status: 'unknown', note: 'certutil timed out' })] }),
      status: 'unknown',
      summary: '[bsUnknown note=certutil timed out]',
      evidence: { browserStore: 'Edge, Chrome: [bsOutcome.unknown] (certutil timed out)' },
    },
  ],

  'system-clock': [
    { name: 'plausible', facts: facts(), status: 'ok', summary: '[clockOk time=2026-03-02 09:30 UTC]' },
    {
      name: 'a certificate that starts far in the future',
      facts: facts({
        analysis: analysis({ others: [analysedCertificate({ validity: validity({ notBefore: '2026-05-01T00:00:00.000Z', clockSuspect: true }) })] }),
      }),
      status: 'warning',
      summary: '[clockSuspect date=2026-05-01]',
      remedy: '[clockSuspectRemedy] self',
      evidence: { time: '2026-03-02 09:30 UTC' },
    },
    {
      name: 'an analysis without a snapshot counts for nothing',
      facts: facts({
        read: failedRead('card-removed'),
        analysis: analysis({ loginCert: analysedCertificate({ validity: validity({ clockSuspect: true }) }) }),
      }),
      status: 'ok',
      summary: '[clockOk time=2026-03-02 09:30 UTC]',
    },
  ],
};

describe('every check in the registry has a table', () => {
  it.each(diagnosisChecks.map((check) => check.id))('%s', (id) => {
    expect(tables[id]?.length ?? 0).toBeGreaterThan(0);
  });
  it('and no table is for a check the registry does not have', () => {
    expect(Object.keys(tables).sort()).toEqual(diagnosisChecks.map((check) => check.id).sort());
  });
});

describe.each(diagnosisChecks.map((check) => [check.id, check] as const))('the %s check', (id, check) => {
  it.each((tables[id] ?? []).map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const draft = check.run(row.facts, keyWriter);
    expect({
      status: draft.status,
      summary: draft.summary,
      remedy: draft.remedy && `${draft.remedy.text} ${draft.remedy.contact}`,
      halts: draft.haltsDependents ?? false,
    }).toEqual({ status: row.status, summary: row.summary, remedy: row.remedy, halts: row.halts ?? false });
    if (row.evidence) expect((draft.evidence ?? []).map((fact) => [fact.key, fact.value])).toEqual(Object.entries(row.evidence));
  });
});
