/**
 * The PKCS#11 worker in the desktop app, as an Electron utilityProcess. The packaged app's
 * `runAsNode: false` fuse turns ELECTRON_RUN_AS_NODE off, so the CLI's way (child_process.fork of
 * the app binary acting as Node) does not work there; a utility process is Electron's own Node
 * child. Same protocol as the CLI's child (native/system/pkcs11/inspect.ts): the worker says which
 * PKCS#11 call comes next, sends one result, and is killed when it takes too long or has sent it.
 */
import { utilityProcess } from 'electron';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pkcs11ModuleView, Pkcs11Stage, WorkerMessage, WorkerRequest } from '../native/system/pkcs11/types.js';
import { DEFAULT_PKCS11_TIMEOUT_MS, type InspectPkcs11Options } from '../native/system/pkcs11/inspect.js';

const FINALIZE_GRACE_MS = 2_000;
const STDERR_TAIL_BYTES = 2_048;

/** Built next to main.js: dist/electron/main.js → dist/native/system/pkcs11/worker.js. */
export function utilityWorkerPath(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'native', 'system', 'pkcs11', 'worker.js');
}

type Fork = typeof utilityProcess.fork;

/** The environment a utility worker gets: the app's, without ELECTRON_RUN_AS_NODE (the fuse ignores it anyway). */
export function utilityWorkerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...extra })) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  return env;
}

export function createUtilityPkcs11Inspector(fork: Fork = utilityProcess.fork.bind(utilityProcess), script: string = utilityWorkerPath()) {
  return function inspectInUtilityProcess(modulePath: string, options: InspectPkcs11Options = {}): Promise<Pkcs11ModuleView> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const timeoutMs = options.timeoutMs ?? DEFAULT_PKCS11_TIMEOUT_MS;
    let isFile = false;
    try {
      isFile = statSync(modulePath).isFile();
    } catch {
      // reported below
    }
    if (!isFile) return Promise.resolve({ modulePath, status: 'load-failed', message: `no such file: ${modulePath}`, durationMs: elapsed() });
    return new Promise<Pkcs11ModuleView>((resolve) => {
      let stage: Pkcs11Stage = 'start';
      let settled = false;
      let stderrTail = '';
      let killTimer: NodeJS.Timeout | undefined;
      let child: ReturnType<Fork>;
      try {
        child = fork(script, [], { serviceName: 'Kortkoll PKCS#11', stdio: ['ignore', 'ignore', 'pipe'], env: utilityWorkerEnv(options.env) });
      } catch (e) {
        resolve({
          modulePath,
          status: 'error',
          stage,
          message: `the utility process could not start: ${e instanceof Error ? e.message : String(e)}`,
          durationMs: elapsed(),
        });
        return;
      }
      const settle = (view: Pkcs11ModuleView): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(view);
      };
      const timer = setTimeout(() => {
        child.kill();
        settle({ modulePath, status: 'hung', stage, timeoutMs, durationMs: elapsed() });
      }, timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'stage') stage = message.stage;
        else if (message.type === 'result') {
          settle({ ...message.view, durationMs: elapsed() });
          killTimer = setTimeout(() => child.kill(), FINALIZE_GRACE_MS);
        }
      });
      child.on('exit', (code: number) => {
        clearTimeout(killTimer);
        settle({ modulePath, status: 'crashed', stage, signal: null, exitCode: code, stderrTail: stderrTail.trim(), durationMs: elapsed() });
      });
      const request: WorkerRequest = { type: 'inspect', modulePath, readCertificates: options.readCertificates ?? true };
      child.postMessage(request);
    });
  };
}
