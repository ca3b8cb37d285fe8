/**
 * The hostile-input phase of `npm run bench` (issue 12): `kortkoll cert FILE` and
 * `kortkoll diag --anchors FILE` on inputs that used to hang Kortkoll or fill its memory, each as a
 * whole process: wall time and peak RSS (GNU time), against the targets < 200 ms and < 150 MiB.
 * Needs neither pcscd nor a card: both commands refuse these files before they start anything.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type TargetResult } from './figures.js';
import { timeProcess } from './processes.js';

export const hostileTargets = { wallMs: 200, peakRssMiB: 150 } as const;

export interface HostileRun {
  command: 'cert' | 'diag --anchors';
  input: string;
  exitCode: number | null;
  wallMs: number;
  peakRssKb: number | null;
}

const MiB = 1024 * 1024;

function makeInputs(dir: string): [string, string][] {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const big = join(dir, 'big.pem');
  closeSync(openSync(big, 'w'));
  truncateSync(big, 100 * 1000 * 1000);
  const zeros = join(dir, 'zeros.der');
  writeFileSync(zeros, Buffer.alloc(MiB));
  const letters = join(dir, 'a.pem');
  writeFileSync(letters, Buffer.alloc(MiB, 'A'));
  const begin = join(dir, 'begin.pem');
  const line = '-----BEGIN CERTIFICATE-----\n';
  writeFileSync(begin, line.repeat(Math.floor(MiB / line.length)));
  return [
    ['/dev/zero', '/dev/zero'],
    ['a FIFO', fifo],
    ['a directory', dir],
    ['100 MB sparse file', big],
    ['1 MiB of zeros', zeros],
    ['1 MiB of A', letters],
    ['1 MiB of BEGIN lines', begin],
  ];
}

/** Runs every (command, input) pair `repeat` times: the median wall time (like the rest of the bench) and the largest peak RSS. */
export async function runHostileInputPhase(cliEntry: string, cwd: string, options: { repeat: number; peakRss: boolean }): Promise<HostileRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kortkoll-bench-hostile-'));
  const runs: HostileRun[] = [];
  try {
    for (const [input, path] of makeInputs(dir)) {
      for (const command of ['cert', 'diag --anchors'] as const) {
        const args = command === 'cert' ? [cliEntry, 'cert', path] : [cliEntry, 'diag', '--anchors', path];
        const walls: number[] = [];
        let exitCode: number | null = null;
        let peakRssKb: number | null = null;
        for (let i = 0; i < options.repeat; i++) {
          // 30 s: far beyond the target, but a regression must show as FAIL, not hang the bench.
          const timed = await timeProcess(process.execPath, args, { cwd, timeoutMs: 30_000 });
          walls.push(timed.wallMs);
          exitCode = timed.exitCode;
          // Peak RSS in a separate run: GNU time adds its own start-up to the wall time.
          if (options.peakRss) {
            const rss = (await timeProcess(process.execPath, args, { cwd, timeoutMs: 30_000, peakRss: true })).peakRssKb;
            if (rss !== null) peakRssKb = Math.max(peakRssKb ?? 0, rss);
          }
        }
        runs.push({ command, input, exitCode, wallMs: median(walls), peakRssKb });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return runs;
}

export function judgeHostileTargets(runs: readonly HostileRun[]): TargetResult[] {
  return runs.map((run) => {
    const mib = run.peakRssKb === null ? null : run.peakRssKb / 1024;
    const pass = run.wallMs < hostileTargets.wallMs && (mib === null || mib < hostileTargets.peakRssMiB);
    return {
      name: `${run.command} on ${run.input}: < ${hostileTargets.wallMs} ms and < ${hostileTargets.peakRssMiB} MiB`,
      pass,
      detail: `${Math.round(run.wallMs)} ms, ${mib === null ? 'peak RSS not measured (no GNU time)' : `${mib.toFixed(0)} MiB`}, exit ${run.exitCode}`,
    };
  });
}
