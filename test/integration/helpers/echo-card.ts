/**
 * The smallest virtual card that pcscd will accept: an ATR, and `90 00` for every command
 * (with the command echoed back as data for a case-4 shaped probe, so round trips are checkable).
 * Tests of the PC/SC layer use it so they do not depend on the APDU engine.
 */
import type { ApduLogEntry, VirtualCardEndpoint } from '../../../native/simulator/endpoint.js';

/** A well-formed T=0/T=1 ATR (historical bytes "KORTKOLL", TCK checked) that no real card sends. */
export const ECHO_CARD_ATR = Uint8Array.from([0x3b, 0x88, 0x80, 0x01, 0x4b, 0x4f, 0x52, 0x54, 0x4b, 0x4f, 0x4c, 0x4c, 0x0f]);

/** CLA INS of the probe whose data the card echoes back: `80 EE 00 00 Lc data`. */
export const ECHO_INS = 0xee;

export interface EchoCardOptions {
  atr?: Uint8Array;
  name?: string;
  /** Delay before each answer, to test ordering with slow exchanges. */
  latencyMs?: (command: Uint8Array) => number;
}

export class EchoCard implements VirtualCardEndpoint {
  readonly name: string;
  readonly atr: Uint8Array;
  powered = false;
  powerOns = 0;
  resets = 0;
  private readonly log: ApduLogEntry[] = [];
  private readonly latencyMs: (command: Uint8Array) => number;
  private poweredAt = performance.now();

  constructor(options: EchoCardOptions = {}) {
    this.name = options.name ?? 'echo-card';
    this.atr = options.atr ?? ECHO_CARD_ATR;
    this.latencyMs = options.latencyMs ?? (() => 0);
  }

  powerOn(): void {
    this.powered = true;
    this.powerOns += 1;
    this.poweredAt = performance.now();
  }
  powerOff(): void {
    this.powered = false;
  }
  reset(): void {
    this.resets += 1;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const latencyMs = this.latencyMs(command);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const response =
      command.length > 5 && command[1] === ECHO_INS ? Uint8Array.from([...command.subarray(5, 5 + (command[4] ?? 0)), 0x90, 0x00]) : Uint8Array.of(0x90, 0x00);
    this.log.push({ atMs: performance.now() - this.poweredAt, command, response, latencyMs });
    return response;
  }

  get apduLog(): readonly ApduLogEntry[] {
    return this.log;
  }
  clearApduLog(): void {
    this.log.length = 0;
  }
}
