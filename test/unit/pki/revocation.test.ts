/**
 * Revocation logic against an in-memory responder (no sockets). The same scenarios over real HTTP
 * on 127.0.0.1 are in test/integration/pki-revocation.test.ts.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkRevocation, type FetchLike, type RevocationResult } from '../../../electron/pki/revocation.js';
import { createTestPki, mintPersonAuthCertificate, type Minted, type TestPki } from '../../fixtures/pki/mint.js';
import { createRevocationResponder, inMemoryCrlUrl, inMemoryFetch, inMemoryOcspUrl, type RevocationResponder } from '../../fixtures/pki/revocation-server.js';

let pki: TestPki;
let responder: RevocationResponder;
let fetch: FetchLike;
let ocspOnly: Minted;
let crlOnly: Minted;
let both: Minted;

beforeAll(async () => {
  pki = await createTestPki();
  responder = await createRevocationResponder({
    ca: pki.personCa,
    responder: pki.responder,
    responderWithoutEku: pki.responderWithoutEku,
    foreignResponder: pki.foreignResponder,
  });
  fetch = inMemoryFetch(responder);
  ocspOnly = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [inMemoryOcspUrl] });
  crlOnly = await mintPersonAuthCertificate(pki.personCa, { crlUrls: [inMemoryCrlUrl] });
  both = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [inMemoryOcspUrl], crlUrls: [inMemoryCrlUrl] });
  for (const m of [ocspOnly, crlOnly, both]) responder.issued.add(m.info.serialNumber);
});

beforeEach(() => {
  responder.ocspMode = 'normal';
  responder.crlMode = 'normal';
  responder.revoked.clear();
});

const check = (leaf: Minted, options: Partial<Parameters<typeof checkRevocation>[2]> = {}): Promise<RevocationResult> =>
  checkRevocation(leaf.info, pki.personCa.info, { online: true, timeoutMs: 2000, fetch, ...options });

describe('checkRevocation: when it does not ask', () => {
  it('is not-checked offline (the default) and asks nobody', async () => {
    const before = responder.requests.ocsp;
    expect(await checkRevocation(both.info, pki.personCa.info, { online: false, fetch })).toEqual({ status: 'not-checked', reason: 'offline-mode' });
    expect(responder.requests.ocsp).toBe(before);
  });

  it('no-endpoint when the certificate names neither OCSP nor CRL', async () => {
    const bare = await mintPersonAuthCertificate(pki.personCa);
    expect(await check(bare)).toMatchObject({ status: 'could-not-check', reason: 'no-endpoint' });
  });

  it('no-issuer when the issuing CA certificate is missing', async () => {
    expect(await checkRevocation(both.info, undefined, { online: true, fetch })).toMatchObject({ status: 'could-not-check', reason: 'no-issuer' });
  });
});

describe('checkRevocation: OCSP', () => {
  it('good, signed by the CA, nonce matched', async () => {
    expect(await check(ocspOnly)).toMatchObject({ status: 'good', method: 'ocsp', url: inMemoryOcspUrl, responder: 'issuer', nonce: 'matched' });
  });

  it('revoked with date and reason', async () => {
    responder.revoked.set(ocspOnly.info.serialNumber, { at: new Date('2025-03-01T10:00:00Z'), reason: 1 });
    expect(await check(ocspOnly)).toMatchObject({ status: 'revoked', revokedAt: '2025-03-01T10:00:00.000Z', revocationReason: 'keyCompromise' });
  });

  it('unknown for a serial the CA never issued', async () => {
    const stranger = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [inMemoryOcspUrl] });
    expect(await check(stranger)).toMatchObject({ status: 'unknown', method: 'ocsp' });
  });

  it('accepts a delegated responder with id-kp-OCSPSigning issued by the same CA, and a responder id by key', async () => {
    responder.ocspMode = 'delegated';
    expect(await check(ocspOnly)).toMatchObject({ status: 'good', responder: 'delegated' });
    responder.ocspMode = 'by-key';
    expect(await check(ocspOnly)).toMatchObject({ status: 'good', responder: 'issuer' });
  });

  it('refuses a responder without id-kp-OCSPSigning, and one issued by another CA', async () => {
    responder.ocspMode = 'delegated-without-eku';
    expect(await check(ocspOnly)).toMatchObject({ status: 'could-not-check', reason: 'bad-signature', detail: expect.stringContaining('OCSPSigning') });
    responder.ocspMode = 'foreign-responder';
    expect(await check(ocspOnly)).toMatchObject({ status: 'could-not-check', reason: 'bad-signature', detail: expect.stringContaining('another CA') });
  });

  it.each([
    ['bad-signature', 'bad-signature'],
    ['stale', 'stale'],
    ['future', 'stale'],
    ['wrong-nonce', 'nonce-mismatch'],
    ['other-certificate', 'bad-response'],
    ['try-later', 'bad-response'],
    ['http-500', 'http-error'],
    ['garbage', 'bad-response'],
  ] as const)('%s → could-not-check (%s)', async (mode, reason) => {
    responder.ocspMode = mode;
    const result = await check(ocspOnly);
    expect(result).toMatchObject({ status: 'could-not-check', reason, method: 'ocsp', url: inMemoryOcspUrl });
    if (mode === 'http-500') expect(result).toMatchObject({ httpStatus: 500 });
  });

  it('accepts a response without a nonce (pre-signed responders), and says so', async () => {
    responder.ocspMode = 'no-nonce';
    expect(await check(ocspOnly)).toMatchObject({ status: 'good', nonce: 'not-returned' });
  });

  it('a stale answer is fine again with a clock within its window', async () => {
    responder.ocspMode = 'stale';
    const fiveDaysAgo = new Date(Date.now() - 5 * 24 * 3600 * 1000);
    expect(await check(ocspOnly, { now: fiveDaysAgo })).toMatchObject({ status: 'good' });
  });
});

describe('checkRevocation: network failures', () => {
  it('offline when the connection is refused or the name does not resolve', async () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND']) {
      const refusing: FetchLike = async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
      };
      expect(await check(ocspOnly, { fetch: refusing })).toMatchObject({ status: 'could-not-check', reason: 'offline', detail: code });
    }
  });

  it('timeout when the responder is silent, within the budget', async () => {
    responder.ocspMode = 'silent';
    const started = Date.now();
    expect(await check(ocspOnly, { timeoutMs: 150 })).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('timeout even with a fetch that ignores its abort signal', async () => {
    const deaf: FetchLike = () => new Promise(() => undefined);
    const started = Date.now();
    expect(await check(ocspOnly, { fetch: deaf, timeoutMs: 150 })).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never throws, even when fetch throws something odd', async () => {
    const odd: FetchLike = () => {
      throw 'a string, not an Error';
    };
    expect(await check(both, { fetch: odd })).toMatchObject({ status: 'could-not-check', reason: 'offline' });
  });
});

describe('checkRevocation: CRL', () => {
  it('good when the serial is not listed; revoked with date and reason when it is', async () => {
    expect(await check(crlOnly)).toMatchObject({ status: 'good', method: 'crl', url: inMemoryCrlUrl });
    responder.revoked.set(crlOnly.info.serialNumber, { at: new Date('2025-02-01T00:00:00Z'), reason: 4 });
    expect(await check(crlOnly)).toMatchObject({ status: 'revoked', method: 'crl', revokedAt: '2025-02-01T00:00:00.000Z', revocationReason: 'superseded' });
  });

  it('reads a PEM CRL too', async () => {
    responder.crlMode = 'pem';
    expect(await check(crlOnly)).toMatchObject({ status: 'good', method: 'crl' });
  });

  it.each([
    ['bad-signature', 'bad-signature'],
    ['stale', 'stale'],
    ['http-500', 'http-error'],
    ['garbage', 'bad-response'],
  ] as const)('%s → could-not-check (%s)', async (mode, reason) => {
    responder.crlMode = mode;
    expect(await check(crlOnly)).toMatchObject({ status: 'could-not-check', reason, method: 'crl' });
  });

  it('falls back to the CRL when OCSP cannot answer, and records both attempts', async () => {
    responder.ocspMode = 'http-500';
    responder.revoked.set(both.info.serialNumber, { at: new Date('2025-02-01T00:00:00Z') });
    const result = await check(both);
    expect(result).toMatchObject({ status: 'revoked', method: 'crl' });
    if (result.status !== 'revoked') return;
    expect(result.attempts.map((a) => [a.method, a.outcome, a.reason])).toEqual([
      ['ocsp', 'could-not-check', 'http-error'],
      ['crl', 'revoked', undefined],
    ]);
  });

  it('reports the OCSP failure when the fallback fails too, or when fallback is off', async () => {
    responder.ocspMode = 'wrong-nonce';
    responder.crlMode = 'http-500';
    expect(await check(both)).toMatchObject({
      status: 'could-not-check',
      reason: 'nonce-mismatch',
      method: 'ocsp',
      attempts: [{ method: 'ocsp' }, { method: 'crl', reason: 'http-error' }],
    });
    responder.crlMode = 'normal';
    const crlBefore = responder.requests.crl;
    expect(await check(both, { crlFallback: false })).toMatchObject({ status: 'could-not-check', reason: 'nonce-mismatch', attempts: [{ method: 'ocsp' }] });
    expect(responder.requests.crl).toBe(crlBefore);
  });
});

describe('redirect targets', () => {
  it.each([
    ['127.0.0.1'],
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['0.0.0.0'],
    ['::1'],
    ['fe80::1'],
    ['fd00::1'],
    ['::ffff:127.0.0.1'],
    ['::'],
    ['not-an-ip'],
  ])('%s is not public', async (address) => {
    const { isNonPublicAddress } = await import('../../../electron/pki/revocation.js');
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each([['193.44.157.10'], ['8.8.8.8'], ['2001:4860:4860::8888']])('%s is public', async (address) => {
    const { isNonPublicAddress } = await import('../../../electron/pki/revocation.js');
    expect(isNonPublicAddress(address)).toBe(false);
  });
});
