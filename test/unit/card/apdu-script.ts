/**
 * APDU-script test harness (in the style of Ledger's RecordStore): a transport that plays a script
 *
 *   # select the PKCS#15 application
 *   => 00A4040C0CA000000063504B43532D3135
 *   <= 9000
 *   => 00B0000000
 *   <= !card-removed
 *
 * `=>` is the command we must send, `<=` what the card answers (data + SW, or `!card-removed`,
 * `!card-reset`, `!timeout` for a transport error). Spaces in hex are ignored; `#` starts a comment.
 * Sending a command the script does not expect throws (and is remembered, in case the code under
 * test swallows the throw); commands never sent fail `assertDone()`, which importing this module
 * runs after each test for every transport created in it.
 */
import { afterEach } from 'vitest';
import {
  CardRemovedError,
  CardResetError,
  fromHex,
  toHex,
  TransportTimeoutError,
  type CardConnection,
  type TransportError,
} from '../../../native/transport.js';

export type ScriptedResponse = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'error'; make: () => TransportError; name: string };

export interface ScriptStep {
  command: Uint8Array;
  response: ScriptedResponse;
  /** Line of the `=>` in the script, for messages. */
  line: number;
}

const transportErrors: Record<string, () => TransportError> = {
  'card-removed': () => new CardRemovedError(),
  'card-reset': () => new CardResetError(),
  timeout: () => new TransportTimeoutError(),
};

export function parseApduScript(script: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let pending: { command: Uint8Array; line: number } | null = null;
  script.split('\n').forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') return;
    const arrow = line.slice(0, 2);
    const rest = line.slice(2).trim();
    if (arrow === '=>') {
      if (pending) throw new Error(`APDU script line ${lineNo}: two commands in a row (no response for line ${pending.line})`);
      pending = { command: fromHex(rest), line: lineNo };
    } else if (arrow === '<=') {
      if (!pending) throw new Error(`APDU script line ${lineNo}: a response without a command`);
      let response: ScriptedResponse;
      if (rest.startsWith('!')) {
        const make = transportErrors[rest.slice(1)];
        if (!make) throw new Error(`APDU script line ${lineNo}: unknown transport error ${rest}`);
        response = { kind: 'error', make, name: rest.slice(1) };
      } else {
        const bytes = fromHex(rest);
        if (bytes.length < 2) throw new Error(`APDU script line ${lineNo}: a response needs at least SW1 SW2`);
        response = { kind: 'bytes', bytes };
      }
      steps.push({ command: pending.command, response, line: pending.line });
      pending = null;
    } else {
      throw new Error(`APDU script line ${lineNo}: expected "=>" or "<=", got "${rawLine.trim()}"`);
    }
  });
  if (pending) throw new Error(`APDU script: the last command has no response`);
  return steps;
}

const liveTransports = new Set<ScriptedTransport>();

export class ApduScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApduScriptError';
  }
}

export class ScriptedTransport implements CardConnection {
  readonly readerName: string;
  readonly atr: Uint8Array;
  private readonly steps: ScriptStep[];
  private position = 0;
  private readonly failures: string[] = [];
  /** Every command received, in order (also the unexpected ones). */
  readonly received: Uint8Array[] = [];

  constructor(script: string | ScriptStep[], options: { readerName?: string; atr?: Uint8Array | string } = {}) {
    this.steps = typeof script === 'string' ? parseApduScript(script) : script;
    this.readerName = options.readerName ?? 'Scripted Reader 00 00';
    this.atr = typeof options.atr === 'string' ? fromHex(options.atr) : (options.atr ?? fromHex('3B00'));
    liveTransports.add(this);
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    this.received.push(command.slice());
    const step = this.steps[this.position];
    if (!step) {
      return this.fail(`unexpected command ${toHex(command)} after the end of the script (${this.steps.length} steps)`);
    }
    if (toHex(step.command) !== toHex(command)) {
      return this.fail(`step ${this.position + 1} (script line ${step.line}): expected ${toHex(step.command)}, got ${toHex(command)}`);
    }
    this.position += 1;
    if (step.response.kind === 'error') throw step.response.make();
    return step.response.bytes.slice();
  }

  async disconnect(): Promise<void> {}

  /** Number of scripted exchanges played so far. */
  get played(): number {
    return this.position;
  }

  /** Fails when a command went wrong or scripted commands were never sent. Idempotent. */
  assertDone(): void {
    liveTransports.delete(this);
    if (this.failures.length > 0) throw new ApduScriptError(`APDU script failed: ${this.failures.join('; ')}`);
    if (this.position < this.steps.length) {
      const missing = this.steps.slice(this.position).map((s) => `line ${s.line}: ${toHex(s.command)}`);
      throw new ApduScriptError(`APDU script: ${missing.length} command(s) never sent: ${missing.join(', ')}`);
    }
  }

  private fail(message: string): never {
    this.failures.push(message);
    throw new ApduScriptError(`APDU script: ${message}`);
  }
}

export function apduScript(script: string, options?: { readerName?: string; atr?: Uint8Array | string }): ScriptedTransport {
  return new ScriptedTransport(script, options);
}

/** Checks every transport created since the last check; runs after each test of a file that imports this. */
export function assertAllApduScriptsDone(): void {
  const pending = [...liveTransports];
  liveTransports.clear();
  const errors: string[] = [];
  for (const transport of pending) {
    try {
      transport.assertDone();
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (errors.length > 0) throw new ApduScriptError(errors.join('\n'));
}

/** Forgets transports a test intentionally left unfinished (call it at the end of that test). */
export function discardApduScripts(): void {
  liveTransports.clear();
}

afterEach(() => {
  assertAllApduScriptsDone();
});
