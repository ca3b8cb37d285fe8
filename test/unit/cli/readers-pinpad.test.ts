/** `kortkoll readers` asks each reader with a card whether it has a PIN pad; it never fails on the answer. */
import { describe, expect, it } from 'vitest';
import { askPinpad } from '../../../electron/cli/pcsc.js';
import { NoCardError, type CardConnection, type CardPinpad, type ReaderMonitor, type ReaderState } from '../../../native/transport.js';

function monitorWith(connect: (reader: string) => Promise<CardConnection>): ReaderMonitor & { disconnects: number } {
  const monitor = {
    disconnects: 0,
    start: () => {},
    close: async () => {},
    onEvent: () => () => {},
    serviceAvailable: true,
    readers: () => [],
    connect,
    readerReported: async () => {},
  };
  return monitor;
}

function connection(monitor: { disconnects: number }, pinpad?: CardPinpad): CardConnection {
  return {
    readerName: 'Reader A',
    atr: new Uint8Array([0x3b, 0x00]),
    transmit: async () => new Uint8Array([0x90, 0x00]),
    disconnect: async () => {
      monitor.disconnects += 1;
    },
    ...(pinpad ? { pinpad } : {}),
  };
}

const features = (verifyPinDirect: boolean): CardPinpad => ({
  features: async () => ({ verifyPinDirect, modifyPinDirect: verifyPinDirect, featureTags: verifyPinDirect ? [6, 7] : [], listComplete: true }),
  verifyPinDirect: async () => new Uint8Array([0x90, 0x00]),
  modifyPinDirect: async () => new Uint8Array([0x90, 0x00]),
});

const withCard: ReaderState = { name: 'Reader A', cardPresent: true, atr: new Uint8Array([0x3b, 0x00]) };

describe('askPinpad', () => {
  it('says yes or no from the feature list, and disconnects', async () => {
    for (const has of [true, false]) {
      const monitor = monitorWith(async () => connection(monitor, features(has)));
      expect(await askPinpad(monitor, withCard)).toBe(has);
      expect(monitor.disconnects).toBe(1);
    }
  });

  it('could not be asked (null): no card, card held exclusively, no pinpad support, an error, no answer', async () => {
    const never = monitorWith(() => Promise.reject(new Error('must not connect')));
    expect(await askPinpad(never, { name: 'Reader A', cardPresent: false })).toBeNull();
    expect(await askPinpad(never, { ...withCard, exclusive: true })).toBeNull();

    const noSupport = monitorWith(async () => connection(noSupport));
    expect(await askPinpad(noSupport, withCard)).toBeNull();
    expect(noSupport.disconnects).toBe(1);

    const pulled = monitorWith(() => Promise.reject(new NoCardError()));
    expect(await askPinpad(pulled, withCard)).toBeNull();

    const failing = monitorWith(async () => connection(failing, { ...features(true), features: () => Promise.reject(new Error('boom')) }));
    expect(await askPinpad(failing, withCard)).toBeNull();
    expect(failing.disconnects).toBe(1);

    const silent = monitorWith(async () => connection(silent, { ...features(true), features: () => new Promise(() => {}) }));
    expect(await askPinpad(silent, withCard, 30)).toBeNull();
  });
});
