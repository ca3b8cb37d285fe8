/**
 * PIN counter probes are rationed per insertion (issue: a card that counts VERIFY without data as
 * a failed try would be blocked by three reads). Counted at the APDU level, from what each read
 * sent: one insertion, five automatic re-runs (F5, the online switch), one explicit "Kontrollera
 * kortet igen" — each PIN is asked at most twice, and the SetCOS PUK never.
 */
import { describe, expect, it } from 'vitest';
import { createKortkollService } from '../../../electron/service.js';
import type { AppState } from '../../../electron/ipc-contract.js';

/** VERIFY commands (INS 20) in the read behind this state, by P2 (the PIN reference). */
function verifiesOf(state: AppState): number[] {
  return (state.report?.apduLog ?? [])
    .map((apdu) => apdu.command.replace(/\s+/g, ''))
    .filter((command) => command.slice(2, 4) === '20')
    .map((command) => parseInt(command.slice(6, 8), 16));
}

function tally(references: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reference of references) counts[`0x${reference.toString(16)}`] = (counts[`0x${reference.toString(16)}`] ?? 0) + 1;
  return counts;
}

async function oneInsertion(card: string) {
  const service = createKortkollService({ demoCard: card, smartcardListPath: null });
  const sent: number[] = [];
  try {
    await service.start();
    sent.push(...verifiesOf(service.getState()));
    for (let run = 0; run < 5; run++) sent.push(...verifiesOf(await service.runDiagnosis({ online: false })));
    const afterReruns = [...sent];
    const rechecked = await service.runDiagnosis({ online: false, recheckPins: true });
    sent.push(...verifiesOf(rechecked));
    return { afterReruns: tally(afterReruns), total: tally(sent), rechecked };
  } finally {
    await service.close();
  }
}

describe('PIN counter probes over one insertion', () => {
  it('netid-legacy (SetCOS): the authentication and signature PINs once at insertion and once on the explicit re-check; the PUK never', async () => {
    const { afterReruns, total, rechecked } = await oneInsertion('netid-legacy');
    expect(afterReruns).toEqual({ '0x81': 1, '0x82': 1 });
    expect(total).toEqual({ '0x81': 2, '0x82': 2 });
    // The counters are still shown after the re-runs: reused, and said to be.
    const authPin = rechecked.report?.checks.find((check) => check.id === 'auth-pin');
    expect(authPin?.status).toBe('ok');
  });

  it('siths-eid-idprime: PINs 0x11 and 0x83 at most twice; re-runs reuse the counters and say so', async () => {
    const service = createKortkollService({ demoCard: 'siths-eid-idprime', smartcardListPath: null });
    try {
      await service.start();
      expect(tally(verifiesOf(service.getState()))).toEqual({ '0x11': 1, '0x83': 1 });
      const rerun = await service.runDiagnosis({ online: false });
      expect(verifiesOf(rerun)).toEqual([]);
      const evidence = rerun.report?.checks
        .find((check) => check.id === 'auth-pin')
        ?.evidence.map((fact) => fact.value)
        .join(' | ');
      expect(evidence).toContain('när kortet sattes i');
      expect(rerun.report?.pins.find((pin) => pin.role === 'authentication')?.triesLeft).toBe(3);
      expect(tally(verifiesOf(await service.runDiagnosis({ online: false, recheckPins: true })))).toEqual({ '0x11': 1, '0x83': 1 });
    } finally {
      await service.close();
    }
  });

  it('a new insertion (another demo card, then back) asks again', async () => {
    const service = createKortkollService({ demoCard: 'netid-legacy', smartcardListPath: null });
    try {
      await service.start();
      await service.useDemoCard('siths-eid-2024');
      const back = await service.useDemoCard('netid-legacy');
      expect(tally(verifiesOf(back))).toEqual({ '0x81': 1, '0x82': 1 });
    } finally {
      await service.close();
    }
  });
});
