import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeControlCharacters } from '../../../electron/diagnostics/terminal-text.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import { toPem } from '../../../electron/pki/parse.js';
import { buildCustomPkcs15Card } from '../../../native/simulator/custom-card.js';
import { mintNamedCa, mintPersonAuthCertificate, type Minted } from '../../fixtures/pki/mint.js';
import { diagnoseCardSpec } from '../diagnostics/diagnosis-helpers.js';
import { runKortkoll } from './cli-helpers.js';

/** An OSC sequence that retitles the terminal, as a certificate's CN. */
const hostileCn = 'Anna \x1b]0;x\x07Andersson';
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('escapeControlCharacters', () => {
  it('escapes C0 (newline only in blocks), DEL and C1 visibly, and leaves other text alone', () => {
    expect(escapeControlCharacters('\x1b]0;x\x07')).toBe('\\u001b]0;x\\u0007');
    expect(escapeControlCharacters('a\nb\r\tc')).toBe('a\\u000ab\\u000d\\u0009c');
    expect(escapeControlCharacters('a\nb\rc', { multiline: true })).toBe('a\nb\\u000dc');
    expect(escapeControlCharacters('\x7f\u009b31m')).toBe('\\u007f\\u009b31m');
    expect(escapeControlCharacters('Åsa Lindström – ✓ “SITHS”')).toBe('Åsa Lindström – ✓ “SITHS”');
  });

  it('keeps JSON valid and its values unchanged (JSON.stringify leaves DEL and C1 raw; the escape is JSON’s own)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const document = JSON.stringify({ value, text }, null, 2);
        const escaped = escapeControlCharacters(document, { multiline: true });
        expect(escaped).not.toMatch(rawControl);
        expect(JSON.parse(escaped)).toEqual(JSON.parse(document));
      }),
    );
  });
});

describe('control characters from a certificate never reach the terminal', () => {
  let ca: Minted;
  let leaf: Minted;
  let dir: string;
  beforeAll(async () => {
    ca = await mintNamedCa('SITHS e-id Person HSA-id 3 CA v1');
    leaf = await mintPersonAuthCertificate(ca, {
      subject: [
        ['C', 'SE'],
        ['O', 'Region Test'],
        ['givenName', 'Anna'],
        ['surname', 'Andersson'],
        ['CN', hostileCn],
        ['serialNumber', 'SE2321000016-1234'],
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'kortkoll-escape-'));
    writeFileSync(join(dir, 'leaf.pem'), toPem(leaf.der));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('kortkoll cert (text) prints the CN escaped', async () => {
    const { stdout, stderr } = await runKortkoll(['--lang', 'en', 'cert', join(dir, 'leaf.pem')]);
    expect(stdout).toContain('Anna \\u001b]0;x\\u0007Andersson');
    expect(stdout + stderr).not.toMatch(rawControl);
  });

  it('kortkoll cert --json stays valid JSON with the CN as it is', async () => {
    const { stdout } = await runKortkoll(['cert', join(dir, 'leaf.pem'), '--json']);
    expect(stdout).not.toMatch(rawControl);
    expect(JSON.parse(stdout).certificates[0].certificate.subject.commonName).toBe(hostileCn);
  });

  it('error messages quoting untrusted input (a file name) are escaped too', async () => {
    const { stderr } = await runKortkoll(['cert', join(dir, 'no-such-\x1b[2J-file.pem')]);
    expect(stderr).toContain('no-such-\\u001b[2J-file.pem');
    expect(stderr).not.toMatch(rawControl);
  });

  it('the text report (diag, the app’s saved text) prints the CN escaped, in both languages', async () => {
    const spec = buildCustomPkcs15Card({
      certificates: [
        { der: leaf.der, label: `${hostileCn}, Region Test` },
        { der: ca.der, label: 'SITHS e-id Person HSA-id 3 CA v1', authority: true },
      ],
    });
    const { report } = await diagnoseCardSpec(spec, { now: new Date() });
    for (const lang of ['sv', 'en'] as const) {
      const r = report(lang);
      expect(r.card?.holderName).toBe(hostileCn);
      const text = renderReportText(r);
      expect(text).toContain('Anna \\u001b]0;x\\u0007Andersson');
      expect(text).not.toMatch(rawControl);
    }
  });
});
