/**
 * Faults injected by the simulator, through the real pcscd + vpcd and the service as the desktop
 * app runs it, each with the typed outcome it must give. Shared by `npm run soak` and the CI tests
 * (test/integration/soak-faults.test.ts).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppState } from '../electron/ipc-contract.js';
import { ApduEngine } from '../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../native/simulator/card-model.js';
import type { CardFaults, GarbageKind } from '../native/simulator/faults.js';
import { VpcdCardSocket } from '../native/simulator/vpcd-client.js';
import { toHex } from '../native/bytes.js';
import { atrShown, fingerprint, isNoCard, isSettledCard, READERS, startService, type StateRecorder } from './soak-lib.js';
import type { KortkollService } from '../electron/service-types.js';

const READER = READERS[0]!;
const RESET_FROM_ANOTHER_PROCESS = fileURLToPath(new URL('./reset-card.mjs', import.meta.url));

/** What the service showed for a faulty insertion. */
export interface FaultOutcome {
  /** The phase of the verdict (`ready`, `card-error`). */
  phase: string;
  /** See outcomeOf. */
  outcome: string;
  /** What staff saw: the fingerprint of the state. */
  shown: string | null;
  /** How long from insertion to the verdict. */
  ms: number;
  /** Progress stages the service showed while reading. */
  progress: string[];
}

export interface Rig {
  service: KortkollService;
  recorder: StateRecorder;
  close(): Promise<void>;
}

export async function openRig(): Promise<Rig> {
  const { service, recorder } = startService();
  await service.start();
  await recorder.waitFor(isNoCard, 10_000, `${READER.name} empty`);
  return {
    service,
    recorder,
    close: async () => {
      recorder.stop();
      await service.close();
    },
  };
}

/**
 * The typed outcome of a read as the report keeps it: `transport-error:<code>` when the card or the
 * reader failed (TransportError codes: timeout, unresponsive-card, card-reset, …); otherwise
 * `<verdict>:<first failing check>` (e.g. `unknown:siths-application`), or `<verdict>` alone.
 * A faulty read must either give a typed failure or exactly the card's clean reading.
 */
export function outcomeOf(state: AppState): string {
  const checks = state.report?.checks ?? [];
  const transport = checks.find((c) => c.id === 'card-answers')?.evidence?.find((e) => e.key === 'error')?.value;
  if (transport) return `transport-error:${transport}`;
  const failing = checks.find((c) => c.status === 'error');
  return `${state.report?.verdict.status ?? state.phase}${failing ? `:${failing.id}` : ''}`;
}

/** Inserts a card with faults and waits for the service's verdict; the card stays in (remove it with the socket). */
export async function insertFaulty(
  rig: Rig,
  spec: VirtualCardSpec,
  faults: CardFaults,
  timeoutMs = 20_000,
): Promise<{ socket: VpcdCardSocket; outcome: FaultOutcome }> {
  const socket = new VpcdCardSocket(new ApduEngine(spec), { port: READER.port, faults });
  const mark = rig.recorder.mark;
  const startedAt = performance.now();
  await socket.insert();
  const settled = await rig.recorder.waitFor((s) => isSettledCard(s) && atrShown(s) === toHex(spec.atr), timeoutMs, `a verdict for ${spec.name}`, mark);
  const progress = [...new Set(rig.recorder.states.slice(mark).flatMap((s) => (s.progress ? [s.progress.stage] : [])))];
  return {
    socket,
    outcome: { phase: settled.phase, outcome: outcomeOf(settled), shown: fingerprint(settled), ms: performance.now() - startedAt, progress },
  };
}

export async function removeAndWait(rig: Rig, socket: VpcdCardSocket): Promise<void> {
  const mark = rig.recorder.mark;
  await socket.remove();
  await rig.recorder.waitFor(isNoCard, 10_000, 'no card after removal', mark);
}

/** A clean insertion: the reference verdict of a card (or the proof that the reader works again). */
export async function cleanRead(rig: Rig, spec: VirtualCardSpec): Promise<string> {
  const { socket, outcome } = await insertFaulty(rig, spec, {});
  await removeAndWait(rig, socket);
  return outcome.shown ?? '';
}

/** Has another process reset the card in the reader (SCardConnect shared, SCardDisconnect with SCARD_RESET_CARD). */
export function resetFromAnotherProcess(readerName: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RESET_FROM_ANOTHER_PROCESS, readerName], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
}

export const GARBAGE_KINDS: readonly GarbageKind[] = ['random-bytes', 'one-byte', 'status-word-alone', 'wrong-status-word', 'too-long'];

export interface GarbageRow {
  kind: GarbageKind;
  atApdu: number;
  outcome: string;
  /** The reading shown is exactly the card's clean one. */
  sameAsClean: boolean;
  shown: string | null;
}

/** Garbage of every kind at every APDU index of a clean read of `spec` (which has `apdus` APDUs). */
export async function garbageMatrix(
  rig: Rig,
  spec: VirtualCardSpec,
  reference: string,
  apdus: number,
  log: (line: string) => void = () => undefined,
): Promise<GarbageRow[]> {
  const rows: GarbageRow[] = [];
  for (const kind of GARBAGE_KINDS) {
    const outcomes = new Map<string, number>();
    for (let atApdu = 0; atApdu < apdus; atApdu++) {
      const { socket, outcome } = await insertFaulty(rig, spec, { garbage: { atApdu, kind } });
      await removeAndWait(rig, socket);
      const sameAsClean = outcome.shown === reference;
      rows.push({ kind, atApdu, outcome: outcome.outcome, sameAsClean, shown: outcome.shown });
      const key = sameAsClean ? 'the clean reading' : outcome.outcome;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    log(`  garbage ${kind.padEnd(18)} at APDU 0..${apdus - 1}: ${[...outcomes].map(([o, n]) => `${o} ×${n}`).join(', ')}`);
    const typed = rows.filter((row) => row.kind === kind && !row.sameAsClean);
    if (typed.length > 0) log(`    ${typed.map((row) => `@${row.atApdu} ${row.outcome}`).join('; ')}`);
  }
  return rows;
}

/** The reading with every PIN counter unknown (see fingerprint: `role:tries/blocked`). */
const withCountersUnknown = (shown: string) => shown.replace(/(authentication|signature|puk|other):[^,|]*/g, '$1:?/');

/**
 * A wrong verdict: a reading that is not the clean one yet carries the clean verdict (e.g. "ready"
 * with other data). A transport error, a failing check or another verdict (e.g. "unknown card") is
 * a typed failure; the clean reading with a PIN counter unknown (the card's answer to the counter
 * probe was not a status word it can give) is a degraded reading, not a wrong one.
 */
export function isWrongVerdict(row: GarbageRow, cleanOutcome: string, reference?: string): boolean {
  if (row.sameAsClean) return false;
  if (row.outcome.startsWith('transport-error:')) return false;
  if (reference && row.shown && withCountersUnknown(row.shown) === withCountersUnknown(reference) && row.shown.includes(':?/')) return false;
  return row.outcome.split(':')[0] === cleanOutcome.split(':')[0];
}

/** The clean reading with a PIN counter unknown. */
export function isDegradedCounter(row: GarbageRow, reference: string): boolean {
  return !row.sameAsClean && row.shown !== null && row.shown.includes(':?/') && withCountersUnknown(row.shown) === withCountersUnknown(reference);
}
