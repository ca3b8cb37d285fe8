#!/usr/bin/env node
/**
 * `kortkoll`: the terminal face of Kortkoll (plain Node, no Electron). Parses the global options,
 * then hands over to one command module. Commands are imported lazily so that `kortkoll --help`
 * and a single command start fast.
 */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultLang, defineMessages, parseLang, type Lang } from './i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './cli/command.js';
import { packageVersion } from './cli/package-version.js';
import { escapeControlCharacters } from './diagnostics/terminal-text.js';
import { removePendingFiles, runInterruptCleanups, signalExitCodes } from './cli/interrupt.js';

type CommandLoader = () => Promise<CliCommand>;

/** name → loader. Order is the order of `kortkoll --help`. */
export const commandLoaders: ReadonlyMap<string, CommandLoader> = new Map<string, CommandLoader>([
  ['readers', async () => (await import('./cli/card-commands.js')).readersCommand],
  ['read', async () => (await import('./cli/card-commands.js')).readCommand],
  ['probe', async () => (await import('./cli/probe-command.js')).probeCommand],
  ['watch', async () => (await import('./cli/card-commands.js')).watchCommand],
  ['diag', async () => (await import('./cli/diag-commands.js')).diagCommand],
  ['guide', async () => (await import('./cli/diag-commands.js')).guideCommand],
  ['cert', async () => (await import('./cli/cert-command.js')).certCommand],
  ['system', async () => (await import('./cli/system-command.js')).systemCommand],
  ['pin', async () => (await import('./cli/pin-command.js')).pinCommand],
]);

const messages = defineMessages(
  'cli',
  {
    usage:
      'Användning: kortkoll <kommando> [flaggor]\n\nKontrollerar ett SITHS-kort (e-tjänstekort) före inloggning och hjälper IT-support att hitta felet.\n\nKommandon:\n{commands}\n\nGemensamma flaggor:\n  --lang sv|en   språk (standard: svenska)\n  --help         hjälp för ett kommando: kortkoll <kommando> --help\n  --version      visa version\n\nSlutkoder: 0 allt bra, 1 varningar, 2 fel, 64 felaktigt anrop eller ogiltig indata, 69 ingen tjänst/läsare/kort, 70 internt fel (pin: se kortkoll pin --help), 130/143 avbruten (Ctrl-C/SIGTERM).',
    unknownCommand: 'Okänt kommando: {name}. Se kortkoll --help.',
    badLang: 'Okänt språk: {lang}. Använd sv eller en.',
    internalError: 'Internt fel: {message}',
  },
  {
    usage:
      'Usage: kortkoll <command> [options]\n\nChecks a SITHS card (e-tjänstekort) before login and helps IT support find out what is wrong.\n\nCommands:\n{commands}\n\nCommon options:\n  --lang sv|en   language (default: Swedish)\n  --help         help for a command: kortkoll <command> --help\n  --version      show the version\n\nExit codes: 0 all good, 1 warnings, 2 errors, 64 usage or input error, 69 no service/reader/card, 70 internal error (pin: see kortkoll pin --help), 130/143 stopped (Ctrl-C/SIGTERM).',
    unknownCommand: 'Unknown command: {name}. See kortkoll --help.',
    badLang: 'Unknown language: {lang}. Use sv or en.',
    internalError: 'Internal error: {message}',
  },
);

/**
 * Splits out the global `--lang` option (`--lang en` or `--lang=en`, before or after the command;
 * the last one counts). Leniently (parseArgs without `strict`): every other argument belongs to the
 * command, whose own strict parse judges it. After `--` nothing is an option, `--lang` neither.
 */
export function extractLang(args: string[], env: Readonly<Record<string, string | undefined>>): { lang: Lang; rest: string[]; error?: string } {
  const { tokens } = parseArgs({ args, options: { lang: { type: 'string' } }, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  let requested: string | undefined;
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name !== 'lang') continue;
    requested = token.value ?? '';
    taken.add(token.index);
    if (token.value !== undefined && !token.inlineValue) taken.add(token.index + 1);
  }
  const rest = args.filter((_, index) => !taken.has(index));
  if (requested !== undefined) {
    const lang = parseLang(requested);
    return lang ? { lang, rest } : { lang: defaultLang, rest, error: requested };
  }
  return { lang: parseLang(env.KORTKOLL_LANG) ?? defaultLang, rest };
}

export async function runCli(argv: string[], io: Omit<CliIo, 'lang'>): Promise<number> {
  const { lang, rest, error } = extractLang(argv, io.env);
  if (error !== undefined) {
    io.stderr(messages.t('badLang', lang, { lang: error }) + '\n');
    return ExitCode.usage;
  }
  const [name, ...args] = rest;
  if (name === '--version' || name === '-V') {
    io.stdout((await packageVersion()) + '\n');
    return ExitCode.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const lines: string[] = [];
    for (const [commandName, load] of commandLoaders) {
      const command = await load();
      lines.push(`  ${commandName.padEnd(9)} ${command.summary[lang]}`);
    }
    io.stdout(messages.t('usage', lang, { commands: lines.join('\n') }) + '\n');
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const load = commandLoaders.get(name);
  if (!load) {
    io.stderr(messages.t('unknownCommand', lang, { name }) + '\n');
    return ExitCode.usage;
  }
  const command = await load();
  // Everything a command prints passes one escaping of control characters: card and certificate
  // data (names, labels, reader names) must not drive the terminal. JSON stays valid (see
  // terminal-text.ts).
  const terminal = (write: (text: string) => void) => (text: string) => write(escapeControlCharacters(text, { multiline: true }));
  const fullIo: CliIo = { ...io, stdout: terminal(io.stdout), stderr: terminal(io.stderr), lang };
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.help(lang) + '\n');
    return ExitCode.ok;
  }
  try {
    return await command.run(args, fullIo);
  } catch (e) {
    io.stderr(messages.t('internalError', lang, { message: e instanceof Error ? e.message : String(e) }) + '\n');
    return ExitCode.internal;
  }
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/** How long the clean-up after Ctrl-C/SIGTERM may take (release the card, remove a temporary file). */
const interruptCleanupMs = 1500;

if (isMainModule() || process.env.KORTKOLL_CLI_ENTRY === '1') {
  // Every command ends on the first Ctrl-C or SIGTERM: watch and guide see `interrupted` and stop,
  // the others are not waited for. Registered clean-ups run (bounded), then we exit 130 / 143.
  // A second signal during the clean-up exits at once.
  let resolveInterrupted: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => {
    resolveInterrupted = resolve;
  });
  let interruptedBy: keyof typeof signalExitCodes | undefined;
  const onSignal = (signal: keyof typeof signalExitCodes) => {
    const code = signalExitCodes[signal];
    if (interruptedBy !== undefined) {
      removePendingFiles();
      process.exit(code);
    }
    interruptedBy = signal;
    process.exitCode = code;
    resolveInterrupted();
    void runInterruptCleanups(interruptCleanupMs).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    interrupted,
    stdin: () => process.stdin,
  }).then(
    (code) => {
      // After a signal, the signal's code wins (watch and guide return 0 when stopped).
      if (interruptedBy !== undefined) return;
      process.exitCode = code;
      // Long-lived handles (a PC/SC context) must not keep a finished command alive.
      setImmediate(() => process.exit(code));
    },
    (e: unknown) => {
      if (interruptedBy !== undefined) return;
      process.stderr.write(`kortkoll: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(ExitCode.internal);
    },
  );
}
