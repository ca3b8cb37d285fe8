/**
 * A card session over a CardTransport (yubikey-manager style): it sends command APDUs, follows
 * `61 xx` with GET RESPONSE, retries once with the exact Le on `6C xx`, counts what it sends and
 * receives, and raises `ApduError` when asked for success and the card says otherwise. Transport
 * errors (CardRemovedError, …) pass through unchanged.
 */
import type { Clock } from '../../native/clock.js';
import { systemClock } from '../../native/clock.js';
import type { CardTransport } from '../../native/transport.js';
import { encodeCommandApdu, Ins, maxShortLe, parseResponseApdu, sw1Of, sw2Of, type CommandApdu, type LengthEncoding, type ResponseApdu } from './apdu.js';
import { ApduError, ApplicationNotAvailableError, MalformedResponseError, ReadLimitError } from './errors.js';
import { getResponse, selectByAid, selectByPathFromMf, SelectP2 } from './iso7816.js';
import { concatBytes, toHex } from '../../native/bytes.js';

/** One command/response pair as it crossed the transport. */
export interface ApduExchange {
  command: Uint8Array;
  /** Response including SW1 SW2; empty when the transport failed. */
  response: Uint8Array;
  /** Monotonic ms since the session was created. */
  atMs: number;
  durationMs: number;
  /** The command's data was replaced by zeros before logging (VERIFY and friends carry PINs). */
  redacted: boolean;
}

/** A completed response, with the Le of the command that produced it (after a 6Cxx retry, the card's). */
export interface ExchangeResult extends ResponseApdu {
  le?: number;
}

export interface SessionStats {
  apduCount: number;
  bytesSent: number;
  bytesReceived: number;
  /** Time spent waiting for the transport. */
  transmitMs: number;
  /** Time since the session was created. */
  elapsedMs: number;
}

export interface CardSessionOptions {
  clock?: Clock;
  /** Refuse to send more than this many APDUs (a bound against cards that would keep us reading). */
  maxApdus?: number;
  /** Most GET RESPONSEs that one command may need (256 × 256 bytes = 64 KiB). */
  maxChainedResponses?: number;
  /** Most exchanges kept in the log (the oldest are dropped; counts stay exact). */
  logLimit?: number;
}

// Instructions whose data is a PIN or other secret and must never be logged.
const secretBearingIns = new Set([0x20, 0x21, 0x24, 0x2c]);

/** A PIN command with data (VERIFY without data carries no secret). */
function isSecretBearing(command: Uint8Array): boolean {
  return command.length > 5 && secretBearingIns.has(command[1] as number);
}

export class CardSession {
  readonly transport: CardTransport;
  readonly clock: Clock;
  private readonly startedAt: number;
  private readonly maxApdus: number;
  private readonly maxChainedResponses: number;
  private readonly logLimit: number;
  private readonly log: ApduExchange[] = [];
  private apduCount = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private transmitMs = 0;

  constructor(transport: CardTransport, options: CardSessionOptions = {}) {
    this.transport = transport;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.monotonicMs();
    this.maxApdus = options.maxApdus ?? Number.POSITIVE_INFINITY;
    this.maxChainedResponses = options.maxChainedResponses ?? 256;
    this.logLimit = options.logLimit ?? 1000;
  }

  get readerName(): string {
    return this.transport.readerName;
  }

  get atr(): Uint8Array {
    return this.transport.atr;
  }

  /** Sends one APDU as it is (no 61xx/6Cxx handling), counted and logged. */
  async transmitRaw(command: Uint8Array): Promise<ResponseApdu> {
    if (this.apduCount >= this.maxApdus) {
      throw new ReadLimitError(`More than ${this.maxApdus} APDUs would be needed; giving up`);
    }
    this.apduCount += 1;
    this.bytesSent += command.length;
    const started = this.clock.monotonicMs();
    let response: Uint8Array = new Uint8Array(0);
    try {
      response = await this.transport.transmit(command);
      this.bytesReceived += response.length;
      return parseResponseApdu(response);
    } finally {
      const ended = this.clock.monotonicMs();
      this.transmitMs += ended - started;
      this.record(command, response, started, ended);
      // A command that carried a PIN: its encoded bytes are not kept beyond the exchange.
      if (isSecretBearing(command)) command.fill(0);
    }
  }

  /**
   * Sends a command and completes its response: `61 xx` → GET RESPONSE (data accumulated), `6C xx`
   * → the same command again with Le = xx (once). Returns whatever status word remains; never
   * throws on a status word (see `send`).
   */
  async exchange(command: CommandApdu, encoding: LengthEncoding = 'auto'): Promise<ExchangeResult> {
    let response = await this.transmitRaw(encodeCommandApdu(command, encoding));
    let le = command.le;
    if (sw1Of(response.sw) === 0x6c && response.data.length === 0) {
      le = sw2Of(response.sw) === 0 ? maxShortLe : sw2Of(response.sw);
      response = await this.transmitRaw(encodeCommandApdu({ ...command, le }, encoding === 'extended' ? 'auto' : encoding));
    }
    const completed = await this.followResponseChain(command.cla, response);
    return le === undefined ? completed : { ...completed, le };
  }

  /** Like `exchange`, but anything other than 90 00 raises `ApduError`. Resolves with the response data. */
  async send(command: CommandApdu, options: { encoding?: LengthEncoding; context?: string } = {}): Promise<Uint8Array> {
    const response = await this.exchange(command, options.encoding);
    if (response.sw !== 0x9000) throw new ApduError(response.sw, command.ins, options.context);
    return response.data;
  }

  private async followResponseChain(cla: number, first: ResponseApdu): Promise<ResponseApdu> {
    if (sw1Of(first.sw) !== 0x61) return first;
    const parts: Uint8Array[] = [first.data];
    let response = first;
    let rounds = 0;
    // Keep the logical channel bits of the original class byte; the rest of GET RESPONSE is fixed.
    const getResponseCla = cla & 0x03;
    while (sw1Of(response.sw) === 0x61) {
      rounds += 1;
      if (rounds > this.maxChainedResponses) {
        throw new MalformedResponseError(`The card kept answering 61xx after ${this.maxChainedResponses} GET RESPONSEs`);
      }
      const le = sw2Of(response.sw) === 0 ? maxShortLe : sw2Of(response.sw);
      response = await this.transmitRaw(encodeCommandApdu(getResponse(getResponseCla, le), 'short'));
      if (sw1Of(response.sw) === 0x6c && response.data.length === 0) {
        const exact = sw2Of(response.sw) === 0 ? maxShortLe : sw2Of(response.sw);
        response = await this.transmitRaw(encodeCommandApdu(getResponse(getResponseCla, exact), 'short'));
      }
      parts.push(response.data);
    }
    return { data: concatBytes(...parts), sw: response.sw };
  }

  stats(): SessionStats {
    return {
      apduCount: this.apduCount,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      transmitMs: this.transmitMs,
      elapsedMs: this.clock.monotonicMs() - this.startedAt,
    };
  }

  /** The exchanges so far (at most `logLimit`, newest last). PIN data is never in it. */
  exchanges(): readonly ApduExchange[] {
    return this.log;
  }

  private record(command: Uint8Array, response: Uint8Array, started: number, ended: number): void {
    let logged = command;
    let redacted = false;
    if (isSecretBearing(command)) {
      // Keep the header and length byte(s); zero everything after them.
      const headerLength = command[4] === 0 && command.length > 7 ? 7 : 5;
      logged = new Uint8Array(command.length);
      logged.set(command.subarray(0, headerLength));
      redacted = true;
    }
    this.log.push({ command: logged.slice(), response: response.slice(), atMs: started - this.startedAt, durationMs: ended - started, redacted });
    if (this.log.length > this.logLimit) this.log.shift();
  }
}

/**
 * An exchange's command as hex for a log or a report: a PIN command shows its header and length,
 * then `**` for each data byte (the bytes themselves were never kept).
 */
export function commandHexForLog(exchange: Pick<ApduExchange, 'command' | 'redacted'>): string {
  const text = toHex(exchange.command);
  if (!exchange.redacted) return text;
  const headerLength = exchange.command[4] === 0 && exchange.command.length > 7 ? 7 : 5;
  return text.slice(0, headerLength * 2) + '**'.repeat(exchange.command.length - headerLength);
}

/** Status words with which a card says "no such application" (or refuses to select it). */
const applicationMissingStatusWords = new Set([0x6a82, 0x6a81, 0x6999, 0x6a86, 0x6d00, 0x6e00, 0x6985, 0x6283, 0x6a88, 0x6984]);

/**
 * An application on the card, selected when the session is opened (yubikey-manager style): by AID
 * with `open` (ApplicationNotAvailableError when the card does not have it), or — for PKCS#15
 * applications without an AID — by the path of its DF with `atSelectedDf`.
 */
export class ApplicationSession {
  readonly card: CardSession;
  /** The application's AID; null when it was found by path only. */
  readonly aid: Uint8Array | null;
  /** Absolute path of the application's DF, when known. */
  readonly dfPath: Uint8Array | null;
  /** FCI returned by SELECT; empty when the card was asked for no data. */
  readonly selectResponse: Uint8Array;

  private constructor(card: CardSession, aid: Uint8Array | null, dfPath: Uint8Array | null, selectResponse: Uint8Array) {
    this.card = card;
    this.aid = aid;
    this.dfPath = dfPath;
    this.selectResponse = selectResponse;
  }

  static async open(card: CardSession, aid: Uint8Array): Promise<ApplicationSession> {
    return new ApplicationSession(card, aid, null, await selectApplication(card, aid));
  }

  /** For a DF the caller has just selected by its absolute path (starting with 3F00). */
  static atSelectedDf(card: CardSession, dfPath: Uint8Array): ApplicationSession {
    return new ApplicationSession(card, null, dfPath, new Uint8Array(0));
  }

  /** Selects the application again (after selecting files outside it). */
  async reselect(): Promise<void> {
    if (this.aid) {
      await selectApplication(this.card, this.aid);
      return;
    }
    const path = this.dfPath as Uint8Array;
    await this.card.send(selectByPathFromMf(path.subarray(2)), { context: 'SELECT application DF' });
  }
}

/**
 * SELECT by AID asking for no response data (one APDU even on T=0 cards); a card that rejects
 * P2 = 0C (6A86/6A87/6700) is asked again for the FCI.
 */
export async function selectApplication(card: CardSession, aid: Uint8Array): Promise<Uint8Array> {
  let response = await card.exchange(selectByAid(aid, SelectP2.noData));
  if (response.sw === 0x6a86 || response.sw === 0x6a87 || response.sw === 0x6700) {
    response = await card.exchange(selectByAid(aid, SelectP2.fci));
  }
  if (response.sw === 0x9000 || (sw1Of(response.sw) === 0x62 && response.sw !== 0x6283)) return response.data;
  if (applicationMissingStatusWords.has(response.sw) || sw1Of(response.sw) === 0x6a) {
    throw new ApplicationNotAvailableError(aid, response.sw);
  }
  throw new ApduError(response.sw, Ins.select, 'SELECT application');
}
