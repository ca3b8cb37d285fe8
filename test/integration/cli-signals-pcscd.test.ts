/**
 * Signals against commands that wait on a real reader (pcscd + vpcd): `diag` in the middle of
 * reading a slow virtual card (3 s per APDU) and `watch`. Each must exit at once with 143 on
 * SIGTERM or 130 on SIGINT. Run under `flock /tmp/kortkoll-rig.lock` (pcscd is shared).
 * Hang guard only (10 s), never a timing assertion.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { describeWithPcscd } from './helpers/pcscd.js';
import { finished, ROOT, startBuiltCli } from '../unit/cli/built-cli.js';

let sim: ChildProcess | undefined;

afterEach(async () => {
  if (sim && sim.exitCode === null) {
    const gone = new Promise((resolve) => sim?.once('exit', resolve));
    sim.kill('SIGTERM');
    await gone;
  }
  sim = undefined;
});

function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}; got: ${seen.slice(-500)}`)), 20_000);
    child[stream]?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describeWithPcscd('signals end commands that wait on the reader', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('diag reading a slow card: %s → exit %i', async (signal, code) => {
    sim = spawn(process.execPath, ['--import', 'tsx', 'native/simulator/sim-cli.ts', 'siths-eid-2024', '--latency-ms', '3000', '--trace'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    await waitForOutput(sim, 'stdout', /Card inserted/, 'the virtual card');
    const diag = startBuiltCli(['diag']);
    const done = finished(diag, 10_000);
    // An APDU reached the card: diag is now reading it, and each answer takes 3 s.
    await waitForOutput(sim, 'stdout', /ms {2}> /, 'the first APDU');
    diag.kill(signal);
    const run = await done;
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(code);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('watch: %s → exit %i on the first signal', async (signal, code) => {
    const watch = startBuiltCli(['watch']);
    const done = finished(watch, 10_000);
    await waitForOutput(watch, 'stderr', /Visar händelser/, 'watch to start');
    watch.kill(signal);
    const run = await done;
    expect(run.hung, 'hung').toBe(false);
    expect(run.code).toBe(code);
  });
});
