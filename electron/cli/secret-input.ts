/**
 * Reading a PIN for `kortkoll pin`, byte by byte, never as a string: from a terminal in raw mode
 * (no echo; Backspace; Enter ends; Ctrl-C aborts), or one value per line from standard input
 * (`--pin-stdin`, for scripts). The digits go into a fixed Buffer that is zeroed once
 * `PinSecret.fromBytes` has taken them over; every chunk read from the stream is zeroed as soon as
 * its bytes are used.
 */
import { PinSecret } from '../card/pin/pin-secret.js';
import type { CliStdin } from './command.js';

/** Longer input is cut here (and then fails the six/eight-digit policy): no unbounded buffer. */
const maxSecretBytes = 64;

export class InputAborted extends Error {
  constructor() {
    super('Input aborted');
  }
}

/** One byte at a time from a stream, pulling chunks with read() and zeroing each when used up. */
export class ByteSource {
  #chunk: Buffer | null = null;
  #position = 0;
  #ended = false;
  #wake: (() => void) | null = null;
  readonly #stream: CliStdin;
  readonly #onReadable = () => this.#wakeUp();
  readonly #onEnd = () => {
    this.#ended = true;
    this.#wakeUp();
  };

  constructor(stream: CliStdin) {
    this.#stream = stream;
    stream.on('readable', this.#onReadable);
    stream.on('end', this.#onEnd);
    stream.on('error', this.#onEnd);
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** The next byte, or null at the end of the input. */
  async next(): Promise<number | null> {
    for (;;) {
      if (this.#chunk && this.#position < this.#chunk.length) return this.#chunk[this.#position++] as number;
      this.#dropChunk();
      if (this.#ended) return null;
      const got: unknown = this.#stream.read();
      if (got !== null && got !== undefined) {
        this.#chunk = typeof got === 'string' ? Buffer.from(got, 'utf8') : (got as Buffer);
        this.#position = 0;
        continue;
      }
      if (this.#stream.readableEnded) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #dropChunk(): void {
    this.#chunk?.fill(0);
    this.#chunk = null;
  }

  /** Zeroes what is left unread and lets the stream go (it is not closed: it is stdin). */
  close(): void {
    this.#dropChunk();
    this.#stream.off('readable', this.#onReadable);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('error', this.#onEnd);
    this.#stream.pause();
  }
}

function secretFrom(buffer: Buffer, length: number): PinSecret {
  try {
    return PinSecret.fromBytes(buffer.subarray(0, length));
  } finally {
    buffer.fill(0);
  }
}

/** One line of standard input as a secret (CR LF or LF; no trimming beyond that); null at the end. */
export async function readSecretLine(source: ByteSource): Promise<PinSecret | null> {
  const buffer = Buffer.alloc(maxSecretBytes);
  let length = 0;
  let any = false;
  try {
    for (;;) {
      const byte = await source.next();
      if (byte === null) {
        if (!any) return null;
        break;
      }
      any = true;
      if (byte === 0x0a) break;
      if (length < maxSecretBytes) buffer[length++] = byte;
    }
    if (length > 0 && buffer[length - 1] === 0x0d) buffer[--length] = 0;
    return secretFrom(buffer, length);
  } finally {
    buffer.fill(0);
  }
}

/**
 * A secret typed on the terminal in raw mode, without echo. Enter ends it; Backspace removes the
 * last character; Ctrl-C (or Ctrl-D on an empty line, or the end of input) throws InputAborted.
 * Escape sequences (arrow keys) are ignored.
 */
export async function readSecretFromTerminal(source: ByteSource): Promise<PinSecret> {
  const buffer = Buffer.alloc(maxSecretBytes);
  let length = 0;
  try {
    for (;;) {
      const byte = await source.next();
      if (byte === null || byte === 0x03 || (byte === 0x04 && length === 0)) throw new InputAborted();
      if (byte === 0x0d || byte === 0x0a) break;
      if (byte === 0x7f || byte === 0x08) {
        if (length > 0) buffer[--length] = 0;
        continue;
      }
      if (byte === 0x1b) {
        await skipEscapeSequence(source);
        continue;
      }
      if (byte < 0x20) continue;
      if (length < maxSecretBytes) buffer[length++] = byte;
    }
    return secretFrom(buffer, length);
  } finally {
    buffer.fill(0);
  }
}

async function skipEscapeSequence(source: ByteSource): Promise<void> {
  const introducer = await source.next();
  if (introducer !== 0x5b && introducer !== 0x4f) return;
  for (;;) {
    const byte = await source.next();
    if (byte === null || (byte >= 0x40 && byte <= 0x7e)) return;
  }
}

/** A short answer typed on the terminal in raw mode, echoed (it is not secret); Ctrl-C aborts. */
export async function readAnswerFromTerminal(source: ByteSource, echo: (text: string) => void): Promise<string> {
  let answer = '';
  for (;;) {
    const byte = await source.next();
    if (byte === null || byte === 0x03 || byte === 0x04) throw new InputAborted();
    if (byte === 0x0d || byte === 0x0a) return answer;
    if (byte === 0x7f || byte === 0x08) {
      // Not drawn (the CLI's output escapes control characters); the answer is short.
      answer = answer.slice(0, -1);
      continue;
    }
    if (byte >= 0x20 && byte < 0x7f && answer.length < 16) {
      const char = String.fromCharCode(byte);
      answer += char;
      echo(char);
    }
  }
}
