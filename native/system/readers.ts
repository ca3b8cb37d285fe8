/**
 * Readers as the machine lists them, and which of them are virtual. Virtual readers (Windows
 * Hello for Business, TPM virtual smart cards) hold no SITHS card but middleware and browsers
 * offer them, which confuses users and some middleware.
 */
import { fact, firstLine, commandFailure, unknownFact } from './facts.js';
import { FactKeys } from './fact-keys.js';
import { parsePnpReadersJson } from './windows/parse.js';
import { windowsToolPath } from './windows/tools.js';
import type { ProbeContext, SystemFact, SystemProbe } from './types.js';

export type VirtualReaderKind = 'windows-hello' | 'tpm-virtual-smart-card' | 'vsmartcard-vpcd';

/** Which kind of virtual reader a PC/SC reader name is, or null for a (presumably) physical reader. */
export function classifyReaderName(name: string): VirtualReaderKind | null {
  if (/Windows Hello for Business/i.test(name)) return 'windows-hello';
  if (/Microsoft Virtual Smart ?Card/i.test(name)) return 'tpm-virtual-smart-card';
  if (/^Virtual PCD\b/i.test(name)) return 'vsmartcard-vpcd';
  return null;
}

export interface OpenscReaderLine {
  index: number;
  name: string;
  cardPresent: boolean;
}

export type OpenscReadersResult = { kind: 'readers'; readers: OpenscReaderLine[] } | { kind: 'unknown'; note: string };

/**
 * `opensc-tool --list-readers`: a header `Nr.  Card  Features  Name`, then one fixed-width line
 * per reader; "No smart card readers found." when there are none.
 */
export function parseOpenscReaderList(stdout: string): OpenscReadersResult {
  if (/No smart card readers found/i.test(stdout)) return { kind: 'readers', readers: [] };
  const lines = stdout.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /^\s*Nr\.\s+Card\s+Features\s+Name\s*$/.test(l));
  if (headerIndex < 0) return { kind: 'unknown', note: `unexpected output from opensc-tool: ${firstLine(stdout)}` };
  const nameColumn = (lines[headerIndex] as string).indexOf('Name');
  const readers: OpenscReaderLine[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    const match = /^(\d+)\s+(Yes|No)\b/.exec(line);
    if (!match) continue;
    const name = line.length > nameColumn ? line.slice(nameColumn).trim() : '';
    if (name) readers.push({ index: Number(match[1]), name, cardPresent: match[2] === 'Yes' });
  }
  return { kind: 'readers', readers };
}

/** The facts about a list of reader names, whoever listed them. */
export function readerFacts(names: readonly string[], source: SystemFact['source'], detail: string): SystemFact[] {
  const virtual = names.flatMap((name) => {
    const kind = classifyReaderName(name);
    return kind ? [`${name} (${kind})`] : [];
  });
  const confusing = names.some((name) => {
    const kind = classifyReaderName(name);
    return kind === 'windows-hello' || kind === 'tpm-virtual-smart-card';
  });
  return [
    fact(FactKeys.readers, [...names], source, detail, { assessment: names.length === 0 ? 'warning' : 'info' }),
    fact(
      FactKeys.virtualReaders,
      virtual,
      source,
      detail,
      confusing
        ? {
            assessment: 'warning',
            note: 'Virtual smart cards are offered by middleware and browsers alongside the SITHS card',
          }
        : {},
    ),
  ];
}

const PNP_READERS_SCRIPT =
  '[Console]::OutputEncoding=[Text.Encoding]::UTF8; Get-PnpDevice -Class SmartCardReader -PresentOnly -ErrorAction SilentlyContinue | Select-Object FriendlyName,Status,InstanceId | ConvertTo-Json -Compress';

async function platformReaderFacts(ctx: ProbeContext): Promise<SystemFact[]> {
  if (ctx.platform === 'win32') {
    const result = await ctx.run.run(windowsToolPath('powershell.exe', ctx.env), ['-NoProfile', '-NonInteractive', '-Command', PNP_READERS_SCRIPT]);
    const failure = commandFailure(result);
    if (failure) return [unknownFact(FactKeys.readers, 'command', result.commandLine, failure)];
    const parsed = parsePnpReadersJson(result.stdout);
    if (parsed.kind === 'unknown') return [unknownFact(FactKeys.readers, 'command', result.commandLine, parsed.note)];
    return readerFacts(
      parsed.readers.map((r) => r.name),
      'command',
      result.commandLine,
    );
  }
  // Linux and macOS: OpenSC's tool lists PC/SC readers without connecting to a card.
  const result = await ctx.run.run('opensc-tool', ['--list-readers']);
  const failure = commandFailure(result);
  if (failure && !(result.exitCode !== null && result.stdout.includes('Nr.'))) {
    return [
      unknownFact(
        FactKeys.readers,
        'command',
        result.commandLine,
        result.notFound ? 'opensc-tool is not installed, and no PC/SC reader list was given' : failure,
      ),
    ];
  }
  const parsed = parseOpenscReaderList(result.stdout);
  if (parsed.kind === 'unknown') return [unknownFact(FactKeys.readers, 'command', result.commandLine, parsed.note)];
  return readerFacts(
    parsed.readers.map((r) => r.name),
    'command',
    result.commandLine,
  );
}

/** Readers: the list the caller got from PC/SC when it has one, else what the platform offers. */
export const readersProbe: SystemProbe = {
  id: 'readers',
  platforms: ['win32', 'darwin', 'linux'],
  async run(ctx) {
    if (ctx.readerNames !== null) return readerFacts(ctx.readerNames, 'pcsc', 'SCardListReaders (PC/SC layer)');
    // On macOS the PC/SC probe lists readers from system_profiler.
    if (ctx.platform === 'darwin') return [];
    return platformReaderFacts(ctx);
  },
};
