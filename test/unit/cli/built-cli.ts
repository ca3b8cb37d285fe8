/**
 * Runs the built CLI (`node bin/kortkoll.js`, after `npm run build`) as a separate process, with a
 * hang guard: a process still running after `guardMs` is killed and reported as hung. The guard
 * is generous on purpose: it catches hangs, it never measures speed (that is the bench's job).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_ENTRY = `${ROOT}bin/kortkoll.js`;
const CLI_BUILT = `${ROOT}dist/cli/cli.js`;

export interface BuiltCliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

export function assertBuilt(): void {
  if (!existsSync(CLI_BUILT)) throw new Error(`${CLI_BUILT} is missing: run npm run build first (npm test does)`);
}

export function startBuiltCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}): ChildProcess {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, KORTKOLL_LANG: '', ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  // Standard input piped (for `pin --pin-stdin`): written at once, then closed.
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  return child;
}

/** Waits for the process to end; kills it (SIGKILL) and marks it hung after `guardMs`. */
export function finished(child: ChildProcess, guardMs = 10_000): Promise<BuiltCliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, guardMs);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, hung });
    });
  });
}

export function runBuiltCli(args: string[], options: { env?: NodeJS.ProcessEnv; guardMs?: number; cwd?: string; stdin?: string } = {}): Promise<BuiltCliRun> {
  return finished(startBuiltCli(args, options), options.guardMs);
}
