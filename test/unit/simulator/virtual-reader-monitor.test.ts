/**
 * The in-process reader monitor behind demo mode and the service's tests: the same event stream as
 * the PC/SC monitor (readers at start, insert, remove, swap, service lost and back), connections
 * that fail once their card leaves, and the reader states the report lists.
 */
import { describe, expect, it } from 'vitest';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { dedicatedFile, defaultCardBehaviour, elementaryFile } from '../../../native/simulator/card-model.js';
import { VirtualReaderMonitor } from '../../../native/simulator/virtual-reader-monitor.js';
import { CardRemovedError, fromHex, toHex, type ReaderEvent } from '../../../native/transport.js';

function card(atr: string): ApduEngine {
  const spec: VirtualCardSpec = {
    name: `card-${atr}`,
    description: '',
    atr: fromHex(atr),
    mf: dedicatedFile(0x3f00, [elementaryFile(0x2f00, fromHex('61004F00'))]),
    pins: [],
    behaviour: defaultCardBehaviour,
  };
  return new ApduEngine(spec);
}
const SELECT_MF = fromHex('00A4000C023F00');

/** The events as short strings, in order. */
function recorder(monitor: VirtualReaderMonitor): string[] {
  const seen: string[] = [];
  monitor.onEvent((event: ReaderEvent) => seen.push('reader' in event ? `${event.type} ${event.reader}` : event.type));
  return seen;
}

describe('VirtualReaderMonitor', () => {
  it('reports its readers at start, not before; a reader has reported at once', async () => {
    const monitor = new VirtualReaderMonitor(['A', 'B']);
    const events = recorder(monitor);
    expect(monitor.readers()).toEqual([]);
    monitor.start();
    expect(events).toEqual(['reader-added A', 'reader-added B']);
    expect(monitor.readers()).toEqual([
      { name: 'A', cardPresent: false },
      { name: 'B', cardPresent: false },
    ]);
    expect(monitor.serviceAvailable).toBe(true);
    await expect(monitor.readerReported('A')).resolves.toBeUndefined();
  });

  it('insert, swap and remove: card events in order, the ATR in the reader state, connections to the card in it', async () => {
    const monitor = new VirtualReaderMonitor(['A']);
    const events = recorder(monitor);
    monitor.start();
    monitor.insertCard('A', card('3B0101'));
    expect(monitor.readers()).toEqual([{ name: 'A', cardPresent: true, atr: fromHex('3B0101') }]);
    const first = await monitor.connect('A');
    expect(first.readerName).toBe('A');
    expect(toHex(await first.transmit(SELECT_MF))).toBe('9000');

    monitor.insertCard('A', card('3B0202'));
    expect(events).toEqual(['reader-added A', 'card-inserted A', 'card-removed A', 'card-inserted A']);
    // The first card left: its connection fails like a PC/SC handle of a pulled card.
    await expect(first.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
    const second = await monitor.connect('A');
    expect(toHex(second.atr)).toBe('3B0202');

    monitor.removeCard('A');
    expect(events.at(-1)).toBe('card-removed A');
    await expect(second.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
    await expect(monitor.connect('A')).rejects.toMatchObject({ code: 'no-card' });
    await expect(monitor.connect('Z')).rejects.toMatchObject({ code: 'reader-unavailable' });
  });

  it('service lost: the event, then every card and reader gone; restored: the readers again, empty', async () => {
    const monitor = new VirtualReaderMonitor(['A', 'B']);
    const events = recorder(monitor);
    monitor.start();
    monitor.insertCard('B', card('3B0101'));
    events.length = 0;
    monitor.loseService();
    expect(events).toEqual(['service-lost', 'reader-removed A', 'card-removed B', 'reader-removed B']);
    expect(monitor.serviceAvailable).toBe(false);
    expect(monitor.readers()).toEqual([]);
    await expect(monitor.connect('B')).rejects.toMatchObject({ code: 'service-not-running' });
    expect(() => monitor.insertCard('B', card('3B0101'))).toThrow(/not watched/);

    events.length = 0;
    monitor.restoreService();
    expect(events).toEqual(['service-restored', 'reader-added A', 'reader-added B']);
    expect(monitor.readers().map((r) => r.cardPresent)).toEqual([false, false]);
  });

  it('readers plugged in and out while watching; a card in an unplugged reader is removed first', () => {
    const monitor = new VirtualReaderMonitor();
    const events = recorder(monitor);
    monitor.start();
    monitor.insertCard('New', card('3B0101'));
    monitor.removeReader('New');
    expect(events).toEqual(['reader-added New', 'card-inserted New', 'card-removed New', 'reader-removed New']);
  });

  it('closed: no reader, no connection, no service', async () => {
    const monitor = new VirtualReaderMonitor(['A']);
    monitor.start();
    monitor.insertCard('A', card('3B0101'));
    const connection = await monitor.connect('A');
    await monitor.close();
    expect(monitor.readers()).toEqual([]);
    expect(monitor.serviceAvailable).toBe(false);
    await expect(connection.transmit(SELECT_MF)).rejects.toBeInstanceOf(CardRemovedError);
    await expect(monitor.connect('A')).rejects.toMatchObject({ code: 'service-not-running' });
  });
});
