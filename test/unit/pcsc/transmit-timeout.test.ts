/**
 * A card that stops answering mid-APDU: pcscd + vpcd never time the exchange out (measured: 42 s and
 * counting, see DEFAULT_TRANSMIT_TIMEOUT_MS), so the session does. The outcome is typed
 * (TransportTimeoutError, code `timeout`), nothing more is sent to the stuck handle, and it is
 * released only once the binding's exchange returns (when the card is taken out).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRANSMIT_TIMEOUT_MS, ReaderSession } from '../../../native/pcsc/connection.js';
import { TransportTimeoutError } from '../../../native/transport.js';
import type { PcscCallback } from '../../../native/pcsc/binding.js';
import { FakeReader } from './fake-binding.js';

class StuckReader extends FakeReader {
  pending: PcscCallback<Buffer>[] = [];
  override transmit(data: Buffer, _max: number, _protocol: number, callback: PcscCallback<Buffer>): void {
    this.transmitted.push(data.toString('hex').toUpperCase());
    this.pending.push(callback);
  }
}

describe('transmit timeout', () => {
  it('is bounded by default', () => {
    expect(DEFAULT_TRANSMIT_TIMEOUT_MS).toBe(5000);
  });

  it('a stuck exchange fails with TransportTimeoutError; the session is dead; the handle goes once the exchange returns', async () => {
    const reader = new StuckReader('Reader A');
    reader.connected = true;
    const session = new ReaderSession(reader, Uint8Array.of(0x3b, 0x00), 2, { transmitTimeoutMs: 30 });
    const connection = session.open();
    const failure = await connection.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportTimeoutError);
    expect((failure as TransportTimeoutError).code).toBe('timeout');
    expect(session.isOpen).toBe(false);
    // Nothing more goes to the stuck handle, and it is not disconnected while the exchange hangs.
    await expect(connection.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00))).rejects.toBeInstanceOf(TransportTimeoutError);
    expect(reader.transmitted).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.disconnectCalls).toEqual([]);
    let settled = false;
    void session.settled().then(() => (settled = true));
    // The card is taken out: the binding's exchange returns, then the handle is released.
    reader.pending[0]!(new Error('SCardTransmit error: Transaction failed.(0x80100016)'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.disconnectCalls).toEqual([0]);
    expect(settled).toBe(true);
  });
});
