/**
 * The first state says Kortkoll is looking for readers, never "no card reader found" before PC/SC
 * has reported the readers that are there (the false alarm `kortkoll guide` used to print at every
 * start). A reader monitor that reports its reader a moment after start, as pcsclite does.
 */
import { describe, expect, it } from 'vitest';
import { createKortkollService } from '../../../electron/service.js';
import type { AppState } from '../../../electron/ipc-contract.js';
import type { CardConnection, ReaderEvent, ReaderMonitor, ReaderState } from '../../../native/transport.js';

function lateMonitor(delayMs: number, withReader: boolean): ReaderMonitor {
  const listeners = new Set<(event: ReaderEvent) => void>();
  const readers: ReaderState[] = [];
  let reported: () => void = () => {};
  const firstStatus = new Promise<void>((resolve) => (reported = resolve));
  return {
    start() {
      if (!withReader) return;
      setTimeout(() => {
        readers.push({ name: 'Late Reader 00 00', cardPresent: false, stateFlags: 0 });
        for (const listener of listeners) listener({ type: 'reader-added', reader: 'Late Reader 00 00' });
        setTimeout(() => {
          readers[0] = { ...readers[0]!, stateFlags: 0x10 };
          reported();
        }, 5);
      }, delayMs);
    },
    close: async () => undefined,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    serviceAvailable: true,
    readers: () => readers,
    connect: async () => Promise.reject(new Error('no card')) as Promise<CardConnection>,
    readerReported: () => firstStatus,
  };
}

async function phasesOver(monitor: ReaderMonitor, ms: number): Promise<AppState['phase'][]> {
  const service = createKortkollService({ monitorFactory: () => monitor, smartcardListPath: null });
  const phases: AppState['phase'][] = [];
  service.subscribe((state) => phases.push(state.phase));
  await service.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  await service.close();
  return phases;
}

describe('the service at start', () => {
  it('is "starting" until the reader has reported, then "no card"; never "no reader" in between', async () => {
    const phases = await phasesOver(lateMonitor(40, true), 200);
    expect(phases[0]).toBe('starting');
    expect(phases).not.toContain('no-reader');
    expect(phases.at(-1)).toBe('no-card');
  });

  it('says "no reader" on a machine without one, once the wait for readers is over', async () => {
    const phases = await phasesOver(lateMonitor(0, false), 2000);
    expect(phases[0]).toBe('starting');
    expect(phases.at(-1)).toBe('no-reader');
  });
});
