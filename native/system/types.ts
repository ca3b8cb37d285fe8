/**
 * Operating-system probes: small, read-only look-ups that tell IT support what the machine looks
 * like around the card (PC/SC service, middleware, remote session, virtual readers). Each probe
 * returns facts that say how they were obtained, so a support person can repeat the look-up.
 *
 * Everything outside the process (commands, files, environment) comes in through the
 * ProbeContext, so the parsing is tested on recorded outputs.
 */

/** How a fact was obtained. `derived` facts combine other facts (their keys are in `detail`). */
export type FactSource = 'command' | 'registry' | 'file' | 'socket' | 'process' | 'environment' | 'pcsc' | 'injected' | 'derived';

/** A hint for whoever presents the fact; the diagnosis makes its own checks from the values. */
export type FactAssessment = 'ok' | 'info' | 'warning' | 'error';

export type FactValue = string | number | boolean | string[] | null;

/** The value of a fact whose look-up gave no usable answer. `note` then says why. */
export const UNKNOWN = 'unknown' as const;

export interface SystemFact {
  /** Stable dotted key, e.g. `pcsc.socket`, `middleware.netid-client.version` (see fact-keys.ts). */
  key: string;
  value: FactValue;
  source: FactSource;
  /** The command line, registry key, path or variable that was looked at. */
  detail: string;
  /** Why a fact is unknown, or a short remark (e.g. the unexpected first line of an output). */
  note?: string;
  assessment?: FactAssessment;
  /** Personal data (a name in a certificate subject): masked in a redacted report. */
  personal?: boolean;
}

/** ok: every look-up answered; partial: some facts are unknown; failed: the probe itself broke. */
export type ProbeStatus = 'ok' | 'partial' | 'failed' | 'timeout' | 'skipped';

export interface ProbeResult {
  probeId: string;
  status: ProbeStatus;
  facts: SystemFact[];
  durationMs: number;
  /** For failed/timeout/skipped: what happened. */
  message?: string;
}

export interface CommandOptions {
  /** Kill the child after this many milliseconds (default: the context's commandTimeoutMs). */
  timeoutMs?: number;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** The outcome of running one program. A runner never throws: every failure is data. */
export interface CommandResult {
  /** The command line as run, for `detail`. */
  commandLine: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The child was killed because it ran past its timeout. */
  timedOut: boolean;
  /** The program does not exist on this machine (ENOENT). */
  notFound: boolean;
  /** Spawn or I/O error other than not-found. */
  error?: string;
}

export interface CommandRunner {
  run(program: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

export type FileKind = 'file' | 'directory' | 'socket' | 'other';

/** Read-only view of the file system, injectable for tests. Every method resolves null when the path is absent or unreadable. */
export interface FileSystemView {
  kind(path: string): Promise<FileKind | null>;
  readText(path: string): Promise<string | null>;
  readBytes(path: string): Promise<Uint8Array | null>;
  list(directory: string): Promise<string[] | null>;
  /** The path with symbolic links resolved. */
  realPath(path: string): Promise<string | null>;
}

export type HostPlatform = 'win32' | 'darwin' | 'linux' | (string & {});

export interface ProbeContext {
  platform: HostPlatform;
  arch: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  run: CommandRunner;
  fs: FileSystemView;
  /** Default timeout for each command a probe runs. */
  commandTimeoutMs: number;
  /**
   * Reader names as PC/SC lists them, when the caller has them (the PC/SC layer). null: the
   * caller has none, and the readers probe falls back to what the platform offers.
   */
  readerNames: readonly string[] | null;
  /** Where pcscd's socket is expected (Linux). Tests point it elsewhere to see "stopped". */
  pcscSocketPath: string;
}

export interface SystemProbe {
  readonly id: string;
  /** Platforms this probe applies to. */
  readonly platforms: readonly HostPlatform[];
  /** Overall bound for the probe (its commands have their own timeouts too). */
  readonly timeoutMs?: number;
  run(ctx: ProbeContext): Promise<SystemFact[]>;
}
