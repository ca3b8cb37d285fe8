import { runCli } from '../../../electron/cli.js';

/** Runs the CLI in-process, as a terminal would, and collects what it prints. */
export async function runKortkoll(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    interrupted: new Promise<void>(() => undefined),
  });
  return { code, stdout, stderr };
}
