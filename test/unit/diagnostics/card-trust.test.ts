import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVirtualCardSpec, realCertsDirectory } from '../../../native/simulator/cards.js';
import { buildCustomPkcs15Card } from '../../../native/simulator/custom-card.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import { hasOpenssl, makeOpensslChain, type OpensslChain } from '../../fixtures/pki/openssl-chain.js';
import { readRealCert, realCertPath } from '../../fixtures/pki/real-certs.js';
import { anchorsFromFile, cardCaCertificates, pinnedAnchors } from '../../../electron/pki/anchors.js';
import { verifyChain } from '../../../electron/pki/chain.js';
import { parseCertificate, type CertificateInfo } from '../../../electron/pki/parse.js';
import { runKortkoll } from '../cli/cli-helpers.js';
import { diagnoseCardSpec, fixedNow } from './diagnosis-helpers.js';

const opensslAvailable = hasOpenssl();

describe.skipIf(!opensslAvailable)('a card cannot vouch for itself (openssl-made chain up to a fake "SITHS e-id Root CA v2")', () => {
  let chain: OpensslChain;
  // openssl dates its certificates from the real clock; judge them then.
  const now = new Date();
  beforeAll(() => {
    chain = makeOpensslChain();
  });
  afterAll(() => chain?.cleanup());

  const card = () =>
    buildCustomPkcs15Card({
      name: 'fake-siths-root',
      certificates: [
        { der: chain.leaf, label: 'Falska Fejksson, Region Stockholm' },
        { der: chain.ca, label: 'SITHS e-id Person HSA-id 3 CA v1', authority: true },
        { der: chain.root, label: 'SITHS e-id Root CA v2', authority: true },
      ],
    });

  it('ends as untrusted-root: the root on the card is shown, its CA certificate used as an untrusted intermediate', async () => {
    const { analysis, report } = await diagnoseCardSpec(card(), { now });
    const result = analysis?.chain;
    expect(result?.status).toBe('untrusted-root');
    if (result?.status !== 'untrusted-root') return;
    expect(result.root).toMatchObject({ subjectCommonName: 'SITHS e-id Root CA v2', presented: true });
    expect(result.root.knownRoot).toBeUndefined();
    expect(result.path.map((l) => [l.role, l.subjectCommonName, l.source])).toEqual([
      ['leaf', 'Falska Fejksson', 'presented'],
      ['intermediate', 'SITHS e-id Person HSA-id 3 CA v1', 'presented'],
      ['root', 'SITHS e-id Root CA v2', 'presented'],
    ]);
    expect(result.path.some((l) => l.anchor)).toBe(false);
    expect(analysis?.anchorSources.map((s) => s.source)).toEqual(['system', 'pinned', 'file']);
    expect(analysis?.anchorSources.find((s) => s.source === 'pinned')?.count).toBe(0);

    // The root is still shown among the card's certificates.
    const sv = report('sv');
    expect(sv.certificates.map((c) => c.subjectCommonName)).toContain('SITHS e-id Root CA v2');
    const check = sv.checks.find((c) => c.id === 'chain');
    expect(check?.status).toBe('warning');
    expect(check?.summary).toContain('Namnet räcker inte');
    expect(check?.evidence.find((e) => e.key === 'rootSha256')?.value).toBe(result.root.sha256);
    const en = report('en').checks.find((c) => c.id === 'chain');
    expect(en?.summary).toContain('The name is not enough');
    expect(renderReportText(report('en'))).toContain('The name is not enough');
  });

  it('is trusted when the user names that root with --anchors (trust comes from the user, not the card)', async () => {
    const { analysis } = await diagnoseCardSpec(card(), { now, anchorsFile: { content: chain.rootPem, origin: 'roots.pem' } });
    expect(analysis?.chain).toMatchObject({ status: 'trusted', anchor: { source: 'file', origin: 'roots.pem' } });
  });
});

describe.skipIf(!existsSync(realCertsDirectory()))('the real TEST chain', () => {
  // The card's function certificate is no login certificate, so the diagnosis runs no chain for it;
  // judge its chain from what the card gave, with the same anchor rules as the diagnosis.
  async function chainFromCard(anchorsFile?: string) {
    const { read } = await diagnoseCardSpec(await buildVirtualCardSpec('real-test-chain', { now: fixedNow }));
    if (read.kind !== 'snapshot') throw new Error(`real-test-chain did not read: ${read.kind}`);
    const infos = read.certificates.map((c) => parseCertificate(c.der));
    const card = cardCaCertificates(infos);
    const leaf = infos.find((info) => !info.isCA) as CertificateInfo;
    const anchors = [...pinnedAnchors(card.roots).anchors, ...(anchorsFile ? anchorsFromFile(anchorsFile, 'test-root.pem').anchors : [])];
    return verifyChain(leaf, { intermediates: card.intermediates, anchors, now: fixedNow });
  }

  it('from the card: untrusted-root without --anchors (the TEST root on the card is not trusted for being there)', async () => {
    expect(await chainFromCard()).toMatchObject({ status: 'untrusted-root', root: { presented: true, knownRoot: 'TEST SITHS e-id Root CA v2' } });
  });

  it('from the card: trusted with the TEST root named by --anchors', async () => {
    expect(await chainFromCard(readRealCert('testRoot'))).toMatchObject({
      status: 'trusted',
      anchor: { source: 'file', subjectCommonName: 'TEST SITHS e-id Root CA v2' },
    });
  });

  it('kortkoll cert with the TEST root given by --anchors: trusted', async () => {
    const { stdout } = await runKortkoll(['cert', realCertPath('functionCert'), realCertPath('functionCa'), '--anchors', realCertPath('testRoot'), '--json']);
    const leaf = JSON.parse(stdout).certificates.find(
      (c: { certificate: { subject: { commonName?: string } } }) => c.certificate.subject.commonName === 'test.nordicmedtest.se',
    );
    expect(leaf.chain).toMatchObject({ status: 'trusted', anchor: { source: 'file' } });
  });
});
