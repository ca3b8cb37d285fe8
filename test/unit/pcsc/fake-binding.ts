/**
 * A stand-in for the pcsclite binding that behaves as the real one was measured to behave
 * (see native/pcsc/binding.ts): construction throws while the service is down, a dying service
 * makes every reader emit 'error' + 'end' and the context emit 'error', close() makes the
 * context report a cancellation.
 */
import { EventEmitter } from 'node:events';
import type { PcscCallback, PcscContextHandle, PcscReaderHandle } from '../../../native/pcsc/binding.js';

export const COMM_ERROR = 'SCardGetStatusChange error: RPC transport error.(0x80100013)';
export const NO_SERVICE = 'SCardEstablishContext error: Service not available.(0x8010001d)';
export const CANCELLED = 'SCardGetStatusChange error: Command cancelled.(0x80100002)';
/** What pcscd 1.9.9 answers to every SCardControl through a vpcd reader (measured). */
export const CONTROL_NOT_SUPPORTED = 'SCardControl error: Feature not supported.(0x8010001f)';
/** pcsclite's own refusal when the reader object holds no card handle. */
export const NOT_CONNECTED = 'Card Reader not connected';

export const PRESENT = 0x20;
export const EMPTY = 0x10;
export const CHANGED = 0x02;
export const INUSE = 0x100;
export const EXCLUSIVE = 0x80;

type Answer<T> = { error: Error } | { value: T; delayMs?: number };

export class FakeReader extends EventEmitter implements PcscReaderHandle {
  connected = false;
  closed = false;
  readonly connectCalls: { share_mode: number; protocol: number }[] = [];
  readonly disconnectCalls: number[] = [];
  readonly transmitted: string[] = [];
  connectAnswers: Answer<number>[] = [];
  /** Answers transmits; may return a delay to finish out of order. */
  transmitAnswer: (command: Buffer) => Answer<Buffer> = () => ({ value: Buffer.from([0x90, 0x00]) });
  disconnectError: Error | undefined;
  readonly controlled: { code: number; data: string }[] = [];
  /**
   * Answers SCardControl. By default like a vpcd reader: no control code is supported. Set it to
   * undefined to model a binding without control().
   */
  controlAnswer: ((code: number, data: Buffer) => Answer<Buffer>) | undefined = () => ({ error: new Error(CONTROL_NOT_SUPPORTED) });

  constructor(readonly name: string) {
    super();
  }

  status(flags: number, counter = 0, atr?: number[]): void {
    this.emit('status', { state: ((counter << 16) | flags) >>> 0, ...(atr ? { atr: Buffer.from(atr) } : {}) });
  }

  connect(options: { share_mode: number; protocol: number }, callback: PcscCallback<number>): void {
    this.connectCalls.push(options);
    // Like pcsclite: a reader that believes it is connected silently does nothing.
    if (this.connected) {
      setImmediate(() => callback(undefined));
      return;
    }
    const answer = this.connectAnswers.shift() ?? { value: 2 };
    setImmediate(() => {
      if ('error' in answer) callback(answer.error);
      else {
        this.connected = true;
        callback(null, answer.value);
      }
    });
  }

  disconnect(disposition: number, callback: PcscCallback<void>): void {
    this.disconnectCalls.push(disposition);
    setImmediate(() => {
      if (this.disconnectError) callback(this.disconnectError);
      else {
        this.connected = false;
        callback(null);
      }
    });
  }

  transmit(data: Buffer, _max: number, _protocol: number, callback: PcscCallback<Buffer>): void {
    this.transmitted.push(data.toString('hex').toUpperCase());
    const answer = this.transmitAnswer(data);
    setTimeout(
      () => {
        if ('error' in answer) callback(answer.error);
        else callback(null, answer.value);
      },
      'delayMs' in answer ? (answer.delayMs ?? 0) : 0,
    );
  }

  get control(): ((data: Buffer, code: number, max: number, callback: PcscCallback<Buffer>) => void) | undefined {
    const answerOf = this.controlAnswer;
    if (!answerOf) return undefined;
    return (data, code, _max, callback) => {
      // Like pcsclite: without a card handle the call fails at once.
      if (!this.connected) {
        callback(new Error(NOT_CONNECTED));
        return;
      }
      this.controlled.push({ code, data: data.toString('hex').toUpperCase() });
      const answer = answerOf(code, data);
      setTimeout(
        () => {
          if ('error' in answer) callback(answer.error);
          else callback(null, answer.value);
        },
        'delayMs' in answer ? (answer.delayMs ?? 0) : 0,
      );
    };
  }

  close(): void {
    this.closed = true;
  }
}

/** A CCID pinpad's feature list as libccid gives it: tag, 04, control code big endian. */
export function featureList(entries: [tag: number, code: number][]): Buffer {
  const out = Buffer.alloc(entries.length * 6);
  entries.forEach(([tag, code], i) => {
    out[i * 6] = tag;
    out[i * 6 + 1] = 4;
    out.writeUInt32BE(code >>> 0, i * 6 + 2);
  });
  return out;
}

export class FakeContext extends EventEmitter implements PcscContextHandle {
  closed = false;
  readonly readers: FakeReader[] = [];

  addReader(name: string): FakeReader {
    const reader = new FakeReader(name);
    this.readers.push(reader);
    this.emit('reader', reader);
    return reader;
  }

  close(): void {
    this.closed = true;
    // The real binding reports its own cancellation as an error.
    setImmediate(() => this.emit('error', new Error(CANCELLED)));
  }
}

export class FakeBinding {
  up = true;
  attempts = 0;
  attemptTimes: number[] = [];
  readonly contexts: FakeContext[] = [];
  /** Readers announced by each new context (on the next tick, as pcsclite does). */
  readerNames: string[] = ['Reader A'];
  onContext: (context: FakeContext) => void = () => {};

  readonly create = (): PcscContextHandle => {
    this.attempts += 1;
    this.attemptTimes.push(Date.now());
    if (!this.up) throw new Error(NO_SERVICE);
    const context = new FakeContext();
    this.contexts.push(context);
    process.nextTick(() => {
      for (const name of this.readerNames) context.addReader(name);
      this.onContext(context);
    });
    return context;
  };

  get current(): FakeContext {
    const context = this.contexts.at(-1);
    if (!context) throw new Error('no context yet');
    return context;
  }

  reader(name = 'Reader A'): FakeReader {
    const reader = this.current.readers.find((r) => r.name === name);
    if (!reader) throw new Error(`no reader ${name}`);
    return reader;
  }

  /** pcscd dies: what pcsclite 1.0.1 does against pcscd 1.9.9. */
  kill(): void {
    this.up = false;
    const context = this.current;
    for (const reader of context.readers) {
      reader.emit('error', new Error(COMM_ERROR));
      reader.emit('end');
    }
    context.emit('error', new Error(COMM_ERROR));
  }
}
