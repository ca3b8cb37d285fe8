/**
 * Faults injected by the simulator (native/simulator/faults.ts), once each, through the real pcscd
 * + vpcd and the service as the desktop app runs it. Each asserts its TYPED outcome, so that a
 * generic failure in its place fails the test; none asserts time. `npm run soak` runs the same
 * faults at every APDU index and prints the figures.
 * Run under `flock /tmp/kortkoll-rig.lock flock /tmp/kortkoll-pcscd.lock`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VirtualCardSpec } from '../../native/simulator/card-model.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { ApduEngine } from '../../native/simulator/apdu-engine.js';
import { toHex } from '../../native/transport.js';
import { atrShown, buildSpecs, fingerprint, isNoCard, isSettledCard, READERS, sleep } from '../../bench/soak-lib.js';
import { cleanRead, GARBAGE_KINDS, insertFaulty, openRig, removeAndWait, resetFromAnotherProcess, type Rig } from '../../bench/soak-faults.js';
import type { GarbageKind } from '../../native/simulator/faults.js';
import { describeWithPcscd, ensurePcscdRunning } from './helpers/pcscd.js';

/** A typed failure: the transport's code, or the check that failed (see outcomeOf). */
const TYPED_FAILURE = /^(transport-error:(unresponsive-card|timeout|card-reset|pcsc-error)|[a-z-]+:[a-z-]+)$/;

/**
 * Where each kind of garbage is put in siths-eid-2024's read, and the typed outcome it must give
 * there (found by `npm run soak`, which tries every index). 'clean' = exactly the clean reading:
 * an answer longer than asked for is tolerated at every index.
 */
const EXPECTED_GARBAGE: Record<GarbageKind, { atApdu: number; outcome: string }> = {
  'random-bytes': { atApdu: 1, outcome: 'blocked:siths-application' },
  'one-byte': { atApdu: 0, outcome: 'transport-error:unresponsive-card' },
  'status-word-alone': { atApdu: 3, outcome: 'blocked:certificates-read' },
  'wrong-status-word': { atApdu: 4, outcome: 'blocked:certificates-read' },
  'too-long': { atApdu: 3, outcome: 'clean' },
};

describeWithPcscd('faults injected by the simulator, through pcscd + vpcd and the service', () => {
  let rig: Rig;
  let specs: Map<string, VirtualCardSpec>;
  const reference = new Map<string, string>();
  let cleanOutcome = '';
  const spec = (name: string) => specs.get(name)!;

  beforeAll(async () => {
    await ensurePcscdRunning();
    specs = await buildSpecs(['siths-eid-2024', 'netid-legacy']);
    rig = await openRig();
    for (const name of specs.keys()) reference.set(name, await cleanRead(rig, spec(name)));
    const probe = await insertFaulty(rig, spec('siths-eid-2024'), {});
    await removeAndWait(rig, probe.socket);
    cleanOutcome = probe.outcome.outcome;
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('a card that stops answering mid-APDU: a typed timeout, the reader free again after it is taken out, then a clean read', async () => {
    const { socket, outcome } = await insertFaulty(rig, spec('siths-eid-2024'), { stallAtApdu: 3 }, 30_000);
    expect(outcome.outcome).toBe('transport-error:timeout');
    expect(outcome.phase).toBe('card-error');
    await removeAndWait(rig, socket);
    expect(await cleanRead(rig, spec('siths-eid-2024'))).toBe(reference.get('siths-eid-2024'));
  });

  it.each(GARBAGE_KINDS)('garbage (%s) at an APDU: a typed outcome, never a wrong verdict', async (kind) => {
    const { atApdu, outcome: expected } = EXPECTED_GARBAGE[kind];
    const { socket, outcome } = await insertFaulty(rig, spec('siths-eid-2024'), { garbage: { atApdu, kind } });
    await removeAndWait(rig, socket);
    if (expected === 'clean') {
      expect(outcome.shown).toBe(reference.get('siths-eid-2024'));
    } else {
      expect(outcome.outcome).toMatch(TYPED_FAILURE);
      expect(outcome.outcome).toBe(expected);
      expect(outcome.shown).not.toBe(reference.get('siths-eid-2024'));
    }
    expect(await cleanRead(rig, spec('siths-eid-2024'))).toBe(reference.get('siths-eid-2024'));
  });

  it('a slow card (300 ms per APDU): the right verdict, with progress shown while it reads', async () => {
    const { socket, outcome } = await insertFaulty(rig, spec('siths-eid-2024'), { delayPerApduMs: 300 }, 60_000);
    await removeAndWait(rig, socket);
    expect(outcome.outcome).toBe(cleanOutcome);
    expect(outcome.shown).toBe(reference.get('siths-eid-2024'));
    expect(outcome.progress).toEqual(expect.arrayContaining(['connecting', 'reading-auth', 'auth-ready', 'diagnosing']));
  });

  it('a card reset by another process between APDUs: typed card-reset, then read again', async () => {
    let resetDone: Promise<number | null> | undefined;
    const { socket, outcome } = await insertFaulty(
      rig,
      spec('siths-eid-2024'),
      {
        delayPerApduMs: 100,
        afterApdu: (index) => {
          if (index === 2 && !resetDone) resetDone = resetFromAnotherProcess(READERS[0]!.name);
        },
      },
      30_000,
    );
    expect(await resetDone).toBe(0);
    expect(outcome.outcome).toBe('transport-error:card-reset');
    const mark = rig.recorder.mark;
    await rig.service.runDiagnosis({ online: false });
    const again = await rig.recorder.waitFor(isSettledCard, 20_000, 'the card read again', mark);
    expect(fingerprint(again)).toBe(reference.get('siths-eid-2024'));
    await removeAndWait(rig, socket);
  });

  it('a burst of 20 insert/remove events within 2 s: the final state is right, no read of a card already gone is shown', async () => {
    const names = ['netid-legacy', 'siths-eid-2024'];
    for (let i = 0; i < 10; i++) {
      const socket = new VpcdCardSocket(new ApduEngine(spec(names[i % 2]!)), { port: READERS[0]!.port, removeTimeoutMs: 0 });
      // Not waiting for vpcd to take the card: the events come faster than pcscd's 400 ms poll.
      const inserted = socket.insert().catch(() => undefined);
      await sleep(60);
      await socket.remove();
      await inserted;
      await sleep(40);
    }
    // Ends with the card out: no card, and nothing read shown.
    await rig.recorder.waitFor(isNoCard, 10_000, 'no card after the burst');
    await sleep(1500);
    expect(isNoCard(rig.service.getState()), rig.service.getState().phase).toBe(true);
    // Then one card stays in: its own verdict, never the other's.
    const last = spec('netid-legacy');
    const mark = rig.recorder.mark;
    const socket = new VpcdCardSocket(new ApduEngine(last), { port: READERS[0]!.port });
    await socket.insert();
    const settled = await rig.recorder.waitFor((s) => isSettledCard(s) && atrShown(s) === toHex(last.atr), 20_000, 'the last card', mark);
    expect(fingerprint(settled)).toBe(reference.get('netid-legacy'));
    for (const state of rig.recorder.states.slice(mark)) if (fingerprint(state) !== null) expect(fingerprint(state)).toBe(reference.get('netid-legacy'));
    await removeAndWait(rig, socket);
  });
});
