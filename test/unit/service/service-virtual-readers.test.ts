/**
 * The whole Service (shell and state) with the in-process reader monitor and real virtual cards:
 * what a person sees when cards are inserted, pulled mid-read, swapped, the PC/SC service goes and
 * comes back, a second reader is used, the card is checked again, or the middleware answers late.
 * No pcscd: the same events as through PC/SC, from native/simulator/virtual-reader-monitor.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createKortkollService, type KortkollServiceOptions } from '../../../electron/service.js';
import type { KortkollService } from '../../../electron/service-types.js';
import type { AppState } from '../../../electron/ipc-contract.js';
import { createVirtualCard } from '../../../native/simulator/cards.js';
import { VirtualReaderMonitor } from '../../../native/simulator/virtual-reader-monitor.js';
import type { BrowserStoreView, Pkcs11ModuleView } from '../../../native/system/index.js';

const readerA = 'Virtual Reader A';
const readerB = 'Virtual Reader B';

let service: KortkollService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

/** A service watching `monitor`, every state it emits recorded. */
async function started(monitor: VirtualReaderMonitor, options: KortkollServiceOptions = {}): Promise<{ service: KortkollService; states: AppState[] }> {
  const states: AppState[] = [];
  service = createKortkollService({ monitorFactory: () => monitor, smartcardListPath: null, ...options });
  service.subscribe((state) => states.push(state));
  await service.start();
  await service.ready();
  return { service, states };
}

/** Virtual cards answer a little slower than instantly, so that there is a "mid-read" to pull a card in. */
const slowly = { behaviour: { latencyPerApduMs: 2 } };

/** Runs `act` once, on the first state that is reading the card in `reader` at `stage`. */
function onceReading(service: KortkollService, stage: string, act: () => void): void {
  let done = false;
  const off = service.subscribe((state) => {
    if (!done && state.phase === 'reading' && state.progress?.stage === stage) {
      done = true;
      off();
      act();
    }
  });
}

function verdictOf(state: AppState): string | undefined {
  return state.report?.verdict.status;
}

describe('the Service with virtual readers', () => {
  it('insert: reading, then ready with the card’s verdict, in the reader it is in', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service, states } = await started(monitor);
    expect(service.getState().phase).toBe('no-card');
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy'));
    const ready = await service.ready();
    expect(ready.phase).toBe('ready');
    expect(verdictOf(ready)).toBe('ready');
    expect(ready.report?.card?.reader).toBe(readerA);
    expect(ready.lastEvent).toMatchObject({ kind: 'card-inserted', reader: readerA });
    const phases = states.map((s) => s.phase);
    expect(phases.indexOf('reading')).toBeGreaterThan(phases.indexOf('no-card'));
    expect(phases.at(-1)).toBe('ready');
  });

  it('remove mid-read: no-card, and the read’s late result never shows', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service, states } = await started(monitor);
    onceReading(service, 'reading-auth', () => monitor.removeCard(readerA));
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy', slowly));
    await service.ready();
    // No card to read again: this only waits for the pulled card's read to end (its connection
    // fails) and for what it returned to be dropped.
    await service.runDiagnosis({ online: false });
    const removal = states.findIndex((s) => s.lastEvent?.kind === 'card-removed');
    expect(removal).toBeGreaterThan(0);
    const afterRemoval = states.slice(removal);
    expect(afterRemoval.every((s) => s.phase === 'no-card')).toBe(true);
    expect(afterRemoval.every((s) => s.report?.card === null)).toBe(true);
  });

  it('swap mid-read: the second card’s verdict, never the first’s', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service, states } = await started(monitor);
    const second = await createVirtualCard('auth-pin-blocked');
    onceReading(service, 'reading-auth', () => monitor.insertCard(readerA, second));
    monitor.insertCard(readerA, await createVirtualCard('siths-eid-2024', slowly));
    await service.ready();
    const final = service.getState();
    expect(final.phase).toBe('ready');
    expect(verdictOf(final)).toBe('blocked');
    expect(final.report?.pins.find((pin) => pin.role === 'authentication')?.blocked).toBe(true);
    // The first card (a 2024 card, ready) never made it to the screen.
    expect(states.some((s) => s.phase === 'ready' && verdictOf(s) === 'ready')).toBe(false);
  });

  it('swap after the read: the second card is read as a new insertion (its own PIN counters asked)', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service } = await started(monitor);
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy'));
    expect(verdictOf(await service.ready())).toBe('ready');
    monitor.insertCard(readerA, await createVirtualCard('auth-pin-one-try'));
    const second = await service.ready();
    expect(verdictOf(second)).toBe('attention');
    expect(second.report?.pins.find((pin) => pin.role === 'authentication')?.triesLeft).toBe(1);
  });

  it('service lost: no-service and no card; back with the card: it is read again', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service } = await started(monitor);
    const card = await createVirtualCard('siths-eid-2024');
    monitor.insertCard(readerA, card);
    expect((await service.ready()).phase).toBe('ready');

    monitor.loseService();
    const down = service.getState();
    expect(down.phase).toBe('no-service');
    expect(down.report?.card).toBeNull();
    expect(down.report?.checks.find((check) => check.id === 'pcsc-service')?.status).toBe('error');
    expect(down.guide.steps[0]?.status).toBe('blocked');

    monitor.restoreService();
    monitor.insertCard(readerA, card);
    const back = await service.ready();
    expect(back.phase).toBe('ready');
    expect(verdictOf(back)).toBe('ready');
  });

  it('two readers: the first card wins until it leaves; choosing the other reader shows its card', async () => {
    const monitor = new VirtualReaderMonitor([readerA, readerB]);
    const { service } = await started(monitor);
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy'));
    await service.ready();
    monitor.insertCard(readerB, await createVirtualCard('auth-pin-blocked'));
    const still = await service.ready();
    expect(still.report?.card?.reader).toBe(readerA);
    expect(verdictOf(still)).toBe('ready');

    const chosen = await service.chooseReader(readerB);
    expect(chosen.selectedReader).toBe(readerB);
    expect(chosen.report?.card?.reader).toBe(readerB);
    expect(verdictOf(chosen)).toBe('blocked');

    // A card in the reader not followed is left alone.
    monitor.removeCard(readerA);
    monitor.insertCard(readerA, await createVirtualCard('siths-eid-2024'));
    expect((await service.ready()).report?.card?.reader).toBe(readerB);
  });

  it('re-run: the card read again, the PIN counters of this insertion reused; "Kontrollera kortet igen" asks them anew', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    const { service } = await started(monitor);
    monitor.insertCard(readerA, await createVirtualCard('siths-eid-idprime'));
    const first = await service.ready();
    const verifies = (state: AppState) => (state.report?.apduLog ?? []).filter((apdu) => apdu.command.replace(/\s+/g, '').slice(2, 4) === '20').length;
    expect(verifies(first)).toBe(2);
    const rerun = await service.runDiagnosis({ online: false });
    expect(rerun.seq).toBeGreaterThan(first.seq);
    expect(rerun.phase).toBe('ready');
    expect(verifies(rerun)).toBe(0);
    expect(verifies(await service.runDiagnosis({ online: false, recheckPins: true }))).toBe(2);
  });

  it('a middleware answer arriving after the card was removed is dropped, and the browser stores are not asked for that card', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    let answer: (views: Pkcs11ModuleView[]) => void = () => {};
    let middlewareAsked = 0;
    let storesAsked = 0;
    const { service } = await started(monitor, {
      inspectMiddleware: () => {
        middlewareAsked++;
        return new Promise<Pkcs11ModuleView[]>((resolve) => (answer = resolve));
      },
      inspectBrowserStores: async (): Promise<BrowserStoreView[]> => {
        storesAsked++;
        return [];
      },
    });
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy'));
    const ready = await service.ready();
    expect(ready.phase).toBe('ready');
    expect(middlewareAsked).toBe(1);
    monitor.removeCard(readerA);
    answer([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const settled = await service.whenSettled({ timeoutMs: 1000 });
    expect(settled.phase).toBe('no-card');
    expect(settled.report?.card).toBeNull();
    expect(storesAsked).toBe(0);
  });

  it('whenSettled waits for the middleware and the browser stores of the card read', async () => {
    const monitor = new VirtualReaderMonitor([readerA]);
    let storesAnswered = false;
    const { service } = await started(monitor, {
      inspectMiddleware: async () => [],
      inspectBrowserStores: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        storesAnswered = true;
        return [];
      },
    });
    monitor.insertCard(readerA, await createVirtualCard('netid-legacy'));
    expect((await service.ready()).phase).toBe('ready');
    expect(storesAnswered).toBe(false);
    const settled = await service.whenSettled({ timeoutMs: 5000 });
    expect(storesAnswered).toBe(true);
    expect(settled.phase).toBe('ready');
  });
});

describe('demo mode through the demo reader', () => {
  it('a demo card is a virtual card in the demo reader; another one is a swap; none goes back to the real readers', async () => {
    const real = new VirtualReaderMonitor([readerA]);
    service = createKortkollService({ demoCard: 'netid-legacy', monitorFactory: () => real, smartcardListPath: null });
    await service.start();
    const demo = service.getState();
    expect(demo).toMatchObject({ phase: 'ready', demoCard: 'netid-legacy' });
    expect(demo.readers.map((r) => r.name)).toEqual(['Kortkoll Virtual Reader 00 00']);
    expect(demo.report?.checks.find((check) => check.id === 'pcsc-service')?.status).toBe('ok');

    const swapped = await service.useDemoCard('auth-pin-blocked');
    expect(swapped).toMatchObject({ phase: 'ready', demoCard: 'auth-pin-blocked' });
    expect(verdictOf(swapped)).toBe('blocked');

    const back = await service.useDemoCard(null);
    expect(back.demoCard).toBeNull();
    expect(back.lastEvent?.kind).toBe('card-removed');
    expect((await service.ready()).phase).toBe('no-card');
    expect(service.getState().readers.map((r) => r.name)).toEqual([readerA]);
  });

  it('an unknown demo card changes nothing', async () => {
    service = createKortkollService({ smartcardListPath: null });
    await service.start();
    const before = service.getState();
    await expect(service.useDemoCard('no-such-card')).rejects.toMatchObject({ code: 'unknown-demo-card' });
    expect(service.getState().seq).toBe(before.seq);
  });

  it('without a PC/SC layer, leaving demo mode is no-service', async () => {
    service = createKortkollService({ demoCard: 'siths-eid-2024', smartcardListPath: null });
    await service.start();
    expect(service.getState().phase).toBe('ready');
    expect((await service.useDemoCard(null)).phase).toBe('no-service');
  });
});
