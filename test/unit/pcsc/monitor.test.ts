import { afterEach, describe, expect, it, vi } from 'vitest';
import { PcscReaderMonitor } from '../../../native/pcsc/monitor.js';
import {
  CardRemovedError,
  CardResetError,
  NoCardError,
  NoReadersError,
  PcscError,
  ReaderUnavailableError,
  ServiceNotRunningError,
  SharingViolationError,
  UnresponsiveCardError,
  toHex,
  type ReaderEvent,
} from '../../../native/transport.js';
import { CHANGED, EMPTY, EXCLUSIVE, FakeBinding, INUSE, PRESENT } from './fake-binding.js';

const ATR_A = [0x3b, 0x02, 0x14, 0x50];
const ATR_B = [0x3b, 0x02, 0x14, 0x51];

/** Lets the fake binding's next-tick and set-immediate callbacks run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

function describeEvent(event: ReaderEvent): string {
  switch (event.type) {
    case 'card-inserted':
      return `${event.type} ${event.reader} ${toHex(event.atr)}`;
    case 'service-lost':
      return `${event.type} ${event.error.code}`;
    case 'service-restored':
      return event.type;
    default:
      return `${event.type} ${event.reader}`;
  }
}

function setup(options: { readers?: string[]; up?: boolean; watch?: boolean; cardGoneWaitMs?: number } = {}) {
  const binding = new FakeBinding();
  binding.up = options.up ?? true;
  if (options.readers) binding.readerNames = options.readers;
  const logs: string[] = [];
  let socketAppeared: (() => void) | undefined;
  let watching = 0;
  const monitor = new PcscReaderMonitor({
    binding: binding.create,
    log: (line) => logs.push(line),
    firstStatusTimeoutMs: 50,
    cardGoneWaitMs: options.cardGoneWaitMs,
    watchServiceSocket: options.watch
      ? (onChange) => {
          watching += 1;
          socketAppeared = onChange;
          return () => {
            watching -= 1;
            socketAppeared = undefined;
          };
        }
      : null,
  });
  const events: string[] = [];
  monitor.onEvent((event) => events.push(describeEvent(event)));
  return {
    binding,
    monitor,
    events,
    logs,
    socketAppears: () => socketAppeared?.(),
    watching: () => watching,
  };
}

describe('PcscReaderMonitor events', () => {
  const monitors: PcscReaderMonitor[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const monitor of monitors.splice(0)) await monitor.close();
  });

  it('reports readers, and a card already present with its ATR', async () => {
    const t = setup({ readers: ['Reader A', 'Reader B'] });
    monitors.push(t.monitor);
    t.monitor.start();
    expect(t.monitor.serviceAvailable).toBe(true);
    await settle();
    t.binding.reader('Reader A').status(PRESENT | CHANGED, 3, ATR_A);
    t.binding.reader('Reader B').status(EMPTY | CHANGED, 0);
    expect(t.events).toEqual(['reader-added Reader A', 'reader-added Reader B', `card-inserted Reader A ${toHex(Uint8Array.from(ATR_A))}`]);
    expect(t.monitor.readers()).toEqual([
      { name: 'Reader A', cardPresent: true, exclusive: false, stateFlags: PRESENT | CHANGED, atr: Uint8Array.from(ATR_A) },
      { name: 'Reader B', cardPresent: false, exclusive: false, stateFlags: EMPTY | CHANGED },
    ]);
  });

  it('folds repeated and in-use/exclusive status reports into no card events', async () => {
    const t = setup();
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    const reader = t.binding.reader();
    reader.status(EMPTY | CHANGED, 0);
    reader.status(EMPTY | CHANGED, 0);
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    reader.status(PRESENT | INUSE | CHANGED, 1, ATR_A);
    reader.status(PRESENT | INUSE | EXCLUSIVE | CHANGED, 1, ATR_A);
    expect(t.monitor.readers()[0]?.exclusive).toBe(true);
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    expect(t.monitor.readers()[0]?.exclusive).toBe(false);
    reader.status(EMPTY | CHANGED, 2);
    reader.status(EMPTY | CHANGED, 2);
    expect(t.events).toEqual(['reader-added Reader A', `card-inserted Reader A ${toHex(Uint8Array.from(ATR_A))}`, 'card-removed Reader A']);
  });

  it('reports a card swapped between two reports (counter or ATR changed) as removed then inserted', async () => {
    const t = setup();
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    const reader = t.binding.reader();
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    // Same ATR, but pcsc-lite counted a removal and an insertion in between.
    reader.status(PRESENT | CHANGED, 3, ATR_A);
    // Same counter, other ATR.
    reader.status(PRESENT | CHANGED, 3, ATR_B);
    const a = toHex(Uint8Array.from(ATR_A));
    const b = toHex(Uint8Array.from(ATR_B));
    expect(t.events).toEqual([
      'reader-added Reader A',
      `card-inserted Reader A ${a}`,
      'card-removed Reader A',
      `card-inserted Reader A ${a}`,
      'card-removed Reader A',
      `card-inserted Reader A ${b}`,
    ]);
  });

  it('reports the removal of a reader holding a card as card-removed then reader-removed', async () => {
    const t = setup();
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    const reader = t.binding.reader();
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    reader.emit('end');
    expect(t.events.slice(2)).toEqual(['card-removed Reader A', 'reader-removed Reader A']);
    expect(t.monitor.readers()).toEqual([]);
  });

  it('survives a listener that throws, and reader errors that do not mean the service is gone', async () => {
    const t = setup();
    monitors.push(t.monitor);
    const seen: string[] = [];
    t.monitor.onEvent(() => {
      throw new Error('listener bug');
    });
    t.monitor.onEvent((event) => seen.push(event.type));
    t.monitor.start();
    await settle();
    t.binding.reader().emit('error', new Error('SCardGetStatusChange error: Unknown error.(0x80100014)'));
    expect(seen).toEqual(['reader-added']);
    expect(t.monitor.serviceAvailable).toBe(true);
    expect(t.logs.some((line) => line.includes('listener bug'))).toBe(true);
    expect(t.logs.some((line) => line.includes('0x80100014'))).toBe(true);
  });

  it('unsubscribes a listener', async () => {
    const t = setup();
    monitors.push(t.monitor);
    const seen: string[] = [];
    const off = t.monitor.onEvent((event) => seen.push(event.type));
    off();
    t.monitor.start();
    await settle();
    expect(seen).toEqual([]);
    expect(t.events).toEqual(['reader-added Reader A']);
  });

  it('closes every binding object on close(), and swallows the cancellation the binding then reports', async () => {
    const t = setup({ readers: ['Reader A', 'Reader B'] });
    t.monitor.start();
    await settle();
    const context = t.binding.current;
    await t.monitor.close();
    expect(context.closed).toBe(true);
    expect(context.readers.every((reader) => reader.closed)).toBe(true);
    await settle();
    expect(t.monitor.serviceAvailable).toBe(false);
    expect(t.events).toEqual(['reader-added Reader A', 'reader-added Reader B']);
    await expect(t.monitor.connect('Reader A')).rejects.toBeInstanceOf(ServiceNotRunningError);
  });
});

describe('PcscReaderMonitor when pcscd goes away', () => {
  const monitors: PcscReaderMonitor[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const monitor of monitors.splice(0)) await monitor.close();
  });

  it('reports service-lost, then removes what it knew, and refuses connections', async () => {
    const t = setup();
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    t.binding.reader().status(PRESENT | CHANGED, 1, ATR_A);
    const context = t.binding.current;
    t.binding.kill();
    expect(t.events.slice(2)).toEqual(['service-lost service-not-running', 'card-removed Reader A', 'reader-removed Reader A']);
    expect(t.monitor.serviceAvailable).toBe(false);
    expect(t.monitor.readers()).toEqual([]);
    await expect(t.monitor.connect('Reader A')).rejects.toBeInstanceOf(ServiceNotRunningError);
    // The dead context and its readers are closed on a later tick, never inside their callbacks.
    expect(context.closed).toBe(false);
    await settle();
    expect(context.closed).toBe(true);
    expect(context.readers[0]?.closed).toBe(true);
  });

  it('retries with a bounded back-off (200 ms doubling to 1 s), then restores everything', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setup();
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    t.binding.reader().status(PRESENT | CHANGED, 1, ATR_A);
    const killedAt = Date.now();
    t.binding.kill();
    await settle();
    const attemptsBefore = t.binding.attempts;
    await vi.advanceTimersByTimeAsync(5_000);
    const gaps = t.binding.attemptTimes.slice(attemptsBefore).map((time, i, all) => time - (i === 0 ? killedAt : all[i - 1]!));
    expect(gaps.slice(0, 7)).toEqual([200, 400, 800, 1000, 1000, 1000, 1000].slice(0, gaps.length));
    expect(gaps.length).toBeGreaterThanOrEqual(6);
    expect(t.events.filter((e) => e.startsWith('service-lost'))).toHaveLength(1);
    // pcscd is back: the next attempt (at most 1 s later) restores the context and its readers.
    t.binding.up = true;
    t.binding.onContext = (context) => context.readers[0]?.status(PRESENT | CHANGED, 1, ATR_A);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(t.monitor.serviceAvailable).toBe(true);
    const a = toHex(Uint8Array.from(ATR_A));
    expect(t.events).toEqual([
      'reader-added Reader A',
      `card-inserted Reader A ${a}`,
      'service-lost service-not-running',
      'card-removed Reader A',
      'reader-removed Reader A',
      'service-restored',
      'reader-added Reader A',
      `card-inserted Reader A ${a}`,
    ]);
    // Once restored it stops retrying.
    const attempts = t.binding.attempts;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.binding.attempts).toBe(attempts);
  });

  it("retries at once when pcscd's socket appears, and stops watching once back", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setup({ watch: true });
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    t.binding.kill();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(t.watching()).toBe(1);
    t.binding.up = true;
    const before = t.binding.attempts;
    t.socketAppears();
    await vi.advanceTimersByTimeAsync(60);
    expect(t.binding.attempts).toBe(before + 1);
    expect(t.monitor.serviceAvailable).toBe(true);
    expect(t.watching()).toBe(0);
  });

  it('reports service-lost once when pcscd is not running at start, and service-restored when it comes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setup({ up: false });
    monitors.push(t.monitor);
    t.monitor.start();
    expect(t.monitor.serviceAvailable).toBe(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(t.events).toEqual(['service-lost service-not-running']);
    await expect(t.monitor.connect('Reader A')).rejects.toBeInstanceOf(ServiceNotRunningError);
    t.binding.up = true;
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    expect(t.events).toEqual(['service-lost service-not-running', 'service-restored', 'reader-added Reader A']);
  });

  it('does not crash when the binding itself cannot be loaded', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const events: ReaderEvent[] = [];
    const monitor = new PcscReaderMonitor({
      binding: () => {
        throw new Error('libpcsclite.so.1: cannot open shared object file');
      },
      watchServiceSocket: null,
    });
    monitors.push(monitor);
    monitor.onEvent((event) => events.push(event));
    monitor.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('service-lost');
  });

  it('stops retrying once closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setup({ up: false });
    t.monitor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    const attempts = t.binding.attempts;
    const closing = t.monitor.close();
    await settle();
    await closing;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.binding.attempts).toBe(attempts);
  });
});

describe('PcscReaderMonitor connections', () => {
  const monitors: PcscReaderMonitor[] = [];
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.close();
  });

  async function withCard(options: { cardGoneWaitMs?: number } = {}) {
    const t = setup(options);
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    const reader = t.binding.reader();
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    return { ...t, reader };
  }

  it('connects in shared mode with T=0 or T=1, and disconnect leaves the card', async () => {
    const { monitor, reader } = await withCard();
    const connection = await monitor.connect('Reader A');
    expect(reader.connectCalls).toEqual([{ share_mode: 2, protocol: 1 | 2 }]);
    expect(connection.readerName).toBe('Reader A');
    expect(toHex(connection.atr)).toBe(toHex(Uint8Array.from(ATR_A)));
    expect(toHex(await connection.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)))).toBe('9000');
    expect(reader.transmitted).toEqual(['00A40400']);
    await connection.disconnect();
    expect(reader.disconnectCalls).toEqual([0]);
    await connection.disconnect();
    expect(reader.disconnectCalls).toEqual([0]);
    await expect(connection.transmit(Uint8Array.of(0, 0, 0, 0))).rejects.toBeInstanceOf(PcscError);
  });

  it('sends APDUs one at a time in call order, even if the binding would finish them out of order', async () => {
    const { monitor, reader } = await withCard();
    let inFlight = 0;
    let maxInFlight = 0;
    reader.transmitAnswer = (command) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => (inFlight -= 1), command[1] === 1 ? 30 : 1);
      return { value: Buffer.from([command[1]!, 0x90, 0x00]), delayMs: command[1] === 1 ? 30 : 1 };
    };
    const connection = await monitor.connect('Reader A');
    const answers = await Promise.all([1, 2, 3].map((i) => connection.transmit(Uint8Array.of(0x80, i, 0, 0))));
    expect(answers.map((a) => toHex(a))).toEqual(['019000', '029000', '039000']);
    expect(maxInFlight).toBe(1);
  });

  it('gives one typed error per PC/SC condition on connect', async () => {
    const { monitor, reader } = await withCard();
    reader.connectAnswers.push(
      { error: new Error('SCardConnect error: Sharing violation.(0x8010000b)') },
      { error: new Error('SCardConnect error: No smart card inserted.(0x8010000c)') },
    );
    await expect(monitor.connect('Reader A')).rejects.toBeInstanceOf(SharingViolationError);
    await expect(monitor.connect('Reader A')).rejects.toBeInstanceOf(NoCardError);
    await expect(monitor.connect('Nope')).rejects.toBeInstanceOf(ReaderUnavailableError);
    const connection = await monitor.connect('Reader A');
    await connection.disconnect();
  });

  it('marks a reader exclusive after a sharing violation, until a connect succeeds', async () => {
    const { monitor, reader } = await withCard();
    reader.connectAnswers.push({ error: new Error('SCardConnect error: Sharing violation.(0x8010000b)') });
    await expect(monitor.connect('Reader A')).rejects.toBeInstanceOf(SharingViolationError);
    expect(monitor.readers()[0]?.exclusive).toBe(true);
    const connection = await monitor.connect('Reader A');
    expect(monitor.readers()[0]?.exclusive).toBe(false);
    await connection.disconnect();
  });

  it('snapshot() reads the state afresh through a second context, then closes it', async () => {
    const { monitor, binding, events } = await withCard();
    const watching = binding.current;
    binding.onContext = (context) => context.readers[0]?.status(PRESENT | EXCLUSIVE | CHANGED, 1, ATR_A);
    const states = await monitor.snapshot();
    expect(states).toEqual([{ name: 'Reader A', cardPresent: true, exclusive: true, stateFlags: PRESENT | EXCLUSIVE | CHANGED, atr: Uint8Array.from(ATR_A) }]);
    expect(binding.contexts).toHaveLength(2);
    await settle();
    expect(binding.current.closed).toBe(true);
    expect(binding.current.readers.every((r) => r.closed)).toBe(true);
    expect(watching.closed).toBe(false);
    // Same card, same counter: no card event.
    expect(events.filter((e) => e.startsWith('card-'))).toHaveLength(1);
  });

  it('says there are no readers when pcscd has none', async () => {
    const t = setup({ readers: [] });
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    await expect(t.monitor.connect('Reader A')).rejects.toBeInstanceOf(NoReadersError);
  });

  it('shares one handle between connections to the same reader and releases it with the last', async () => {
    const { monitor, reader } = await withCard();
    const [first, second] = await Promise.all([monitor.connect('Reader A'), monitor.connect('Reader A')]);
    expect(reader.connectCalls).toHaveLength(1);
    await first!.disconnect();
    expect(reader.disconnectCalls).toEqual([]);
    expect(toHex(await second!.transmit(Uint8Array.of(0, 0xb0, 0, 0)))).toBe('9000');
    await second!.disconnect();
    expect(reader.disconnectCalls).toEqual([0]);
  });

  it('fails transmits after the card is removed, and connects afresh to the next card', async () => {
    const { monitor, reader, events } = await withCard();
    const connection = await monitor.connect('Reader A');
    reader.status(EMPTY | CHANGED, 2);
    await expect(connection.transmit(Uint8Array.of(0, 0xb0, 0, 0))).rejects.toBeInstanceOf(CardRemovedError);
    await settle();
    // The dead handle was released so the binding does not skip the next connect.
    expect(reader.disconnectCalls).toEqual([0]);
    expect(reader.connected).toBe(false);
    reader.status(PRESENT | CHANGED, 3, ATR_B);
    const next = await monitor.connect('Reader A');
    expect(reader.connectCalls).toHaveLength(2);
    expect(toHex(next.atr)).toBe(toHex(Uint8Array.from(ATR_B)));
    await connection.disconnect();
    await next.disconnect();
    expect(events.filter((e) => e.startsWith('card-'))).toHaveLength(3);
  });

  it('maps transmit errors and drops a handle whose card was reset', async () => {
    const { monitor, reader } = await withCard();
    reader.transmitAnswer = () => ({ error: new Error('SCardTransmit error: Card was reset.(0x80100068)') });
    const connection = await monitor.connect('Reader A');
    await expect(connection.transmit(Uint8Array.of(0, 0xb0, 0, 0))).rejects.toBeInstanceOf(CardResetError);
    await expect(connection.transmit(Uint8Array.of(0, 0xb0, 0, 0))).rejects.toBeInstanceOf(CardResetError);
    await settle();
    reader.transmitAnswer = () => ({ value: Buffer.from([0x90, 0x00]) });
    const again = await monitor.connect('Reader A');
    expect(reader.connectCalls).toHaveLength(2);
    expect(toHex(await again.transmit(Uint8Array.of(0, 0xb0, 0, 0)))).toBe('9000');
  });

  it('does not reuse a stale handle when the binding failed to disconnect', async () => {
    const { monitor, reader } = await withCard();
    reader.disconnectError = new Error('SCardDisconnect error: Invalid handle.(0x80100003)');
    const connection = await monitor.connect('Reader A');
    await connection.disconnect();
    expect(reader.connected).toBe(false);
    reader.disconnectError = undefined;
    const again = await monitor.connect('Reader A');
    expect(reader.connectCalls).toHaveLength(2);
    expect(reader.connectCalls.every((call) => call.share_mode === 2)).toBe(true);
    await again.disconnect();
  });

  it('fails open connections with ServiceNotRunningError when pcscd goes away', async () => {
    const { monitor, reader, binding } = await withCard();
    const connection = await monitor.connect('Reader A');
    binding.kill();
    await expect(connection.transmit(Uint8Array.of(0, 0xb0, 0, 0))).rejects.toBeInstanceOf(ServiceNotRunningError);
    expect(reader.transmitted).toEqual([]);
    await connection.disconnect();
  });
});

/** pcsclite's message for SCARD_E_NOT_TRANSACTED, as pcscd returns it when vpcd lost the card mid-exchange. */
const NOT_TRANSACTED = 'SCardTransmit error: Transaction failed.(0x80100016)';

describe('PcscReaderMonitor when the card is pulled out during an exchange', () => {
  const monitors: PcscReaderMonitor[] = [];
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.close();
  });

  /**
   * `cardGoneWaitMs` is huge where the card goes: only the reader's status report can end the
   * wait there, so a transmit that did not listen for it would time the test out.
   */
  async function withCard(cardGoneWaitMs: number) {
    const t = setup({ cardGoneWaitMs });
    monitors.push(t.monitor);
    t.monitor.start();
    await settle();
    const reader = t.binding.reader();
    reader.status(PRESENT | CHANGED, 1, ATR_A);
    const connection = await t.monitor.connect('Reader A');
    return { ...t, reader, connection };
  }

  const apdu = (i: number) => Uint8Array.of(0x80, 0xee, 0, 0, 1, i);

  it.each([
    ['an empty response', () => ({ value: Buffer.alloc(0) })],
    ['a 1-byte response', () => ({ value: Buffer.from([0x90]) })],
    ['SCARD_E_NOT_TRANSACTED', () => ({ error: new Error(NOT_TRANSACTED) })],
  ])('turns %s into CardRemovedError once the reader reports the card gone, and fails the queued APDUs without sending them', async (_what, failure) => {
    const { reader, connection, events } = await withCard(600_000);
    reader.transmitAnswer = (command) => {
      if (command[5] !== 2) return { value: Buffer.from([command[5]!, 0x90, 0x00]) };
      // pcscd notices the removal at its next presence poll, after the exchange failed.
      setTimeout(() => reader.status(EMPTY | CHANGED, 2), 20);
      return failure();
    };
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => connection.transmit(apdu(i))));
    expect(results[0]).toEqual({ status: 'fulfilled', value: Uint8Array.of(1, 0x90, 0x00) });
    for (const result of results.slice(1)) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(CardRemovedError);
    }
    expect(reader.transmitted).toEqual(['80EE00000101', '80EE00000102']);
    const first = (results[1] as PromiseRejectedResult).reason as CardRemovedError;
    expect(first.code).toBe('card-removed');
    expect(first.message).toMatch(/removed from Reader A during an exchange/);
    await settle();
    // The dead handle was released, so the next card gets a fresh one.
    expect(reader.disconnectCalls).toEqual([0]);
    expect(events.filter((e) => e.startsWith('card-'))).toEqual([`card-inserted Reader A ${toHex(Uint8Array.from(ATR_A))}`, 'card-removed Reader A']);
  });

  it('keeps the PC/SC code of a NOT_TRANSACTED exchange on the CardRemovedError', async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => {
      setTimeout(() => reader.status(EMPTY | CHANGED, 2), 10);
      return { error: new Error(NOT_TRANSACTED) };
    };
    const error = await connection.transmit(apdu(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardRemovedError);
    expect((error as CardRemovedError).pcscCode).toBe(0x80100016);
  });

  it('gives CardRemovedError at once when the removal was reported before the exchange failed', async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => {
      reader.status(EMPTY | CHANGED, 2);
      return { value: Buffer.alloc(0) };
    };
    await expect(connection.transmit(apdu(1))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('gives CardRemovedError for a card swapped during the wait (the event counter moved)', async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => {
      setTimeout(() => reader.status(PRESENT | CHANGED, 3, ATR_B), 10);
      return { error: new Error(NOT_TRANSACTED) };
    };
    await expect(connection.transmit(apdu(1))).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('with the card still present, a NOT_TRANSACTED exchange stays a PcscError and the connection stays usable', async () => {
    const { reader, connection, events, logs } = await withCard(30);
    let failNext = true;
    reader.transmitAnswer = (command) => {
      if (failNext) {
        failNext = false;
        return { error: new Error(NOT_TRANSACTED) };
      }
      return { value: Buffer.from([command[5]!, 0x90, 0x00]) };
    };
    const error = await connection.transmit(apdu(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PcscError);
    expect((error as PcscError).code).toBe('pcsc-error');
    expect((error as PcscError).pcscCode).toBe(0x80100016);
    expect(toHex(await connection.transmit(apdu(2)))).toBe('029000');
    expect(reader.connectCalls).toHaveLength(1);
    expect(reader.disconnectCalls).toEqual([]);
    expect(events.filter((e) => e.startsWith('card-'))).toHaveLength(1);
    expect(logs.some((line) => line.includes('still reported present'))).toBe(true);
  });

  it.each([
    ['empty', [] as number[]],
    ['1-byte', [0x6f]],
  ])('with the card still present, an %s response is UnresponsiveCardError, never data', async (_what, bytes) => {
    const { reader, connection } = await withCard(30);
    reader.transmitAnswer = () => ({ value: Buffer.from(bytes) });
    const error = await connection.transmit(apdu(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnresponsiveCardError);
    expect((error as UnresponsiveCardError).code).toBe('unresponsive-card');
    expect((error as UnresponsiveCardError).message).toContain(`${bytes.length}-byte response`);
    // The card may answer the next one.
    reader.transmitAnswer = () => ({ value: Buffer.from([0x90, 0x00]) });
    expect(toHex(await connection.transmit(apdu(2)))).toBe('9000');
  });

  it('gives ServiceNotRunningError when pcscd dies during the wait', async () => {
    const { reader, binding, connection } = await withCard(600_000);
    reader.transmitAnswer = () => {
      setTimeout(() => binding.kill(), 10);
      return { error: new Error(NOT_TRANSACTED) };
    };
    await expect(connection.transmit(apdu(1))).rejects.toBeInstanceOf(ServiceNotRunningError);
  });

  it('gives ReaderUnavailableError when the reader itself goes during the wait', async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => {
      setTimeout(() => reader.emit('end'), 10);
      return { value: Buffer.alloc(0) };
    };
    await expect(connection.transmit(apdu(1))).rejects.toBeInstanceOf(ReaderUnavailableError);
  });

  it("does not hold up disconnect(): closing ends the wait with the exchange's own error", async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => ({ value: Buffer.alloc(0) });
    const failed = connection.transmit(apdu(1)).catch((e: unknown) => e);
    // Let the exchange fail and start waiting before disconnecting.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await connection.disconnect();
    expect(await failed).toBeInstanceOf(UnresponsiveCardError);
    expect(reader.disconnectCalls).toEqual([0]);
  });

  it('maps SCARD_E_NO_SMARTCARD on transmit to CardRemovedError and drops the handle', async () => {
    const { reader, connection } = await withCard(600_000);
    reader.transmitAnswer = () => ({ error: new Error('SCardTransmit error: No smart card inserted.(0x8010000c)') });
    await expect(connection.transmit(apdu(1))).rejects.toBeInstanceOf(CardRemovedError);
    await expect(connection.transmit(apdu(2))).rejects.toBeInstanceOf(CardRemovedError);
    expect(reader.transmitted).toHaveLength(1);
    await settle();
    expect(reader.disconnectCalls).toEqual([0]);
  });
});
