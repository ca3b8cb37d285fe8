/**
 * Revocation over real HTTP: a local OCSP responder and CRL server on 127.0.0.1 (ephemeral port),
 * minted with pkijs, answering from a database of revoked serials or in one failure mode at a time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCertCommand } from '../../electron/cli/cert-command.js';
import type { CliIo } from '../../electron/cli/command.js';
import { loadSystemAnchors } from '../../electron/pki/anchors.js';
import { toPem } from '../../electron/pki/parse.js';
import { checkRevocation, type RevocationResult } from '../../electron/pki/revocation.js';
import { createTestPki, mintPersonAuthCertificate, type Minted, type TestPki } from '../fixtures/pki/mint.js';
import { startRevocationServer, type RevocationServer } from '../fixtures/pki/revocation-server.js';

let pki: TestPki;
let server: RevocationServer;
let ocspLeaf: Minted;
let crlLeaf: Minted;

beforeAll(async () => {
  pki = await createTestPki();
  server = await startRevocationServer({
    ca: pki.personCa,
    responder: pki.responder,
    responderWithoutEku: pki.responderWithoutEku,
    foreignResponder: pki.foreignResponder,
  });
  ocspLeaf = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [server.ocspUrl] });
  crlLeaf = await mintPersonAuthCertificate(pki.personCa, { crlUrls: [server.crlUrl] });
  server.issued.add(ocspLeaf.info.serialNumber);
  server.issued.add(crlLeaf.info.serialNumber);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  server.ocspMode = 'normal';
  server.crlMode = 'normal';
  server.revoked.clear();
});

const check = (leaf: Minted, timeoutMs = 3000): Promise<RevocationResult> => checkRevocation(leaf.info, pki.personCa.info, { online: true, timeoutMs });

describe('OCSP over HTTP (127.0.0.1)', () => {
  it('good', async () => {
    const before = server.requests.ocsp;
    expect(await check(ocspLeaf)).toMatchObject({ status: 'good', method: 'ocsp', url: server.ocspUrl, responder: 'issuer', nonce: 'matched' });
    expect(server.requests.ocsp).toBe(before + 1);
  });

  it('revoked, with date and reason', async () => {
    server.revoked.set(ocspLeaf.info.serialNumber, { at: new Date('2025-05-05T05:05:05Z'), reason: 3 });
    expect(await check(ocspLeaf)).toMatchObject({ status: 'revoked', revokedAt: '2025-05-05T05:05:05.000Z', revocationReason: 'affiliationChanged' });
  });

  it('unknown', async () => {
    const notIssued = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [server.ocspUrl] });
    expect(await check(notIssued)).toMatchObject({ status: 'unknown' });
  });

  it('good from a delegated responder', async () => {
    server.ocspMode = 'delegated';
    expect(await check(ocspLeaf)).toMatchObject({ status: 'good', responder: 'delegated' });
  });

  it.each([
    ['bad-signature', 'bad-signature'],
    ['delegated-without-eku', 'bad-signature'],
    ['stale', 'stale'],
    ['wrong-nonce', 'nonce-mismatch'],
    ['http-500', 'http-error'],
    ['garbage', 'bad-response'],
  ] as const)('%s → could-not-check (%s)', async (mode, reason) => {
    server.ocspMode = mode;
    expect(await check(ocspLeaf)).toMatchObject({ status: 'could-not-check', reason, url: server.ocspUrl });
  });

  it('timeout: a responder that never answers is given up within the budget', async () => {
    server.ocspMode = 'silent';
    const started = Date.now();
    expect(await check(ocspLeaf, 300)).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('offline: nothing listens on the port', async () => {
    const closed = await startRevocationServer({ ca: pki.personCa });
    const deadUrl = closed.ocspUrl;
    await closed.close();
    const leaf = await mintPersonAuthCertificate(pki.personCa, { ocspUrls: [deadUrl] });
    expect(await check(leaf)).toMatchObject({ status: 'could-not-check', reason: 'offline', detail: 'ECONNREFUSED' });
  });
});

describe('CRL over HTTP (127.0.0.1)', () => {
  it('good, then revoked once listed', async () => {
    expect(await check(crlLeaf)).toMatchObject({ status: 'good', method: 'crl', url: server.crlUrl });
    server.revoked.set(crlLeaf.info.serialNumber, { at: new Date('2025-06-01T00:00:00Z'), reason: 5 });
    expect(await check(crlLeaf)).toMatchObject({ status: 'revoked', revokedAt: '2025-06-01T00:00:00.000Z', revocationReason: 'cessationOfOperation' });
  });

  it.each([
    ['bad-signature', 'bad-signature'],
    ['stale', 'stale'],
    ['http-500', 'http-error'],
    ['garbage', 'bad-response'],
  ] as const)('%s → could-not-check (%s)', async (mode, reason) => {
    server.crlMode = mode;
    expect(await check(crlLeaf)).toMatchObject({ status: 'could-not-check', reason, method: 'crl' });
  });

  it('timeout', async () => {
    server.crlMode = 'silent';
    expect(await check(crlLeaf, 300)).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
  });
});

/** Samples this process's RSS while `work` runs; resolves with the work's result and the peak growth. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthBytes: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

const MiB = 1024 * 1024;
// Generous: the test process's own allocations move RSS by some MiB; the unbounded read took GBs.
const memoryMargin = 64 * MiB;

describe('hostile revocation servers: always could-not-check, within the deadline, memory bounded', () => {
  it('an endless chunked OCSP answer is cut off at the 64 KiB cap', async () => {
    server.ocspMode = 'oversized-chunked';
    const { result, growthBytes } = await withPeakRss(() => check(ocspLeaf, 5000));
    expect(result).toMatchObject({ status: 'could-not-check', reason: 'too-large', method: 'ocsp' });
    expect(growthBytes).toBeLessThan(64 * 1024 + memoryMargin);
  });

  it('an endless chunked CRL is cut off at the 8 MiB cap', async () => {
    server.crlMode = 'oversized-chunked';
    const { result, growthBytes } = await withPeakRss(() => check(crlLeaf, 8000));
    expect(result).toMatchObject({ status: 'could-not-check', method: 'crl' });
    // too-large when the cap is reached first; timeout only on a very slow machine. Never "good".
    expect(['too-large', 'timeout']).toContain((result as { reason: string }).reason);
    expect(growthBytes).toBeLessThan(8 * MiB + memoryMargin);
  });

  it('an endless slow answer ends at the deadline', async () => {
    server.ocspMode = 'slow-endless';
    expect(await check(ocspLeaf, 500)).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
    server.crlMode = 'slow-endless';
    expect(await check(crlLeaf, 500)).toMatchObject({ status: 'could-not-check', reason: 'timeout' });
  });

  it('a redirect to 127.0.0.1 is refused (the first URL may be local, a redirect there may not)', async () => {
    server.crlMode = 'redirect-loopback';
    const result = await check(crlLeaf);
    expect(result).toMatchObject({ status: 'could-not-check', reason: 'redirect-refused', method: 'crl' });
    expect((result as { detail: string }).detail).toContain('127.0.0.1');
    server.ocspMode = 'redirect-loopback';
    expect(await check(ocspLeaf)).toMatchObject({ status: 'could-not-check', reason: 'redirect-refused' });
  });

  it('a redirect to another scheme is refused, even where private redirects are allowed', async () => {
    server.crlMode = 'redirect-scheme';
    expect(await checkRevocation(crlLeaf.info, pki.personCa.info, { online: true, timeoutMs: 3000, allowPrivateRedirects: true })).toMatchObject({
      status: 'could-not-check',
      reason: 'redirect-refused',
    });
  });

  it('follows one redirect, refuses a third (with private redirects allowed, as the test server is local)', async () => {
    server.crlMode = 'redirect-once';
    expect(await checkRevocation(crlLeaf.info, pki.personCa.info, { online: true, timeoutMs: 3000, allowPrivateRedirects: true })).toMatchObject({
      status: 'good',
      method: 'crl',
    });
    server.crlMode = 'redirect-thrice';
    expect(await checkRevocation(crlLeaf.info, pki.personCa.info, { online: true, timeoutMs: 3000, allowPrivateRedirects: true })).toMatchObject({
      status: 'could-not-check',
      reason: 'redirect-refused',
    });
  });

  it('a CRL of the wrong scope (another distribution point) never says "not revoked"', async () => {
    server.crlMode = 'wrong-scope';
    expect(await check(crlLeaf)).toMatchObject({ status: 'could-not-check', reason: 'out-of-scope', method: 'crl' });
  });

  it('a CRL with an unknown critical extension gives could-not-check', async () => {
    server.crlMode = 'critical-extension';
    expect(await check(crlLeaf)).toMatchObject({ status: 'could-not-check', reason: 'unsupported', method: 'crl' });
  });
});

describe('kortkoll cert --online against the local responder', () => {
  it('prints the revocation status in Swedish and English and sets the exit code', async () => {
    const files = new Map([
      ['leaf.pem', toPem(ocspLeaf.der)],
      ['ca.pem', toPem(pki.personCa.der)],
      ['root.pem', toPem(pki.root.der)],
    ]);
    const command = createCertCommand({
      readFile: async (path) => new TextEncoder().encode(files.get(path) ?? ''),
      systemAnchors: () => loadSystemAnchors(null),
    });
    const run = async (lang: 'sv' | 'en') => {
      let stdout = '';
      const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined, lang, env: {}, interrupted: new Promise(() => undefined) };
      const code = await command.run(['leaf.pem', 'ca.pem', '--anchors', 'root.pem', '--online', '--timeout', '3000'], io);
      return { code, stdout };
    };
    const good = await run('sv');
    expect(good.stdout).toContain(`Inte spärrat enligt OCSP (${server.ocspUrl}).`);
    expect(good.code).toBe(0);

    server.revoked.set(ocspLeaf.info.serialNumber, { at: new Date('2025-05-05T00:00:00Z'), reason: 1 });
    const revoked = await run('en');
    expect(revoked.stdout).toContain('REVOKED since 2025-05-05, reason: keyCompromise.');
    expect(revoked.code).toBe(2);

    server.revoked.clear();
    server.ocspMode = 'http-500';
    const failing = await run('sv');
    expect(failing.stdout).toContain('Spärrstatus kunde inte kontrolleras: tjänsten svarade med ett HTTP-fel (HTTP 500');
    expect(failing.code).toBe(1);
  });
});
