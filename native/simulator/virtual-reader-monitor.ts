/**
 * A ReaderMonitor of virtual readers in the same process: demo mode and the service's tests, no
 * pcscd. Virtual cards (any VirtualCardEndpoint, e.g. an ApduEngine) are inserted, removed and
 * swapped, and the PC/SC service can be "lost" and "restored", with the same event stream the
 * PC/SC monitor (native/pcsc/monitor.ts) gives: a consumer that applies the events in order always
 * knows which readers exist and which hold a card; a swap is `card-removed` then `card-inserted`;
 * a lost service is `service-lost`, then `card-removed` / `reader-removed` for everything there was.
 *
 * Events are emitted synchronously, inside the call that caused them. Connections are
 * InProcessTransport: after the card leaves its reader, every transmit on them rejects with
 * CardRemovedError, as a PC/SC handle does.
 */
import { NoCardError, NoReadersError, ReaderUnavailableError, ServiceNotRunningError } from '../transport.js';
import type { CardConnection, ReaderEvent, ReaderMonitor, ReaderState, SerializedError } from '../transport.js';
import type { VirtualCardEndpoint } from './endpoint.js';
import { InProcessTransport } from './in-process-transport.js';

interface VirtualReader {
  readonly name: string;
  card: VirtualCardEndpoint | null;
  /** The connections to the card now in the reader: they fail once it leaves. */
  connections: Set<InProcessTransport>;
}

export class VirtualReaderMonitor implements ReaderMonitor {
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private readonly virtualReaders = new Map<string, VirtualReader>();
  /** The readers the "service" has, kept across a lost service so they come back with it. */
  private readonly plugged: string[];
  private started = false;
  private closed = false;
  private available = true;

  constructor(readerNames: readonly string[] = []) {
    this.plugged = [...readerNames];
  }

  get serviceAvailable(): boolean {
    return this.available && !this.closed;
  }

  /** Reports the readers (and cards) already there, as PC/SC does a moment after start. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (const name of this.plugged) this.attach(name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const reader of this.virtualReaders.values()) this.dropConnections(reader);
    this.virtualReaders.clear();
    this.listeners.clear();
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readers(): ReaderState[] {
    return [...this.virtualReaders.values()].map((reader) =>
      reader.card ? { name: reader.name, cardPresent: true, atr: reader.card.atr.slice() } : { name: reader.name, cardPresent: false },
    );
  }

  /** A virtual reader knows its state at once: there is no first status to wait for. */
  readerReported(_reader: string): Promise<void> {
    return Promise.resolve();
  }

  /** Connects to the card in the reader; rejects as the PC/SC monitor does when there is none to reach. */
  async connect(readerName: string): Promise<CardConnection> {
    const reader = this.readerWithCard(readerName);
    const transport = new InProcessTransport(reader.card, { readerName });
    reader.connections.add(transport);
    return {
      readerName,
      atr: transport.atr,
      transmit: (command) => transport.transmit(command),
      disconnect: async (options) => {
        reader.connections.delete(transport);
        await transport.disconnect(options);
      },
    };
  }

  // ---- what a person (or a test) does to the virtual readers ---------------------------------

  /** Plugs a reader in (reported at once when started and the service is up). */
  addReader(name: string): void {
    if (this.plugged.includes(name)) return;
    this.plugged.push(name);
    if (this.started && this.available && !this.closed) this.attach(name);
  }

  /** Unplugs a reader: its card (if any) is removed first. */
  removeReader(name: string): void {
    const index = this.plugged.indexOf(name);
    if (index < 0) return;
    this.plugged.splice(index, 1);
    const reader = this.virtualReaders.get(name);
    if (reader) this.detach(reader);
  }

  /**
   * Puts `card` into the reader (plugging the reader in if needed). A card already there is taken
   * out first: a swap, as two events. The card is powered anew, as a real insertion does.
   */
  insertCard(readerName: string, card: VirtualCardEndpoint): void {
    this.addReader(readerName);
    const reader = this.virtualReaders.get(readerName);
    if (!reader) {
      throw new ServiceNotRunningError(`The reader ${readerName} is not watched (the monitor is not started, is closed, or the service is lost)`);
    }
    if (reader.card) this.takeCardOut(reader);
    card.powerOn();
    reader.card = card;
    this.emit({ type: 'card-inserted', reader: readerName, atr: card.atr.slice() });
  }

  removeCard(readerName: string): void {
    const reader = this.virtualReaders.get(readerName);
    if (reader?.card) this.takeCardOut(reader);
  }

  /** The PC/SC service goes away: every card and reader with it, as the PC/SC monitor reports it. */
  loseService(error: SerializedError = { code: 'service-not-running', message: 'The PC/SC service stopped' }): void {
    if (!this.available || this.closed) return;
    this.available = false;
    this.emit({ type: 'service-lost', error });
    for (const reader of [...this.virtualReaders.values()]) this.detach(reader);
  }

  /** The service is back: its readers are reported again (the cards in them are new insertions). */
  restoreService(): void {
    if (this.available || this.closed) return;
    this.available = true;
    this.emit({ type: 'service-restored' });
    if (this.started) for (const name of this.plugged) this.attach(name);
  }

  // ---- internals ---------------------------------------------------------------------------------

  private readerWithCard(name: string): VirtualReader & { card: VirtualCardEndpoint } {
    if (this.closed || !this.available) throw new ServiceNotRunningError(this.closed ? 'The reader monitor is closed' : undefined);
    const reader = this.virtualReaders.get(name);
    if (reader?.card) return reader as VirtualReader & { card: VirtualCardEndpoint };
    if (reader) throw new NoCardError();
    throw this.virtualReaders.size === 0 ? new NoReadersError() : new ReaderUnavailableError(`No reader named "${name}"`);
  }

  private attach(name: string): void {
    if (this.virtualReaders.has(name)) return;
    this.virtualReaders.set(name, { name, card: null, connections: new Set() });
    this.emit({ type: 'reader-added', reader: name });
  }

  private detach(reader: VirtualReader): void {
    if (reader.card) this.takeCardOut(reader);
    this.virtualReaders.delete(reader.name);
    this.emit({ type: 'reader-removed', reader: reader.name });
  }

  private takeCardOut(reader: VirtualReader): void {
    this.dropConnections(reader);
    reader.card?.powerOff();
    reader.card = null;
    this.emit({ type: 'card-removed', reader: reader.name });
  }

  private dropConnections(reader: VirtualReader): void {
    for (const connection of reader.connections) connection.removeCard();
    reader.connections.clear();
  }

  private emit(event: ReaderEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not stop the others or the monitor.
      }
    }
  }
}
