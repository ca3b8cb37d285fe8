/**
 * Timing whole processes: wall time from spawn to exit, time to the first byte on stdout, and the
 * peak resident set size through GNU time (`/usr/bin/time`, Debian package `time`) when it is there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export function gnuTimeAvailable(): boolean {
  return existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
}

export interface TimedProcess {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit. */
  wallMs: number;
  /** Spawn to the first byte on stdout; null when it printed nothing. */
  firstOutputMs: number | null;
  stdout: string;
  stderr: string;
  /** Peak RSS in KiB (GNU time's %M); null without GNU time. */
  peakRssKb: number | null;
}

export interface TimeProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Measure peak RSS by running the command under GNU time. */
  peakRss?: boolean;
  timeoutMs?: number;
}

/** Runs a command to its end and times it. Never rejects for a non-zero exit; rejects when it cannot start or times out. */
export function timeProcess(command: string, args: readonly string[], options: TimeProcessOptions = {}): Promise<TimedProcess> {
  let rssDir: string | undefined;
  let file = command;
  let argv = [...args];
  if (options.peakRss) {
    rssDir = mkdtempSync(join(tmpdir(), 'kortkoll-bench-'));
    // -q: no "Command exited with non-zero status" line mixed into the output file.
    argv = ['-q', '-f', '%M', '-o', join(rssDir, 'rss'), command, ...args];
    file = GNU_TIME;
  }
  return new Promise<TimedProcess>((resolve, reject) => {
    const startedAt = performance.now();
    let firstOutputMs: number | null = null;
    let exitedAt = startedAt;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const child = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstOutputMs === null) firstOutputMs = performance.now() - startedAt;
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      exitedAt = performance.now();
    });
    // 'close' comes after the pipes are drained; the wall time stays the moment of exit.
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      let peakRssKb: number | null = null;
      if (rssDir) {
        try {
          const value = Number.parseInt(readFileSync(join(rssDir, 'rss'), 'utf8').trim().split('\n').pop() ?? '', 10);
          peakRssKb = Number.isFinite(value) ? value : null;
        } catch {
          peakRssKb = null;
        }
        rmSync(rssDir, { recursive: true, force: true });
      }
      resolve({
        exitCode,
        signal,
        wallMs: exitedAt - startedAt,
        firstOutputMs,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        peakRssKb,
      });
    });
  });
}

/** Runs a command and returns its stdout, or undefined when it cannot run. For version strings and the like. */
export function outputOf(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env, timeout: 10_000 });
  if (result.error) return undefined;
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}
