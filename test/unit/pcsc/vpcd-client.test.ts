import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { VpcdCardSocket, VpcdFrameReader, encodeVpcdFrame } from '../../../native/simulator/vpcd-client.js';
import { toHex } from '../../../native/transport.js';
import { ECHO_CARD_ATR, EchoCard } from '../../integration/helpers/echo-card.js';

/** Plays pcscd's vpcd driver: a TCP server on an ephemeral port that sends frames and reads answers. */
class FakeVpcd {
  readonly server: net.Server;

  /** With `halfOpen`, a card that half-closes stays connected until the fake polls it, as vpcd does. */
  constructor(options: { halfOpen?: boolean } = {}) {
    this.server = net.createServer({ allowHalfOpen: options.halfOpen ?? false });
  }

  connections: net.Socket[] = [];
  private received = new VpcdFrameReader();
  private frames: Uint8Array[] = [];
  private frameWaiters: (() => void)[] = [];

  /** Like vpcd, ask each new card for its ATR at once (that is how vpcd checks presence). */
  pollOnConnect = true;

  async listen(port = 0): Promise<number> {
    this.server.on('connection', (socket) => {
      this.connections.push(socket);
      if (this.pollOnConnect) socket.write(frame(0x04));
      socket.on('data', (chunk) => {
        this.frames.push(...this.received.push(chunk));
        for (const wake of this.frameWaiters.splice(0)) wake();
      });
      socket.on('error', () => {});
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as net.AddressInfo).port;
  }

  get client(): net.Socket {
    const socket = this.connections.at(-1);
    if (!socket) throw new Error('no client connected');
    return socket;
  }

  async nextConnection(): Promise<net.Socket> {
    const [socket] = (await once(this.server, 'connection')) as [net.Socket];
    return socket;
  }

  /** Waits until `count` answer frames have arrived, then hands them over. */
  async answers(count: number, timeoutMs = 2000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.frames.length} of ${count} answers arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.frameWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.splice(0, count).map((frame) => toHex(frame));
  }

  get pendingAnswers(): number {
    return this.frames.length;
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const frame = (...bytes: number[]) => encodeVpcdFrame(Uint8Array.from(bytes));

describe('VpcdFrameReader', () => {
  it('reassembles frames split across reads and separates frames merged in one read', () => {
    const reader = new VpcdFrameReader();
    const stream = Buffer.concat([frame(0x04), frame(0x00, 0xa4, 0x04, 0x00), frame(0x01)]);
    const out: string[] = [];
    for (const byte of stream) out.push(...reader.push(Uint8Array.of(byte)).map((f) => toHex(f)));
    expect(out).toEqual(['04', '00A40400', '01']);
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.push(stream).map((f) => toHex(f))).toEqual(['04', '00A40400', '01']);
    expect(reader.push(stream.subarray(0, 4)).map((f) => toHex(f))).toEqual(['04']);
    expect(reader.bufferedBytes).toBe(1);
  });

  it('encodes a two-byte big-endian length', () => {
    expect(toHex(encodeVpcdFrame(new Uint8Array(0x0102)).subarray(0, 2))).toBe('0102');
    expect(() => encodeVpcdFrame(new Uint8Array(0x10000))).toThrow(RangeError);
  });
});

describe('VpcdCardSocket against a fake vpcd', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(card = new EchoCard(), options: { reconnect?: boolean } = {}) {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const socket = new VpcdCardSocket(card, { port, reconnectMinDelayMs: 20, reconnectMaxDelayMs: 80, ...options });
    cleanups.push(
      () => vpcd.close(),
      () => socket.remove(),
    );
    return { vpcd, port, socket, card };
  }

  it('is inserted once vpcd takes the card, and answers the ATR request', async () => {
    const { vpcd, socket } = await setup();
    expect(socket.inserted).toBe(false);
    const accepted = vpcd.nextConnection();
    await socket.insert();
    await accepted;
    expect(socket.inserted).toBe(true);
    expect(await vpcd.answers(1)).toEqual([toHex(ECHO_CARD_ATR)]);
    vpcd.client.write(frame(0x04));
    expect(await vpcd.answers(1)).toEqual([toHex(ECHO_CARD_ATR)]);
  });

  it('is not inserted while vpcd has not taken the card (connection waiting in its backlog)', async () => {
    const vpcd = new FakeVpcd();
    vpcd.pollOnConnect = false;
    const port = await vpcd.listen();
    const socket = new VpcdCardSocket(new EchoCard(), { port });
    cleanups.push(
      () => vpcd.close(),
      () => socket.remove().catch(() => {}),
    );
    let resolved = false;
    const inserting = socket.insert().then(() => (resolved = true));
    const serverSide = await vpcd.nextConnection();
    await new Promise((r) => setTimeout(r, 50));
    expect(resolved).toBe(false);
    expect(socket.inserted).toBe(false);
    serverSide.write(frame(0x04));
    await inserting;
    expect(socket.inserted).toBe(true);
  });

  it('relays power on, reset and power off to the card without answering them', async () => {
    const { vpcd, socket, card } = await setup();
    const accepted = vpcd.nextConnection();
    await socket.insert();
    await accepted;
    await vpcd.answers(1);
    vpcd.client.write(Buffer.concat([frame(0x01), frame(0x02), frame(0x04)]));
    expect(await vpcd.answers(1)).toEqual([toHex(ECHO_CARD_ATR)]);
    expect(card.powered).toBe(true);
    expect(card.resets).toBe(1);
    vpcd.client.write(Buffer.concat([frame(0x00), frame(0x04)]));
    await vpcd.answers(1);
    expect(card.powered).toBe(false);
    expect(vpcd.pendingAnswers).toBe(0);
  });

  it('answers APDUs strictly in order even when an earlier one is slower, across split and merged reads', async () => {
    // The first command takes 60 ms, the next ones none: answers must still come back in order.
    const card = new EchoCard({ latencyMs: (c) => (c[2] === 0x01 ? 60 : 0) });
    const { vpcd, socket } = await setup(card);
    const accepted = vpcd.nextConnection();
    await socket.insert();
    await accepted;
    await vpcd.answers(1);
    const probe = (p1: number) => [0x80, 0xee, p1, 0x00, 0x02, 0xab, p1];
    const stream = Buffer.concat([frame(...probe(1)), frame(0x04), frame(...probe(2)), frame(...probe(3))]);
    // Cut the stream at awkward places: inside a length prefix and inside a payload.
    vpcd.client.write(stream.subarray(0, 1));
    await new Promise((r) => setTimeout(r, 5));
    vpcd.client.write(stream.subarray(1, 9));
    await new Promise((r) => setTimeout(r, 5));
    vpcd.client.write(stream.subarray(9));
    expect(await vpcd.answers(4)).toEqual(['AB019000', toHex(ECHO_CARD_ATR), 'AB029000', 'AB039000']);
    expect(card.apduLog.map((e) => toHex(e.command))).toEqual(['80EE010002AB01', '80EE020002AB02', '80EE030002AB03']);
  });

  it('answers 6F 00 when the card fails, and keeps serving', async () => {
    const card = new EchoCard();
    const failing = Object.assign(Object.create(card) as EchoCard, {
      transmit: async (command: Uint8Array) => {
        if (command[1] === 0xff) throw new Error('engine bug');
        return card.transmit(command);
      },
    });
    const { vpcd, socket } = await setup(failing);
    const accepted = vpcd.nextConnection();
    await socket.insert();
    await accepted;
    await vpcd.answers(1);
    vpcd.client.write(Buffer.concat([frame(0x00, 0xff, 0x00, 0x00), frame(0x00, 0xa4, 0x00, 0x00)]));
    expect(await vpcd.answers(2)).toEqual(['6F00', '9000']);
  });

  it('remove() closes the connection: vpcd sees the card go', async () => {
    const { vpcd, socket } = await setup();
    const accepted = vpcd.nextConnection();
    await socket.insert();
    const serverSide = await accepted;
    const closed = once(serverSide, 'close');
    await socket.remove();
    await closed;
    expect(socket.inserted).toBe(false);
  });

  it('remove() resolves when vpcd next polls the half-closed card, and answers nothing more', async () => {
    const vpcd = new FakeVpcd({ halfOpen: true });
    const port = await vpcd.listen();
    const socket = new VpcdCardSocket(new EchoCard(), { port });
    cleanups.push(() => vpcd.close());
    const accepted = vpcd.nextConnection();
    await socket.insert();
    const serverSide = await accepted;
    await vpcd.answers(1);
    let removed = false;
    const ended = once(serverSide, 'end');
    const removing = socket.remove().then(() => (removed = true));
    await ended;
    await new Promise((r) => setTimeout(r, 50));
    expect(removed).toBe(false);
    serverSide.write(frame(0x04));
    await removing;
    expect(socket.inserted).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(vpcd.pendingAnswers).toBe(0);
  });

  it('remove() stops waiting for vpcd after removeTimeoutMs', async () => {
    const vpcd = new FakeVpcd({ halfOpen: true });
    const port = await vpcd.listen();
    const socket = new VpcdCardSocket(new EchoCard(), { port, removeTimeoutMs: 100 });
    cleanups.push(() => vpcd.close());
    await socket.insert();
    const started = performance.now();
    await socket.remove();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(socket.inserted).toBe(false);
  });

  it('rejects insert() when nothing listens and reconnect is off', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    await vpcd.close();
    const socket = new VpcdCardSocket(new EchoCard(), { port });
    await expect(socket.insert()).rejects.toThrow(/Could not connect to vpcd/);
    expect(socket.inserted).toBe(false);
  });

  it('with reconnect, puts the card back when vpcd returns, and stays out after remove()', async () => {
    const { vpcd, port, socket, card } = await setup(new EchoCard(), { reconnect: true });
    const accepted = vpcd.nextConnection();
    await socket.insert();
    await accepted;
    await vpcd.answers(1);
    vpcd.client.write(frame(0x01));
    // vpcd goes away (pcscd stopped): the server and the connection close.
    const disconnected = once(socket, 'disconnected');
    await vpcd.close();
    await disconnected;
    expect(socket.inserted).toBe(false);
    expect(card.powered).toBe(false);
    // Some refused attempts happen while nothing listens; then vpcd returns on the same port.
    await new Promise((r) => setTimeout(r, 100));
    const back = new FakeVpcd();
    cleanups.push(() => back.close());
    const reconnected = once(socket, 'connected');
    await back.listen(port);
    await reconnected;
    expect(socket.inserted).toBe(true);
    back.client.write(frame(0x04));
    expect(await back.answers(1)).toEqual([toHex(ECHO_CARD_ATR)]);
    const serverSideClosed = once(back.client, 'close');
    await socket.remove();
    await serverSideClosed;
    // No further attempt after remove(), though reconnect is on.
    await new Promise((r) => setTimeout(r, 150));
    expect(back.connections).toHaveLength(1);
    expect(socket.inserted).toBe(false);
  });

  it('with reconnect, insert() waits for vpcd to appear', async () => {
    const probe = new FakeVpcd();
    const port = await probe.listen();
    await probe.close();
    const socket = new VpcdCardSocket(new EchoCard(), { port, reconnect: true, reconnectMinDelayMs: 20, reconnectMaxDelayMs: 40 });
    cleanups.push(() => socket.remove());
    const inserted = socket.insert();
    await new Promise((r) => setTimeout(r, 80));
    expect(socket.inserted).toBe(false);
    const vpcd = new FakeVpcd();
    cleanups.push(() => vpcd.close());
    await vpcd.listen(port);
    await inserted;
    expect(socket.inserted).toBe(true);
  });

  it('remove() while waiting for vpcd rejects the pending insert()', async () => {
    const probe = new FakeVpcd();
    const port = await probe.listen();
    await probe.close();
    const socket = new VpcdCardSocket(new EchoCard(), { port, reconnect: true, reconnectMinDelayMs: 20 });
    const inserted = socket.insert();
    await new Promise((r) => setTimeout(r, 30));
    await socket.remove();
    await expect(inserted).rejects.toThrow(/removed before/);
  });
});
