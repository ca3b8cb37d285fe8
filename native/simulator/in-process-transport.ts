/**
 * A CardConnection to a virtual card in the same process: demo mode and fast tests, no pcscd.
 * It behaves like a PC/SC connection where it matters to callers: after the card is removed every
 * transmit() rejects with CardRemovedError, and a closed connection rejects like an invalid handle.
 */
import type { CardConnection } from '../transport.js';
import { CardRemovedError, PcscError } from '../transport.js';
import type { VirtualCardEndpoint } from './endpoint.js';

export interface InProcessTransportOptions {
  readerName?: string;
  /** The card is pulled out after this many completed exchanges: the next transmit() rejects. */
  removeAfterApdus?: number;
}

export const DEFAULT_IN_PROCESS_READER_NAME = 'Kortkoll Virtual Reader 00 00';

/** SCARD_E_INVALID_HANDLE: what PC/SC answers on a handle that was disconnected. */
const SCARD_E_INVALID_HANDLE = 0x80100003;

export class InProcessTransport implements CardConnection {
  readonly readerName: string;
  readonly atr: Uint8Array;
  private readonly endpoint: VirtualCardEndpoint;
  private readonly removeAfterApdus: number | undefined;
  private exchanges = 0;
  private removed = false;
  private disconnected = false;

  constructor(endpoint: VirtualCardEndpoint, options: InProcessTransportOptions = {}) {
    this.endpoint = endpoint;
    this.readerName = options.readerName ?? DEFAULT_IN_PROCESS_READER_NAME;
    this.atr = endpoint.atr.slice();
    this.removeAfterApdus = options.removeAfterApdus;
    // A card that was removed earlier (powered off) is powered again when it is "inserted" anew.
    if ((endpoint as { isPowered?: boolean }).isPowered === false) endpoint.powerOn();
  }

  /** The card leaves the reader: pending and later exchanges fail with CardRemovedError. */
  removeCard(): void {
    if (this.removed) return;
    this.removed = true;
    this.endpoint.powerOff();
  }

  get cardPresent(): boolean {
    return !this.removed;
  }

  /** Completed exchanges on this connection. */
  get exchangeCount(): number {
    return this.exchanges;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.disconnected) throw new PcscError(SCARD_E_INVALID_HANDLE, 'The connection to the card was closed');
    if (this.removeAfterApdus !== undefined && this.exchanges >= this.removeAfterApdus) this.removeCard();
    if (this.removed) throw new CardRemovedError();
    let response: Uint8Array;
    try {
      response = await this.endpoint.transmit(command);
    } catch (error) {
      // The card lost power under the exchange (removed meanwhile): that is a removal, not a bug.
      if (this.removed) throw new CardRemovedError();
      throw error;
    }
    // Removed while the card was "working" (simulated latency): the answer never arrives.
    if (this.removed) throw new CardRemovedError();
    this.exchanges++;
    return response;
  }

  /** Leaves the card as it is (no reset, no power-off), like SCARD_LEAVE_CARD; or resets it. */
  async disconnect(options: { resetCard?: boolean } = {}): Promise<void> {
    this.disconnected = true;
    if (options.resetCard) this.endpoint.reset();
  }
}
