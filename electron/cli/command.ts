import type { Readable } from 'node:stream';
import type { Lang } from '../i18n/index.js';

/** What a CLI command gets from the dispatcher (electron/cli.ts), so commands are testable in-process. */
export interface CliIo {
  /** Writes text as is (add your own newline). */
  stdout(text: string): void;
  stderr(text: string): void;
  readonly lang: Lang;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user interrupts (Ctrl-C); long-running commands (watch, guide) stop then. */
  readonly interrupted: Promise<void>;
  /**
   * Standard input, for the commands that read from it (`pin`: the PIN typed without echo, or one
   * per line with `--pin-stdin`). A function, so that stdin is opened only by those commands;
   * absent means no input (end of file at once).
   */
  readonly stdin?: () => CliStdin;
}

/** What `pin` needs of standard input: bytes, and raw mode when it is a terminal. */
export type CliStdin = Readable & { readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown };

/**
 * One `kortkoll <name>` command. `args` are the arguments after the command name, with the global
 * `--lang` already removed. Resolves with the process exit code.
 */
export interface CliCommand {
  readonly name: string;
  /** One line for `kortkoll --help`, per language. */
  readonly summary: Readonly<Record<Lang, string>>;
  /** Full `kortkoll <name> --help` text, per language. */
  help(lang: Lang): string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by all commands (documented in the README and in --help). */
export const ExitCode = {
  ok: 0,
  warnings: 1,
  errors: 2,
  usage: 64,
  /** No reader, no PC/SC service, no card: the environment, not the card, stopped us. */
  unavailable: 69,
  internal: 70,
} as const;
