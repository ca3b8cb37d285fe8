/**
 * The phases of `npm run soak` (bench/soak.ts), shared with the short CI version
 * (test/integration/soak-short.test.ts), which asserts correctness only, never time.
 *
 * Everything runs the service as the desktop app runs it: createKortkollService with the real
 * PC/SC monitor, through the real pcscd with vpcd's two readers. Cards are built once (RSA keys
 * are slow) and a fresh APDU engine is made of the spec for each insertion.
 */
import { readdirSync } from 'node:fs';
import { createKortkollService } from '../electron/service.js';
import type { KortkollService } from '../electron/service-types.js';
import type { AppState } from '../electron/ipc-contract.js';
import { createPcscReaderMonitor } from '../native/pcsc/index.js';
import { ApduEngine } from '../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../native/simulator/card-model.js';
import { buildVirtualCardSpec, type VirtualCardName } from '../native/simulator/cards.js';
import type { CardFaults } from '../native/simulator/faults.js';
import { VpcdCardSocket } from '../native/simulator/vpcd-client.js';
import { toHex } from '../native/bytes.js';

export const READERS = Object.freeze([
  { name: 'Virtual PCD 00 00', port: 35963 },
  { name: 'Virtual PCD 00 01', port: 35964 },
]);

/** The rotation of the churn: every ready virtual card, the IDPrime ones included (real-test-chain needs files from outside the repository). */
export const CHURN_CARDS: readonly VirtualCardName[] = Object.freeze([
  'netid-legacy',
  'siths-eid-idprime',
  'siths-eid-2024',
  'idprime-auth-pin-blocked',
  'auth-pin-blocked',
  'idprime-auth-pin-one-try',
  'auth-pin-one-try',
  'idprime-uncompressed',
  'puk-blocked',
  'idprime-empty-cmapfile',
  'auth-cert-expired',
  'idprime-strict',
  'auth-cert-expiring',
  'idprime-t0',
  'telia-only',
  'reservkort',
  'bank-card',
  'unknown-structure',
  'corrupt-cdf',
  'test-pki',
]);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function buildSpecs(names: readonly VirtualCardName[]): Promise<Map<VirtualCardName, VirtualCardSpec>> {
  const specs = new Map<VirtualCardName, VirtualCardSpec>();
  for (const name of names) specs.set(name, await buildVirtualCardSpec(name));
  return specs;
}

/**
 * What staff see of a card, in one string: verdict, ATR, card number, certificates, PIN counters.
 * Two cards in a row of the rotation always differ in it (checked before the churn), so a state
 * showing the previous card, or a stale one, is told apart.
 */
export function fingerprint(state: AppState): string | null {
  const report = state.report;
  if (!report?.card) return null;
  const card = report.card;
  const certificates = report.certificates.map((c) => c.sha256.slice(0, 16)).join(',');
  const pins = report.pins.map((p) => `${p.role}:${p.triesLeft ?? '?'}/${p.blocked ? 'b' : ''}`).join(',');
  return [state.phase, report.verdict.status, card.atr, card.cardNumber ?? '', card.structure ?? '', certificates, pins].join('|');
}

/** The ATR of the card the state shows, as hex without spaces (the report spaces it). */
export const atrShown = (state: AppState): string | null => state.report?.card?.atr.replace(/\s+/g, '').toUpperCase() ?? null;

/** A settled reading: a verdict for a card, nothing in progress. */
export const isSettledCard = (state: AppState) =>
  (state.phase === 'ready' || state.phase === 'card-error') && state.progress === null && state.report?.card != null;
export const isNoCard = (state: AppState) => state.phase === 'no-card' && state.report?.card == null && state.progress === null;

/** Records every state the service emits, and waits for particular ones. */
export class StateRecorder {
  readonly states: AppState[] = [];
  private wakers: (() => void)[] = [];
  private readonly off: () => void;

  constructor(readonly service: KortkollService) {
    this.off = service.subscribe((state) => {
      this.states.push(state);
      for (const wake of this.wakers.splice(0)) wake();
    });
  }

  get mark(): number {
    return this.states.length;
  }

  /** The first state at or after `since` (an index into states, or the current one when none came) that matches. */
  async waitFor(match: (state: AppState) => boolean, timeoutMs: number, what: string, since = this.mark): Promise<AppState> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.states.slice(since).find(match) ?? (match(this.service.getState()) ? this.service.getState() : undefined);
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) {
        const now = this.service.getState();
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; now ${now.phase} ${fingerprint(now) ?? ''} (last event ${now.lastEvent?.kind ?? 'none'})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Drops what is no longer needed (the soak would otherwise keep every state). */
  forgetBefore(index: number): void {
    this.states.splice(0, index);
  }

  stop(): void {
    this.off();
  }
}

export function startService(): { service: KortkollService; recorder: StateRecorder } {
  const service = createKortkollService({ monitorFactory: () => createPcscReaderMonitor(), smartcardListPath: null });
  return { service, recorder: new StateRecorder(service) };
}

export interface ResourceSample {
  cycle: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  handles: number;
}

export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function activeHandles(): number {
  const get = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  return get ? get.call(process).length : -1;
}

export function sampleResources(cycle: number): ResourceSample {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  return { cycle, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20, fds: openFds(), handles: activeHandles() };
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export function cpuMsDuring(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

// ---- churn --------------------------------------------------------------------------------------

export interface CycleProblem {
  cycle: number;
  card: string;
  problem: string;
}

export interface ChurnResult {
  cycles: number;
  problems: CycleProblem[];
  samples: ResourceSample[];
  /** CPU time (ms) over idle pauses of `idlePauseMs` between cycles, one per sample. */
  idleCpuMs: number[];
  idlePauseMs: number;
  cycleMs: number[];
}

export interface ChurnOptions {
  cycles: number;
  sampleEvery?: number;
  idlePauseMs?: number;
  reader?: (typeof READERS)[number];
  log?: (line: string) => void;
}

/** Checks that consecutive cards of the rotation look different to staff (else "none from the previous card" cannot be seen). */
export function rotationClashes(expected: ReadonlyMap<string, string>, names: readonly string[]): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const a = names[i]!;
    const b = names[(i + 1) % names.length]!;
    if (expected.get(a) === expected.get(b)) clashes.push(`${a} and ${b}`);
  }
  return clashes;
}

/**
 * N insert/remove cycles in one reader, rotating through the cards. Each insertion must end in the
 * verdict of that card (its first reading is the reference; every later one must equal it), with no
 * state in between showing another card; each removal must end in "no card".
 */
export async function runChurn(
  specs: ReadonlyMap<VirtualCardName, VirtualCardSpec>,
  options: ChurnOptions,
): Promise<ChurnResult & { expected: Map<string, string> }> {
  const reader = options.reader ?? READERS[0]!;
  const sampleEvery = options.sampleEvery ?? 50;
  const idlePauseMs = options.idlePauseMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const names = [...specs.keys()];
  const expected = new Map<string, string>();
  const result: ChurnResult = { cycles: 0, problems: [], samples: [], idleCpuMs: [], idlePauseMs, cycleMs: [] };
  const { service, recorder } = startService();
  await service.start();
  try {
    await recorder.waitFor(isNoCard, 10_000, `${reader.name} empty at the start`);
    result.samples.push(sampleResources(0));
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const name = names[(cycle - 1) % names.length]!;
      const spec = specs.get(name)!;
      const startedAt = performance.now();
      const mark = recorder.mark;
      const socket = new VpcdCardSocket(new ApduEngine(spec), { port: reader.port });
      const problem = (text: string) => {
        result.problems.push({ cycle, card: name, problem: text });
        log(`  cycle ${cycle} ${name}: ${text}`);
      };
      try {
        await socket.insert();
        const settled = await recorder.waitFor(
          (s) => isSettledCard(s) && atrShown(s) === toHex(spec.atr) && s.lastEvent?.kind === 'card-inserted',
          15_000,
          `the verdict of ${name}`,
          mark,
        );
        const seen = fingerprint(settled)!;
        if (settled.report?.card?.reader !== reader.name) problem(`read attributed to ${settled.report?.card?.reader}`);
        const reference = expected.get(name);
        if (reference === undefined) expected.set(name, seen);
        else if (reference !== seen) problem(`verdict differs from its first reading:\n    now   ${seen}\n    first ${reference}`);
      } catch (error) {
        problem(`missed: ${(error as Error).message}`);
      }
      const removeMark = recorder.mark;
      await socket.remove();
      try {
        await recorder.waitFor(isNoCard, 10_000, `no card after ${name} was taken out`, removeMark);
      } catch (error) {
        problem(`removal: ${(error as Error).message}`);
      }
      // Nothing but this card (or none) was shown during the cycle.
      const mine = expected.get(name);
      for (const state of recorder.states.slice(mark)) {
        const shown = fingerprint(state);
        if (shown !== null && atrShown(state) !== toHex(spec.atr)) {
          problem(`showed another card's reading (${shown}) while ${name} was in`);
          break;
        }
        if (shown !== null && mine !== undefined && isSettledCard(state) && shown !== mine) {
          problem(`showed a verdict that is not ${name}'s (${shown})`);
          break;
        }
      }
      recorder.forgetBefore(recorder.mark);
      result.cycleMs.push(performance.now() - startedAt);
      result.cycles = cycle;
      if (cycle % sampleEvery === 0) {
        if (idlePauseMs > 0) {
          const cpu = process.cpuUsage();
          await sleep(idlePauseMs);
          result.idleCpuMs.push(cpuMsDuring(cpu));
        }
        const sample = sampleResources(cycle);
        result.samples.push(sample);
        log(
          `  ${String(cycle).padStart(5)} cycles: rss ${sample.rssMb.toFixed(1)} MiB, heap ${sample.heapMb.toFixed(1)} MiB, fds ${sample.fds}, handles ${sample.handles}, problems ${result.problems.length}`,
        );
      }
      if (cycle === names.length) {
        const clashes = rotationClashes(expected, names);
        if (clashes.length > 0) problem(`cards of the rotation look the same to staff: ${clashes.join('; ')}`);
      }
    }
  } finally {
    recorder.stop();
    await service.close();
  }
  return { ...result, expected };
}

// ---- two readers --------------------------------------------------------------------------------

export interface TwoReaderResult {
  steps: number;
  problems: string[];
}

/**
 * Cards in both readers, removed and swapped in turn. The rules: the first card wins until it
 * leaves; the reader the user chose is followed; a reading is always shown with the reader its
 * card is in.
 */
export async function runTwoReaders(
  specs: ReadonlyMap<VirtualCardName, VirtualCardSpec>,
  rounds: number,
  log: (line: string) => void = () => undefined,
): Promise<TwoReaderResult> {
  const [r0, r1] = [READERS[0]!, READERS[1]!];
  const [nameA, nameB] = [...specs.keys()];
  const specA = specs.get(nameA!)!;
  const specB = specs.get(nameB!)!;
  const result: TwoReaderResult = { steps: 0, problems: [] };
  const { service, recorder } = startService();
  await service.start();
  const where = new Map<string, string>(); // ATR → reader it is in now
  const sockets = new Map<string, VpcdCardSocket>();
  const check = (ok: boolean, text: string) => {
    result.steps++;
    if (!ok) {
      result.problems.push(text);
      log(`  two readers: ${text}`);
    }
  };
  const insert = async (spec: VirtualCardSpec, reader: (typeof READERS)[number]) => {
    const socket = new VpcdCardSocket(new ApduEngine(spec), { port: reader.port });
    await socket.insert();
    sockets.set(reader.name, socket);
    where.set(toHex(spec.atr), reader.name);
  };
  const remove = async (reader: (typeof READERS)[number]) => {
    await sockets.get(reader.name)?.remove();
    sockets.delete(reader.name);
    for (const [atr, name] of where) if (name === reader.name) where.delete(atr);
  };
  const shows = (s: AppState, spec: VirtualCardSpec, reader: string) =>
    isSettledCard(s) && atrShown(s) === toHex(spec.atr) && s.report?.card?.reader === reader;
  const seesReaders = (s: AppState, present: [boolean, boolean]) =>
    s.readers.find((r) => r.name === r0.name)?.cardPresent === present[0] && s.readers.find((r) => r.name === r1.name)?.cardPresent === present[1];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
      check(true, what);
    } catch (error) {
      check(false, `${what}: ${(error as Error).message}`);
    }
  };
  const misattributed = () => {
    for (const state of recorder.states) {
      const card = state.report?.card;
      if (!card || !isSettledCard(state)) continue;
      const readerOfCard = where.get(atrShown(state) ?? '');
      if (readerOfCard !== undefined && readerOfCard !== card.reader) return `${card.atr.slice(0, 12)}… shown in ${card.reader} but it is in ${readerOfCard}`;
    }
    return null;
  };
  try {
    await recorder.waitFor(isNoCard, 10_000, 'both readers empty');
    for (let round = 0; round < rounds; round++) {
      // A and B swap readers every round.
      const [x, y] = round % 2 === 0 ? [r0, r1] : [r1, r0];
      const mark = recorder.mark;
      await insert(specA, x);
      await attempt(`round ${round}: ${nameA} in ${x.name} is read`, () =>
        recorder.waitFor((s) => shows(s, specA, x.name), 15_000, `${nameA} in ${x.name}`, mark),
      );
      await insert(specB, y);
      // The first card wins: the service keeps showing A while B sits in the other reader.
      await attempt(`round ${round}: with ${nameB} in ${y.name} too, ${nameA} is still shown`, async () => {
        await recorder.waitFor((s) => seesReaders(s, x === r0 ? [true, true] : [true, true]), 5000, 'both readers holding a card');
        await sleep(600);
        const now = service.getState();
        if (!shows(now, specA, x.name)) throw new Error(`shows ${now.report?.card?.reader ?? 'nothing'} (${now.phase})`);
      });
      // Following the other reader reads its card, attributed to it.
      await attempt(`round ${round}: following ${y.name} shows ${nameB} there`, async () => {
        const m = recorder.mark;
        await service.chooseReader(y.name);
        await recorder.waitFor((s) => shows(s, specB, y.name), 15_000, `${nameB} in ${y.name}`, m);
      });
      // The followed reader's card leaves: no card, although the other reader holds one.
      await attempt(`round ${round}: ${nameB} out of the followed ${y.name} gives no card`, async () => {
        const m = recorder.mark;
        await remove(y);
        await recorder.waitFor((s) => s.phase === 'no-card' && s.report?.card == null, 10_000, 'no card in the followed reader', m);
      });
      // Back to any reader: the card still in x is read.
      await attempt(`round ${round}: following any reader reads ${nameA} in ${x.name}`, async () => {
        const m = recorder.mark;
        await service.chooseReader(null);
        await recorder.waitFor((s) => shows(s, specA, x.name), 15_000, `${nameA} in ${x.name}`, m);
      });
      await remove(x);
      await attempt(`round ${round}: both out gives no card`, () =>
        recorder.waitFor((s) => isNoCard(s) && seesReaders(s, [false, false]), 10_000, 'both empty'),
      );
      const wrong = misattributed();
      check(wrong === null, `round ${round}: ${wrong}`);
      recorder.forgetBefore(recorder.mark);
    }
  } finally {
    for (const socket of sockets.values()) await socket.remove().catch(() => undefined);
    recorder.stop();
    await service.close();
  }
  return result;
}

// ---- pcscd restarts -----------------------------------------------------------------------------

export interface RestartRound {
  midRead: boolean;
  signal: 'SIGTERM' | 'SIGKILL';
  lostMs: number | null;
  /** From pcscd's launch to the service no longer saying "no service". */
  restoredMs: number | null;
  /** From pcscd's launch to the card's verdict shown again. */
  readAgainMs: number | null;
  outageCpuMs: number;
  outageMs: number;
  problem?: string;
}

export interface RestartResult {
  rounds: RestartRound[];
  fdsBefore: number;
  fdsAfter: number;
  handlesBefore: number;
  handlesAfter: number;
}

export interface PcscdControl {
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Resolves with performance.now() at the launch. */
  start(): Promise<number>;
}

/**
 * pcscd killed and started again `count` times with a card in the reader; every other time in the
 * middle of a read (the card answers slowly so that the read is under way). Each time: the service
 * says "no service", comes back, and reads the card again.
 */
export async function runRestarts(
  spec: VirtualCardSpec,
  count: number,
  pcscd: PcscdControl,
  options: { outageMs?: number; log?: (line: string) => void } = {},
): Promise<RestartResult> {
  const reader = READERS[0]!;
  const outageMs = options.outageMs ?? 1000;
  const log = options.log ?? (() => undefined);
  const faults: CardFaults = { delayPerApduMs: 40 };
  const socket = new VpcdCardSocket(new ApduEngine(spec), { port: reader.port, reconnect: true, faults });
  const { service, recorder } = startService();
  const rounds: RestartRound[] = [];
  const atr = toHex(spec.atr);
  const shown = (s: AppState) => isSettledCard(s) && atrShown(s) === atr;
  await service.start();
  await socket.insert();
  await recorder.waitFor(shown, 30_000, 'the card before the restarts');
  await sleep(500);
  (globalThis as { gc?: () => void }).gc?.();
  const fdsBefore = openFds();
  const handlesBefore = activeHandles();
  try {
    for (let i = 0; i < count; i++) {
      const midRead = i % 2 === 1;
      const signal = i % 4 < 2 ? 'SIGTERM' : 'SIGKILL';
      const round: RestartRound = { midRead, signal, lostMs: null, restoredMs: null, readAgainMs: null, outageCpuMs: 0, outageMs };
      try {
        if (midRead) {
          const m = recorder.mark;
          void service.runDiagnosis({ online: false });
          await recorder.waitFor((s) => s.phase === 'reading', 5000, 'a read under way', m);
          await sleep(150);
        }
        const mark = recorder.mark;
        const stoppedAt = performance.now();
        await pcscd.stop(signal);
        const lost = await recorder.waitFor((s) => s.phase === 'no-service', 5000, 'no service', mark);
        round.lostMs = performance.now() - stoppedAt;
        if (lost.report?.card) throw new Error('a card reading is still shown while the service is lost');
        const cpu = process.cpuUsage();
        const wall = performance.now();
        await sleep(outageMs);
        round.outageCpuMs = cpuMsDuring(cpu);
        round.outageMs = performance.now() - wall;
        const m2 = recorder.mark;
        const launchedAt = await pcscd.start();
        await recorder.waitFor((s) => s.phase !== 'no-service', 10_000, 'the service back', m2);
        round.restoredMs = performance.now() - launchedAt;
        await recorder.waitFor(shown, 15_000, 'the card read again', m2);
        round.readAgainMs = performance.now() - launchedAt;
      } catch (error) {
        round.problem = (error as Error).message;
        await pcscd.start().catch(() => undefined);
      }
      rounds.push(round);
      recorder.forgetBefore(recorder.mark);
      log(
        `  restart ${i + 1}/${count} ${signal}${midRead ? ' mid-read' : ''}: lost after ${round.lostMs?.toFixed(0) ?? '-'} ms, back ${round.restoredMs?.toFixed(0) ?? '-'} ms, ` +
          `read again ${round.readAgainMs?.toFixed(0) ?? '-'} ms, CPU in ${round.outageMs.toFixed(0)} ms outage ${round.outageCpuMs.toFixed(1)} ms${round.problem ? `; PROBLEM ${round.problem}` : ''}`,
      );
    }
    await sleep(500);
    (globalThis as { gc?: () => void }).gc?.();
    return { rounds, fdsBefore, fdsAfter: openFds(), handlesBefore, handlesAfter: activeHandles() };
  } finally {
    await socket.remove().catch(() => undefined);
    recorder.stop();
    await service.close();
  }
}
