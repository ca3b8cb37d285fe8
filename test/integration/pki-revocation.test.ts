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
  server = await startRevocationServer({ ca: pki.personCa, responder: pki.responder, responderWithoutEku: pki.responderWithoutEku, foreignResponder: pki.foreignResponder });
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

describe('kortkoll cert --online against the local responder', () => {
  it('prints the revocation status in Swedish and English and sets the exit code', async () => {
    const files = new Map([
      ['leaf.pem', toPem(ocspLeaf.der)],
      ['ca.pem', toPem(pki.personCa.der)],
      ['root.pem', toPem(pki.root.der)],
    ]);
    const command = createCertCommand({ readFile: async (path) => new TextEncoder().encode(files.get(path) ?? ''), systemAnchors: () => loadSystemAnchors(null) });
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
