/**
 * What a virtual card looks like to whatever plugs it in: the vpcd client (into a real pcscd) and
 * the in-process transport (demo mode, fast tests). The APDU engine implements it.
 */
export interface ApduLogEntry {
  /** Milliseconds since the card was powered on (monotonic). */
  atMs: number;
  command: Uint8Array;
  response: Uint8Array;
  /** Simulated latency applied to this exchange, in milliseconds. */
  latencyMs: number;
}

export interface VirtualCardEndpoint {
  /** Short name of the card (e.g. `netid-legacy`). */
  readonly name: string;
  readonly atr: Uint8Array;
  powerOn(): void;
  powerOff(): void;
  /** Warm reset: volatile state (selected files, verified PINs) is cleared; PIN counters are not. */
  reset(): void;
  /** Processes one command APDU and resolves with response data + SW1 SW2, after the simulated latency. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Every exchange since the log was last cleared. */
  readonly apduLog: readonly ApduLogEntry[];
  clearApduLog(): void;
}
