/**
 * The short version of `npm run soak` (bench/soak.ts) for CI: 50 insert/remove cycles through the
 * virtual cards (IDPrime included), two readers swapped, pcscd killed and started again twice
 * (once mid-read). It asserts correctness only, never time or resource figures: those are the
 * soak's, on an idle machine (docs/reliability.md).
 * Stops the shared pcscd: run under `flock /tmp/kortkoll-rig.lock flock /tmp/kortkoll-pcscd.lock`.
 * It always leaves pcscd running.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VirtualCardSpec } from '../../native/simulator/card-model.js';
import type { VirtualCardName } from '../../native/simulator/cards.js';
import { buildSpecs, CHURN_CARDS, runChurn, runRestarts, runTwoReaders } from '../../bench/soak-lib.js';
import { describeWithPcscd, ensurePcscdRunning, startPcscd, stopPcscd } from './helpers/pcscd.js';

describeWithPcscd('soak, short: churn, two readers, pcscd restarts through the service', () => {
  let specs: Map<VirtualCardName, VirtualCardSpec>;

  beforeAll(async () => {
    await ensurePcscdRunning();
    specs = await buildSpecs(CHURN_CARDS);
  }, 120_000);
  afterAll(ensurePcscdRunning);

  it('50 insert/remove cycles: every insertion its own card\'s verdict, every removal "no card"', async () => {
    const churn = await runChurn(specs, { cycles: 50, idlePauseMs: 0 });
    expect(churn.problems).toEqual([]);
    expect(churn.cycles).toBe(50);
    // Every card of the rotation was read and told apart from its neighbours.
    expect(churn.expected.size).toBe(CHURN_CARDS.length);
  }, 300_000);

  it('two readers, cards removed and swapped: the followed-reader rules hold, nothing attributed to the wrong reader', async () => {
    const two = await runTwoReaders(new Map([...specs].filter(([name]) => name === 'netid-legacy' || name === 'siths-eid-idprime')), 2);
    expect(two.problems).toEqual([]);
  }, 180_000);

  it('pcscd killed and started twice (once mid-read): service lost, back, the card read again', async () => {
    const result = await runRestarts(specs.get('siths-eid-2024')!, 2, { stop: stopPcscd, start: startPcscd }, { outageMs: 500 });
    expect(result.rounds.map((r) => r.problem ?? 'ok')).toEqual(['ok', 'ok']);
    expect(result.rounds.map((r) => r.midRead)).toEqual([false, true]);
  }, 180_000);
});
