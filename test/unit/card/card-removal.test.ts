/**
 * Acceptance (issue 3): the card is pulled out after each APDU of a read, for every APDU index.
 * Every such read ends in a typed card-removed outcome (never a partial snapshot), and the next
 * insertion — a fresh connection to the same card — reads cleanly and completely.
 * The IDPrime cards were added for the IDPrime issue (acceptance item "card pulled mid-read").
 */
import { describe, expect, it } from 'vitest';
import { createVirtualCard, type VirtualCardName } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import { cardReadResultToJson, type CardReadResult } from '../../../electron/card/card-read-result.js';

/** The parts of a snapshot that must be the same on every complete read of an unchanged card. */
function essence(result: CardReadResult): string {
  if (result.kind !== 'snapshot') return result.kind;
  const json = cardReadResultToJson(result);
  if (json.kind !== 'snapshot') return json.kind;
  return JSON.stringify({
    certificates: json.certificates.map((c) => [c.derBase64, c.source, c.role]),
    pins: json.pins.map((p) => [p.reference, p.role, p.triesLeft, p.maxTries, p.blocked]),
    tokenInfo: json.tokenInfo,
    apduCount: json.stats.apduCount,
  });
}

/**
 * PKCS#15 cards, and the IDPrime cards (issue 5): the plain 940, the one strict about lengths
 * (6C xx at the end of a file), the T=0 one (61 xx + GET RESPONSE: a removal between the two
 * halves of one exchange), the reservkort without key-reference file, and the other variants.
 */
const cards: VirtualCardName[] = [
  'netid-legacy',
  'siths-eid-2024',
  'siths-eid-idprime',
  'idprime-strict',
  'idprime-t0',
  'reservkort',
  'idprime-uncompressed',
  'idprime-empty-cmapfile',
  'idprime-auth-pin-blocked',
];

describe.each(cards.map((name) => [name]))('card removed during a read of %s', (name) => {
  it('gives card-removed after every APDU index, and the next insertion reads cleanly', async () => {
    const engine = await createVirtualCard(name);
    const pinsBefore = engine.pinStatuses();
    const baseline = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
    expect(baseline.kind).toBe('snapshot');
    const total = baseline.stats.apduCount;
    expect(total).toBeGreaterThan(10);

    for (let removedAfter = 0; removedAfter < total; removedAfter++) {
      const pulled = await readCard(new InProcessTransport(engine, { removeAfterApdus: removedAfter }), { smartcardListPath: null });
      expect(pulled.kind, `removed after ${removedAfter} APDUs`).toBe('card-removed');
      if (pulled.kind !== 'card-removed') continue;
      expect('certificates' in pulled || 'pins' in pulled).toBe(false);
      // The APDU that met the empty reader is counted, and logged without a response.
      expect(pulled.stats.apduCount).toBe(removedAfter + 1);
      expect(pulled.apduLog.at(-1)?.statusWord).toBe('');

      const reinserted = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
      expect(essence(reinserted), `read after removal at ${removedAfter}`).toBe(essence(baseline));
    }

    // Pulled after the last APDU: the read was already complete.
    const complete = await readCard(new InProcessTransport(engine, { removeAfterApdus: total }), { smartcardListPath: null });
    expect(essence(complete)).toBe(essence(baseline));
    // Dozens of interrupted reads (VERIFY without data among them) spent no PIN try.
    expect(engine.pinStatuses()).toEqual(pinsBefore);
  });
});
