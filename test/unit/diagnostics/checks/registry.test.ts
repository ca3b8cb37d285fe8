/**
 * The registry as a whole: the order and the prerequisites, how a failed prerequisite shows in the
 * report (`not-run`), and the verdict derived from the checks' flags.
 */
import { describe, expect, it } from 'vitest';
import { diagnosisChecks } from '../../../../electron/diagnostics/checks/index.js';
import type { DiagnosisCheck } from '../../../../electron/diagnostics/checks/check.js';
import { runChecks } from '../../../../electron/diagnostics/run-checks.js';
import { diagnosisVerdict } from '../../../../electron/diagnostics/verdict.js';
import type { DiagnosisFacts } from '../../../../electron/diagnostics/diagnosis-facts.js';
import { checkIds, type CheckId, type CheckStatus, type VerdictStatus } from '../../../../electron/diagnostics/report-types.js';
import type { ChainResult } from '../../../../electron/pki/chain.js';
import {
  analysedCertificate,
  analysis,
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

describe('the registry', () => {
  it('holds each id of checkIds once, in that order', () => {
    expect(diagnosisChecks.map((check) => check.id)).toEqual([...checkIds]);
  });

  it.each(diagnosisChecks.map((check, index) => [check.id, check, index] as const))('%s runs after its prerequisite', (_id, check, index) => {
    if (check.after === null) return;
    const prerequisite = diagnosisChecks.findIndex((c) => c.id === check.after);
    expect(prerequisite, `${check.id} stands on ${check.after}`).toBeGreaterThanOrEqual(0);
    expect(prerequisite, `${check.after} must run before ${check.id}`).toBeLessThan(index);
  });

  it('gives each warning that counts for the verdict its own rank', () => {
    const ranks = diagnosisChecks.flatMap((check) => (check.warns ? [check.warns.rank] : []));
    expect(ranks.length).toBeGreaterThan(0);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

const statusesOf = (outcomes: ReturnType<typeof runChecks>) => Object.fromEntries(outcomes.map((o) => [o.result.id, `${o.result.status} ${o.result.summary}`]));

describe('checks whose prerequisite failed', () => {
  it('are not run when the service is down; the checks standing on nothing still run', () => {
    const outcomes = runChecks(diagnosisChecks, facts({ service: { available: false } }), keyWriter);
    const statuses = statusesOf(outcomes);
    expect(statuses['pcsc-service']).toBe('error [serviceDown]');
    for (const id of ['readers', 'card-present', 'card-answers', 'siths-application', 'certificates-read', 'auth-certificate', 'auth-pin', 'puk'] as const)
      expect(statuses[id], id).toBe('not-run [notRun]');
    expect(statuses.middleware).toBe('warning [mwNone]');
    expect(statuses['system-clock']).toBe('ok [clockOk time=2026-03-02 09:30 UTC]');
    // A not-run check has no evidence or remedy of its own, but its title.
    const readers = outcomes.find((o) => o.result.id === 'readers')?.result;
    expect(readers).toEqual({ id: 'readers', status: 'not-run', title: '[title.readers]', summary: '[notRun]', evidence: [] });
  });

  it('say "could not be read" above a structure Kortkoll does not know, through every layer that stands on it', () => {
    const statuses = statusesOf(runChecks(diagnosisChecks, facts({ read: failedRead('unknown-structure'), analysis: null }), keyWriter));
    expect(statuses['siths-application']).toBe('unknown [structureUnknown]');
    for (const id of ['certificates-read', 'auth-certificate', 'auth-validity', 'chain', 'revocation', 'hsa-id', 'auth-pin', 'sign-pin', 'puk'] as const)
      expect(statuses[id], id).toBe('not-run [notRunUnread]');
    expect(statuses['card-answers']).toBe('ok [cardAnswersKnown profile=SITHS card (SetCOS)]');
  });

  it('run when the prerequisite only warned or did not know', () => {
    const statuses = statusesOf(
      runChecks(
        diagnosisChecks,
        facts({ readers: [{ name: 'HID OMNIKEY 5022 CL 0', cardPresent: true }], selectedReader: 'HID OMNIKEY 5022 CL 0' }),
        keyWriter,
      ),
    );
    expect(statuses.readers).toMatch(/^warning /);
    expect(statuses['card-present']).toMatch(/^ok /);
  });
});

/** A small registry of made-up checks, to see the verdict follow the flags and nothing else. */
function made(id: CheckId, status: CheckStatus, flags: Pick<DiagnosisCheck, 'blocksLogin' | 'warns' | 'missingLayer'> = {}): DiagnosisCheck {
  return { id, after: null, ...flags, run: () => ({ status, summary: `summary of ${id}`, remedy: { text: `remedy of ${id}`, contact: 'self' } }) };
}
const verdictOf = (checks: DiagnosisCheck[], overrides: Parameters<typeof facts>[0] = {}) => {
  const f = facts(overrides);
  return diagnosisVerdict(runChecks(checks, f, keyWriter), f, keyWriter);
};

describe('the verdict, from the flags', () => {
  it('is ready when only checks without flags fail', () => {
    expect(verdictOf([made('chain', 'error'), made('middleware', 'warning')])).toEqual({
      status: 'ready',
      headline: '[verdictReady]',
      advice: '[verdictReadyAdvice]',
    });
  });

  it('is blocked by the first error of a check that blocks login, with its remedy', () => {
    const verdict = verdictOf([
      made('chain', 'error'),
      made('auth-validity', 'error', { blocksLogin: true }),
      made('auth-pin', 'error', { blocksLogin: true }),
    ]);
    expect(verdict).toEqual({ status: 'blocked', headline: '[verdictBlocked]', advice: 'remedy of auth-validity' });
  });

  it('does not block on a warning of a check that blocks login', () => {
    expect(verdictOf([made('auth-pin', 'warning', { blocksLogin: true })]).status).toBe('ready');
  });

  it('asks for attention with the lowest-ranked warning, whatever the order the checks ran in', () => {
    const verdict = verdictOf([
      made('readers', 'warning', { warns: { rank: 6 } }),
      made('auth-validity', 'warning', { warns: { rank: 1 } }),
      made('auth-pin', 'warning', { warns: { rank: 2 } }),
    ]);
    expect(verdict).toEqual({ status: 'attention', headline: '[verdictAttention]', advice: 'summary of auth-validity remedy of auth-validity' });
  });

  it('names the first missing layer before anything blocks', () => {
    const layer = { status: 'no-reader', headline: 'verdictNoReader', advice: 'readersNoneRemedy' } as const;
    const verdict = verdictOf([made('auth-pin', 'error', { blocksLogin: true }), made('readers', 'error', { missingLayer: layer })]);
    expect(verdict).toEqual({ status: 'no-reader', headline: '[verdictNoReader]', advice: '[readersNoneRemedy]' });
    expect(verdictOf([made('readers', 'warning', { missingLayer: layer })]).status).toBe('ready');
  });

  it('says "reading" while a card is read, and "unknown card" for a structure new to Kortkoll', () => {
    expect(verdictOf([made('auth-pin', 'error', { blocksLogin: true })], { reading: true }).status).toBe('reading');
    expect(verdictOf([made('auth-pin', 'warning', { warns: { rank: 1 } })], { read: failedRead('unknown-structure') }).status).toBe('unknown-card');
    expect(verdictOf([made('auth-pin', 'error', { blocksLogin: true })], { read: failedRead('unknown-structure') }).status).toBe('blocked');
  });
});

const chainInvalid: ChainResult = {
  status: 'invalid',
  problem: { code: 'bad-signature', subject: 'CN=X' },
  path: [],
  checkedAt: '',
  checkedAtReason: 'now',
  anchorSources: [],
};
const expiring = validity({ status: 'expires-soon', notAfter: '2026-03-12T00:00:00.000Z', daysLeft: 10 });
const oneTryLeft = snapshot({ pins: [pin('authentication', { triesLeft: 1 }), pin('signature'), pin('puk')] });
const testEnvironment = analysis({ login: { chosenIndex: 0, chosen: null, chosenWarning: 'test-environment', blockedIndex: null, candidates: [] } });
const remoteSession = [systemFact('session.remote', 'rdp')];
const clockWrong = analysis({ others: [analysedCertificate({ validity: validity({ clockSuspect: true }) })] });
const blockedPuk = pin('puk', { blocked: true, triesLeft: 0 });
const blockedSignPin = pin('signature', { blocked: true, triesLeft: 0 });

/** The registry's own flags: which finding changes what the person is told first (advice cut to its start). */
const verdictRows: [name: string, facts: DiagnosisFacts, status: VerdictStatus, advice?: string][] = [
  ['a healthy card', facts({ system: [systemFact('middleware.netid', 'installed')] }), 'ready', '[verdictReadyAdvice]'],
  ['no service', facts({ service: { available: false } }), 'no-service', '[serviceDownRemedy]'],
  ['no reader', facts({ readers: [], read: null, analysis: null }), 'no-reader', '[readersNoneRemedy]'],
  ['no card', facts({ readers: [{ name: readerName, cardPresent: false }], read: null, analysis: null }), 'no-card', '[verdictNoCardAdvice]'],
  ['the card was pulled out', facts({ read: failedRead('card-removed'), analysis: null }), 'blocked', '[cardRemovedRemedy]'],
  ['a structure new to Kortkoll', facts({ read: failedRead('unknown-structure'), analysis: null }), 'unknown-card', '[verdictUnknownCardAdvice]'],
  ['no certificate', facts({ read: snapshot({ certificates: [] }) }), 'blocked', '[certsNoneRemedy]'],
  ['no login certificate', facts({ analysis: analysis({ loginCert: null }) }), 'blocked', '[authNoneRemedy]'],
  ['expired', withLogin({ validity: validity({ status: 'expired', daysSinceExpiry: 3 }) }), 'blocked', '[validExpiredRemedy]'],
  [
    'revoked',
    facts({
      analysis: analysis({ revocation: { status: 'revoked', method: 'ocsp', url: 'u', thisUpdate: '', checkedAt: '', attempts: [], revokedAt: '2026-02-01' } }),
    }),
    'blocked',
    '[revRevokedRemedy]',
  ],
  ['the authentication PIN blocked', facts({ read: snapshot({ pins: [pin('authentication', { blocked: true })] }) }), 'blocked', '[authPinBlockedRemedy]'],
  ['a broken chain is for IT support', facts({ analysis: analysis({ chain: chainInvalid }) }), 'ready'],
  ['an unknown card type is for IT support', facts({ read: snapshot({ profile: { ...knownProfile, known: false } }) }), 'ready'],
  [
    'an unreadable certificate beside the login one is for IT support',
    facts({ analysis: analysis({ unreadable: [{ cardIndex: 1, message: 'x' }] }) }),
    'ready',
  ],
  [
    'an invalid HSA-id is for IT support',
    withLogin({ classification: classification({ hsaId: { value: 'X', valid: false, test: false, problems: ['bad-prefix'], warnings: [] } }) }),
    'ready',
  ],
  [
    'revocation not checkable is for IT support',
    facts({ analysis: analysis({ revocation: { status: 'could-not-check', reason: 'timeout', checkedAt: '', attempts: [] } }) }),
    'ready',
  ],
  ['a middleware warning is for IT support', facts({ system: [systemFact('middleware.netid-enterprise', 'installed')] }), 'ready'],
  ['the browser store is for IT support', facts({ browserStores: [] }), 'ready'],
  // Several warnings: the most urgent is said, not the first in the report.
  [
    'expiring, one try left, a remote session',
    facts({ read: oneTryLeft, analysis: analysis({ loginCert: analysedCertificate({ validity: expiring }) }), system: remoteSession }),
    'attention',
    '[validSoon',
  ],
  ['one try left and a test certificate', facts({ read: oneTryLeft, analysis: testEnvironment }), 'attention', '[pinTries left=1'],
  [
    'a test certificate and a blocked PUK',
    facts({ read: snapshot({ pins: [pin('authentication'), blockedPuk] }), analysis: testEnvironment }),
    'attention',
    '[authFoundTest',
  ],
  [
    'a blocked PUK and a blocked signing PIN',
    facts({ read: snapshot({ pins: [pin('authentication'), blockedSignPin, blockedPuk] }) }),
    'attention',
    '[pukBlocked]',
  ],
  [
    'a blocked signing PIN in a remote session',
    facts({ read: snapshot({ pins: [pin('authentication'), blockedSignPin] }), system: remoteSession }),
    'attention',
    '[pinBlocked]',
  ],
  ['a remote session and a wrong clock', facts({ system: remoteSession, analysis: clockWrong }), 'attention', '[readersRemote'],
  ['a wrong clock', facts({ analysis: clockWrong }), 'attention', '[clockSuspect'],
];

describe('the verdict of the registry', () => {
  it.each(verdictRows)('%s → %s', (_name, f, status, advice) => {
    const verdict = diagnosisVerdict(runChecks(diagnosisChecks, f, keyWriter), f, keyWriter);
    expect(verdict.status).toBe(status);
    if (advice) expect(verdict.advice?.startsWith(advice), verdict.advice).toBe(true);
  });
});
