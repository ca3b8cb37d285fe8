/**
 * Card connections over pcsclite. The binding keeps ONE card handle per reader object, so every
 * CardConnection to the same reader shares one `ReaderSession`; the handle is released (leaving
 * the card as it is) when the last connection disconnects, or as soon as the card is removed or
 * reset, so that the next connect() makes a fresh handle instead of reusing a dead one.
 *
 * A card pulled out during an exchange is not reported as removed by the transmit itself, as
 * measured with pcscd 1.9.9 + vpcd: the APDU in flight comes back EMPTY (no SW1 SW2), the next
 * ones fail with SCARD_E_NOT_TRANSACTED, and pcscd reports the removal only at its next presence
 * poll of the reader (~400 ms later). So an exchange that fails that way waits, a bounded time and
 * without polling, for the monitor's watch to report the card gone (which invalidates the session)
 * before choosing between CardRemovedError and an error about the card or the reader.
 */
import {
  CardRemovedError,
  NoPinpadError,
  PcscError,
  TransportError,
  TransportTimeoutError,
  UnresponsiveCardError,
  type CardConnection,
  type CardPinpad,
} from '../transport.js';
import { SCARD_LEAVE_CARD, SCARD_RESET_CARD, type PcscReaderHandle } from './binding.js';
import {
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_NOT_TRANSACTED,
  SCARD_W_UNPOWERED_CARD,
  SCARD_W_UNRESPONSIVE_CARD,
  formatPcscCode,
  toTransportError,
} from './errors.js';
import { PcscPinpad, type PinpadControl } from './pinpad.js';

const closedError = () => new PcscError(SCARD_E_INVALID_HANDLE, 'The connection to the card is closed');

/** Room for an extended-length response (65 536 data bytes) plus SW1 SW2. */
const MAX_RESPONSE_LENGTH = 65_538;

/**
 * How long a failed exchange waits for the reader to report the card gone. pcscd polls a reader
 * such as vpcd for presence every ~400 ms (measured: removal reported 380 ms after the exchange
 * failed); three polls' worth leaves room on a loaded machine.
 */
export const DEFAULT_CARD_GONE_WAIT_MS = 1200;

/**
 * How long one exchange may take before it fails with TransportTimeoutError. Neither pcscd nor
 * vpcd has a bound of its own: measured with pcscd 1.9.9 + vpcd, SCardTransmit to a card that
 * stops answering mid-APDU waits for as long as the card stays in the reader (42 s and counting),
 * with the card still reported present. A reading APDU of a SITHS card takes well under a second
 * even over T=0 at 9600 baud (256 bytes ≈ 0.3 s), so 5 s is a generous bound.
 *
 * The binding's exchange cannot be cancelled (pcsc-lite's SCardCancel only ends a status wait):
 * after a timeout the session is dead, and its handle is released once the stuck exchange
 * returns, which it does when the card leaves the reader; a new connect() to that reader waits
 * for that, so the reader is free again after the card is taken out.
 */
export const DEFAULT_TRANSMIT_TIMEOUT_MS = 5000;

/** Transmit failures that a card pulled out mid-exchange produces, besides a short response. */
const MAYBE_REMOVED_CODES: ReadonlySet<number> = new Set([SCARD_E_NOT_TRANSACTED, SCARD_W_UNRESPONSIVE_CARD, SCARD_W_UNPOWERED_CARD]);

export interface ReaderSessionOptions {
  log?: (line: string) => void;
  /** See DEFAULT_CARD_GONE_WAIT_MS. */
  cardGoneWaitMs?: number;
  /** Told each answer of the reader's pinpad feature request (see PcscPinpad). */
  onPinpadAnswer?: (pinpad: boolean | null) => void;
  /** See DEFAULT_TRANSMIT_TIMEOUT_MS. */
  transmitTimeoutMs?: number;
}

export class ReaderSession {
  private users = 0;
  private invalidatedBy: TransportError | undefined;
  private released = false;
  private releasing: Promise<void> | undefined;
  /** APDUs go to the card one at a time and in call order (the binding's thread pool does not promise order). */
  private queue: Promise<unknown> = Promise.resolve();
  private pinpadOfSession: PcscPinpad | undefined;
  /** Woken when the session is invalidated or released (see endedWithin). */
  private readonly endWaiters = new Set<() => void>();
  private readonly log: (line: string) => void;
  private readonly cardGoneWaitMs: number;
  private readonly onPinpadAnswer: ((pinpad: boolean | null) => void) | undefined;
  private readonly transmitTimeoutMs: number;
  /** The binding's exchange in flight, settled or not (a timed-out one may still be running). */
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    readonly reader: PcscReaderHandle,
    readonly atr: Uint8Array,
    readonly protocol: number,
    options: ReaderSessionOptions = {},
  ) {
    this.log = options.log ?? (() => {});
    this.cardGoneWaitMs = options.cardGoneWaitMs ?? DEFAULT_CARD_GONE_WAIT_MS;
    this.onPinpadAnswer = options.onPinpadAnswer;
    this.transmitTimeoutMs = options.transmitTimeoutMs ?? DEFAULT_TRANSMIT_TIMEOUT_MS;
  }

  get invalidated(): TransportError | undefined {
    return this.invalidatedBy;
  }

  get isOpen(): boolean {
    return !this.released && !this.invalidatedBy;
  }

  /** The reader's pinpad, shared by the session's connections (features are asked once); absent when the binding cannot reach one. */
  get pinpad(): PcscPinpad | undefined {
    if (typeof this.reader.control !== 'function') return undefined;
    this.pinpadOfSession ??= new PcscPinpad(
      (code, data, max, watchdogMs) => this.control(code, data, max, watchdogMs),
      this.reader.name,
      process.platform,
      this.onPinpadAnswer,
    );
    return this.pinpadOfSession;
  }

  open(): CardConnection & { readonly protocol: number } {
    this.users += 1;
    return new PcscCardConnection(this);
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (this.invalidatedBy) throw this.invalidatedBy;
      if (this.released) throw closedError();
      const operation = `transmit on ${this.reader.name}`;
      let response: Uint8Array;
      // Our own copy for the binding: zeroed once the exchange is over (it may carry a PIN).
      const outgoing = Buffer.from(command);
      try {
        const exchange = new Promise<Uint8Array>((resolve, reject) => {
          this.reader.transmit(outgoing, MAX_RESPONSE_LENGTH, this.protocol, (error, data) => {
            outgoing.fill(0);
            if (error) reject(error);
            else resolve(new Uint8Array(data ?? []));
          });
        });
        this.inFlight = exchange.catch(() => undefined);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new TransportTimeoutError(`The card did not answer within ${this.transmitTimeoutMs} ms (${operation})`)),
            this.transmitTimeoutMs,
          );
        });
        try {
          response = await Promise.race([exchange, timeout]);
        } finally {
          clearTimeout(timer);
        }
      } catch (error) {
        const typed = toTransportError(error, operation);
        if (typed.code === 'timeout') {
          // The exchange is stuck in the binding: nothing more goes to this handle (see above).
          this.invalidate(typed, true);
          throw typed;
        }
        if (typed.pcscCode === SCARD_E_NO_SMARTCARD) {
          // The card this handle was made for is no longer in the reader.
          const removed = new CardRemovedError(`The card was removed from ${this.reader.name} (${typed.message})`, typed.pcscCode);
          this.invalidate(removed, true);
          throw removed;
        }
        if (typed.pcscCode !== undefined && MAYBE_REMOVED_CODES.has(typed.pcscCode)) throw await this.explainFailedExchange(typed);
        // The handle is useless after these; a new connect() makes a new one.
        if (typed.code === 'card-removed' || typed.code === 'card-reset' || typed.code === 'service-not-running') {
          this.invalidate(typed, typed.code !== 'service-not-running');
        }
        throw typed;
      }
      // Every response APDU ends with SW1 SW2: anything shorter is no answer from the card.
      if (response.length < 2) {
        throw await this.explainFailedExchange(new UnresponsiveCardError(`The card gave no status word (a ${response.length}-byte response) to ${operation}`));
      }
      return response;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * SCardControl on the session's handle, in turn with the transmits. It may block as long as a
   * person types on a pinpad; `watchdogMs` bounds the wait for a reader that never answers: the
   * promise then rejects with TransportTimeoutError, while the queue keeps waiting for the
   * binding's call to return (nothing else reaches the card meanwhile).
   */
  control: PinpadControl = (controlCode, data, maxResponseLength, watchdogMs) => {
    let settle: { resolve: (value: Uint8Array) => void; reject: (error: unknown) => void } | undefined;
    const outer = new Promise<Uint8Array>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const { resolve, reject } = settle!;
    const operation = `SCardControl ${formatPcscCode(controlCode)} on ${this.reader.name}`;
    const run = async (): Promise<void> => {
      if (this.invalidatedBy) return reject(this.invalidatedBy);
      if (this.released) return reject(closedError());
      const control = this.reader.control;
      if (typeof control !== 'function') return reject(new NoPinpadError(`The PC/SC binding cannot send control codes to ${this.reader.name}`));
      const timer = setTimeout(
        () => reject(new TransportTimeoutError(`The reader did not answer ${operation} within ${Math.round(watchdogMs / 1000)} s`)),
        watchdogMs,
      );
      try {
        const response = await new Promise<Uint8Array>((done, fail) => {
          try {
            control.call(this.reader, Buffer.from(data), controlCode, maxResponseLength, (error, out) => {
              if (error) fail(error);
              else done(new Uint8Array(out ?? []));
            });
          } catch (error) {
            fail(error);
          }
        });
        resolve(response);
      } catch (error) {
        const typed = toTransportError(error, operation);
        if (typed.pcscCode === SCARD_E_NO_SMARTCARD || typed.code === 'card-removed' || typed.code === 'card-reset') {
          this.invalidate(
            typed.code === 'card-reset' ? typed : new CardRemovedError(`The card was removed from ${this.reader.name} (${typed.message})`, typed.pcscCode),
            true,
          );
        } else if (typed.code === 'service-not-running') {
          this.invalidate(typed, false);
        }
        reject(this.invalidatedBy ?? typed);
      } finally {
        clearTimeout(timer);
      }
    };
    this.queue = this.queue.then(run, run).catch(() => undefined);
    return outer;
  };

  /**
   * Marks the session dead (card removed, reader gone, service lost). Transmits then fail with
   * `error`. With `releaseHandle` the binding's handle is closed quietly, leaving the card.
   */
  invalidate(error: TransportError, releaseHandle: boolean): void {
    if (this.invalidatedBy) return;
    this.invalidatedBy = error;
    if (releaseHandle) void this.releaseHandle();
    else this.released = true;
    this.wakeEndWaiters();
  }

  /**
   * After an exchange failed in a way a pulled card causes (see the top of this file): the card
   * is reported gone within the wait -> CardRemovedError; the reader or service went away ->
   * that error; otherwise the card is still there and `failure` stands.
   */
  private async explainFailedExchange(failure: TransportError): Promise<TransportError> {
    const cause = await this.endedWithin(this.cardGoneWaitMs);
    if (!cause) {
      if (!this.released) this.log(`${this.reader.name}: ${failure.message}; the card is still reported present`);
      return failure;
    }
    if (cause.code === 'card-removed') {
      return new CardRemovedError(`The card was removed from ${this.reader.name} during an exchange (${failure.message})`, failure.pcscCode);
    }
    return cause;
  }

  /**
   * Resolves with the error the session was invalidated with, as soon as that happens, or with
   * undefined once the session is released or `timeoutMs` has passed. One timer, no polling.
   */
  private endedWithin(timeoutMs: number): Promise<TransportError | undefined> {
    if (this.invalidatedBy || this.released) return Promise.resolve(this.invalidatedBy);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.endWaiters.delete(wake);
        resolve(this.invalidatedBy);
      };
      const timer = setTimeout(wake, timeoutMs);
      this.endWaiters.add(wake);
    });
  }

  private wakeEndWaiters(): void {
    for (const wake of [...this.endWaiters]) wake();
  }

  /** One connection is done; the last one closes the handle. */
  /** Set when a connection asked for a reset: the handle then goes with SCARD_RESET_CARD. */
  private resetOnRelease = false;

  async leave(options: { resetCard?: boolean } = {}): Promise<void> {
    if (options.resetCard) this.resetOnRelease = true;
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
    // An exchange waiting for news of the card must not hold up the release (it waits on the queue).
    this.wakeEndWaiters();
    this.releasing = this.disconnectHandle();
    return this.releasing;
  }

  private async disconnectHandle(): Promise<void> {
    // Let an exchange in flight finish before the handle goes (a timed-out one too: the binding
    // would otherwise block a second thread in SCardDisconnect behind it).
    await this.queue;
    await this.inFlight;
    await new Promise<void>((resolve) => {
      try {
        this.reader.disconnect(this.resetOnRelease ? SCARD_RESET_CARD : SCARD_LEAVE_CARD, (error) => {
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

  /** The reader's pinpad through this connection (see CardPinpad); absent when the binding has no SCardControl. */
  get pinpad(): CardPinpad | undefined {
    const pinpad = this.session.pinpad;
    if (!pinpad) return undefined;
    const open = <T>(run: () => Promise<T>): Promise<T> => (this.closed ? Promise.reject(closedError()) : run());
    return {
      features: () => open(() => pinpad.features()),
      verifyPinDirect: (structure) => open(() => pinpad.verifyPinDirect(structure)),
      modifyPinDirect: (structure) => open(() => pinpad.modifyPinDirect(structure)),
    };
  }

  /** Leaves the card as it is (SCARD_LEAVE_CARD), or resets it. Calling it twice is harmless. */
  async disconnect(options: { resetCard?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.leave(options);
  }
}
