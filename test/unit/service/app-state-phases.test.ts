/**
 * AppState is discriminated on `phase`: every snapshot the service emits through a card's life
 * (start, insert, read, swap, pull, service lost) has what its phase promises and nothing it
 * cannot have. The faces narrow on the phase and read the fields without null checks.
 */
import { describe, expect, it } from 'vitest';
import { createKortkollService } from '../../../electron/service.js';
import type { AppState } from '../../../electron/ipc-contract.js';
import { createVirtualCard } from '../../../native/simulator/cards.js';
import { VirtualReaderMonitor } from '../../../native/simulator/virtual-reader-monitor.js';

/** What the renderer reads of a state, by phase, without a null check (the compiler holds it to the union). */
function shown(state: AppState): string {
  switch (state.phase) {
    case 'starting':
      return 'starting';
    case 'reading':
      return `reading ${state.progress.stage} ${state.progress.percent}%`;
    case 'ready':
      return `ready ${state.report.card.reader} ${state.report.verdict.status} pins:${state.pinOperations?.pins.length ?? 0}`;
    case 'card-error':
      return `card-error ${state.report.card.reader}`;
    default:
      return `${state.phase} ${state.report.verdict.status}`;
  }
}

describe('AppState by phase', () => {
  it('every snapshot through a card’s life has what its phase promises, and only `ready` offers PIN operations', async () => {
    const monitor = new VirtualReaderMonitor(['Reader A']);
    const states: AppState[] = [];
    let bankCard: string | undefined;
    const service = createKortkollService({ monitorFactory: () => monitor, smartcardListPath: null });
    states.push(service.getState());
    service.subscribe((state) => states.push(state));
    try {
      await service.start();
      await service.ready();
      monitor.insertCard('Reader A', await createVirtualCard('netid-legacy'));
      await service.ready();
      monitor.insertCard('Reader A', await createVirtualCard('bank-card'));
      bankCard = shown(await service.ready());
      monitor.removeCard('Reader A');
      monitor.loseService();
    } finally {
      await service.close();
    }
    const phases = new Set(states.map((state) => state.phase));
    for (const phase of ['starting', 'no-card', 'reading', 'ready', 'card-error', 'no-service'] as const) expect(phases.has(phase), phase).toBe(true);
    for (const state of states) {
      const card = state.report?.card ?? null;
      const hasCard = state.phase === 'ready' || state.phase === 'card-error';
      expect(card !== null, `${state.phase}: a card in the report`).toBe(hasCard);
      expect(state.progress !== null, `${state.phase}: progress`).toBe(state.phase === 'reading');
      expect(state.report === null, `${state.phase}: no report`).toBe(state.phase === 'starting');
      if (state.phase !== 'ready') expect(state.pinOperations).toBeNull();
    }
    const ready = states.find((state) => state.phase === 'ready');
    expect(ready && shown(ready)).toBe('ready Reader A ready pins:2');
    // A bank card answers, but has no SITHS application: a card error, in the reader it is in.
    expect(bankCard).toBe('card-error Reader A');
    expect(shown(states.at(-1)!)).toBe('no-service no-service');
  });
});
