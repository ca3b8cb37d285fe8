import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, type CliIo } from '../../../electron/cli/command.js';
import { createCertCommand } from '../../../electron/cli/cert-command.js';
import type { Lang } from '../../../electron/i18n/index.js';
import { loadSystemAnchors } from '../../../electron/pki/anchors.js';
import { toPem } from '../../../electron/pki/parse.js';
import { mintCertificate, mintNamedCa, mintPersonAuthCertificate, mintPersonSignatureCertificate, mintTeliaCertificate } from '../../fixtures/pki/mint.js';
import { realCertPath } from '../../fixtures/pki/real-certs.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** In-memory files first, then the disk (the real certificates in ../shared). */
const memoryFiles = new Map<string, string>();
const command = createCertCommand({
  readFile: async (path) => (memoryFiles.has(path) ? new TextEncoder().encode(memoryFiles.get(path)) : new Uint8Array(await readFile(path))),
  // Deterministic: the machine's store is not consulted in these tests.
  systemAnchors: () => loadSystemAnchors(null),
});

async function run(args: string[], lang: Lang = 'sv'): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    lang,
    env: {},
    interrupted: new Promise(() => undefined),
  };
  const code = await command.run(args, io);
  return { code, stdout, stderr };
}

const functionCert = realCertPath('functionCert');
const functionCa = realCertPath('functionCa');
const testRoot = realCertPath('testRoot');
const rootV1 = realCertPath('sithsRootV1');

describe('kortkoll cert on the real certificates', () => {
  it('the function certificate in Swedish: SITHS e-id, TEST, function certificate, authentication, expired 2024-09-15', async () => {
    const out = await run([functionCert]);
    expect(out.stdout).toContain('Typ:');
    expect(out.stdout).toContain('SITHS e-id · TEST · funktionscertifikat · legitimering');
    expect(out.stdout).toContain('Utgick 2024-09-15');
    expect(out.stdout).toContain('TSTNMT2321000156-B02 (testidentitet, giltigt format)');
    expect(out.stdout).toContain('Kedjan är ofullständig: utfärdaren TEST SITHS e-id Function CA v1 saknas.');
    expect(out.stdout).toContain('Spärrkontroll gjordes inte');
    expect(out.code).toBe(ExitCode.errors);
  });

  it('the function certificate in English', async () => {
    const out = await run([functionCert], 'en');
    expect(out.stdout).toContain('Type:');
    expect(out.stdout).toContain('SITHS e-id · TEST · function certificate · authentication');
    expect(out.stdout).toContain('Expired on 2024-09-15');
    expect(out.stdout).toContain('TSTNMT2321000156-B02 (test identity, valid format)');
    expect(out.stdout).not.toContain('funktionscertifikat');
  });

  it.each([
    ['functionCa', 'SITHS e-id · TEST · CA-certifikat (utfärdare) · annan användning', 'SITHS e-id · TEST · CA certificate (issuer) · other use'],
    ['testRoot', 'SITHS e-id · TEST · CA-certifikat (utfärdare)', 'SITHS e-id · TEST · CA certificate (issuer)'],
    [
      'sithsRootV1',
      'SITHS Root CA v1 (första generationen) · produktion · CA-certifikat (utfärdare)',
      'SITHS Root CA v1 (first generation) · production · CA certificate (issuer)',
    ],
  ] as const)('%s: classification in Swedish and English', async (name, swedish, english) => {
    expect((await run([realCertPath(name)])).stdout).toContain(swedish);
    expect((await run([realCertPath(name)], 'en')).stdout).toContain(english);
  });

  it('names the production root by its fingerprint, and says IT can add it', async () => {
    const sv = await run([rootV1]);
    expect(sv.stdout).toContain('Känd rot:');
    expect(sv.stdout).toContain('SITHS Root CA v1 (produktion)');
    expect(sv.stdout).toContain('Rotcertifikatet SITHS Root CA v1 är inte betrott här.');
    expect(sv.stdout).toContain('IT-avdelningen kan lägga in SITHS Root CA v1');
    const en = await run([rootV1], 'en');
    expect(en.stdout).toContain('Known root:');
    expect(en.stdout).toContain('SITHS Root CA v1 is a root certificate Kortkoll recognises by its fingerprint.');
  });

  it('trusts the chain with --anchors and says it was judged within the validity', async () => {
    const out = await run([functionCert, functionCa, '--anchors', testRoot]);
    expect(out.stdout).toContain(`Kedjan håller: den slutar i TEST SITHS e-id Root CA v2, ett betrott rotcertifikat från den angivna filen (${testRoot}).`);
    expect(out.stdout).toContain('Kedjan prövades per 2024-09-15');
    // Still an error: the certificate has expired.
    expect(out.code).toBe(ExitCode.errors);
  });

  it('reports the untrusted root without --anchors, even when the root file is given as input', async () => {
    const out = await run([functionCert, functionCa, testRoot], 'en');
    expect(out.stdout).toContain('The root certificate TEST SITHS e-id Root CA v2 is not trusted here.');
    expect(out.stdout).toContain("the computer's certificate store: cannot be read here");
  });

  it('--json gives the same findings as data, with --anchors=FILE', async () => {
    const out = await run(['--json', functionCert, functionCa, `--anchors=${testRoot}`]);
    const report = JSON.parse(out.stdout) as {
      certificates: {
        file: string;
        classification: { family: string; environment: string; subjectKind: string; purpose: string };
        validity: { status: string; notAfter: string };
        chain: { status: string };
        severity: string;
      }[];
      anchorSources: { source: string; available: boolean }[];
      errors: unknown[];
      exitCode: number;
    };
    const leaf = report.certificates[0];
    expect(leaf?.classification).toMatchObject({ family: 'siths-eid', environment: 'test', subjectKind: 'function', purpose: 'authentication' });
    expect(leaf?.validity).toMatchObject({ status: 'expired', notAfter: '2024-09-15T21:58:00.000Z' });
    expect(leaf?.chain.status).toBe('trusted');
    expect(leaf?.severity).toBe('error');
    expect(report.certificates[1]?.severity).toBe('ok');
    expect(report.anchorSources).toEqual([
      { source: 'system', available: false, count: 0, reason: 'unsupported-runtime' },
      { source: 'file', available: true, count: 1, origin: testRoot },
    ]);
    expect(report.exitCode).toBe(out.code);
    expect(out.stderr).toBe('');
  });
});

describe('kortkoll cert: exit codes, login pick and usage', () => {
  let rootPem: string;
  beforeAll(async () => {
    const now = Date.now();
    const day = 24 * 3600 * 1000;
    const root = await mintNamedCa('Kortkoll Root CA', 'Kortkoll Test');
    const ca = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Inera AB'],
        ['CN', 'SITHS e-id Person HSA-id 3 CA v1'],
      ],
      issuer: root,
      ca: true,
    });
    const teliaCa = await mintNamedCa('Telia e-legitimation CA v3', 'Telia');
    const fresh = await mintPersonAuthCertificate(ca, { notAfter: new Date(now + 300 * day) });
    const soon = await mintPersonAuthCertificate(ca, { notAfter: new Date(now + 10 * day) });
    const sign = await mintPersonSignatureCertificate(ca);
    const telia = await mintTeliaCertificate(teliaCa);
    rootPem = toPem(root.der);
    memoryFiles.set('root.pem', rootPem);
    memoryFiles.set('ca.pem', toPem(ca.der));
    memoryFiles.set('fresh.pem', toPem(fresh.der));
    memoryFiles.set('soon.pem', toPem(soon.der));
    memoryFiles.set('card.pem', [fresh, sign, telia].map((m) => toPem(m.der)).join(''));
    memoryFiles.set('garbage.pem', 'this is not a certificate');
  });

  it('0 for a valid, trusted certificate', async () => {
    const out = await run(['fresh.pem', 'ca.pem', '--anchors', 'root.pem']);
    expect(out.code).toBe(ExitCode.ok);
    expect(out.stdout).toContain('Fel: 0. Varningar: 0.');
  });

  it('1 for a certificate that expires within 30 days', async () => {
    const out = await run(['soon.pem', 'ca.pem', '--anchors', 'root.pem']);
    expect(out.code).toBe(ExitCode.warnings);
    expect(out.stdout).toMatch(/Går ut \d{4}-\d{2}-\d{2}, om (9|10) dagar/);
  });

  it('says which certificate to pick at login and why not the others; masks the personnummer', async () => {
    const out = await run(['card.pem', 'ca.pem', '--anchors', 'root.pem']);
    expect(out.stdout).toContain('Vid inloggning: välj Anna Andersson, utfärdat av SITHS e-id Person HSA-id 3 CA v1.');
    expect(out.stdout).toContain('underskriftscertifikatet, används inte vid inloggning');
    expect(out.stdout).toContain('Telia e-legitimation: välj inte det här vid inloggning');
    expect(out.stdout).toContain('19700101-****');
    expect(out.stdout).not.toContain('197001011234');
    const json = await run(['--json', 'card.pem', 'ca.pem', '--anchors', 'root.pem']);
    expect(json.stdout).not.toContain('197001011234');
    expect(JSON.parse(json.stdout).login).toMatchObject({
      chosen: { file: 'card.pem', index: 0 },
      others: [
        { index: 1, reason: 'signature' },
        { index: 2, reason: 'telia' },
      ],
    });
  });

  it('2 and a clear message for an unreadable or missing file, and the rest is still analysed', async () => {
    const out = await run(['garbage.pem', 'no-such-file.pem', 'fresh.pem', 'ca.pem', '--anchors', 'root.pem']);
    expect(out.code).toBe(ExitCode.errors);
    expect(out.stderr).toContain('garbage.pem innehåller inget läsbart certifikat');
    expect(out.stderr).toContain('Kan inte läsa no-such-file.pem');
    expect(out.stdout).toContain('fresh.pem');
  });

  it('reports a bad --anchors file and goes on', async () => {
    const out = await run(['fresh.pem', '--anchors', 'garbage.pem'], 'en');
    expect(out.stderr).toContain('The trusted roots file garbage.pem cannot be used');
    expect(out.code).toBe(ExitCode.errors);
  });

  it.each([[[]], [['--bogus', 'x.pem']], [['--anchors']], [['x.pem', '--timeout', 'soon']]])('64 for a usage error: %j', async (args) => {
    const out = await run(args);
    expect(out.code).toBe(ExitCode.usage);
    expect(out.stderr.length).toBeGreaterThan(0);
    expect(out.stdout).toBe('');
  });

  it('has help and a summary in both languages', () => {
    expect(command.name).toBe('cert');
    expect(command.help('sv')).toContain('Användning: kortkoll cert');
    expect(command.help('en')).toContain('Usage: kortkoll cert');
    expect(command.summary.sv).not.toBe(command.summary.en);
  });

  it('treats a file named after -- as a file', async () => {
    memoryFiles.set('--odd.pem', rootPem);
    const out = await run(['--anchors', 'root.pem', '--', '--odd.pem']);
    expect(out.stdout).toContain('--odd.pem');
    expect(out.code).toBe(ExitCode.ok);
  });
});
