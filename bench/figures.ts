/**
 * The benchmark's arithmetic and wording, free of processes and readers so that it can be unit
 * tested: medians, APDU tallies counted at the card, what each APDU is, the targets of issue 3
 * and issue 5, and the text/Markdown tables.
 */
import { toHex } from '../native/bytes.js';

// ---- statistics ---------------------------------------------------------------------------------

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** "median (min–max)" when the values differ, else the single value; '–' for none. */
export function spread(values: readonly number[], digits = 0): string {
  if (values.length === 0) return '–';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const mid = median(values).toFixed(digits);
  return low === high ? mid : `${mid} (${low.toFixed(digits)}–${high.toFixed(digits)})`;
}

// ---- APDUs at the card --------------------------------------------------------------------------

/** One exchange as the virtual card logged it (the simulator's ApduLogEntry, structurally). */
export interface CardExchange {
  command: Uint8Array;
  response: Uint8Array;
  /** Latency the simulator's model added to this exchange. */
  latencyMs: number;
}

export interface ApduTally {
  apdus: number;
  /** Command plus response bytes, SW1 SW2 included: what the latency model charges for. */
  bytes: number;
  /** Time the latency model spent on these exchanges: the floor no reader software can go under. */
  modelMs: number;
}

export function tallyExchanges(log: readonly CardExchange[]): ApduTally {
  let bytes = 0;
  let modelMs = 0;
  for (const exchange of log) {
    bytes += exchange.command.length + exchange.response.length;
    modelMs += exchange.latencyMs;
  }
  return { apdus: log.length, bytes, modelMs };
}

export type ApduKind = 'SELECT' | 'READ BINARY' | 'VERIFY' | 'GET RESPONSE' | 'GET DATA' | 'other';

export interface ApduDescription {
  kind: ApduKind;
  /** What was selected or read, in a few words (e.g. "by AID A000…", "offset 00FF, Le FF"). */
  detail: string;
}

/** Names an ISO 7816-4 command APDU well enough for a benchmark breakdown. */
export function describeCommand(command: Uint8Array): ApduDescription {
  const ins = command[1];
  const p1 = command[2] ?? 0;
  const p2 = command[3] ?? 0;
  const body = command.subarray(4);
  // Case 3/4 short: Lc then data; extended: 00 Lc(2) then data. Good enough for what we send and see.
  const data = (() => {
    if (body.length <= 1) return new Uint8Array(0);
    if (body[0] === 0 && body.length >= 3) return body.subarray(3, 3 + ((body[1] as number) << 8) + (body[2] as number));
    return body.subarray(1, 1 + (body[0] as number));
  })();
  const le =
    body.length === 1
      ? toHex(body)
      : body.length === 3 && body[0] === 0
        ? toHex(body.subarray(1))
        : body.length > 1 + data.length
          ? toHex(body.subarray(1 + data.length))
          : '';
  switch (ins) {
    case 0xa4: {
      const how =
        p1 === 0x04 ? 'by AID' : p1 === 0x08 ? 'by path from MF' : p1 === 0x09 ? 'by path from current DF' : p1 === 0x02 ? 'EF under current DF' : 'by FID';
      return { kind: 'SELECT', detail: `${how} ${toHex(data)}${p2 === 0x0c ? '' : ' (asks for FCI)'}` };
    }
    case 0xb0:
      return { kind: 'READ BINARY', detail: `offset ${toHex(Uint8Array.of(p1 & 0x7f, p2))}, Le ${le || '–'}` };
    case 0x20:
      return { kind: 'VERIFY', detail: `PIN ${toHex(Uint8Array.of(p2))}${data.length === 0 ? ' (no data: try counter)' : ' (with PIN)'}` };
    case 0xc0:
      return { kind: 'GET RESPONSE', detail: `Le ${le || '–'}` };
    case 0xca:
    case 0xcb:
      return { kind: 'GET DATA', detail: `${toHex(Uint8Array.of(p1, p2))}` };
    default:
      return { kind: 'other', detail: `INS ${toHex(Uint8Array.of(ins ?? 0))}` };
  }
}

export interface ApduKindCount {
  kind: ApduKind;
  apdus: number;
  bytes: number;
  modelMs: number;
}

/** APDUs grouped by command kind, in order of first appearance. */
export function countByKind(log: readonly CardExchange[]): ApduKindCount[] {
  const counts = new Map<ApduKind, ApduKindCount>();
  for (const exchange of log) {
    const kind = describeCommand(exchange.command).kind;
    const count = counts.get(kind) ?? { kind, apdus: 0, bytes: 0, modelMs: 0 };
    count.apdus += 1;
    count.bytes += exchange.command.length + exchange.response.length;
    count.modelMs += exchange.latencyMs;
    counts.set(kind, count);
  }
  return [...counts.values()];
}

/** SELECT commands sent more than once in one read, with how often: candidates for saving. */
export function repeatedSelects(log: readonly CardExchange[]): { command: string; times: number }[] {
  const seen = new Map<string, number>();
  for (const exchange of log) {
    if (exchange.command[1] !== 0xa4) continue;
    const key = toHex(exchange.command);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.entries()].filter(([, times]) => times > 1).map(([command, times]) => ({ command, times }));
}

/** Status words answered with an error or a retry hint (6Cxx, 6Axx, 6Dxx, …): APDUs that bought nothing. */
export function refusedExchanges(log: readonly CardExchange[]): number {
  let refused = 0;
  for (const exchange of log) {
    const sw1 = exchange.response[exchange.response.length - 2];
    if (sw1 === undefined) continue;
    // 90 00, 61 xx (more data), 62 82 (end of file reached) and 63 Cx (try counter) carry what was asked.
    if (sw1 === 0x90 || sw1 === 0x61 || sw1 === 0x62 || sw1 === 0x63) continue;
    refused++;
  }
  return refused;
}

// ---- results and targets ------------------------------------------------------------------------

/** Medians of one card's measurements. */
export interface CardFigures {
  card: string;
  /** What our read produced ('snapshot' or the failure kind). */
  ourOutcome: string;
  /** Our whole process: `kortkoll read --json --reader …`. */
  /** `pinReferences`: the references of the PIN objects with one (an IDPrime PUK has none). */
  ours: ApduTally & {
    wallMs: number;
    wallRuns: number[];
    peakRssKb: number | null;
    certificates: number | null;
    pins: number | null;
    pinReferences?: number[];
  };
  /** In-process through the PC/SC layer: connect + readCard. */
  inProcess: ApduTally & {
    authReadyMs: number | null;
    /** The latency model's time for the APDUs up to auth-ready: no software can be faster. */
    authReadyFloorMs: number | null;
    fullMs: number;
    authReadyRuns: number[];
    fullRuns: number[];
  };
  opensc:
    | (ApduTally & { wallMs: number; wallRuns: number[]; peakRssKb: number | null; certificates: number; pins: number; pinReferences?: number[] })
    | { skipped: string };
}

export function openscFigures(figures: CardFigures): Exclude<CardFigures['opensc'], { skipped: string }> | undefined {
  return 'skipped' in figures.opensc ? undefined : figures.opensc;
}

export const TARGETS = Object.freeze({
  authReadyMs: 400,
  fullReadMs: 1000,
  rendererGzipKb: 150,
  verdictPaintMs: 300,
  /** Issue 15: `kortkoll --help` to its first output, the CLI's cold start. */
  helpColdStartMs: 120,
});

export interface TargetResult {
  name: string;
  pass: boolean;
  /** The figures behind the verdict, per card where it applies. */
  detail: string;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** The acceptance targets of issue 3, judged on the medians. */
export function judgeCardTargets(cards: readonly CardFigures[]): TargetResult[] {
  const compared = cards.filter((card) => openscFigures(card) !== undefined && card.ourOutcome === 'snapshot');
  const results: TargetResult[] = [];
  const perCard = (list: readonly CardFigures[], text: (card: CardFigures) => string) => list.map((card) => `${card.card} ${text(card)}`).join('; ');

  // Where both tools say which PIN references they found, every PIN object OpenSC lists must be among
  // ours (on IDPrime cards we also know the 940 family's signature PIN, which OpenSC 0.23 does not).
  const sameObjects = compared.filter((card) => {
    const opensc = openscFigures(card)!;
    if (card.ours.certificates !== opensc.certificates) return false;
    if (card.ours.pinReferences && opensc.pinReferences) return opensc.pinReferences.every((reference) => card.ours.pinReferences?.includes(reference));
    return card.ours.pins === opensc.pins;
  });
  results.push({
    name: 'same certificates and PIN objects found as OpenSC (every PIN OpenSC lists)',
    pass: compared.length > 0 && sameObjects.length === compared.length,
    detail: perCard(
      compared,
      (card) => `${card.ours.certificates ?? '?'}/${card.ours.pins ?? '?'} vs ${openscFigures(card)!.certificates}/${openscFigures(card)!.pins}`,
    ),
  });
  results.push({
    name: 'fewer APDUs than OpenSC',
    pass: compared.length > 0 && compared.every((card) => card.ours.apdus < openscFigures(card)!.apdus),
    detail: perCard(compared, (card) => `${card.ours.apdus} vs ${openscFigures(card)!.apdus}`),
  });
  results.push({
    name: 'shorter wall time than OpenSC (whole process)',
    pass: compared.length > 0 && compared.every((card) => card.ours.wallMs < openscFigures(card)!.wallMs),
    detail: perCard(compared, (card) => `${ms(card.ours.wallMs)} vs ${ms(openscFigures(card)!.wallMs)}`),
  });
  const withAuth = cards.filter((card) => card.ourOutcome === 'snapshot' && card.inProcess.authReadyMs !== null);
  results.push({
    name: `auth certificate + its PIN counter known in < ${TARGETS.authReadyMs} ms (in-process, PC/SC)`,
    pass: withAuth.length > 0 && withAuth.every((card) => (card.inProcess.authReadyMs as number) < TARGETS.authReadyMs),
    detail: perCard(withAuth, (card) => ms(card.inProcess.authReadyMs as number)),
  });
  const fullyRead = cards.filter((card) => card.ourOutcome === 'snapshot');
  results.push({
    name: `whole card read in < ${TARGETS.fullReadMs} ms (in-process, PC/SC)`,
    pass: fullyRead.length > 0 && fullyRead.every((card) => card.inProcess.fullMs < TARGETS.fullReadMs),
    detail: perCard(fullyRead, (card) => ms(card.inProcess.fullMs)),
  });
  return results;
}

export interface RendererFigures {
  jsGzipBytes: number;
  verdictPaintMs: number;
}

export function judgeRendererTargets(renderer: RendererFigures): TargetResult[] {
  const kb = renderer.jsGzipBytes / 1024;
  return [
    { name: `renderer JS ≤ ${TARGETS.rendererGzipKb} KB gzipped`, pass: kb <= TARGETS.rendererGzipKb, detail: `${kb.toFixed(1)} KB` },
    {
      name: `verdict painted ≤ ${TARGETS.verdictPaintMs} ms after navigation (Chromium, demo card)`,
      pass: renderer.verdictPaintMs <= TARGETS.verdictPaintMs,
      detail: ms(renderer.verdictPaintMs),
    },
  ];
}

/** The CLI's cold start, judged on the median time to the first output of `kortkoll --help`. */
export function judgeColdStartTarget(helpFirstOutputRuns: readonly number[]): TargetResult {
  if (helpFirstOutputRuns.length === 0)
    return { name: `kortkoll --help cold start ≤ ${TARGETS.helpColdStartMs} ms`, pass: false, detail: 'no output measured' };
  const sorted = [...helpFirstOutputRuns].sort((a, b) => a - b);
  const middle = sorted[Math.floor(sorted.length / 2)] as number;
  return {
    name: `kortkoll --help cold start ≤ ${TARGETS.helpColdStartMs} ms (to first output, median of ${sorted.length})`,
    pass: middle <= TARGETS.helpColdStartMs,
    detail: ms(middle),
  };
}

export function targetLine(result: TargetResult): string {
  return `${result.pass ? 'PASS' : 'FAIL'}  ${result.name}${result.detail ? `: ${result.detail}` : ''}`;
}

// ---- tables -------------------------------------------------------------------------------------

export function ratio(ours: number, theirs: number): string {
  if (!(theirs > 0)) return '–';
  return (ours / theirs).toFixed(2);
}

/** Header and rows of the main comparison table. */
export function comparisonRows(cards: readonly CardFigures[]): { header: string[]; rows: string[][] } {
  const header = [
    'card',
    'ours APDUs',
    'ours bytes',
    'ours wall ms',
    'auth-ready ms',
    'auth floor ms',
    'full read ms',
    'full floor ms',
    'OpenSC APDUs',
    'OpenSC bytes',
    'OpenSC wall ms',
    'ratio APDUs',
    'ratio time',
  ];
  const rows = cards.map((card) => {
    const opensc = openscFigures(card);
    const outcome = card.ourOutcome === 'snapshot' ? '' : ` (${card.ourOutcome})`;
    return [
      `${card.card}${outcome}`,
      String(card.ours.apdus),
      String(card.ours.bytes),
      spread(card.ours.wallRuns),
      card.inProcess.authReadyMs === null ? '–' : spread(card.inProcess.authReadyRuns),
      card.inProcess.authReadyFloorMs === null ? '–' : Math.round(card.inProcess.authReadyFloorMs).toString(),
      spread(card.inProcess.fullRuns),
      Math.round(card.inProcess.modelMs).toString(),
      opensc ? String(opensc.apdus) : 'skipped',
      opensc ? String(opensc.bytes) : '–',
      opensc ? spread(opensc.wallRuns) : '–',
      opensc ? ratio(card.ours.apdus, opensc.apdus) : '–',
      opensc ? ratio(card.ours.wallMs, opensc.wallMs) : '–',
    ];
  });
  return { header, rows };
}

/** Figures ("923", "0.36", "348 (331–402)", "–") are right-aligned in tables; words are not. */
export function looksNumeric(cell: string): boolean {
  return /^[\d.–\-() ]+$/.test(cell);
}

/** A plain-text table with columns padded to their widest cell; a column of figures is right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => looksNumeric(row[column] ?? '–')));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

/** A Markdown table; a column of figures is right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => looksNumeric(row[column] ?? '–')));
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `|${numeric.map((right) => (right ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

// ---- parsing tool output ------------------------------------------------------------------------

/** Certificates and PIN objects in `pkcs15-tool --list-certificates --list-pins` output. */
export function countPkcs15ToolObjects(stdout: string): { certificates: number; pins: number; pinReferences: number[] } {
  let certificates = 0;
  let pins = 0;
  const pinReferences: number[] = [];
  let inPin = false;
  for (const line of stdout.split('\n')) {
    if (/^X\.509 Certificate \[/.test(line)) {
      certificates++;
      inPin = false;
    } else if (/^PIN \[/.test(line)) {
      pins++;
      inPin = true;
    } else if (/^\S/.test(line)) inPin = false;
    const reference = inPin ? /^\s+Reference\s*:\s*(\d+)/.exec(line) : null;
    if (reference) pinReferences.push(Number(reference[1]));
  }
  return { certificates, pins, pinReferences };
}

/** Reader index by name from `opensc-tool --list-readers` (fixed-width columns). */
export function openscReaderIndex(stdout: string, readerName: string): number | undefined {
  const lines = stdout.split('\n');
  const nameColumn = lines.find((line) => line.startsWith('Nr.'))?.indexOf('Name') ?? -1;
  if (nameColumn < 0) return undefined;
  for (const line of lines) {
    const match = /^(\d+)\s/.exec(line);
    if (match && line.slice(nameColumn).trim() === readerName) return Number(match[1]);
  }
  return undefined;
}

/** Whether `ip route show table local` output has quick ACKs on the 127.0.0.1 route. */
export function loopbackHasQuickack(ipRouteOutput: string): boolean {
  return ipRouteOutput.split('\n').some((line) => /^local 127\.0\.0\.1 /.test(line.trim()) && /\bquickack 1\b/.test(line));
}
