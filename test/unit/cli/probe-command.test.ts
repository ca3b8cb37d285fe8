/** `kortkoll probe`: the card report, in-process and through the built CLI. */
import { beforeAll, describe, expect, it } from 'vitest';
import { runKortkoll } from './cli-helpers.js';
import { assertBuilt, runBuiltCli } from './built-cli.js';
import { defaultCardholder } from '../../../native/simulator/cards.js';

describe('kortkoll probe', () => {
  it('is listed in kortkoll --help and has its own help in both languages', async () => {
    expect((await runKortkoll(['--help'])).stdout).toMatch(/\n {2}probe {5}kortrapport/);
    const sv = await runKortkoll(['probe', '--help']);
    expect(sv.code).toBe(0);
    expect(sv.stdout).toContain('Användning: kortkoll probe [--reader N|NAMN] [--json] [--demo KORT]');
    expect(sv.stdout).toContain('unknown-structure');
    const en = await runKortkoll(['--lang', 'en', 'probe', '--help']);
    expect(en.stdout).toContain('Usage: kortkoll probe');
    expect(en.stdout).toContain('69 no service, reader or card');
  });

  it('exits 64 on an unknown option, an unexpected argument or an unknown demo card', async () => {
    expect((await runKortkoll(['probe', '--bogus'])).code).toBe(64);
    expect((await runKortkoll(['probe', 'extra', '--demo', 'unknown-structure'])).code).toBe(64);
    const unknownDemo = await runKortkoll(['probe', '--demo', 'no-such-card']);
    expect(unknownDemo.code).toBe(64);
    expect(unknownDemo.stderr).toContain('unknown-structure');
  });

  it('--demo netid-legacy --json: a report that names PKCS#15 and carries no personal data', async () => {
    const { code, stdout } = await runKortkoll(['probe', '--demo', 'netid-legacy', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.kind).toBe('kortkoll-card-probe-report');
    expect(report.structureGuess).toBe('pkcs15');
    for (const value of [defaultCardholder.surname, defaultCardholder.hsaId, defaultCardholder.personnummer]) expect(stdout).not.toContain(value);
  });
});

describe('kortkoll probe (built CLI)', () => {
  beforeAll(() => assertBuilt());

  it('--demo unknown-structure prints the report in Swedish and exits 0', async () => {
    const run = await runBuiltCli(['probe', '--demo', 'unknown-structure']);
    expect(run.hung).toBe(false);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Kortrapport från Kortkoll');
    expect(run.stdout).toContain('ATR: 3B 7F 96 00 00 80 31 80 65 B0 85 06 00 2A 12 02 F0 82 90 00');
    expect(run.stdout).toContain('Trolig struktur: okänd');
    expect(run.stdout).toContain('00 A4 08 00 02 01 01 00');
    expect(run.stdout).toContain('00 CA 9F 7F 2D');
    expect(run.stdout).toContain('00 CA DF 30 2D');
    expect(run.stdout).toContain('00 A4 04 00 0C A0 00 00 00 63 50 4B 43 53 2D 31 35 00');
  });

  it('--demo unknown-structure --json --lang en prints JSON with the eight probes', async () => {
    const run = await runBuiltCli(['probe', '--demo', 'unknown-structure', '--json', '--lang', 'en']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.probes).toHaveLength(8);
    expect(report.structureGuess).toBe('unknown');
    expect(report.atr.hex).toBe('3B7F96000080318065B08506002A1202F0829000');
  });

  it('--lang en --demo siths-eid-idprime names the IDPrime structure, its applet version and CPLC', async () => {
    const run = await runBuiltCli(['--lang', 'en', 'probe', '--demo', 'siths-eid-idprime']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Likely structure: Thales IDPrime (minidriver)');
    expect(run.stdout).toMatch(/Applet version \(GET DATA DF30\): IDPrime/);
    expect(run.stdout).toMatch(/CPLC \(GET DATA 9F7F\): 47 90/);
  });
});
