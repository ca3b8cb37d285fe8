/**
 * Loads a PKCS#11 module in a child process and returns what it shows. The child (worker.ts) is
 * killed when it takes too long; a crash in the module ends the child, never this process.
 *
 * Running the worker: from the build (dist/…/worker.js) it is plain JavaScript; from the sources
 * (tests, `tsx`) only worker.ts exists and the child is started with tsx's loader. In Electron,
 * ELECTRON_RUN_AS_NODE makes the app binary act as Node for the child.
 */
import { fork } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Pkcs11ModuleView, Pkcs11Stage, WorkerMessage, WorkerRequest } from './types.js';

export const DEFAULT_PKCS11_TIMEOUT_MS = 10_000;
/** After the result, the child may still be in C_Finalize; it gets this long before it is killed. */
const FINALIZE_GRACE_MS = 2_000;
const STDERR_TAIL_BYTES = 2_048;

export interface InspectPkcs11Options {
  /** Kill the worker after this long (default 10 s). */
  timeoutMs?: number;
  /** Read certificate values (CKA_VALUE). Default true. */
  readCertificates?: boolean;
  /** Extra environment for the worker (e.g. OPENSC_CONF for tests). */
  env?: Record<string, string>;
}

interface WorkerLaunch {
  script: string;
  execArgv: string[];
}

/** The worker script next to this module, as JS (build) or TS (sources, run through tsx). */
export function resolveWorkerLaunch(): WorkerLaunch {
  const js = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(js)) return { script: js, execArgv: [] };
  const ts = fileURLToPath(new URL('./worker.ts', import.meta.url));
  if (existsSync(ts)) {
    const tsxLoader = createRequire(import.meta.url).resolve('tsx');
    return { script: ts, execArgv: ['--import', pathToFileURL(tsxLoader).href] };
  }
  throw new Error(`PKCS#11 worker script not found next to ${fileURLToPath(import.meta.url)}`);
}

export async function inspectPkcs11Module(modulePath: string, options: InspectPkcs11Options = {}): Promise<Pkcs11ModuleView> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PKCS11_TIMEOUT_MS;

  let isFile = false;
  try {
    isFile = statSync(modulePath).isFile();
  } catch {
    // missing: reported below
  }
  if (!isFile) return { modulePath, status: 'load-failed', message: `no such file: ${modulePath}`, durationMs: elapsed() };

  let launch: WorkerLaunch;
  try {
    launch = resolveWorkerLaunch();
  } catch (e) {
    return { modulePath, status: 'error', stage: 'start', message: e instanceof Error ? e.message : String(e), durationMs: elapsed() };
  }

  return new Promise<Pkcs11ModuleView>((resolve) => {
    let stage: Pkcs11Stage = 'start';
    let settled = false;
    let stderrTail = '';
    let killTimer: NodeJS.Timeout | undefined;
    const child = fork(launch.script, [], {
      execArgv: launch.execArgv,
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const settle = (view: Pkcs11ModuleView): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(view);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ modulePath, status: 'hung', stage, timeoutMs, durationMs: elapsed() });
    }, timeoutMs);

    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'stage') {
        stage = message.stage;
      } else if (message.type === 'result') {
        settle({ ...message.view, durationMs: elapsed() });
        killTimer = setTimeout(() => child.kill('SIGKILL'), FINALIZE_GRACE_MS);
      }
    });
    child.on('error', (error) => {
      settle({ modulePath, status: 'error', stage, message: `the worker process could not run: ${error.message}`, durationMs: elapsed() });
    });
    // 'close', not 'exit': by then every IPC message from the child has been delivered.
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      settle({ modulePath, status: 'crashed', stage, signal, exitCode: code, stderrTail: stderrTail.trim(), durationMs: elapsed() });
    });
    const request: WorkerRequest = { type: 'inspect', modulePath, readCertificates: options.readCertificates ?? true };
    child.send(request);
  });
}
