/**
 * Runs programs for the probes: no shell, a timeout that kills the child, bounded output, and
 * every failure returned as data (a probe never has to catch).
 */
import { spawn } from 'node:child_process';
import type { CommandOptions, CommandResult, CommandRunner } from './types.js';

/** Outputs beyond this are cut; no probe needs more (a full Uninstall registry dump is ~1 MB). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export function formatCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map((part) => (/[\s"]/.test(part) || part === '' ? `"${part.replace(/"/g, '\\"')}"` : part)).join(' ');
}

export function createCommandRunner(defaults: { timeoutMs: number } = { timeoutMs: 5_000 }): CommandRunner {
  return {
    run(program: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
      const commandLine = formatCommandLine(program, args);
      const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
      return new Promise<CommandResult>((resolve) => {
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let stdoutBytes = 0;
        let stderrBytes = 0;
        let timedOut = false;
        let settled = false;
        const finish = (result: Omit<CommandResult, 'commandLine' | 'stdout' | 'stderr' | 'timedOut'>): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            commandLine,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            timedOut,
            ...result,
          });
        };
        let child: ReturnType<typeof spawn>;
        try {
          child = spawn(program, [...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            windowsHide: true,
            env: options.env ? { ...process.env, ...options.env } : process.env,
          });
        } catch (e) {
          const error = e as NodeJS.ErrnoException;
          resolve({
            commandLine,
            exitCode: null,
            signal: null,
            stdout: '',
            stderr: '',
            timedOut: false,
            notFound: error.code === 'ENOENT',
            error: error.message,
          });
          return;
        }
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.stdout?.on('data', (chunk: Buffer) => {
          if (stdoutBytes < MAX_OUTPUT_BYTES) stdout.push(chunk);
          stdoutBytes += chunk.length;
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          if (stderrBytes < MAX_OUTPUT_BYTES) stderr.push(chunk);
          stderrBytes += chunk.length;
        });
        child.on('error', (error: NodeJS.ErrnoException) => {
          finish({ exitCode: null, signal: null, notFound: error.code === 'ENOENT', error: error.message });
        });
        child.on('close', (code, signal) => {
          finish({ exitCode: code, signal, notFound: false });
        });
      });
    },
  };
}

/**
 * A runner that answers from recorded outputs, keyed by the command line (`formatCommandLine`).
 * Commands not in the script answer "not found", like a program missing from the machine.
 * Used by the unit tests of the probes, and by anyone testing code that consumes system facts.
 */
export interface ScriptedCommandAnswer {
  stdout?: string;
  stderr?: string;
  exitCode?: number | null;
  signal?: string | null;
  timedOut?: boolean;
  notFound?: boolean;
}

export type CommandScript =
  Readonly<Record<string, ScriptedCommandAnswer>> | ((program: string, args: readonly string[], commandLine: string) => ScriptedCommandAnswer | undefined);

export function createScriptedCommandRunner(script: CommandScript): CommandRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async run(program, args) {
      const commandLine = formatCommandLine(program, args);
      calls.push(commandLine);
      const answer = typeof script === 'function' ? script(program, args, commandLine) : script[commandLine];
      if (!answer) {
        return { commandLine, exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, notFound: true, error: `spawn ${program} ENOENT` };
      }
      return {
        commandLine,
        exitCode: answer.exitCode === undefined ? (answer.timedOut ? null : 0) : answer.exitCode,
        signal: answer.signal ?? (answer.timedOut ? 'SIGKILL' : null),
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
        timedOut: answer.timedOut ?? false,
        notFound: answer.notFound ?? false,
      };
    },
  };
}
