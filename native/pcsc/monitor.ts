/**
 * Watches pcscd, its readers and their cards through pcsclite, and connects to cards in shared
 * mode. The only code that talks to the binding; see binding.ts for how the binding behaves.
 *
 * Events form a consistent stream: a consumer that applies them in order always knows which
 * readers exist and which hold a card. When pcscd goes away the monitor emits `service-lost`,
 * then `card-removed` / `reader-removed` for everything it knew, and re-establishes its context
 * by itself: on a back-off timer (200 ms doubling to 1 s) and at once when pcscd's socket
 * reappears (inotify on its directory). No thread or timer spins in between.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { bytesEqual } from '../bytes.js';
import {
  NoReadersError,
  ReaderUnavailableError,
  ServiceNotRunningError,
  CardRemovedError,
  type CardConnection,
  type ReaderEvent,
  type ReaderMonitor,
  type ReaderState,
  type TransportError,
} from '../transport.js';
import {
  loadPcscliteBinding,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_SHARE_SHARED,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_PRESENT,
  type PcscBinding,
  type PcscContextHandle,
  type PcscReaderHandle,
  type PcscStatus,
} from './binding.js';
import { isServiceGone, toTransportError } from './errors.js';
import { ReaderSession } from './connection.js';

export const DEFAULT_PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

export interface PcscReaderMonitorOptions {
  /** The PC/SC binding; the real pcsclite by default. Unit tests pass a fake. */
  binding?: PcscBinding;
  /** First delay before re-establishing the context after pcscd went away. */
  minRetryDelayMs?: number;
  /** The delay doubles up to this bound. */
  maxRetryDelayMs?: number;
  /**
   * Calls `onChange` when pcscd's socket may have appeared; returns a function that stops
   * watching. Defaults to an inotify watch on the socket's directory (pcsc-lite honours
   * PCSCLITE_CSOCK_NAME for the socket path). `null` disables watching: the timer alone retries.
   */
  watchServiceSocket?: ((onChange: () => void) => () => void) | null;
  /** How long connect() waits for a just-added reader's first status (for the ATR). */
  firstStatusTimeoutMs?: number;
  /**
   * How long a transmit that failed the way a pulled card makes it fail (no status word,
   * SCARD_E_NOT_TRANSACTED) waits for the reader to report the card gone; see connection.ts.
   */
  cardGoneWaitMs?: number;
  /** How long one exchange may take (see DEFAULT_TRANSMIT_TIMEOUT_MS in connection.ts). */
  transmitTimeoutMs?: number;
  log?: (line: string) => void;
}

interface TrackedReader {
  readonly handle: PcscReaderHandle;
  readonly generation: number;
  known: boolean;
  flags: number;
  counter: number;
  present: boolean;
  atr: Uint8Array | undefined;
  session: ReaderSession | undefined;
  /** The last answer to a pinpad feature request through a connection (see ReaderState.pinpad). */
  pinpad: boolean | null | undefined;
  connecting: Promise<ReaderSession> | undefined;
  firstStatus: Promise<void>;
  resolveFirstStatus: () => void;
}

/** Two ATRs, either absent (no card): the same when both are absent or both hold the same bytes. */
function sameAtr(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : bytesEqual(a, b);
}

/** Watches the directory of pcscd's socket; errors (no such directory) leave the timer to retry. */
export function watchPcscdSocket(socketPath: string, onChange: () => void, log: (line: string) => void = () => {}): () => void {
  const directory = path.dirname(socketPath);
  const name = path.basename(socketPath);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(directory, { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === name) onChange();
    });
    watcher.on('error', (error) => {
      log(`watching ${directory}: ${error.message}`);
      watcher?.close();
    });
  } catch (error) {
    log(`cannot watch ${directory} (${(error as Error).message}); retrying on a timer only`);
  }
  return () => watcher?.close();
}

export class PcscReaderMonitor implements ReaderMonitor {
  private readonly bindingOption: PcscBinding | undefined;
  private binding: PcscBinding | undefined;
  private readonly minRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly watchSocket: ((onChange: () => void) => () => void) | null;
  private readonly firstStatusTimeoutMs: number;
  private readonly cardGoneWaitMs: number | undefined;
  private readonly transmitTimeoutMs: number | undefined;
  private readonly log: (line: string) => void;

  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private readonly tracked = new Map<string, TrackedReader>();
  private context: PcscContextHandle | undefined;
  /** Bumped whenever a context dies; events from older contexts are ignored. */
  private generation = 0;
  private started = false;
  private closed = false;
  private available = false;
  /** service-lost was emitted and service-restored is owed. */
  private lostReported = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private stopWatching: (() => void) | undefined;

  constructor(options: PcscReaderMonitorOptions = {}) {
    this.bindingOption = options.binding;
    this.minRetryDelayMs = options.minRetryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 1000;
    this.retryDelayMs = this.minRetryDelayMs;
    this.firstStatusTimeoutMs = options.firstStatusTimeoutMs ?? 1000;
    this.cardGoneWaitMs = options.cardGoneWaitMs;
    this.transmitTimeoutMs = options.transmitTimeoutMs;
    this.log = options.log ?? (() => {});
    const socketPath = process.env.PCSCLITE_CSOCK_NAME || DEFAULT_PCSCD_SOCKET;
    this.watchSocket = options.watchServiceSocket === undefined ? (onChange) => watchPcscdSocket(socketPath, onChange, this.log) : options.watchServiceSocket;
  }

  get serviceAvailable(): boolean {
    return this.available;
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.establish();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelRetry();
    const context = this.context;
    const readers = [...this.tracked.values()];
    this.context = undefined;
    this.generation += 1;
    this.available = false;
    this.tracked.clear();
    const releases = readers.map((reader) => reader.session?.leaveAll());
    await Promise.all(releases);
    // Closing from a later tick: never from inside one of the binding's callbacks (see binding.ts).
    await new Promise((resolve) => setImmediate(resolve));
    this.teardown(context, readers);
    this.listeners.clear();
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readerReported(reader: string): Promise<void> {
    return this.tracked.get(reader)?.firstStatus ?? Promise.resolve();
  }

  readers(): ReaderState[] {
    return [...this.tracked.entries()].map(([name, reader]) => {
      const state: ReaderState = {
        name,
        cardPresent: reader.present,
        exclusive: (reader.flags & SCARD_STATE_EXCLUSIVE) !== 0,
        stateFlags: reader.flags,
      };
      if (reader.present && reader.atr) state.atr = new Uint8Array(reader.atr);
      if (reader.pinpad !== undefined) state.pinpad = reader.pinpad;
      return state;
    });
  }

  /**
   * Reads every reader's state from pcscd afresh, through a short-lived second context, and
   * returns `readers()` updated with it. Needed for the `exclusive` flag: pcscd does not wake a
   * running watch when another program takes a card exclusively, but a new context sees it.
   * Card presence changes found this way are reported as events like any other.
   */
  async snapshot(timeoutMs = 1000): Promise<ReaderState[]> {
    if (!this.available || this.closed) return this.readers();
    const binding = this.binding ?? this.bindingOption ?? loadPcscliteBinding();
    let context: PcscContextHandle;
    try {
      context = binding();
    } catch (error) {
      throw toTransportError(error, 'establish a PC/SC context for a reader snapshot');
    }
    const handles: PcscReaderHandle[] = [];
    const fresh = new Map<string, PcscStatus>();
    const generation = this.generation;
    context.on('error', () => {});
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const expected = new Set(this.tracked.keys());
      const check = () => {
        if ([...expected].every((name) => fresh.has(name))) {
          clearTimeout(timer);
          resolve();
        }
      };
      context.on('reader', (handle) => {
        handles.push(handle);
        handle.on('error', () => {});
        handle.on('status', (status) => {
          if (!fresh.has(handle.name)) fresh.set(handle.name, status);
          check();
        });
      });
      if (expected.size === 0) setTimeout(() => check(), 50);
    });
    // Not from inside a binding callback (see binding.ts).
    setImmediate(() =>
      this.teardown(
        context,
        handles.map((handle) => ({ handle }) as TrackedReader),
      ),
    );
    if (generation === this.generation) {
      for (const [name, status] of fresh) {
        const reader = this.tracked.get(name);
        if (reader?.known) this.onStatus(reader, status);
      }
    }
    return this.readers();
  }

  async connect(readerName: string): Promise<CardConnection> {
    if (this.closed) throw new ServiceNotRunningError('The reader monitor is closed');
    if (!this.available) throw new ServiceNotRunningError();
    const reader = this.tracked.get(readerName);
    if (!reader) {
      if (this.tracked.size === 0) throw new NoReadersError();
      throw new ReaderUnavailableError(`No reader named "${readerName}" (readers: ${[...this.tracked.keys()].join(', ')})`);
    }
    if (reader.session?.isOpen) return reader.session.open();
    if (!reader.connecting) {
      reader.connecting = this.openSession(reader).finally(() => {
        reader.connecting = undefined;
      });
    }
    const session = await reader.connecting;
    return session.open();
  }

  private async openSession(reader: TrackedReader): Promise<ReaderSession> {
    if (!reader.known) {
      await Promise.race([reader.firstStatus, new Promise((resolve) => setTimeout(resolve, this.firstStatusTimeoutMs))]);
    }
    // A handle being released must be gone before the binding is asked for a new one, or its
    // connect() would see `connected` still true and do nothing.
    await reader.session?.settled();
    if (reader.handle.connected) {
      this.log(`${reader.handle.name}: the binding still holds a stale card handle; connecting anew`);
      reader.handle.connected = false;
    }
    const protocol = await new Promise<number>((resolve, reject) => {
      try {
        reader.handle.connect({ share_mode: SCARD_SHARE_SHARED, protocol: SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1 }, (error, negotiated) => {
          if (error) reject(toTransportError(error, `connect to ${reader.handle.name}`));
          else resolve(negotiated ?? SCARD_PROTOCOL_T1);
        });
      } catch (error) {
        reject(toTransportError(error, `connect to ${reader.handle.name}`));
      }
    }).catch((error: TransportError) => {
      // pcscd refuses a shared connection only while another program holds the card exclusively;
      // the running watch is not told (see snapshot()), so remember it for readers().
      if (error.code === 'sharing-violation') reader.flags |= SCARD_STATE_EXCLUSIVE;
      throw error;
    });
    reader.flags &= ~SCARD_STATE_EXCLUSIVE;
    const session = new ReaderSession(reader.handle, new Uint8Array(reader.atr ?? []), protocol, {
      log: this.log,
      cardGoneWaitMs: this.cardGoneWaitMs,
      onPinpadAnswer: (pinpad) => {
        // The reader, not the card, has the pinpad: the answer holds until the reader goes away.
        if (this.tracked.get(reader.handle.name) === reader) reader.pinpad = pinpad;
      },
      ...(this.transmitTimeoutMs !== undefined && { transmitTimeoutMs: this.transmitTimeoutMs }),
    });
    if (reader.generation !== this.generation || this.tracked.get(reader.handle.name) !== reader) {
      // The service or the reader went away while connecting.
      session.invalidate(new ServiceNotRunningError('The PC/SC service went away while connecting'), false);
      throw session.invalidated;
    }
    reader.session = session;
    return session;
  }

  // ---- context life cycle ------------------------------------------------------------------

  private establish(): void {
    if (this.closed || this.context) return;
    let context: PcscContextHandle;
    try {
      this.binding ??= this.bindingOption ?? loadPcscliteBinding();
      context = this.binding();
    } catch (error) {
      this.onServiceUnavailable(toTransportError(error, 'establish a PC/SC context'));
      return;
    }
    const generation = ++this.generation;
    this.context = context;
    // Stays attached for good: a closed context still reports its cancellation as an error.
    context.on('error', (error) => {
      if (generation === this.generation) this.onContextDied(toTransportError(error, 'watch for readers'));
    });
    context.on('reader', (handle) => this.onReaderAdded(handle, generation));
    this.available = true;
    this.retryDelayMs = this.minRetryDelayMs;
    this.stopWatching?.();
    this.stopWatching = undefined;
    if (this.lostReported) {
      this.lostReported = false;
      this.log('PC/SC service is back');
      this.emit({ type: 'service-restored' });
    }
  }

  /** The context could not be established: report once, then retry. */
  private onServiceUnavailable(error: TransportError): void {
    this.available = false;
    if (!this.lostReported) {
      this.lostReported = true;
      this.log(`PC/SC service unavailable: ${error.message}`);
      this.emit({ type: 'service-lost', error: error.toJSON() });
    }
    this.scheduleRetry();
  }

  /** The context stopped working (pcscd died, or its watch thread failed): drop it and start over. */
  private onContextDied(error: TransportError): void {
    if (this.closed) return;
    const context = this.context;
    const readers = [...this.tracked.values()];
    this.context = undefined;
    this.generation += 1;
    this.available = false;
    this.tracked.clear();
    if (!this.lostReported) {
      this.lostReported = true;
      this.log(`PC/SC service lost: ${error.message}`);
      this.emit({ type: 'service-lost', error: error.toJSON() });
    }
    const lost = new ServiceNotRunningError('The PC/SC service stopped');
    for (const reader of readers) {
      reader.session?.invalidate(lost, false);
      if (reader.present) this.emit({ type: 'card-removed', reader: reader.handle.name });
      this.emit({ type: 'reader-removed', reader: reader.handle.name });
    }
    // We are inside a binding callback here; closing now could deadlock.
    setImmediate(() => this.teardown(context, readers));
    this.scheduleRetry();
  }

  private teardown(context: PcscContextHandle | undefined, readers: TrackedReader[]): void {
    for (const reader of readers) {
      try {
        reader.handle.close();
      } catch (error) {
        this.log(`closing reader ${reader.handle.name}: ${(error as Error).message}`);
      }
    }
    try {
      context?.close();
    } catch (error) {
      this.log(`closing PC/SC context: ${(error as Error).message}`);
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    if (!this.stopWatching && this.watchSocket) {
      // pcscd's socket appearing is the earliest sign it is back; give it a moment to listen.
      this.stopWatching = this.watchSocket(() => this.retrySoon(50));
    }
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.maxRetryDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.establish();
    }, delay);
  }

  private retrySoon(delayMs: number): void {
    if (this.closed || this.context) return;
    this.cancelRetry(false);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.establish();
    }, delayMs);
  }

  private cancelRetry(stopWatching = true): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (stopWatching) {
      this.stopWatching?.();
      this.stopWatching = undefined;
    }
  }

  // ---- readers and cards -------------------------------------------------------------------

  private onReaderAdded(handle: PcscReaderHandle, generation: number): void {
    // Error listener first and for good: an 'error' without a listener would crash the process.
    handle.on('error', (error) => {
      if (generation !== this.generation) return;
      if (isServiceGone(error)) this.onContextDied(toTransportError(error, `watch ${handle.name}`));
      else this.log(`reader ${handle.name}: ${error.message}`);
    });
    if (generation !== this.generation || this.closed) {
      setImmediate(() => this.teardown(undefined, [{ handle } as TrackedReader]));
      return;
    }
    let resolveFirstStatus: () => void = () => {};
    const firstStatus = new Promise<void>((resolve) => {
      resolveFirstStatus = resolve;
    });
    const reader: TrackedReader = {
      handle,
      generation,
      known: false,
      flags: 0,
      counter: 0,
      present: false,
      atr: undefined,
      session: undefined,
      pinpad: undefined,
      connecting: undefined,
      firstStatus,
      resolveFirstStatus,
    };
    const previous = this.tracked.get(handle.name);
    if (previous) this.onReaderEnded(previous);
    this.tracked.set(handle.name, reader);
    handle.on('status', (status) => {
      if (generation === this.generation && this.tracked.get(handle.name) === reader) this.onStatus(reader, status);
    });
    handle.on('end', () => {
      if (generation === this.generation && this.tracked.get(handle.name) === reader) this.onReaderEnded(reader);
    });
    this.emit({ type: 'reader-added', reader: handle.name });
  }

  private onReaderEnded(reader: TrackedReader): void {
    const name = reader.handle.name;
    this.tracked.delete(name);
    reader.resolveFirstStatus();
    reader.session?.invalidate(new ReaderUnavailableError(`The reader ${name} was removed`), false);
    if (reader.present) this.emit({ type: 'card-removed', reader: name });
    this.emit({ type: 'reader-removed', reader: name });
  }

  /**
   * Folds the binding's status reports into card events. The binding reports every change of
   * the state word, including "in use" and "exclusive" flips and repeats of the same state; only
   * a change of presence, of the ATR or of pcsc-lite's card event counter (upper 16 bits: a card
   * came or went between two reports) is a card event.
   */
  private onStatus(reader: TrackedReader, status: PcscStatus): void {
    const flags = status.state & 0xffff;
    const counter = status.state >>> 16;
    const present = (flags & SCARD_STATE_PRESENT) !== 0;
    const atr = present && status.atr && status.atr.length > 0 ? new Uint8Array(status.atr) : undefined;
    const wasKnown = reader.known;
    const wasPresent = reader.present;
    const changedCard = wasPresent && present && (counter !== reader.counter || !sameAtr(atr, reader.atr));
    reader.known = true;
    reader.flags = flags;
    reader.counter = counter;
    reader.present = present;
    reader.atr = atr;
    const name = reader.handle.name;
    if (!wasKnown) {
      reader.resolveFirstStatus();
      if (present) this.emit({ type: 'card-inserted', reader: name, atr: new Uint8Array(atr ?? []) });
      return;
    }
    if (wasPresent && (!present || changedCard)) {
      reader.session?.invalidate(new CardRemovedError(`The card was removed from ${name}`), true);
      this.emit({ type: 'card-removed', reader: name });
    }
    if (present && (!wasPresent || changedCard)) {
      this.emit({ type: 'card-inserted', reader: name, atr: new Uint8Array(atr ?? []) });
    }
  }

  private emit(event: ReaderEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A faulty listener must not stop the others or the monitor.
        this.log(`reader event listener failed on ${event.type}: ${(error as Error).message}`);
      }
    }
  }
}

export function createPcscReaderMonitor(options: PcscReaderMonitorOptions = {}): PcscReaderMonitor {
  return new PcscReaderMonitor(options);
}
