import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { dedicatedFile, defaultCardBehaviour, elementaryFile } from '../../../native/simulator/card-model.js';
import { DEFAULT_IN_PROCESS_READER_NAME, InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { CardRemovedError, PcscError, fromHex, toHex } from '../../../native/transport.js';

function card(latencyPerApduMs = 0): ApduEngine {
  const spec: VirtualCardSpec = {
    name: 'transport-test',
    description: '',
    atr: fromHex('3B8C800150'),
    mf: dedicatedFile(0x3f00, [elementaryFile(0x2f00, fromHex('61004F00'))]),
    pins: [{ reference: 0x81, label: 'PIN', value: new TextEncoder().encode('1234'), triesLeft: 3, maxTries: 3 }],
    behaviour: { ...defaultCardBehaviour, latencyPerApduMs },
  };
  return new ApduEngine(spec);
}
const SELECT_MF = fromHex('00A4000C023F00');

describe('InProcessTransport', () => {
  afterEach(() => vi.useRealTimers());

  it('passes APDUs to the card and reports its ATR and a reader name', async () => {
    const engine = card();
    const transport = new InProcessTransport(engine, { readerName: 'Demo 0' });
    expect(transport.readerName).toBe('Demo 0');
    expect(new InProcessTransport(engine).readerName).toBe(DEFAULT_IN_PROCESS_READER_NAME);
    expect(toHex(transport.atr)).toBe('3B8C800150');
    expect(toHex(await transport.transmit(SELECT_MF))).toBe('9000');
    expect(engine.apduLog).toHaveLength(1);
  });

  it('rejects with CardRemovedError after removeCard()', async () => {
    const transport = new InProcessTransport(card());
    await transport.transmit(SELECT_MF);
    transport.removeCard();
    expect(transport.cardPresent).toBe(false);
    await expect(transport.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('removes the card after `removeAfterApdus` exchanges', async () => {
    const engine = card();
    const transport = new InProcessTransport(engine, { removeAfterApdus: 2 });
    await transport.transmit(SELECT_MF);
    await transport.transmit(SELECT_MF);
    await expect(transport.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
    await expect(transport.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
    expect(engine.apduLog).toHaveLength(2);
  });

  it('loses the answer of an exchange in flight when the card is pulled out', async () => {
    vi.useFakeTimers();
    const transport = new InProcessTransport(card(50));
    const pending = transport.transmit(SELECT_MF);
    const outcome = pending.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(10);
    transport.removeCard();
    await vi.advanceTimersByTimeAsync(50);
    expect(await outcome).toBeInstanceOf(CardRemovedError);
  });

  it('powers a removed card again when it is inserted anew, with PIN counters kept', async () => {
    const engine = card();
    const first = new InProcessTransport(engine);
    expect(toHex(await first.transmit(fromHex('002000810431313131')))).toBe('63C2');
    first.removeCard();
    expect(engine.isPowered).toBe(false);
    const second = new InProcessTransport(engine);
    expect(toHex(await second.transmit(fromHex('00200081')))).toBe('63C2');
  });

  it('rejects like an invalid PC/SC handle after disconnect(), leaving the card as it was', async () => {
    const engine = card();
    const transport = new InProcessTransport(engine);
    await transport.transmit(fromHex('002000810431323334'));
    await transport.disconnect();
    await expect(transport.transmit(SELECT_MF)).rejects.toBeInstanceOf(PcscError);
    expect(engine.isPowered).toBe(true);
    expect(engine.pinStatus(0x81)?.verified).toBe(true);
  });
});
