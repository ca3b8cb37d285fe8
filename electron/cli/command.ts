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
}

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
