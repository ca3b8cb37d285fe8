import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { virtualCardNames, realCertsDirectory, type VirtualCardName } from '../../../native/simulator/cards.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import { renderReportHtml } from '../../../electron/diagnostics/render-html.js';
import { redactReport } from '../../../electron/diagnostics/redact.js';
import { reportExitCode } from '../../../electron/diagnostics/diagnose.js';
import type { DiagnosticReport } from '../../../electron/diagnostics/report-types.js';
import { diagnoseVirtualCard, normaliseReportText } from './diagnosis-helpers.js';

const schema = JSON.parse(readFileSync(new URL('../../../electron/diagnostics/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** What each card must lead to: the verdict a nurse sees and the exit code of `kortkoll diag`. */
const expected: Record<VirtualCardName, { verdict: DiagnosticReport['verdict']['status']; exit: 0 | 1 | 2; failing?: string }> = {
  'netid-legacy': { verdict: 'ready', exit: 0 },
  'siths-eid-2024': { verdict: 'ready', exit: 0 },
  'auth-pin-blocked': { verdict: 'blocked', exit: 2, failing: 'auth-pin' },
  'auth-pin-one-try': { verdict: 'attention', exit: 1, failing: 'auth-pin' },
  // The PUK counter is not asked on SetCOS cards (not known to be harmless): nothing to warn of.
  'puk-blocked': { verdict: 'ready', exit: 0 },
  'auth-cert-expired': { verdict: 'blocked', exit: 2, failing: 'auth-validity' },
  'auth-cert-expiring': { verdict: 'attention', exit: 1, failing: 'auth-validity' },
  'telia-only': { verdict: 'blocked', exit: 2, failing: 'auth-certificate' },
  'bank-card': { verdict: 'blocked', exit: 2, failing: 'siths-application' },
  'corrupt-cdf': { verdict: 'blocked', exit: 2, failing: 'certificates-read' },
  'test-pki': { verdict: 'attention', exit: 1, failing: 'auth-certificate' },
  'real-test-chain': { verdict: 'blocked', exit: 2, failing: 'auth-certificate' },
  'siths-eid-idprime': { verdict: 'ready', exit: 0 },
  'idprime-auth-pin-blocked': { verdict: 'blocked', exit: 2, failing: 'auth-pin' },
  'idprime-auth-pin-one-try': { verdict: 'attention', exit: 1, failing: 'auth-pin' },
  'idprime-uncompressed': { verdict: 'ready', exit: 0 },
  'idprime-empty-cmapfile': { verdict: 'ready', exit: 0 },
  'idprime-strict': { verdict: 'ready', exit: 0 },
  'idprime-t0': { verdict: 'ready', exit: 0 },
  reservkort: { verdict: 'ready', exit: 0 },
  // Kortkoll cannot tell: it says so, and never calls it "not an e-tjänstekort".
  'unknown-structure': { verdict: 'unknown-card', exit: 0 },
};

const cards = virtualCardNames.filter((name) => name !== 'real-test-chain' || existsSync(realCertsDirectory()));

/** Every user-facing string: no message key, no unfilled placeholder. */
function untranslated(report: DiagnosticReport): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (/\{[a-zA-Z]+\}/.test(value) || /^(title|ev|value)\.[a-z-]+$/.test(value) || /^[a-z]+[A-Z][a-zA-Z]+$/.test(value)) found.push(`${path}: ${value}`);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
  };
  const shown = report.checks.map((c) => ({ title: c.title, summary: c.summary, remedy: c.remedy?.text ?? '', labels: c.evidence.map((e) => e.label) }));
  visit({ verdict: report.verdict, checks: shown }, 'report');
  return found;
}

describe.each(cards)('diagnosis of the virtual card %s', (name) => {
  it('gives the expected verdict and exit code, validates against the schema, in both languages', async () => {
    const { report } = await diagnoseVirtualCard(name);
    for (const lang of ['sv', 'en'] as const) {
      const r = report(lang);
      expect(r.verdict.status).toBe(expected[name].verdict);
      expect(reportExitCode(r)).toBe(expected[name].exit);
      if (expected[name].failing) {
        const check = r.checks.find((c) => c.id === expected[name].failing);
        expect(check?.status, `${expected[name].failing} should not pass`).toMatch(/error|warning/);
        expect(check?.remedy?.text.length).toBeGreaterThan(10);
      }
      const valid = validate(JSON.parse(JSON.stringify(r)));
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(valid).toBe(true);
      const redacted = redactReport(r);
      expect(validate(JSON.parse(JSON.stringify(redacted)))).toBe(true);
      expect(untranslated(r)).toEqual([]);
    }
  });

  it('reads as a ticket in Swedish and English (snapshot)', async () => {
    const { report } = await diagnoseVirtualCard(name);
    for (const lang of ['sv', 'en'] as const) {
      const text = normaliseReportText(renderReportText(report(lang)));
      await expect(text).toMatchFileSnapshot(`./__snapshots__/report-${name}.${lang}.txt`);
    }
  });

  it('keeps personal data out of a redacted report', async () => {
    const { report, read } = await diagnoseVirtualCard(name);
    const r = report('sv');
    const red = redactReport(r);
    const text = renderReportText(red) + renderReportHtml(red) + JSON.stringify(red);
    if (r.card?.hsaId) expect(text).not.toContain(r.card.hsaId);
    if (r.card?.cardNumber) expect(text).not.toContain(r.card.cardNumber);
    if (r.card?.holderName) expect(text).not.toContain(r.card.holderName);
    for (const cert of r.certificates) {
      if (cert.subjectKind.startsWith('person')) expect(text).not.toContain(cert.subjectCommonName);
    }
    expect(text).not.toMatch(/\b\d{8}-\d{4}\b/);
    expect(read.kind === 'snapshot' || r.card !== null).toBe(true);
  });
});
