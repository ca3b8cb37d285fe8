/**
 * readCard end to end against every virtual card of the simulator (in process, no pcscd). What the
 * snapshot says is checked against the card itself: its files and its PIN counters.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualCard, virtualCardNames, type VirtualCardName } from '../../../native/simulator/cards.js';
import { findFileByPath, pathToFids } from '../../../native/simulator/card-model.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { fromHex, toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import type { CardReadProgress, CardSnapshot } from '../../../electron/card/card-read-result.js';
import { decodeCertificateFile } from '../../../electron/card/idprime/layout.js';
import { overlappingReads } from './test-cards.js';

/** What the catalogue puts on each card (native/simulator/cards.ts descriptions). */
const expected: Record<VirtualCardName, { kind: string; certificates?: number; pins?: number }> = {
  'netid-legacy': { kind: 'snapshot', certificates: 5, pins: 3 },
  'siths-eid-2024': { kind: 'snapshot', certificates: 1, pins: 2 },
  'auth-pin-blocked': { kind: 'snapshot', certificates: 5, pins: 3 },
  'auth-pin-one-try': { kind: 'snapshot', certificates: 5, pins: 3 },
  'puk-blocked': { kind: 'snapshot', certificates: 5, pins: 3 },
  'auth-cert-expired': { kind: 'snapshot', certificates: 5, pins: 3 },
  'auth-cert-expiring': { kind: 'snapshot', certificates: 5, pins: 3 },
  'telia-only': { kind: 'snapshot', certificates: 2, pins: 3 },
  'bank-card': { kind: 'unknown-structure' },
  'corrupt-cdf': { kind: 'malformed-card-data' },
  'test-pki': { kind: 'snapshot', certificates: 5, pins: 3 },
  'real-test-chain': { kind: 'snapshot', certificates: 3, pins: 3 },
  // IDPrime: the user PIN, the 940 family's signature PIN, and the PUK (listed, never probed).
  'siths-eid-idprime': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-auth-pin-blocked': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-auth-pin-one-try': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-uncompressed': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-empty-cmapfile': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-strict': { kind: 'snapshot', certificates: 2, pins: 3 },
  'idprime-t0': { kind: 'snapshot', certificates: 2, pins: 3 },
  reservkort: { kind: 'snapshot', certificates: 1, pins: 2 },
  'unknown-structure': { kind: 'unknown-structure' },
};

describe.each(virtualCardNames.map((name) => [name]))('virtual card %s', (name) => {
  it('reads as the card is', async () => {
    const engine = await createVirtualCard(name);
    const progress: CardReadProgress[] = [];
    const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null, onProgress: (event) => progress.push(event) });
    expect(result.kind).toBe(expected[name].kind);
    expect(result.stats.apduCount).toBe(engine.apduLog.length);
    expect(overlappingReads(engine.apduLog)).toEqual([]);
    if (result.kind === 'malformed-card-data') expect(result.file).toMatch(/4403/); // the CDF
    if (result.kind !== 'snapshot') return;
    const snapshot: CardSnapshot = result;

    expect(snapshot.certificates).toHaveLength(expected[name].certificates ?? -1);
    for (const certificate of snapshot.certificates) {
      const source = certificate.source;
      const file = findFileByPath(engine.spec.mf, pathToFids(fromHex(source.structure === 'idprime' ? `3F00${source.file}` : (source.file ?? ''))));
      expect(file?.kind).toBe('EF');
      if (file?.kind !== 'EF') continue;
      if (source.structure === 'idprime') {
        expect(toHex(certificate.der)).toBe(toHex(decodeCertificateFile(file.content, source.name).der));
        continue;
      }
      const start = source.index ?? 0;
      expect(toHex(certificate.der)).toBe(toHex(file.content.subarray(start, start + certificate.der.length)));
    }

    expect(snapshot.pins).toHaveLength(expected[name].pins ?? -1);
    for (const pin of snapshot.pins) {
      if (pin.counter.source === 'not-probed') {
        // The PUK: never asked (its reference unknown, or the probe not known to be harmless).
        expect(pin.role).toBe('puk');
        expect(pin.triesLeft).toBe('unknown');
        continue;
      }
      const onCard = pin.reference === null ? undefined : engine.pinStatus(pin.reference);
      expect(pin.triesLeft).toBe(onCard?.triesLeft);
      if (pin.maxTries !== 'unknown') expect(pin.maxTries).toBe(onCard?.maxTries);
      expect(pin.blocked).toBe(onCard?.blocked);
    }
    expect(snapshot.pins.filter((p) => p.role === 'authentication')).toHaveLength(1);
    expect(snapshot.pins.filter((p) => p.role === 'puk')).toHaveLength(1);

    // The login certificate and its PIN counter came first.
    const authReady = progress.find((p) => p.stage === 'auth-ready');
    expect(authReady?.stage === 'auth-ready' && authReady.certificate?.role).toBe('authentication');
    expect(snapshot.stats.authReady?.apduCount).toBeLessThanOrEqual(snapshot.stats.apduCount);
    expect(snapshot.authentication.certificate).not.toBeNull();
    expect(snapshot.tokenInfo).not.toBeNull();
  });
});

describe('virtual cards: specific states', () => {
  it('shows the blocked authentication PIN, the last try and the blocked PUK', async () => {
    const read = async (name: VirtualCardName) => {
      const result = await readCard(new InProcessTransport(await createVirtualCard(name)), { smartcardListPath: null });
      if (result.kind !== 'snapshot') throw new Error(result.kind);
      return (role: string) => result.pins.find((pin) => pin.role === role);
    };
    expect((await read('auth-pin-blocked'))('authentication')).toMatchObject({ triesLeft: 0, blocked: true });
    expect((await read('auth-pin-one-try'))('authentication')).toMatchObject({ triesLeft: 1, blocked: false });
    // Not probed on SetCOS cards (facts: not known to be harmless for the PUK): unknown, not a guess.
    expect((await read('puk-blocked'))('puk')).toMatchObject({
      triesLeft: 'unknown',
      blocked: 'unknown',
      counter: { source: 'not-probed', unknownReason: 'probe-not-known-safe' },
    });
    expect((await read('netid-legacy'))('signature')).toMatchObject({ triesLeft: 3, maxTries: 3 });
  });
});
