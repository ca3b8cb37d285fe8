/**
 * The part of `npm run bench` that needs the real pcscd with vpcd. bench/run.ts starts it under
 * `flock -o /tmp/kortkoll-pcscd.lock` (pcscd is shared by everyone on the machine) and reads the
 * figures back from the JSON file named by `--out`.
 *
 * For each virtual card, inserted through vpcd with the latency model, it measures (counting APDUs
 * and bytes at the card, i.e. in the simulator's own log, cleared before each run):
 *   - our CLI as a whole process: `node bin/kortkoll.js read --json --reader 'Virtual PCD 00 00'`;
 *   - our read in this process through the PC/SC layer: connect + readCard (auth-ready, full);
 *   - OpenSC as a whole process: `pkcs15-tool --list-certificates --list-pins`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCard } from '../electron/card/read-card.js';
import type { CardReadResult } from '../electron/card/card-read-result.js';
import { createPcscReaderMonitor, type PcscReaderMonitor } from '../native/pcsc/index.js';
import type { ApduEngine } from '../native/simulator/apdu-engine.js';
import { createVirtualCard, isVirtualCardName, type VirtualCardName } from '../native/simulator/cards.js';
import { VpcdCardSocket } from '../native/simulator/vpcd-client.js';
import { toHex } from '../native/bytes.js';
import {
  countByKind,
  countPkcs15ToolObjects,
  describeCommand,
  loopbackHasQuickack,
  median,
  openscReaderIndex,
  refusedExchanges,
  repeatedSelects,
  tallyExchanges,
  type ApduKindCount,
  type ApduTally,
  type CardFigures,
} from './figures.js';
import { gnuTimeAvailable, outputOf, timeProcess } from './processes.js';

export const READER_NAME = 'Virtual PCD 00 00';
export const VPCD_PORT = 35963;
/** The latency model of issue 3: about a 223 kbit/s reader. */
export const LATENCY_MODEL = Object.freeze({ latencyPerApduMs: 10, latencyPerByteMs: 0.05 });
/** In-process reads beyond `repeat` (they take about a second each). */
export const IN_PROCESS_EXTRA_RUNS = 2;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../bin/kortkoll.js', import.meta.url));
const OPENSC_CONF = fileURLToPath(new URL('../test/fixtures/opensc.conf', import.meta.url));
const openscEnv = { ...process.env, OPENSC_CONF, OPENSC_DEBUG: '0' };

/** Cards OpenSC is not compared on, and why. */
export const OPENSC_SKIPPED: Partial<Record<VirtualCardName, string>> = {
  'bank-card': 'no PKCS#15 application: nothing to compare',
  'corrupt-cdf': 'damaged CDF: neither tool lists the certificates, nothing to compare',
  // Debian's OpenSC 0.23 knows one IDPrime ATR (under a mask); these cards' ATRs are not under it.
  reservkort: 'OpenSC 0.23 does not handle this ATR (not under its one IDPrime ATR mask): nothing to compare',
  'unknown-structure': 'neither structure on the card: nothing to compare',
  // OpenSC 0.23 learns a certificate file's size only from a compressed file's header.
  'idprime-uncompressed': 'OpenSC 0.23 lists no uncompressed IDPrime certificates (it learns sizes from the compression header): nothing to compare',
};

export interface BreakdownRow {
  index: number;
  command: string;
  kind: string;
  detail: string;
  /** Response data bytes (without SW1 SW2). */
  responseBytes: number;
  statusWord: string;
  /** Latency of the model for this exchange. */
  modelMs: number;
  /** The exchange as our session timed it through PC/SC (model + pcscd + vpcd + our code). */
  measuredMs: number | null;
  /** The read knew the auth certificate and its PIN counter after this APDU. */
  authReady: boolean;
}

export interface PcscdPhaseResult {
  ok: boolean;
  /** Why nothing was measured, when !ok. */
  problem?: string;
  quickack: boolean | 'unknown';
  repeat: number;
  latencyModel: typeof LATENCY_MODEL;
  peakRssAvailable: boolean;
  openscVersion: string;
  pcscdVersion: string;
  cards: CardFigures[];
  /** Our read of the first card, APDU by APDU (in-process, through PC/SC). */
  breakdown: { card: string; rows: BreakdownRow[]; byKind: ApduKindCount[]; repeatedSelects: { command: string; times: number }[] } | null;
  /** What OpenSC sent to the same card, by command kind, and how many of its APDUs were refused. */
  openscBreakdown: { card: string; byKind: ApduKindCount[]; refused: number; apdus: number } | null;
  /** The same read without the latency model: what pcscd, vpcd and our code cost alone. */
  zeroLatency: { card: string; fullMs: number; authReadyMs: number | null; apdus: number } | null;
  /** Peak RSS of this process (KiB): every virtual card built, in-process reads done. */
  phaseMaxRssKb: number;
  /** 1-minute load average when the phase started and ended: other work on the machine makes times noisy. */
  loadAverage: { start: number; end: number };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function readerState(monitor: PcscReaderMonitor) {
  return monitor.readers().find((reader) => reader.name === READER_NAME);
}

interface InProcessRun {
  result: CardReadResult;
  authReadyMs: number | null;
  fullMs: number;
}

/** connect + readCard through the PC/SC layer; times from before connect(). */
async function readInProcess(monitor: PcscReaderMonitor): Promise<InProcessRun> {
  const startedAt = performance.now();
  let authReadyAt: number | null = null;
  const connection = await monitor.connect(READER_NAME);
  try {
    const result = await readCard(connection, {
      onProgress: (event) => {
        if (event.stage === 'auth-ready' && event.certificate) authReadyAt = performance.now();
      },
    });
    const doneAt = performance.now();
    return { result, authReadyMs: authReadyAt === null ? null : authReadyAt - startedAt, fullMs: doneAt - startedAt };
  } finally {
    await connection.disconnect().catch(() => undefined);
  }
}

interface CliRun {
  wallMs: number;
  peakRssKb: number | null;
  outcome: string;
  certificates: number | null;
  pins: number | null;
  pinReferences: number[] | null;
}

async function readWithCli(peakRss: boolean): Promise<CliRun> {
  const run = await timeProcess(process.execPath, [CLI_ENTRY, 'read', '--json', '--reader', READER_NAME], { cwd: ROOT, peakRss, timeoutMs: 30_000 });
  let outcome: string;
  let certificates: number | null = null;
  let pins: number | null = null;
  let pinReferences: number[] | null = null;
  try {
    const json = JSON.parse(run.stdout) as { kind: string; certificates?: unknown[]; pins?: { reference: number | null }[] };
    outcome = json.kind;
    certificates = json.certificates?.length ?? null;
    pins = json.pins?.length ?? null;
    pinReferences = json.pins ? json.pins.flatMap((pin) => (pin.reference === null ? [] : [pin.reference])) : null;
  } catch {
    outcome = `exit ${run.exitCode}: ${run.stderr.trim().split('\n')[0] ?? ''}`;
  }
  return { wallMs: run.wallMs, peakRssKb: run.peakRssKb, outcome, certificates, pins, pinReferences };
}

interface OpenscRun {
  wallMs: number;
  peakRssKb: number | null;
  certificates: number;
  pins: number;
  pinReferences: number[];
  exitCode: number | null;
}

async function readWithOpensc(readerIndex: number, peakRss: boolean): Promise<OpenscRun> {
  const run = await timeProcess('pkcs15-tool', ['--reader', String(readerIndex), '--list-certificates', '--list-pins'], {
    env: openscEnv,
    peakRss,
    timeoutMs: 60_000,
  });
  return { wallMs: run.wallMs, peakRssKb: run.peakRssKb, exitCode: run.exitCode, ...countPkcs15ToolObjects(run.stdout) };
}

/** Runs `measure` with the card's log cleared first and returns its result and the card's tally. */
async function atTheCard<T>(engine: ApduEngine, measure: () => Promise<T>): Promise<{ value: T; tally: ApduTally; log: ApduEngine['apduLog'] }> {
  engine.clearApduLog();
  const value = await measure();
  const logged = [...engine.apduLog];
  return { value, tally: tallyExchanges(logged), log: logged };
}

function medianTally(tallies: readonly ApduTally[]): ApduTally {
  return {
    apdus: median(tallies.map((t) => t.apdus)),
    bytes: median(tallies.map((t) => t.bytes)),
    modelMs: median(tallies.map((t) => t.modelMs)),
  };
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === values.length && present.length > 0 ? median(present) : null;
}

/** The model's latency of the exchanges up to auth-ready (the card logs every exchange the session sends). */
function authReadyFloorMs(result: CardReadResult, cardLog: ApduEngine['apduLog']): number | null {
  const count = result.kind === 'snapshot' ? result.stats.authReady?.apduCount : undefined;
  if (count === undefined) return null;
  return tallyExchanges(cardLog.slice(0, count)).modelMs;
}

async function insertCard(monitor: PcscReaderMonitor, engine: ApduEngine): Promise<VpcdCardSocket> {
  const socket = new VpcdCardSocket(engine, { port: VPCD_PORT });
  await socket.insert();
  const atr = toHex(engine.atr);
  await waitUntil(
    () => {
      const state = readerState(monitor);
      return state?.cardPresent === true && state.atr !== undefined && toHex(state.atr) === atr;
    },
    10_000,
    `pcscd to report ${engine.name} in ${READER_NAME}`,
  );
  return socket;
}

async function removeCard(monitor: PcscReaderMonitor, socket: VpcdCardSocket): Promise<void> {
  await socket.remove();
  await waitUntil(() => readerState(monitor)?.cardPresent !== true, 10_000, `pcscd to report ${READER_NAME} empty`);
}

function breakdownOf(card: string, result: CardReadResult, cardLog: ApduEngine['apduLog']): PcscdPhaseResult['breakdown'] {
  const measured = result.apduLog;
  const authReadyAt = result.kind === 'snapshot' ? (result.stats.authReady?.apduCount ?? null) : null;
  const rows: BreakdownRow[] = cardLog.map((exchange, index) => {
    const description = describeCommand(exchange.command);
    const ours = measured[index];
    // Pair by position only when both sides logged the same command.
    const sameCommand = ours !== undefined && ours.command.toUpperCase() === toHex(exchange.command);
    return {
      index: index + 1,
      command: toHex(exchange.command),
      kind: description.kind,
      detail: description.detail,
      responseBytes: Math.max(0, exchange.response.length - 2),
      statusWord: toHex(exchange.response.subarray(-2)),
      modelMs: exchange.latencyMs,
      measuredMs: sameCommand ? ours.durationMs : null,
      authReady: authReadyAt === index + 1,
    };
  });
  return { card, rows, byKind: countByKind(cardLog), repeatedSelects: repeatedSelects(cardLog) };
}

export interface PcscdPhaseOptions {
  cards: VirtualCardName[];
  repeat: number;
}

export async function runPcscdPhase(options: PcscdPhaseOptions): Promise<PcscdPhaseResult> {
  const peakRss = gnuTimeAvailable();
  const base: PcscdPhaseResult = {
    ok: false,
    quickack: 'unknown',
    repeat: options.repeat,
    latencyModel: LATENCY_MODEL,
    peakRssAvailable: peakRss,
    openscVersion: (outputOf('dpkg-query', ['-W', '-f', '${Version}', 'opensc']) ?? '').trim() || 'unknown',
    pcscdVersion: /pcsc-lite version (\d+(?:\.\d+)*)/.exec(outputOf('pcscd', ['--version']) ?? '')?.[1] ?? 'unknown',
    cards: [],
    breakdown: null,
    openscBreakdown: null,
    zeroLatency: null,
    phaseMaxRssKb: 0,
    loadAverage: { start: os.loadavg()[0] ?? 0, end: 0 },
  };

  // pcscd (and the loopback quick ACKs that keep vpcd from stalling ~40 ms per APDU).
  const started = spawnSync('bash', [fileURLToPath(new URL('../scripts/start-pcscd.sh', import.meta.url))], { encoding: 'utf8' });
  if (started.status !== 0) log(`start-pcscd.sh: ${started.stderr.trim() || `exit ${started.status}`}`);
  const routes = outputOf('ip', ['route', 'show', 'table', 'local']);
  base.quickack = routes === undefined ? 'unknown' : loopbackHasQuickack(routes);
  if (base.quickack !== true) {
    log('');
    log('!!! WARNING: the loopback route has no "quickack 1" (' + (base.quickack === 'unknown' ? 'cannot read it' : 'missing') + ').');
    log('!!! Every APDU through vpcd then stalls ~40 ms (Nagle vs delayed ACK): a rig artefact, not our');
    log('!!! code. Run `bash scripts/start-pcscd.sh` as root before trusting these figures.');
    log('');
  }

  const monitor = createPcscReaderMonitor();
  monitor.start();
  try {
    try {
      await waitUntil(() => readerState(monitor) !== undefined && (readerState(monitor)?.stateFlags ?? 0) !== 0, 5000, `pcscd to list "${READER_NAME}"`);
    } catch {
      return { ...base, problem: `pcscd does not show the reader "${READER_NAME}" (is pcscd running with vsmartcard-vpcd? bash scripts/start-pcscd.sh)` };
    }
    if (readerState(monitor)?.cardPresent) {
      return { ...base, problem: `"${READER_NAME}" already holds a card (someone else's test or npm run sim?); the benchmark needs the reader empty` };
    }
    const readersListing = outputOf('opensc-tool', ['--list-readers'], openscEnv);
    const openscIndex = readersListing === undefined ? undefined : openscReaderIndex(readersListing, READER_NAME);
    if (openscIndex === undefined)
      log(
        `OpenSC: ${readersListing === undefined ? 'opensc-tool is not installed (Debian package opensc)' : `no reader "${READER_NAME}" in opensc-tool --list-readers`}; OpenSC is not compared`,
      );

    for (const name of options.cards) {
      const engine = await createVirtualCard(name, { behaviour: { ...LATENCY_MODEL } });
      const socket = await insertCard(monitor, engine);
      try {
        const skipReason = openscIndex === undefined ? 'OpenSC not available' : OPENSC_SKIPPED[name];
        const cliRuns: { value: CliRun; tally: ApduTally }[] = [];
        const inProcessRuns: { value: InProcessRun; tally: ApduTally; log: ApduEngine['apduLog'] }[] = [];
        const openscRuns: { value: OpenscRun; tally: ApduTally; log: ApduEngine['apduLog'] }[] = [];
        // Interleaved, so that a slow moment of the machine does not land on one tool only.
        for (let round = 0; round < options.repeat; round++) {
          cliRuns.push(await atTheCard(engine, () => readWithCli(peakRss)));
          inProcessRuns.push(await atTheCard(engine, () => readInProcess(monitor)));
          if (!skipReason) openscRuns.push(await atTheCard(engine, () => readWithOpensc(openscIndex as number, peakRss)));
        }
        // The targets are judged on the in-process read, which is cheap: two more runs steady its median.
        for (let extra = 0; extra < IN_PROCESS_EXTRA_RUNS; extra++) inProcessRuns.push(await atTheCard(engine, () => readInProcess(monitor)));
        const first = inProcessRuns[0]!;
        const figures: CardFigures = {
          card: name,
          ourOutcome: first.value.result.kind,
          ours: {
            ...medianTally(cliRuns.map((run) => run.tally)),
            wallMs: median(cliRuns.map((run) => run.value.wallMs)),
            wallRuns: cliRuns.map((run) => run.value.wallMs),
            peakRssKb: medianOrNull(cliRuns.map((run) => run.value.peakRssKb)),
            certificates: cliRuns[0]!.value.certificates,
            pins: cliRuns[0]!.value.pins,
            ...(cliRuns[0]!.value.pinReferences && { pinReferences: cliRuns[0]!.value.pinReferences }),
          },
          inProcess: {
            ...medianTally(inProcessRuns.map((run) => run.tally)),
            authReadyMs: medianOrNull(inProcessRuns.map((run) => run.value.authReadyMs)),
            authReadyFloorMs: medianOrNull(inProcessRuns.map((run) => authReadyFloorMs(run.value.result, run.log))),
            fullMs: median(inProcessRuns.map((run) => run.value.fullMs)),
            authReadyRuns: inProcessRuns.flatMap((run) => (run.value.authReadyMs === null ? [] : [run.value.authReadyMs])),
            fullRuns: inProcessRuns.map((run) => run.value.fullMs),
          },
          opensc: skipReason
            ? { skipped: skipReason }
            : {
                ...medianTally(openscRuns.map((run) => run.tally)),
                wallMs: median(openscRuns.map((run) => run.value.wallMs)),
                wallRuns: openscRuns.map((run) => run.value.wallMs),
                peakRssKb: medianOrNull(openscRuns.map((run) => run.value.peakRssKb)),
                certificates: openscRuns[0]!.value.certificates,
                pins: openscRuns[0]!.value.pins,
                pinReferences: openscRuns[0]!.value.pinReferences,
              },
        };
        if (cliRuns.some((run) => run.value.outcome !== first.value.result.kind)) {
          log(
            `  note: the CLI's outcome (${cliRuns.map((run) => run.value.outcome).join(', ')}) differs from the in-process read (${first.value.result.kind})`,
          );
        }
        base.cards.push(figures);
        const opensc =
          'skipped' in figures.opensc
            ? `OpenSC skipped (${figures.opensc.skipped})`
            : `OpenSC ${figures.opensc.apdus} APDUs ${Math.round(figures.opensc.wallMs)} ms`;
        log(
          `  ${name.padEnd(20)} ${figures.ourOutcome.padEnd(21)} ours ${figures.ours.apdus} APDUs ${Math.round(figures.ours.wallMs)} ms (in-process ${Math.round(figures.inProcess.fullMs)} ms); ${opensc}`,
        );

        if (base.breakdown === null && first.value.result.kind === 'snapshot') base.breakdown = breakdownOf(name, first.value.result, first.log);
        if (base.openscBreakdown === null && openscRuns[0]) {
          const openscLog = openscRuns[0].log;
          base.openscBreakdown = { card: name, byKind: countByKind(openscLog), refused: refusedExchanges(openscLog), apdus: openscLog.length };
        }
      } finally {
        await removeCard(monitor, socket);
      }
    }

    // The first card once more without the latency model: the cost of the rig and our code alone.
    const first = options.cards[0];
    if (first) {
      const engine = await createVirtualCard(first);
      const socket = await insertCard(monitor, engine);
      try {
        const runs: { value: InProcessRun; tally: ApduTally }[] = [];
        for (let round = 0; round < options.repeat; round++) runs.push(await atTheCard(engine, () => readInProcess(monitor)));
        base.zeroLatency = {
          card: first,
          fullMs: median(runs.map((run) => run.value.fullMs)),
          authReadyMs: medianOrNull(runs.map((run) => run.value.authReadyMs)),
          apdus: median(runs.map((run) => run.tally.apdus)),
        };
      } finally {
        await removeCard(monitor, socket);
      }
    }
  } finally {
    await monitor.close();
  }
  base.phaseMaxRssKb = process.resourceUsage().maxRSS;
  base.loadAverage.end = os.loadavg()[0] ?? 0;
  return { ...base, ok: base.cards.length > 0 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, repeat: { type: 'string' }, cards: { type: 'string' } } });
  const cards = (values.cards ?? '').split(',').filter(Boolean);
  const unknown = cards.filter((name) => !isVirtualCardName(name));
  if (!values.out || unknown.length > 0 || cards.length === 0) {
    console.error(`usage: pcscd-phase.ts --out FILE --cards a,b --repeat N${unknown.length ? ` (unknown cards: ${unknown.join(', ')})` : ''}`);
    process.exit(64);
  }
  const result = await runPcscdPhase({ cards: cards as VirtualCardName[], repeat: Math.max(1, Number(values.repeat ?? 3) || 3) });
  writeFileSync(values.out, JSON.stringify(result, null, 2));
  // pcsclite's native handles may keep the loop alive after close().
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
