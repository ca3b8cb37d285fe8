/**
 * Acceptance (issue 6), Linux: the real probes on this machine. `kortkoll system --json` reports
 * pcscd running, the vpcd virtual readers (listed through our PC/SC layer) and OpenSC; pointed at
 * a socket path where no pcscd listens, it reports pcscd stopped. The shared pcscd itself is never
 * stopped here. Needs pcscd with vsmartcard-vpcd; skips loudly without, fails under CI=true.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createSystemCommand } from '../../electron/cli/system-command.js';
import {
  collectSystemFacts,
  FactKeys,
  findFact,
  middlewareKey,
  middlewareModuleKey,
  middlewareVersionKey,
  UNKNOWN,
  type SystemFacts,
} from '../../native/system/index.js';
import { describeWithPcscd, pcscdPids, VPCD_READERS } from './helpers/pcscd.js';

async function kortkollSystem(args: string[], collectOptions = {}): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await createSystemCommand({ collectOptions }).run(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: () => {},
    lang: 'en',
    env: process.env,
    interrupted: new Promise(() => {}),
  });
  return { code, stdout };
}

describeWithPcscd('Linux system probes on this machine', () => {
  it('collectSystemFacts sees pcscd by its socket and process, and says whether systemd runs', async () => {
    const facts = await collectSystemFacts();
    expect(findFact(facts.facts, FactKeys.pcscSocket)?.value).toBe('present');
    expect(findFact(facts.facts, FactKeys.pcscProcess)).toMatchObject({ value: 'running', note: `pid ${pcscdPids().join(', ')}` });
    expect(facts.summary.pcscService).toBe('running');
    const systemd = findFact(facts.facts, FactKeys.systemd)?.value;
    expect(systemd).toBe(existsSync('/run/systemd/system') ? 'present' : 'not-present');
    if (systemd === 'not-present') expect(findFact(facts.facts, FactKeys.pcscSystemdService)).toBeUndefined();
    else expect(findFact(facts.facts, FactKeys.pcscSystemdService)?.value).not.toBe(UNKNOWN);
    expect(facts.probes.map((p) => [p.probeId, p.status])).toEqual([
      ['linux.pcscd', 'ok'],
      ['linux.middleware', 'ok'],
      ['linux.opensc', 'ok'],
      ['linux.p11-kit', 'ok'],
      ['readers', 'ok'],
      ['session', 'ok'],
    ]);
  });

  it('kortkoll system --json reports pcscd running, the virtual readers and OpenSC', async () => {
    const { code, stdout } = await kortkollSystem(['--json']);
    const facts = JSON.parse(stdout) as SystemFacts;
    expect(facts.summary.pcscService).toBe('running');
    // Listed by the PC/SC layer, not by a fallback.
    expect(findFact(facts.facts, FactKeys.readers)?.source).toBe('pcsc');
    expect(facts.summary.readers).toEqual(expect.arrayContaining(VPCD_READERS.map((r) => r.name)));
    expect(facts.summary.virtualReaders).toEqual(expect.arrayContaining(VPCD_READERS.map((r) => ({ name: r.name, kind: 'vsmartcard-vpcd' }))));
    expect(findFact(facts.facts, middlewareKey('opensc'))?.value).toBe('installed');
    expect(findFact(facts.facts, middlewareVersionKey('opensc'))?.value).toMatch(/^\d+\.\d+/);
    const module = findFact(facts.facts, middlewareModuleKey('opensc'))?.value;
    expect(typeof module === 'string' && existsSync(module)).toBe(true);
    expect(facts.summary.pkcs11Modules).toContain(module);
    expect(facts.summary.middleware.map((m) => m.product)).toContain('opensc');
    // Nothing here is an error; notes and unknowns at most.
    expect(code).not.toBe(2);
  });

  it('reports pcscd stopped when its socket is not where PC/SC clients look', async () => {
    const { code, stdout } = await kortkollSystem(['--json'], { pcscSocketPath: '/run/kortkoll-test-no-pcscd/pcscd.comm' });
    const facts = JSON.parse(stdout) as SystemFacts;
    expect(facts.summary.pcscService).toBe('stopped');
    expect(findFact(facts.facts, FactKeys.pcscServiceState)).toMatchObject({ value: 'stopped', assessment: 'error' });
    expect(code).toBe(2);
    const text = await kortkollSystem([], { pcscSocketPath: '/run/kortkoll-test-no-pcscd/pcscd.comm' });
    expect(text.stdout).toContain('  PC/SC service: stopped');
  });
});
