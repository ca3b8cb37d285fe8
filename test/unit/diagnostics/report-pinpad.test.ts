/** The reader list of the report says whether a reader has a PIN pad, when the monitor asked. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { buildDiagnosticReport, type DiagnosisFacts } from '../../../electron/diagnostics/diagnose.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import { renderReportHtml } from '../../../electron/diagnostics/render-html.js';
import { fixedNow } from './diagnosis-helpers.js';

const schema = JSON.parse(readFileSync(new URL('../../../electron/diagnostics/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const facts: DiagnosisFacts = {
  generatedAt: fixedNow,
  app: { version: '0.1.0' },
  os: { name: 'Linux 6.1.0', platform: 'linux', arch: 'x64' },
  online: false,
  demoCard: null,
  service: { available: true },
  readers: [
    { name: 'Pinpad Reader', cardPresent: true, pinpad: true },
    { name: 'Plain Reader', cardPresent: true, pinpad: false },
    { name: 'Busy Reader', cardPresent: true, pinpad: null },
    { name: 'Empty Reader', cardPresent: false },
  ],
  selectedReader: null,
  reading: false,
  read: null,
  analysis: null,
  system: null,
};

describe('report reader list: PIN pad', () => {
  it('carries pinpad only where it was asked, validates, and says it in both languages', () => {
    const sv = buildDiagnosticReport(facts, 'sv');
    expect(sv.readers.map((r) => r.pinpad)).toEqual([true, false, null, undefined]);
    expect('pinpad' in (sv.readers[3] ?? {})).toBe(false);
    expect(validate(JSON.parse(JSON.stringify(sv))), JSON.stringify(validate.errors)).toBe(true);
    const text = renderReportText(sv);
    expect(text).toMatch(/Pinpad Reader.*PIN-knappsats: ja/);
    expect(text).toMatch(/Plain Reader.*PIN-knappsats: nej/);
    expect(text).toMatch(/Busy Reader.*PIN-knappsats: okänt/);
    expect(text).not.toMatch(/Empty Reader.*PIN-knappsats/);
    expect(renderReportHtml(sv)).toContain('PIN-knappsats: ja');
    expect(renderReportText(buildDiagnosticReport(facts, 'en'))).toMatch(/Pinpad Reader.*PIN pad: yes/);
  });
});
