/**
 * Faults a virtual card can be told to have, for the reliability tests and `npm run soak`: a card
 * that stops answering mid-APDU, garbage instead of the answer at one APDU, a slow card, and a
 * hook after each answer (e.g. to have another process reset the card between two APDUs).
 *
 * `FaultyCard` wraps any endpoint (the APDU engine, an echo card); `VpcdCardSocket` takes the same
 * plan as its `faults` option. APDU indexes count from 0 at every power-on (each insertion).
 */
import type { ApduLogEntry, VirtualCardEndpoint } from './endpoint.js';

/** What a garbled answer looks like. */
export type GarbageKind =
  /** 1 to 64 random bytes (seeded: the same plan garbles the same way). */
  | 'random-bytes'
  /** One byte: no SW1 SW2. */
  | 'one-byte'
  /** The status word of the real answer without its data. */
  | 'status-word-alone'
  /** The real data with a wrong status word: 90 00 becomes 6A 82, anything else becomes 90 00. */
  | 'wrong-status-word'
  /** The real data plus 32 bytes more than the command asked for, then the real status word. */
  | 'too-long';

export const garbageKinds: readonly GarbageKind[] = Object.freeze(['random-bytes', 'one-byte', 'status-word-alone', 'wrong-status-word', 'too-long']);

export interface CardFaults {
  /** The card stops answering at this APDU: no answer until it loses power (is taken out). */
  stallAtApdu?: number;
  /** The answer to this APDU is replaced by garbage of this kind. */
  garbage?: { atApdu: number; kind: GarbageKind; seed?: number };
  /** Every answer comes this much later (a slow card or reader). */
  delayPerApduMs?: number;
  /** Called once the answer to APDU `index` is on its way (not awaited: the card keeps answering). */
  afterApdu?: (index: number) => void;
}

/** A small deterministic generator (mulberry32), so that a failing garble can be replayed. */
function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    bytes[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return bytes;
}

/** The garbled form of `answer` (data + SW1 SW2). */
export function garble(answer: Uint8Array, kind: GarbageKind, seed = 1): Uint8Array {
  const data = answer.subarray(0, Math.max(0, answer.length - 2));
  const sw = answer.subarray(Math.max(0, answer.length - 2));
  switch (kind) {
    case 'random-bytes': {
      const length = 1 + (randomBytes(seed, 1)[0]! % 64);
      return randomBytes(seed + 1, length);
    }
    case 'one-byte':
      return Uint8Array.of(answer[0] ?? 0x90);
    case 'status-word-alone':
      return sw.slice();
    case 'wrong-status-word': {
      const ok = sw[0] === 0x90 && sw[1] === 0x00;
      return Uint8Array.from([...data, ...(ok ? [0x6a, 0x82] : [0x90, 0x00])]);
    }
    case 'too-long':
      return Uint8Array.from([...data, ...new Uint8Array(32).fill(0xa5), ...sw]);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultyCard implements VirtualCardEndpoint {
  /** APDUs seen since the last power-on. */
  private index = 0;
  /** Wakes a stalled exchange when the card loses power (its answer then goes nowhere). */
  private wakeStalled: (() => void) | undefined;
  /** How many times the card stalled, garbled, answered (for tests' messages). */
  readonly counts = { stalled: 0, garbled: 0, answered: 0 };

  constructor(
    readonly inner: VirtualCardEndpoint,
    readonly faults: CardFaults,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get atr(): Uint8Array {
    return this.inner.atr;
  }
  get apduLog(): readonly ApduLogEntry[] {
    return this.inner.apduLog;
  }
  clearApduLog(): void {
    this.inner.clearApduLog();
  }
  powerOn(): void {
    this.index = 0;
    this.inner.powerOn();
  }
  powerOff(): void {
    this.wakeStalled?.();
    this.inner.powerOff();
  }
  reset(): void {
    this.index = 0;
    this.inner.reset();
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const index = this.index++;
    if (this.faults.stallAtApdu === index) {
      this.counts.stalled++;
      await new Promise<void>((resolve) => (this.wakeStalled = resolve));
      this.wakeStalled = undefined;
      return Uint8Array.of(0x6f, 0x00);
    }
    let answer = await this.inner.transmit(command);
    if (this.faults.delayPerApduMs) await sleep(this.faults.delayPerApduMs);
    const garbage = this.faults.garbage;
    if (garbage && garbage.atApdu === index) {
      this.counts.garbled++;
      answer = garble(answer, garbage.kind, garbage.seed ?? index + 1);
    }
    this.counts.answered++;
    if (this.faults.afterApdu) queueMicrotask(() => this.faults.afterApdu?.(index));
    return answer;
  }
}
