/**
 * Shared helpers for tests that need the real pcscd with the vpcd virtual readers.
 *
 * - `pcscdAvailable()` tells whether pcscd (with vpcd) can be used, starting it when it is not
 *   running and we are root (CI, containers: no systemd).
 * - `describeWithPcscd()` runs a suite only then; otherwise it skips with a loud reason, except
 *   when `CI=true`, where a missing pcscd is a failure, not a skip.
 * - `stopPcscd()` / `startPcscd()` let a test kill pcscd and bring it back.
 *
 * pcscd is shared by everyone on the machine: run these tests under
 * `flock /tmp/kortkoll-pcscd.lock ...`. A pcscd started here never inherits that lock (or any
 * other descriptor): it outlives the test, and a lock it inherited would never be released.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'vitest';

export const PCSCD_SOCKET = process.env.PCSCLITE_CSOCK_NAME || '/run/pcscd/pcscd.comm';
export const PCSCD_LOG = '/tmp/kortkoll-pcscd.log';

export interface VpcdReader {
  name: string;
  port: number;
}
/** The two readers of Debian's vsmartcard-vpcd configuration. */
export const VPCD_READERS: readonly VpcdReader[] = [
  { name: 'Virtual PCD 00 00', port: 35963 },
  { name: 'Virtual PCD 00 01', port: 35964 },
];

export interface PcscdAvailability {
  available: boolean;
  /** Why not, when not available. */
  reason: string;
}

/** Closes every inherited descriptor above stderr, then starts pcscd in the background, detached. */
const START_PCSCD = `
for fd in /proc/$$/fd/*; do n=\${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null; fi; done
mkdir -p "$(dirname "$PCSCD_SOCKET")"
setsid nohup pcscd -f </dev/null >>"$PCSCD_LOG" 2>&1 &
`;

export function pcscdPids(): number[] {
  const found = spawnSync('pgrep', ['-x', 'pcscd'], { encoding: 'utf8' });
  if (found.status !== 0) return [];
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name} || test -x /usr/sbin/${name}`], { stdio: 'ignore' }).status === 0;
}

/** True when something listens on the TCP port (read from /proc, so no connection is made: a connection to vpcd would insert a card). */
export function tcpPortListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${hexPort}`) && state === '0A') return true;
    }
  }
  return false;
}

function vpcdConfigured(): boolean {
  const dir = '/etc/reader.conf.d';
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((file) => /vpcd/i.test(readFileSync(`${dir}/${file}`, 'utf8')));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readyNow(): boolean {
  return existsSync(PCSCD_SOCKET) && pcscdPids().length > 0 && VPCD_READERS.every((r) => tcpPortListening(r.port));
}

let cached: PcscdAvailability | undefined;

/** Whether pcscd with the vpcd readers can be used; starts pcscd when it is not running and we are root. */
export function pcscdAvailable(): PcscdAvailability {
  if (cached) return cached;
  cached = probe();
  return cached;
}

function probe(): PcscdAvailability {
  if (process.platform !== 'linux') return { available: false, reason: `pcscd tests run on Linux only (this is ${process.platform})` };
  if (!commandExists('pcscd')) return { available: false, reason: 'pcscd is not installed (Debian: apt-get install pcscd)' };
  if (!vpcdConfigured()) return { available: false, reason: 'the vpcd reader driver is not configured (Debian: apt-get install vsmartcard-vpcd)' };
  if (readyNow()) return { available: true, reason: '' };
  if (pcscdPids().length === 0) {
    if (process.getuid?.() !== 0) {
      return { available: false, reason: 'pcscd is not running and we are not root to start it (sudo systemctl start pcscd)' };
    }
    spawnSync('bash', ['-c', START_PCSCD], { stdio: 'ignore', env: { ...process.env, PCSCD_SOCKET, PCSCD_LOG } });
  }
  for (let waited = 0; waited < 5000 && !readyNow(); waited += 100) sleepSync(100);
  if (readyNow()) return { available: true, reason: '' };
  const missing = VPCD_READERS.filter((r) => !tcpPortListening(r.port)).map((r) => `${r.name} (TCP ${r.port})`);
  return {
    available: false,
    reason: existsSync(PCSCD_SOCKET)
      ? `pcscd runs but vpcd does not listen for ${missing.join(', ')}`
      : `pcscd did not come up (no ${PCSCD_SOCKET}); see ${PCSCD_LOG}`,
  };
}

/**
 * `describe` for suites that need pcscd + vpcd. Without them the suite is skipped with a loud
 * reason; under CI (`CI=true`) it fails instead, so a broken CI machine cannot pass by skipping.
 */
export function describeWithPcscd(name: string, fn: () => void): void {
  const availability = pcscdAvailable();
  if (availability.available) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs pcscd with the vpcd readers', () => {
        throw new Error(`pcscd is required under CI=true but is not available: ${availability.reason}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${availability.reason} ***\n`);
  describe.skip(name, fn);
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Stops pcscd (SIGTERM: clean exit, SIGKILL: leaves a stale socket) and waits until it is gone. */
export async function stopPcscd(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  for (const pid of pcscdPids()) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
  await waitUntil(() => pcscdPids().length === 0, 10_000, 'pcscd to exit');
  cached = undefined;
}

/**
 * Starts pcscd when it is not running and waits until its socket and the vpcd ports are up.
 * Returns the time (performance.now()) at which pcscd was launched.
 */
export async function startPcscd(): Promise<number> {
  const launchedAt = performance.now();
  if (pcscdPids().length === 0) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', ['-c', START_PCSCD], { stdio: 'ignore', env: { ...process.env, PCSCD_SOCKET, PCSCD_LOG } });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
  }
  await waitUntil(readyNow, 10_000, 'pcscd and the vpcd ports');
  cached = undefined;
  return launchedAt;
}

/** Makes sure pcscd runs (for afterAll hooks of tests that stop it). Never throws. */
export async function ensurePcscdRunning(): Promise<void> {
  try {
    await startPcscd();
  } catch (error) {
    console.error(`could not restart pcscd: ${(error as Error).message}`);
  }
}
