/**
 * For the one end-to-end run through the real pcscd and vpcd: whether they are here (skip loudly on
 * a laptop without them, fail in CI), and the machine-wide lock every helper takes before touching
 * the shared pcscd (`flock /tmp/kortkoll-pcscd.lock`), held by a child `flock` process for as long
 * as the test needs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const pcscdLockFile = '/tmp/kortkoll-pcscd.lock';
const pcscdSocket = process.env.PCSCLITE_CSOCK_NAME || '/run/pcscd/pcscd.comm';

export function pcscdUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `pcscd + vpcd runs are Linux-only (this is ${process.platform})`;
  if (!existsSync(pcscdSocket)) return `pcscd is not running (no socket at ${pcscdSocket}; start it with: bash scripts/start-pcscd.sh)`;
  if (!existsSync('/usr/bin/flock')) return 'flock(1) is missing (util-linux)';
  return null;
}

/** True when the suite must skip; throws in CI, where pcscd must be there. */
export function skipPcscdTests(): boolean {
  const reason = pcscdUnavailableReason();
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n*** SKIPPING pcscd + vpcd tests: ${reason} ***\n`);
  return true;
}

export interface HeldLock {
  release(): Promise<void>;
}

/** Waits (up to `timeoutMs`) for the shared pcscd lock and holds it until `release()`. */
export function holdPcscdLock(timeoutMs = 120_000): Promise<HeldLock> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('flock', ['--timeout', String(Math.ceil(timeoutMs / 1000)), pcscdLockFile, 'sh', '-c', 'echo locked; exec cat'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let settled = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled || !chunk.toString().includes('locked')) return;
      settled = true;
      resolve({
        release: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.stdin?.end();
          }),
      });
    });
    child.once('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`could not take ${pcscdLockFile} (flock exited with ${code})`));
      }
    });
    child.once('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}
