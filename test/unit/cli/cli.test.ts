import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { runKortkoll } from './cli-helpers.js';
import { parseCertificate } from '../../../electron/pki/parse.js';

describe('kortkoll (CLI)', () => {
  it('lists its commands in Swedish by default and in English with --lang en', async () => {
    const sv = await runKortkoll(['--help']);
    expect(sv.code).toBe(0);
    expect(sv.stdout).toContain('Användning: kortkoll <kommando>');
    for (const command of ['readers', 'read', 'watch', 'diag', 'guide', 'cert', 'system']) expect(sv.stdout).toMatch(new RegExp(`\\n  ${command} `));
    const en = await runKortkoll(['--lang', 'en', '--help']);
    expect(en.stdout).toContain('Usage: kortkoll <command>');
    expect(en.stdout).toContain('Exit codes: 0 all good, 1 warnings, 2 errors');
  });

  it('rejects unknown commands, options and languages with exit code 64', async () => {
    expect((await runKortkoll(['frobnicate'])).code).toBe(64);
    expect((await runKortkoll(['read', '--bogus'])).code).toBe(64);
    expect((await runKortkoll(['--lang', 'de', 'read'])).code).toBe(64);
    const unknownDemo = await runKortkoll(['read', '--demo', 'no-such-card']);
    expect(unknownDemo.code).toBe(64);
    expect(unknownDemo.stderr).toContain('netid-legacy');
  });

  it('read --demo netid-legacy --json prints all five certificates, three PINs and the two counters it may ask', async () => {
    const { code, stdout } = await runKortkoll(['read', '--demo', 'netid-legacy', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.kind).toBe('snapshot');
    expect(result.certificates).toHaveLength(5);
    for (const cert of result.certificates) expect(() => parseCertificate(Buffer.from(cert.derBase64, 'base64'))).not.toThrow();
    expect(result.pins.map((p: { role: string }) => p.role).sort()).toEqual(['authentication', 'puk', 'signature']);
    for (const pin of result.pins) expect(typeof pin.triesLeft).toBe(pin.role === 'puk' ? 'string' : 'number');
    expect(result.pins.find((p: { role: string }) => p.role === 'puk').counter.unknownReason).toBe('probe-not-known-safe');
    expect(result.structure).toBe('pkcs15');
  });

  it('read --demo goes through the demo reader like a real one: it is named, and --reader picks it or says it is not there', async () => {
    const byName = await runKortkoll(['read', '--demo', 'siths-eid-2024', '--reader', 'Kortkoll Virtual Reader 00 00']);
    expect(byName.code).toBe(0);
    expect(byName.stderr).toContain('Kortkoll Virtual Reader 00 00');
    expect((await runKortkoll(['read', '--demo', 'siths-eid-2024', '--reader', '0', '--json'])).code).toBe(0);
    const missing = await runKortkoll(['read', '--demo', 'siths-eid-2024', '--reader', '3']);
    expect(missing.code).toBe(69);
    expect(missing.stdout).toBe('');
  });

  it('read --demo prints a readable summary in Swedish and English', async () => {
    const sv = await runKortkoll(['read', '--demo', 'auth-pin-blocked']);
    expect(sv.code).toBe(0);
    expect(sv.stdout).toContain('Certifikat (5):');
    expect(sv.stdout).toContain('SPÄRRAD');
    const en = await runKortkoll(['--lang=en', 'read', '--demo', 'siths-eid-2024']);
    expect(en.stdout).toContain('Certificates (1):');
    expect(en.stdout).toMatch(/3 of 3 tries left/);
  });

  it('diag exits 0 when all is well, 1 with warnings, 2 with errors', async () => {
    // Demo mode without system probes would be unrealistic; middleware findings depend on the
    // machine, so compare with the report's own checks rather than assuming this machine's state.
    for (const [card, atLeast] of [
      ['siths-eid-2024', 0],
      ['auth-pin-one-try', 1],
      ['auth-cert-expired', 2],
    ] as const) {
      const { code, stdout } = await runKortkoll(['diag', '--demo', card, '--json']);
      const report = JSON.parse(stdout);
      const statuses = report.checks.map((c: { status: string }) => c.status);
      const expected = statuses.includes('error') ? 2 : statuses.includes('warning') ? 1 : 0;
      expect(code).toBe(expected);
      expect(code).toBeGreaterThanOrEqual(atLeast);
    }
  });

  it('diag --json validates against the schema, and --redact masks the HSA-id', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../../electron/diagnostics/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true }).compile(schema);
    const plain = JSON.parse((await runKortkoll(['diag', '--demo', 'netid-legacy', '--json'])).stdout);
    expect(validate(plain), JSON.stringify(validate.errors)).toBe(true);
    expect(plain.card.hsaId).toMatch(/^SE\d{10}-/);
    const redacted = await runKortkoll(['diag', '--demo', 'netid-legacy', '--json', '--redact']);
    expect(redacted.stdout).not.toContain(plain.card.hsaId);
    expect(validate(JSON.parse(redacted.stdout))).toBe(true);
  });

  it('guide --once shows the four steps with the certificate to choose', async () => {
    const { code, stdout } = await runKortkoll(['guide', '--demo', 'netid-legacy', '--once']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1\. \[klart\] Sätt i kortet/);
    expect(stdout).toContain('Välj certifikatet från SITHS');
    expect(stdout).toContain('Välj inte certifikatet från Telia');
    expect(stdout).toMatch(/4\. \[.*\] Skriv din PIN-kod för legitimering/);
  });
});
