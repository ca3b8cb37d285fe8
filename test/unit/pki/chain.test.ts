import * as tls from 'node:tls';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { anchorsFromFile, cardCaCertificates, loadSystemAnchors, pinnedAnchors, type TrustAnchor } from '../../../electron/pki/anchors.js';
import { validateWithPkijsEngine, verifyChain } from '../../../electron/pki/chain.js';
import { parseCertificate, pkijsCertificate, toPem, type CertificateInfo } from '../../../electron/pki/parse.js';
import { generateKeys, mintCertificate, mintPersonAuthCertificate, type Minted } from '../../fixtures/pki/mint.js';
import { readRealCert } from '../../fixtures/pki/real-certs.js';

const day = 24 * 3600 * 1000;

describe('verifyChain on the real TEST chain', () => {
  let leaf: CertificateInfo;
  let functionCa: CertificateInfo;
  let testRoot: CertificateInfo;
  let rootV1: CertificateInfo;
  beforeAll(() => {
    leaf = parseCertificate(readRealCert('functionCert'));
    functionCa = parseCertificate(readRealCert('functionCa'));
    testRoot = parseCertificate(readRealCert('testRoot'));
    rootV1 = parseCertificate(readRealCert('sithsRootV1'));
  });
  const file = (certificate: CertificateInfo): TrustAnchor => ({ certificate, source: 'file', origin: 'anchors.pem' });

  it('is trusted when the TEST root is an anchor, judged within the expired leaf’s validity', async () => {
    const chain = await verifyChain(leaf, { intermediates: [functionCa], anchors: [file(testRoot)], now: new Date('2026-01-01T00:00:00Z') });
    expect(chain.status).toBe('trusted');
    if (chain.status !== 'trusted') return;
    expect(chain.anchor).toMatchObject({
      subjectCommonName: 'TEST SITHS e-id Root CA v2',
      source: 'file',
      origin: 'anchors.pem',
      knownRoot: 'TEST SITHS e-id Root CA v2',
    });
    expect(chain.path.map((l) => [l.role, l.subjectCommonName, l.source])).toEqual([
      ['leaf', 'test.nordicmedtest.se', 'presented'],
      ['intermediate', 'TEST SITHS e-id Function CA v1', 'presented'],
      ['root', 'TEST SITHS e-id Root CA v2', 'file'],
    ]);
    expect(chain.checkedAtReason).toBe('leaf-not-after');
    expect(chain.checkedAt).toBe('2024-09-15T21:58:00.000Z');
  });

  it('is checked at now when the leaf is valid now', async () => {
    const chain = await verifyChain(leaf, { intermediates: [functionCa], anchors: [file(testRoot)], now: new Date('2023-06-01T00:00:00Z') });
    expect(chain).toMatchObject({ status: 'trusted', checkedAtReason: 'now', checkedAt: '2023-06-01T00:00:00.000Z' });
  });

  it('is untrusted-root without the TEST root, naming the missing root', async () => {
    const chain = await verifyChain(leaf, { intermediates: [functionCa] });
    expect(chain.status).toBe('untrusted-root');
    if (chain.status !== 'untrusted-root') return;
    expect(chain.root).toMatchObject({
      subjectCommonName: 'TEST SITHS e-id Root CA v2',
      presented: false,
      caIssuersUrls: ['http://aiapp.siths.se/testsithseidrootcav2.cer'],
    });
  });

  it('is untrusted-root when the TEST root is presented but not an anchor, and names it by fingerprint', async () => {
    const chain = await verifyChain(leaf, { intermediates: [testRoot, functionCa] });
    expect(chain.status).toBe('untrusted-root');
    if (chain.status !== 'untrusted-root') return;
    expect(chain.root).toMatchObject({ presented: true, sha256: testRoot.fingerprints.sha256, knownRoot: 'TEST SITHS e-id Root CA v2' });
    expect(chain.path.at(-1)?.role).toBe('root');
  });

  it('is untrusted-root with only the production root as anchor (another PKI)', async () => {
    const chain = await verifyChain(leaf, { intermediates: [functionCa], anchors: [file(rootV1)] });
    expect(chain.status).toBe('untrusted-root');
  });

  it('is incomplete without the Function CA, naming it and where to fetch it', async () => {
    const chain = await verifyChain(leaf, { anchors: [file(testRoot)] });
    expect(chain.status).toBe('incomplete');
    if (chain.status !== 'incomplete') return;
    expect(chain.missingIssuer).toMatchObject({
      subjectCommonName: 'TEST SITHS e-id Function CA v1',
      authorityKeyIdentifier: leaf.authorityKeyIdentifier,
      caIssuersUrls: ['http://aiapp.siths.se/testsithseidfunctioncav1.cer'],
    });
  });

  it('trusts the production SITHS Root CA v1 when it is itself the anchor', async () => {
    const chain = await verifyChain(rootV1, { anchors: [file(rootV1)] });
    expect(chain).toMatchObject({ status: 'trusted', anchor: { knownRoot: 'SITHS Root CA v1' } });
    expect(chain.path).toHaveLength(1);
  });

  it('pins the production SITHS Root CA v1 by its fingerprint (with its source), not the TEST root', async () => {
    const pinned = pinnedAnchors([leaf, functionCa, testRoot, rootV1]);
    expect(pinned.status).toEqual({ source: 'pinned', available: true, count: 1 });
    expect(pinned.anchors.map((a) => [a.certificate.subject.commonName, a.source])).toEqual([['SITHS Root CA v1', 'pinned']]);
    expect(pinned.anchors[0]?.origin).toMatch(/siths-facts/);
    expect(await verifyChain(rootV1, { anchors: pinned.anchors })).toMatchObject({
      status: 'trusted',
      anchor: { source: 'pinned', knownRoot: 'SITHS Root CA v1' },
    });
  });

  it('prefers the anchor when the same root also came as an intermediate', async () => {
    const chain = await verifyChain(leaf, { intermediates: [functionCa, testRoot], anchors: [{ certificate: testRoot, source: 'system' }] });
    expect(chain).toMatchObject({ status: 'trusted', anchor: { source: 'system' } });
  });

  describe('the leaf-last ordering of pkijs’s chain engine (bogus leaf)', () => {
    let bogusLeaf: CertificateInfo;
    beforeAll(async () => {
      // Claims the TEST Function CA as issuer, but is signed by a stranger's key.
      const stranger = await generateKeys('ec');
      const fakeIssuer: Minted = { info: functionCa, certificate: pkijsCertificate(functionCa), der: functionCa.der, keys: stranger };
      bogusLeaf = (
        await mintPersonAuthCertificate(fakeIssuer, {
          omitAuthorityKeyIdentifier: true,
          notBefore: new Date('2023-01-01T00:00:00Z'),
          notAfter: new Date('2030-01-01T00:00:00Z'),
        })
      ).info;
    });
    const at = new Date('2024-01-01T00:00:00Z');

    it('our engine call rejects the bogus leaf and accepts the real one', async () => {
      expect((await validateWithPkijsEngine(bogusLeaf, [functionCa], testRoot, at)).ok).toBe(false);
      expect((await validateWithPkijsEngine(leaf, [functionCa], testRoot, at)).ok).toBe(true);
    });

    it('the wrong order (leaf first) would have accepted it: pkijs validates the last certificate', async () => {
      const engine = new pkijs.CertificateChainValidationEngine({
        trustedCerts: [pkijsCertificate(testRoot)],
        certs: [pkijsCertificate(bogusLeaf), pkijsCertificate(functionCa)],
        checkDate: at,
      });
      expect((await engine.verify()).result).toBe(true);
    });

    it('verifyChain calls the bogus leaf invalid (bad signature), never trusted', async () => {
      const chain = await verifyChain(bogusLeaf, { intermediates: [functionCa], anchors: [file(testRoot)], now: at });
      expect(chain).toMatchObject({ status: 'invalid', problem: { code: 'bad-signature', subjectCommonName: 'Anna Andersson' } });
    });
  });
});

describe('verifyChain on minted chains', () => {
  let root: Minted;
  let ca: Minted;
  let leaf: Minted;
  beforeAll(async () => {
    root = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Kortkoll Test'],
        ['CN', 'Kortkoll Root CA'],
      ],
      ca: true,
    });
    ca = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Kortkoll Test'],
        ['CN', 'Kortkoll Person CA'],
      ],
      issuer: root,
      ca: true,
      pathLength: 0,
      caIssuersUrls: ['http://aia.example/root.cer'],
    });
    leaf = await mintPersonAuthCertificate(ca, { caIssuersUrls: ['http://aia.example/person.cer'] });
  });
  const anchor = (m: Minted, source: TrustAnchor['source'] = 'file'): TrustAnchor => ({ certificate: m.info, source });

  it('trusted at now', async () => {
    expect(await verifyChain(leaf.info, { intermediates: [ca.info], anchors: [anchor(root)] })).toMatchObject({ status: 'trusted', checkedAtReason: 'now' });
  });

  it('an intermediate that is not a CA breaks the chain', async () => {
    const notCa = await mintCertificate({ subject: [['CN', 'Not a CA']], issuer: root, keyUsage: ['digitalSignature'] });
    const below = await mintPersonAuthCertificate(notCa);
    expect(await verifyChain(below.info, { intermediates: [notCa.info], anchors: [anchor(root)] })).toMatchObject({
      status: 'invalid',
      problem: { code: 'issuer-not-ca', subjectCommonName: 'Not a CA' },
    });
  });

  it('pathLenConstraint 0 forbids a CA below the CA', async () => {
    const sub = await mintCertificate({ subject: [['CN', 'Kortkoll Sub CA']], issuer: ca, ca: true });
    const below = await mintPersonAuthCertificate(sub);
    expect(await verifyChain(below.info, { intermediates: [sub.info, ca.info], anchors: [anchor(root)] })).toMatchObject({
      status: 'invalid',
      problem: { code: 'path-length-exceeded', subjectCommonName: 'Kortkoll Person CA' },
    });
  });

  it('an intermediate expired at the time of checking', async () => {
    const now = Date.now();
    const oldCa = await mintCertificate({
      subject: [['CN', 'Kortkoll Old CA']],
      issuer: root,
      ca: true,
      notBefore: new Date(now - 400 * day),
      notAfter: new Date(now - 2 * day),
    });
    const below = await mintPersonAuthCertificate(oldCa, { notBefore: new Date(now - 10 * day), notAfter: new Date(now + 300 * day) });
    expect(await verifyChain(below.info, { intermediates: [oldCa.info], anchors: [anchor(root)] })).toMatchObject({
      status: 'invalid',
      problem: { code: 'ca-not-valid-at-time' },
    });
  });

  it('a missing intermediate that is not a root → incomplete', async () => {
    const chain = await verifyChain(leaf.info, { anchors: [anchor(root)] });
    expect(chain).toMatchObject({
      status: 'incomplete',
      missingIssuer: { subjectCommonName: 'Kortkoll Person CA', caIssuersUrls: ['http://aia.example/person.cer'] },
    });
  });

  it('a missing root → untrusted-root with where to fetch it', async () => {
    expect(await verifyChain(leaf.info, { intermediates: [ca.info] })).toMatchObject({
      status: 'untrusted-root',
      root: { subjectCommonName: 'Kortkoll Root CA', presented: false, caIssuersUrls: ['http://aia.example/root.cer'] },
    });
  });

  it('a re-keyed CA with the same name but another key is not taken for the issuer', async () => {
    const rekeyed = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Kortkoll Test'],
        ['CN', 'Kortkoll Person CA'],
      ],
      issuer: root,
      ca: true,
    });
    expect(await verifyChain(leaf.info, { intermediates: [rekeyed.info], anchors: [anchor(root)] })).toMatchObject({ status: 'incomplete' });
  });

  it('a root on the card is never an anchor: the chain ends there as untrusted-root; all its CA certificates help build the path', async () => {
    const card = cardCaCertificates([leaf.info, ca.info, root.info]);
    expect(card.intermediates.map((c) => c.subject.commonName)).toEqual(['Kortkoll Person CA', 'Kortkoll Root CA']);
    expect(card.roots.map((c) => c.subject.commonName)).toEqual(['Kortkoll Root CA']);
    expect(await verifyChain(leaf.info, { intermediates: card.intermediates })).toMatchObject({
      status: 'untrusted-root',
      root: { subjectCommonName: 'Kortkoll Root CA', presented: true, sha256: root.info.fingerprints.sha256 },
    });
    // The same root named by the user (--anchors) is trusted, from the file.
    expect(await verifyChain(leaf.info, { intermediates: card.intermediates, anchors: [anchor(root)] })).toMatchObject({
      status: 'trusted',
      anchor: { source: 'file' },
    });
  });

  it('pins only real production SITHS roots by fingerprint, with where the fingerprint comes from', () => {
    expect(pinnedAnchors([leaf.info, ca.info, root.info])).toEqual({ status: { source: 'pinned', available: true, count: 0 }, anchors: [] });
  });

  it('anchors from the computer’s store when the runtime can read it', async () => {
    const system = loadSystemAnchors(() => [toPem(root.der), 'not a certificate']);
    expect(system.status).toEqual({ source: 'system', available: true, count: 1, skipped: 1 });
    expect(await verifyChain(leaf.info, { intermediates: [ca.info], anchors: system.anchors })).toMatchObject({
      status: 'trusted',
      anchor: { source: 'system' },
    });
  });

  it('reads the real store only where the runtime can (Node ≥ 22.15, Electron), without crashing on Node 20', () => {
    const canRead = typeof (tls as unknown as { getCACertificates?: unknown }).getCACertificates === 'function';
    const loaded = loadSystemAnchors();
    expect(loaded.status.available).toBe(canRead);
    if (!canRead) expect(loaded.status.reason).toBe('unsupported-runtime');
  });

  it('reports the store as unavailable on a runtime without tls.getCACertificates, and on a read error', () => {
    expect(loadSystemAnchors(null)).toEqual({ status: { source: 'system', available: false, count: 0, reason: 'unsupported-runtime' }, anchors: [] });
    expect(
      loadSystemAnchors(() => {
        throw new Error('no store');
      }).status,
    ).toMatchObject({ available: false, reason: 'read-error' });
  });

  it('anchors from a PEM bundle file', () => {
    const loaded = anchorsFromFile(toPem(root.der) + toPem(ca.der), '/etc/roots.pem');
    expect(loaded.status).toEqual({ source: 'file', available: true, count: 2, origin: '/etc/roots.pem' });
    expect(loaded.anchors.every((a) => a.source === 'file' && a.origin === '/etc/roots.pem')).toBe(true);
  });
});
