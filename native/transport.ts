/**
 * The contract between the card-facing layers and whatever carries APDUs: a real PC/SC reader
 * (native/pcsc), an in-process virtual card (native/simulator), or a scripted test double.
 * It sits at the bottom of the house so that every layer may import it; it imports nothing but
 * the byte helpers of bytes.ts.
 */

/** A connection to one card in one reader. Only sends and receives APDUs. */
export interface CardTransport {
  readonly readerName: string;
  /** Answer to reset as the reader reported it when the card was connected. */
  readonly atr: Uint8Array;
  /** Sends one command APDU and returns the full response including SW1 SW2. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/** A transport that can be closed. Closing leaves the card as it is (no reset, no power-off). */
export interface CardConnection extends CardTransport {
  /**
   * Ends this connection. `resetCard`: reset the card when the handle goes (SCARD_RESET_CARD), so
   * that a PIN verified through it does not stay verified for other programs.
   */
  disconnect(options?: { resetCard?: boolean }): Promise<void>;
  /**
   * Secure PIN entry on the reader's own keypad (PC/SC part 10), where the transport can ask for
   * it (real PC/SC readers). Absent: this transport has no way to ask (simulator, test doubles).
   */
  readonly pinpad?: CardPinpad;
}

/** What a reader said it can do for PIN entry (its answer to GET_FEATURE_REQUEST). */
export interface PinpadFeatures {
  /** FEATURE_VERIFY_PIN_DIRECT (tag 06): the reader can run VERIFY with the PIN typed on it. */
  verifyPinDirect: boolean;
  /** FEATURE_MODIFY_PIN_DIRECT (tag 07): CHANGE REFERENCE DATA / RESET RETRY COUNTER likewise. */
  modifyPinDirect: boolean;
  /** Every feature tag the reader listed, ascending (empty: a reader without part 10 features). */
  featureTags: number[];
  /** False when the reader's list was malformed; the fields above hold what could be read. */
  listComplete: boolean;
}

/**
 * A reader's pinpad. `features()` asks once per card connection and remembers the answer; a reader
 * that does not support SCardControl or GET_FEATURE_REQUEST answers with no features (not an
 * error). The two direct operations take a structure built by electron/card/pinpad.ts and
 * resolve with the card's response APDU (data + SW1 SW2), or the reader's own status word
 * (64 00 timeout, 64 01 cancelled, 64 02 the new PINs differ, …; see pinpadOutcome). They throw
 * NoPinpadError when the reader lacks the feature.
 *
 * They wait as long as the person types: the reader ends the entry itself after the structure's
 * bTimerOut / bTimerOut2 seconds (30 s each by default). A watchdog in the transport rejects with
 * TransportTimeoutError only well after that, for a reader that never answers.
 */
export interface CardPinpad {
  features(): Promise<PinpadFeatures>;
  verifyPinDirect(structure: Uint8Array): Promise<Uint8Array>;
  modifyPinDirect(structure: Uint8Array): Promise<Uint8Array>;
}

export type ReaderEvent =
  | { type: 'service-lost'; error: SerializedError }
  | { type: 'service-restored' }
  | { type: 'reader-added'; reader: string }
  | { type: 'reader-removed'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed'; reader: string };

export interface ReaderState {
  name: string;
  cardPresent: boolean;
  /** ATR of the present card, absent when no card is in the reader. */
  atr?: Uint8Array;
  /** The card is held exclusively by another program (SCARD_STATE_EXCLUSIVE). */
  exclusive?: boolean;
  /** Raw PC/SC state flags, for the IT-support report. */
  stateFlags?: number;
  /**
   * Whether the reader offers secure PIN entry (FEATURE_VERIFY_PIN_DIRECT), as last asked through
   * a connection to the card in it: true / false; null = asking failed; absent = never asked (a
   * reader is asked only while it holds a card).
   */
  pinpad?: boolean | null;
}

/** Watches the PC/SC service, its readers and their cards. */
export interface ReaderMonitor {
  start(): void;
  /** Stops watching and releases every PC/SC resource. */
  close(): Promise<void>;
  /** Registers a listener; returns a function that removes it. */
  onEvent(listener: (event: ReaderEvent) => void): () => void;
  readonly serviceAvailable: boolean;
  readers(): ReaderState[];
  /** Connects in shared mode to the card in the named reader. */
  connect(reader: string): Promise<CardConnection>;
  /**
   * Resolves when the named reader has reported its first status (card present or not), or is
   * gone: the signal that the readers there at start are known, so nobody polls for it.
   */
  readerReported(reader: string): Promise<void>;
}

/** Errors that cross process or IPC boundaries travel as plain data. */
export interface SerializedError {
  code: string;
  message: string;
}

export type TransportErrorCode =
  | 'service-not-running'
  | 'no-readers'
  | 'reader-unavailable'
  | 'no-card'
  | 'card-removed'
  | 'card-reset'
  | 'sharing-violation'
  | 'timeout'
  | 'unresponsive-card'
  | 'no-pinpad'
  | 'pcsc-error';

/** Base of every error a transport raises. `code` is stable and is what callers switch on. */
export class TransportError extends Error {
  readonly code: TransportErrorCode;
  /** The PC/SC return code (e.g. 0x80100069), when the error came from PC/SC. */
  readonly pcscCode: number | undefined;
  constructor(code: TransportErrorCode, message: string, pcscCode?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.pcscCode = pcscCode;
  }
  toJSON(): SerializedError {
    return { code: this.code, message: this.message };
  }
}

export class ServiceNotRunningError extends TransportError {
  constructor(message = 'The PC/SC service is not running', pcscCode?: number) {
    super('service-not-running', message, pcscCode);
  }
}
export class NoReadersError extends TransportError {
  constructor(message = 'No smart-card reader is connected', pcscCode?: number) {
    super('no-readers', message, pcscCode);
  }
}
export class ReaderUnavailableError extends TransportError {
  constructor(message = 'The reader is not available', pcscCode?: number) {
    super('reader-unavailable', message, pcscCode);
  }
}
export class NoCardError extends TransportError {
  constructor(message = 'There is no card in the reader', pcscCode?: number) {
    super('no-card', message, pcscCode);
  }
}
export class CardRemovedError extends TransportError {
  constructor(message = 'The card was removed', pcscCode?: number) {
    super('card-removed', message, pcscCode);
  }
}
export class CardResetError extends TransportError {
  constructor(message = 'The card was reset by another program', pcscCode?: number) {
    super('card-reset', message, pcscCode);
  }
}
export class SharingViolationError extends TransportError {
  constructor(message = 'Another program is using the card exclusively', pcscCode?: number) {
    super('sharing-violation', message, pcscCode);
  }
}
export class TransportTimeoutError extends TransportError {
  constructor(message = 'The reader did not answer in time', pcscCode?: number) {
    super('timeout', message, pcscCode);
  }
}
export class UnresponsiveCardError extends TransportError {
  constructor(message = 'The card does not answer', pcscCode?: number) {
    super('unresponsive-card', message, pcscCode);
  }
}
/** The reader has no pinpad, or not the pinpad feature asked for. */
export class NoPinpadError extends TransportError {
  constructor(message = 'The reader has no PIN pad', pcscCode?: number) {
    super('no-pinpad', message, pcscCode);
  }
}
export class PcscError extends TransportError {
  constructor(pcscCode: number, message?: string) {
    super('pcsc-error', message ?? `PC/SC error 0x${(pcscCode >>> 0).toString(16).padStart(8, '0').toUpperCase()}`, pcscCode);
  }
}

export function isTransportError(error: unknown): error is TransportError {
  return error instanceof TransportError;
}

// The hex helpers live with the other byte helpers in bytes.ts; they stay importable from here,
// where every layer (and most tests) took them from before.
export { fromHex, toHex } from './bytes.js';
