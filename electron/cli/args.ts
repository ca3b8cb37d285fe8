/**
 * The CLI commands' arguments: every command's options go through node:util's `parseArgs`, strict
 * (known options only, a value where one is needed, none on a switch, positionals only where the
 * command takes them), and every usage error takes one path. parseArgs' own `ERR_PARSE_ARGS_*`
 * errors and the commands' own checks (an empty value, a bad number, options that exclude each
 * other) become a `UsageError` holding one line in the user's language; `usageFailure` prints it
 * and answers exit code 64.
 *
 * Only node:util and the message catalogue are imported: the bundled CLI loads each command from
 * a lazy chunk, and parsing its arguments must not pull anything heavy in.
 */
import { parseArgs } from 'node:util';
import { defineMessages, type Lang } from '../i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';

const m = defineMessages(
  'cli-usage',
  {
    unknownOption: 'Okänd flagga: {option}. Se kortkoll {command} --help.',
    unknownOptionUnnamed: 'Okänd flagga. Se kortkoll {command} --help.',
    missingValue: 'Flaggan {option} behöver ett värde.',
    valueForSwitch: 'Flaggan {option} tar inget värde.',
    repeatedOption: 'Flaggan {option} är angiven mer än en gång.',
    unexpectedArgument: 'Oväntat argument: {argument}. Se kortkoll {command} --help.',
  },
  {
    unknownOption: 'Unknown option: {option}. See kortkoll {command} --help.',
    unknownOptionUnnamed: 'Unknown option. See kortkoll {command} --help.',
    missingValue: 'The option {option} needs a value.',
    valueForSwitch: 'The option {option} takes no value.',
    repeatedOption: 'The option {option} is given more than once.',
    unexpectedArgument: 'Unexpected argument: {argument}. See kortkoll {command} --help.',
  },
);

/** A wrong call of a command: its message is the one line the user sees (exit code 64). */
export class UsageError extends Error {
  override name = 'UsageError';
}

type ParseArgsConfig = NonNullable<Parameters<typeof parseArgs>[0]>;
/** A command's options, as parseArgs takes them (`{ reader: { type: 'string' }, json: { type: 'boolean' } }`, `as const`). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type OptionConfig = CommandOptions[string];

/** What an option gives: a string (strings, with `multiple`), or true for a switch; absent when not given. */
type OptionValue<C extends OptionConfig> = C['type'] extends 'string' ? (C['multiple'] extends true ? string[] : string) : boolean;
export type CommandValues<O extends CommandOptions> = { -readonly [K in keyof O]?: OptionValue<O[K]> };

export interface CommandArgsSpec<O extends CommandOptions> {
  /** The command's name, for "See kortkoll <command> --help". */
  command: string;
  options: O;
  /** The command takes positional arguments (files, the PIN operation). */
  positionals?: boolean;
  /**
   * Never repeat what was typed in a message: the `pin` command's arguments may hold a PIN typed
   * there by mistake. Messages then name only the command's own options.
   */
  quiet?: boolean;
}

export interface CommandArgs<O extends CommandOptions> {
  values: CommandValues<O>;
  /** Always empty for a command without positionals (they are a usage error there). */
  positionals: string[];
}

/**
 * Parses one command's arguments (`--reader 1` and `--reader=1` alike), or throws `UsageError`.
 * Besides parseArgs' rules: an empty value counts as none, and an option that takes a value may be
 * given once unless it is declared `multiple` (of two `--pin` or `--reader` it would be unclear
 * which one is meant).
 */
export function parseCommandArgs<const O extends CommandOptions>(args: readonly string[], spec: CommandArgsSpec<O>, lang: Lang): CommandArgs<O> {
  const say = (key: keyof typeof m.sv, params: Record<string, string> = {}) => new UsageError(m.t(key, lang, { command: spec.command, ...params }));
  let list = [...args];
  let parsed = parseStrictly(list, spec);
  while (parsed.kind === 'dash-value') {
    list = parsed.args;
    parsed = parseStrictly(list, spec);
  }
  switch (parsed.kind) {
    case 'unknown-option':
      throw spec.quiet ? say('unknownOptionUnnamed') : say('unknownOption', { option: parsed.option });
    case 'missing-value':
      throw say('missingValue', { option: parsed.option });
    case 'value-for-switch':
      throw say('valueForSwitch', { option: parsed.option });
    case 'unexpected-argument':
      throw spec.quiet ? say('unknownOptionUnnamed') : say('unexpectedArgument', { argument: parsed.argument });
    case 'other':
      // parseArgs refused something the rules of findProblem do not name: its own (English) words, then.
      throw spec.quiet ? say('unknownOptionUnnamed') : new UsageError(parsed.message);
    case 'parsed':
      break;
  }
  const { values, positionals, tokens } = parsed;
  const options: CommandOptions = spec.options;
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option?.type !== 'string') continue;
    if (token.value === '') throw say('missingValue', { option: `--${token.name}` });
    if (option.multiple !== true && seen.has(token.name)) throw say('repeatedOption', { option: `--${token.name}` });
    seen.add(token.name);
  }
  // parseArgs gives each option the type its config says: what CommandValues spells out for O.
  return { values: values as CommandValues<O>, positionals };
}

type Parsed = ReturnType<typeof parseArgs<{ options: CommandOptions; strict: true; allowPositionals: boolean; tokens: true }>> & { kind: 'parsed' };

function parseStrictly(args: string[], spec: CommandArgsSpec<CommandOptions>): Parsed | Problem {
  try {
    return { kind: 'parsed', ...parseArgs({ args, options: spec.options, strict: true, allowPositionals: spec.positionals === true, tokens: true }) };
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return findProblem(args, spec, (error as Error).message);
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

type Problem =
  | { kind: 'unknown-option'; option: string }
  | { kind: 'missing-value'; option: string }
  | { kind: 'value-for-switch'; option: string }
  | { kind: 'unexpected-argument'; argument: string }
  /** `--timeout -5`: a value that starts with a dash; parsed again as `--timeout=-5`. */
  | { kind: 'dash-value'; args: string[] }
  | { kind: 'other'; message: string };

/**
 * What strict parseArgs refused, told from the tokens of a lenient parse of the same list (the
 * tokens name the option; parseArgs' messages are English prose). The checks are parseArgs' own, in
 * its order. One more: a value that starts with a dash is ambiguous to parseArgs; when it is no
 * option of this command (`--timeout -5`, `--reader -x`), it is taken as the value, as
 * `--timeout=-5` would be, so that the command's own check can say what is wrong with it.
 */
function findProblem(args: string[], spec: CommandArgsSpec<CommandOptions>, message: string): Problem {
  const { tokens } = parseArgs({ args, options: spec.options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (spec.positionals !== true) return { kind: 'unexpected-argument', argument: token.value };
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = Object.prototype.hasOwnProperty.call(spec.options, token.name) ? spec.options[token.name] : undefined;
    if (!option) return { kind: 'unknown-option', option: token.rawName };
    if (option.type === 'boolean') {
      if (token.value !== undefined) return { kind: 'value-for-switch', option: `--${token.name}` };
      continue;
    }
    if (token.value === undefined) return { kind: 'missing-value', option: `--${token.name}` };
    if (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-')) {
      if (namesAnOption(token.value, spec.options) || token.rawName !== `--${token.name}`) return { kind: 'missing-value', option: `--${token.name}` };
      return { kind: 'dash-value', args: [...args.slice(0, token.index), `--${token.name}=${token.value}`, ...args.slice(token.index + 2)] };
    }
  }
  return { kind: 'other', message };
}

/** `--json`, `--reader=1`, `-h` of this command, or `--` (the end of the options). */
function namesAnOption(text: string, options: CommandOptions): boolean {
  if (text === '--') return true;
  if (text.startsWith('--')) return Object.prototype.hasOwnProperty.call(options, text.slice(2).split('=')[0] as string);
  return Object.values(options).some((option) => option.short === text[1]);
}

/** The one usage-error path: the `UsageError`'s line on standard error, and exit code 64. */
export function usageFailure(io: Pick<CliIo, 'stderr'>, error: UsageError): number {
  io.stderr(`${error.message}\n`);
  return ExitCode.usage;
}

/** A command's `run` whose `UsageError`s (from its parsing or its own checks) go down that path. */
export function withUsageErrors(run: CliCommand['run']): CliCommand['run'] {
  return async (args, io) => {
    try {
      return await run(args, io);
    } catch (error) {
      if (error instanceof UsageError) return usageFailure(io, error);
      throw error;
    }
  };
}
