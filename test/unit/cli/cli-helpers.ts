import { Readable } from 'node:stream';
import { runCli } from '../../../electron/cli.js';
import type { CliStdin } from '../../../electron/cli/command.js';

export interface RunKortkollOptions {
  /** What standard input holds (for `pin --pin-stdin`), or a stream of its own (a fake terminal). */
  stdin?: string | CliStdin;
}

/** Runs the CLI in-process, as a terminal would, and collects what it prints. */
export async function runKortkoll(args: string[], env: Record<string, string | undefined> = {}, options: RunKortkollOptions = {}) {
  let stdout = '';
  let stderr = '';
  const { stdin } = options;
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    interrupted: new Promise<void>(() => undefined),
    ...(stdin !== undefined && { stdin: () => (typeof stdin === 'string' ? Readable.from([Buffer.from(stdin, 'utf8')]) : stdin) }),
  });
  return { code, stdout, stderr };
}
