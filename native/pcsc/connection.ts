/**
 * Card connections over pcsclite. The binding keeps ONE card handle per reader object, so every
 * CardConnection to the same reader shares one `ReaderSession`; the handle is released (leaving
 * the card as it is) when the last connection disconnects, or as soon as the card is removed or
 * reset, so that the next connect() makes a fresh handle instead of reusing a dead one.
 */
import { PcscError, TransportError, type CardConnection } from '../transport.js';
import { SCARD_LEAVE_CARD, type PcscReaderHandle } from './binding.js';
import { SCARD_E_INVALID_HANDLE, toTransportError } from './errors.js';

const closedError = () => new PcscError(SCARD_E_INVALID_HANDLE, 'The connection to the card is closed');

/** Room for an extended-length response (65 536 data bytes) plus SW1 SW2. */
const MAX_RESPONSE_LENGTH = 65_538;

export class ReaderSession {
  private users = 0;
  private invalidatedBy: TransportError | undefined;
  private released = false;
  private releasing: Promise<void> | undefined;
  /** APDUs go to the card one at a time and in call order (the binding's thread pool does not promise order). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly reader: PcscReaderHandle,
    readonly atr: Uint8Array,
    readonly protocol: number,
    private readonly log: (line: string) => void = () => {},
  ) {}

  get invalidated(): TransportError | undefined {
    return this.invalidatedBy;
  }

  get isOpen(): boolean {
    return !this.released && !this.invalidatedBy;
  }

  open(): CardConnection & { readonly protocol: number } {
    this.users += 1;
    return new PcscCardConnection(this);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (this.invalidatedBy) throw this.invalidatedBy;
      if (this.released) throw closedError();
      try {
        return await new Promise<Uint8Array>((resolve, reject) => {
          this.reader.transmit(Buffer.from(command), MAX_RESPONSE_LENGTH, this.protocol, (error, response) => {
            if (error) reject(error);
            else resolve(new Uint8Array(response ?? []));
          });
        });
      } catch (error) {
        const typed = toTransportError(error, `transmit on ${this.reader.name}`);
        // The handle is useless after these; a new connect() makes a new one.
        if (typed.code === 'card-removed' || typed.code === 'card-reset' || typed.code === 'service-not-running') {
          this.invalidate(typed, typed.code !== 'service-not-running');
        }
        throw typed;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Marks the session dead (card removed, reader gone, service lost). Transmits then fail with
   * `error`. With `releaseHandle` the binding's handle is closed quietly, leaving the card.
   */
  invalidate(error: TransportError, releaseHandle: boolean): void {
    if (this.invalidatedBy) return;
    this.invalidatedBy = error;
    if (releaseHandle) void this.releaseHandle();
    else this.released = true;
  }

  /** One connection is done; the last one closes the handle. */
  async leave(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) await this.releaseHandle();
  }

  /** Every connection is closed at once (monitor closing). */
  async leaveAll(): Promise<void> {
    this.users = 0;
    await this.releaseHandle();
  }

  /** Resolves once the binding's handle is released (or was never to be released). */
  settled(): Promise<void> {
    return this.releasing ?? Promise.resolve();
  }

  private releaseHandle(): Promise<void> {
    if (this.released) return this.settled();
    this.released = true;
    this.releasing = this.disconnectHandle();
    return this.releasing;
  }

  private async disconnectHandle(): Promise<void> {
    // Let an exchange in flight finish before the handle goes.
    await this.queue;
    await new Promise<void>((resolve) => {
      try {
        this.reader.disconnect(SCARD_LEAVE_CARD, (error) => {
          if (error) {
            // The binding then still believes it is connected and would skip the next connect.
            this.reader.connected = false;
            this.log(`disconnect from ${this.reader.name}: ${error.message}`);
          }
          resolve();
        });
      } catch (error) {
        this.reader.connected = false;
        this.log(`disconnect from ${this.reader.name}: ${(error as Error).message}`);
        resolve();
      }
    });
  }
}

export class PcscCardConnection implements CardConnection {
  private closed = false;

  constructor(private readonly session: ReaderSession) {}

  get readerName(): string {
    return this.session.reader.name;
  }
  get atr(): Uint8Array {
    return this.session.atr;
  }
  /** SCARD_PROTOCOL_T0 (1) or SCARD_PROTOCOL_T1 (2), as negotiated. */
  get protocol(): number {
    return this.session.protocol;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(closedError());
    return this.session.transmit(command);
  }

  /** Leaves the card as it is (SCARD_LEAVE_CARD). Calling it twice is harmless. */
  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.leave();
  }
}
