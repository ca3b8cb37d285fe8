/**
 * A card pulled out of the reader while APDUs are in flight, through the real pcscd and vpcd.
 * Run under `flock /tmp/kortkoll-pcscd.lock`: pcscd and its readers are shared.
 *
 * What pcscd 1.9.9 + vpcd 3.3 do then (measured): the APDU in flight comes back as an EMPTY
 * response, the exchanges after it fail with SCARD_E_NOT_TRANSACTED, and the reader reports the
 * card gone only at pcscd's next presence poll (~400 ms later). The PC/SC layer must turn all of
 * that into CardRemovedError; none of it may reach the caller as data or as a generic PcscError.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPcscReaderMonitor, type PcscReaderMonitor } from '../../native/pcsc/index.js';
import type { VirtualCardEndpoint } from '../../native/simulator/endpoint.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { CardRemovedError, toHex, UnresponsiveCardError } from '../../native/transport.js';
import { EchoCard } from './helpers/echo-card.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';
import { isEvent, pollUntil, ReaderEventRecorder } from './helpers/reader-events.js';

// The second vpcd reader, so that a card left in the first one by a manual session does not interfere.
const READER = VPCD_READERS[1]!;

/** `80 EE 00 00 01 i`: the echo card answers `i 90 00`. */
const echo = (i: number) => Uint8Array.of(0x80, 0xee, 0x00, 0x00, 0x01, i);
/** The APDU during which the card is pulled out. */
const PULL_AT = 3;

/** An echo card that calls `onCommand` as each command reaches it, before answering. */
class ObservedCard extends EchoCard implements VirtualCardEndpoint {
  onCommand: (command: Uint8Array) => void = () => {};
  override transmit(command: Uint8Array): Promise<Uint8Array> {
    this.onCommand(command);
    return super.transmit(command);
  }
}

describeWithPcscd('A card pulled out during an exchange, through the real pcscd and vpcd', () => {
  let monitor: PcscReaderMonitor;
  let recorder: ReaderEventRecorder;
  const sockets: VpcdCardSocket[] = [];
  const logs: string[] = [];

  async function insertCard(card: EchoCard): Promise<VpcdCardSocket> {
    const socket = new VpcdCardSocket(card, { port: READER.port, log: (line) => logs.push(line) });
    sockets.push(socket);
    const since = performance.now();
    await socket.insert();
    await recorder.waitFor(isEvent('card-inserted', READER.name), { since, timeoutMs: 3000 });
    return socket;
  }

  /** Sends APDUs 1..6 back to back (queued, as a card reader pipeline would) and settles them all. */
  async function exchangeSix(): Promise<PromiseSettledResult<Uint8Array>[]> {
    const connection = await monitor.connect(READER.name);
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((i) => connection.transmit(echo(i))));
    await connection.disconnect();
    return results;
  }

  function expectPulledAt(results: PromiseSettledResult<Uint8Array>[], card: EchoCard): void {
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? toHex(r.value) : `${(r.reason as Error).name}: ${(r.reason as Error).message}`));
    // Answers before the pull are data; from the pulled APDU on, every one is CardRemovedError.
    for (let i = 1; i < PULL_AT; i++) expect(outcomes[i - 1]).toBe(`0${i}9000`);
    for (let i = PULL_AT; i <= results.length; i++) {
      const result = results[i - 1]!;
      expect(result.status, `APDU ${i}: ${outcomes[i - 1]}`).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as Error;
      expect(reason, `APDU ${i}: ${outcomes[i - 1]}`).toBeInstanceOf(CardRemovedError);
      expect((reason as CardRemovedError).code).toBe('card-removed');
    }
    // The APDUs queued behind the pulled one never reached a card.
    expect(card.apduLog.map((entry) => toHex(entry.command))).not.toContain(toHex(echo(PULL_AT + 1)));
  }

  beforeAll(async () => {
    // The default wait for the reader to report the card gone (pcscd's presence poll) is under test.
    monitor = createPcscReaderMonitor({ log: (line) => logs.push(line) });
    recorder = new ReaderEventRecorder(monitor);
    monitor.start();
    expect(monitor.serviceAvailable).toBe(true);
    await recorder.waitFor(isEvent('reader-added', READER.name));
    await pollUntil(() => monitor.readers().some((r) => r.name === READER.name && r.stateFlags !== 0), 2000);
    expect(monitor.readers().find((r) => r.name === READER.name)?.cardPresent, `${READER.name} must start empty`).toBe(false);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.remove();
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterAll(async () => {
    recorder?.stop();
    await monitor?.close();
  });

  it('raises CardRemovedError for the APDU in flight and those queued behind it when the card is removed from inside its handler', async () => {
    // Three rounds: each goes through a fresh card handle, and a flaky outcome shows up.
    for (let round = 0; round < 3; round++) {
      const card = new ObservedCard();
      const socket = await insertCard(card);
      card.onCommand = (command) => {
        if (command[5] === PULL_AT) void socket.remove();
      };
      const since = performance.now();
      const results = await exchangeSix();
      expectPulledAt(results, card);
      await recorder.waitFor(isEvent('card-removed', READER.name), { since, timeoutMs: 3000 });
      expect(monitor.readers().find((r) => r.name === READER.name)?.cardPresent).toBe(false);
    }
    // The layer reads the next card through a fresh handle.
    const next = new EchoCard();
    await insertCard(next);
    const connection = await monitor.connect(READER.name);
    expect(toHex(await connection.transmit(echo(0x42)))).toBe('429000');
    await connection.disconnect();
  });

  it('raises CardRemovedError when the card is removed while a slow card is still working on an APDU', async () => {
    const card = new ObservedCard({ latencyMs: () => 120 });
    const socket = await insertCard(card);
    card.onCommand = (command) => {
      // Pulled 40 ms into the card's 120 ms of work: vpcd is waiting for the answer.
      if (command[5] === PULL_AT) setTimeout(() => void socket.remove(), 40);
    };
    const results = await exchangeSix();
    expectPulledAt(results, card);
  });

  it('raises CardRemovedError when the exchange fails with SCARD_E_NOT_TRANSACTED (another program met the pulled card first)', async () => {
    // A second program shares the card. It sends the APDU during which the card goes, so it
    // receives vpcd's empty answer; our exchange after it then fails in pcscd with
    // SCARD_E_NOT_TRANSACTED while the reader still says the card is present. The other program
    // does not wait for pcscd's poll (cardGoneWaitMs 0), so it sees a card that did not answer.
    const other = createPcscReaderMonitor({ cardGoneWaitMs: 0, watchServiceSocket: null });
    const otherEvents = new ReaderEventRecorder(other);
    other.start();
    try {
      const card = new ObservedCard();
      const socket = await insertCard(card);
      await otherEvents.waitFor(isEvent('card-inserted', READER.name), { timeoutMs: 3000 });
      const ours = await monitor.connect(READER.name);
      const theirs = await other.connect(READER.name);
      expect(toHex(await ours.transmit(echo(1)))).toBe('019000');
      card.onCommand = (command) => {
        if (command[5] === 0x77) void socket.remove();
      };
      const theirError = await theirs.transmit(echo(0x77)).catch((e: unknown) => e);
      expect(theirError, String(theirError)).toBeInstanceOf(UnresponsiveCardError);
      expect(monitor.readers().find((r) => r.name === READER.name)?.cardPresent, 'pcscd has not polled the reader yet').toBe(true);

      const ourError = await ours.transmit(echo(2)).catch((e: unknown) => e);
      expect(ourError, String(ourError)).toBeInstanceOf(CardRemovedError);
      expect((ourError as CardRemovedError).pcscCode).toBe(0x80100016);
      expect((ourError as CardRemovedError).message).toMatch(/during an exchange/);
      await ours.disconnect();
      await theirs.disconnect();
    } finally {
      otherEvents.stop();
      await other.close();
    }
  });
});
