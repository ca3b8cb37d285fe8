/**
 * Plugs a virtual card into a real pcscd through the vpcd reader driver (Debian
 * `vsmartcard-vpcd`). pcscd's driver listens on localhost TCP (35963 for "Virtual PCD 00 00",
 * 35964 for "Virtual PCD 00 01"); connecting to it puts the card into the reader, closing the
 * connection takes it out.
 *
 * Wire format, both ways: a 2-byte big-endian length, then that many bytes. From vpcd, a 1-byte
 * payload is a control message (power off / power on / reset / send ATR); anything longer is a
 * command APDU. Only "send ATR" and command APDUs are answered, each with exactly one frame.
 *
 * Timing, as measured with Debian's pcscd 1.9.9 + vpcd 3.3: pcscd polls the vpcd reader for
 * presence about every 400 ms, so a card is seen (or missed) at the next poll; vpcd 3.3 writes
 * each frame's length and payload separately, so Nagle + delayed ACK add ~40 ms to some exchanges.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { VirtualCardEndpoint } from './endpoint.js';
import { FaultyCard, type CardFaults } from './faults.js';

export const VPCD_DEFAULT_HOST = '127.0.0.1';
/** "Virtual PCD 00 00"; the second reader, "Virtual PCD 00 01", listens on 35964. */
export const VPCD_DEFAULT_PORT = 35963;

export const VPCD_CTRL_POWER_OFF = 0x00;
export const VPCD_CTRL_POWER_ON = 0x01;
export const VPCD_CTRL_RESET = 0x02;
export const VPCD_CTRL_ATR = 0x04;

/** Answer given when the endpoint fails to produce a response: "no precise diagnosis". */
const FAILURE_RESPONSE = Uint8Array.of(0x6f, 0x00);
const MAX_FRAME_PAYLOAD = 0xffff;

export interface VpcdCardSocketOptions {
  /** vpcd's host; IPv4 loopback by default because vpcd binds an IPv4 socket only. */
  host?: string;
  port?: number;
  /** When vpcd goes away while the card is inserted (e.g. pcscd restarted), connect again with back-off. */
  reconnect?: boolean;
  /** First reconnect delay; doubles up to `reconnectMaxDelayMs`. */
  reconnectMinDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** remove() waits at most this long for vpcd to notice the card is gone (see remove()). */
  removeTimeoutMs?: number;
  /** Receives one line per notable happening (connection lost, endpoint failure). */
  log?: (message: string) => void;
  /** Faults the card has (stops answering, garbage, slowness; see faults.ts). */
  faults?: CardFaults;
}

export interface VpcdCardSocketEvents {
  /** vpcd took the card: its first request arrived (pcscd polls the reader about every 400 ms). */
  connected: [];
  /** The card left the reader (remove(), or vpcd closed the connection). */
  disconnected: [];
}

/** Splits a TCP byte stream into vpcd frames, whatever way the stream was cut or merged. */
export class VpcdFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes and returns every frame payload that is now complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Uint8Array[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      frames.push(new Uint8Array(this.pending.subarray(2, 2 + length)));
      this.pending = this.pending.subarray(2 + length);
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

export function encodeVpcdFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`vpcd frame too long: ${payload.length} bytes`);
  const frame = Buffer.alloc(2 + payload.length);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  return frame;
}

export class VpcdCardSocket extends EventEmitter<VpcdCardSocketEvents> {
  private readonly host: string;
  private readonly port: number;
  private readonly reconnect: boolean;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly log: (message: string) => void;
  private readonly removeTimeoutMs: number;
  /** Set while remove() waits for vpcd's next poll on a half-closed socket. */
  private onPollWhileRemoving: (() => void) | undefined;

  private socket: net.Socket | undefined;
  /** vpcd accepted the current socket (a TCP connect alone may sit in vpcd's listen backlog). */
  private accepted = false;
  /** The caller wants the card in the reader (between insert() and remove()). */
  private wanted = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  /** Waiters of insert() while a reconnecting socket has not connected yet. */
  private connectWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  private readonly endpoint: VirtualCardEndpoint;

  constructor(endpoint: VirtualCardEndpoint, options: VpcdCardSocketOptions = {}) {
    super();
    this.endpoint = options.faults ? new FaultyCard(endpoint, options.faults) : endpoint;
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? VPCD_DEFAULT_PORT;
    this.reconnect = options.reconnect ?? false;
    this.minDelayMs = options.reconnectMinDelayMs ?? 200;
    this.maxDelayMs = options.reconnectMaxDelayMs ?? 1000;
    this.retryDelayMs = this.minDelayMs;
    this.log = options.log ?? (() => {});
    this.removeTimeoutMs = options.removeTimeoutMs ?? 2000;
  }

  /** True while vpcd holds the card, i.e. while the reader sees it. */
  get inserted(): boolean {
    return this.accepted && this.socket !== undefined && !this.socket.destroyed;
  }

  get endpointName(): string {
    return this.endpoint.name;
  }

  /**
   * Connects to vpcd: the reader sees a card. Resolves once vpcd has taken the card, i.e. when its
   * first request arrives; a TCP connection alone is not enough, since vpcd accepts one card at a
   * time and leaves others waiting in its backlog. Without `reconnect` a refused or dropped
   * connection rejects; with it, insert() keeps trying (with back-off) until vpcd takes the card
   * or remove() is called.
   */
  insert(): Promise<void> {
    if (this.inserted) return Promise.resolve();
    this.wanted = true;
    return new Promise<void>((resolve, reject) => {
      this.connectWaiters.push({ resolve, reject });
      if (!this.socket && !this.retryTimer) this.openSocket();
    });
  }

  /**
   * Takes the card out. Resolves once the reader has noticed: the connection is half-closed, vpcd
   * finds the end of the stream at its next presence poll (about every 400 ms) and drops the card;
   * that poll is what remove() waits for (at most `removeTimeoutMs`), so that when it resolves
   * pcscd is reporting the removal. A card vpcd never took is simply disconnected.
   */
  async remove(): Promise<void> {
    this.wanted = false;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.settleWaiters(new Error('The card was removed before vpcd accepted the connection'));
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    const accepted = this.accepted;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.onPollWhileRemoving = undefined;
        if (!socket.destroyed) socket.destroy();
        resolve();
      };
      const timer = setTimeout(finish, accepted ? this.removeTimeoutMs : 0);
      socket.once('close', finish);
      if (!accepted) {
        finish();
        return;
      }
      this.onPollWhileRemoving = finish;
      socket.end();
    });
  }

  private openSocket(): void {
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    const frames = new VpcdFrameReader();
    // Answers go out strictly in arrival order although the endpoint answers asynchronously.
    let queue: Promise<void> = Promise.resolve();
    let connected = false;
    this.accepted = false;

    socket.on('data', (chunk: Buffer) => {
      if (this.onPollWhileRemoving && this.socket === socket) {
        // vpcd polled the half-closed card: it now reads end-of-stream and drops the card.
        this.onPollWhileRemoving();
        return;
      }
      if (!connected) {
        connected = true;
        this.accepted = true;
        this.retryDelayMs = this.minDelayMs;
        this.settleWaiters();
        this.emit('connected');
      }
      for (const payload of frames.push(chunk)) {
        queue = queue.then(() => this.handleFrame(socket, payload));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // 'close' follows; a refused or reset connection is an expected state, not a crash.
      this.log(`vpcd ${this.host}:${this.port}: ${error.code ?? error.message}`);
    });
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = undefined;
        this.accepted = false;
      }
      if (connected) {
        // A card pulled out of a reader loses its power.
        this.safely('powerOff', () => this.endpoint.powerOff());
        this.emit('disconnected');
      }
      if (!this.wanted) return;
      if (this.reconnect) {
        this.scheduleReconnect();
      } else if (connected) {
        this.wanted = false;
        this.log(`vpcd ${this.host}:${this.port} closed the connection; the card is out`);
      } else {
        this.wanted = false;
        this.settleWaiters(
          new Error(`Could not connect to vpcd at ${this.host}:${this.port}, or it closed before taking the card (is pcscd running with vsmartcard-vpcd?)`),
        );
      }
    });
  }

  private scheduleReconnect(): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.maxDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted && !this.socket) this.openSocket();
    }, delay);
    // A card waiting for its reader must not keep the process alive on its own.
    this.retryTimer.unref();
  }

  private settleWaiters(error?: Error): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private async handleFrame(socket: net.Socket, payload: Uint8Array): Promise<void> {
    if (payload.length === 1) {
      switch (payload[0]) {
        case VPCD_CTRL_POWER_OFF:
          this.safely('powerOff', () => this.endpoint.powerOff());
          return;
        case VPCD_CTRL_POWER_ON:
          this.safely('powerOn', () => this.endpoint.powerOn());
          return;
        case VPCD_CTRL_RESET:
          this.safely('reset', () => this.endpoint.reset());
          return;
        case VPCD_CTRL_ATR:
          this.send(socket, this.endpoint.atr);
          return;
        default:
          this.log(`vpcd: unknown control byte 0x${(payload[0] ?? 0).toString(16)}`);
          return;
      }
    }
    if (payload.length === 0) return;
    let response: Uint8Array;
    try {
      response = await this.endpoint.transmit(payload);
    } catch (error) {
      this.log(`virtual card ${this.endpoint.name} failed to answer: ${(error as Error).message}`);
      response = FAILURE_RESPONSE;
    }
    if (response.length > MAX_FRAME_PAYLOAD) {
      this.log(`virtual card ${this.endpoint.name} answered ${response.length} bytes, more than a vpcd frame holds`);
      response = FAILURE_RESPONSE;
    }
    this.send(socket, response);
  }

  private send(socket: net.Socket, payload: Uint8Array): void {
    // An answer for a connection that has since closed goes nowhere.
    if (socket.destroyed || !socket.writable) return;
    socket.write(encodeVpcdFrame(payload));
  }

  private safely(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.log(`virtual card ${this.endpoint.name} ${what} failed: ${(error as Error).message}`);
    }
  }
}
