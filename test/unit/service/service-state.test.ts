/**
 * The service's state as event scripts: a list of events in, and after each the phase, which
 * reader's card, and the effects the shell is asked to run, step by step. No monitor, no card, no
 * pcscd: what the reducer decides, on its own.
 */
import { describe, expect, it } from 'vitest';
import {
  initialServiceState,
  isReady,
  isSettled,
  phaseOf,
  reduce,
  type ServiceEffect,
  type ServiceEvent,
  type ServiceState,
} from '../../../electron/service-state.js';
import type { CardReadResult } from '../../../electron/card/card-read-result.js';
import type { CardAnalysis } from '../../../electron/diagnostics/card-analysis.js';
import type { MiddlewareComparison } from '../../../native/system/index.js';
import type { ReaderEvent } from '../../../native/transport.js';

const at = '2026-03-02T09:30:00.000Z';

/** The reducer only looks at a result's kind; the rest of a read is the card layer's business. */
const snapshot = { kind: 'snapshot', reader: 'A' } as unknown as Extract<CardReadResult, { kind: 'snapshot' }>;
const removedDuringRead = { kind: 'card-removed' } as unknown as CardReadResult;
const transportError = { kind: 'transport-error', code: 'sharing-violation' } as unknown as CardReadResult;
const analysis = { certificates: [] } as unknown as CardAnalysis;
const middlewareViews = [{ module: 'opensc-pkcs11.so' }] as unknown as MiddlewareComparison[];

const reader = (event: ReaderEvent): ServiceEvent => ({ type: 'reader-event', event, at });
const added = (name: string) => reader({ type: 'reader-added', reader: name });
const removedReader = (name: string) => reader({ type: 'reader-removed', reader: name });
const inserted = (name: string) => reader({ type: 'card-inserted', reader: name, atr: new Uint8Array([0x3b]) });
const removed = (name: string) => reader({ type: 'card-removed', reader: name });
const ticket = (insertion: number, read: number) => ({ insertion, read });

/** A shell's view of one step: what is shown and what it is asked to do. */
interface Step {
  phase: string;
  card: string | null;
  effects: string[];
}

function describeEffect(effect: ServiceEffect): string {
  const t = `${effect.ticket.insertion}.${effect.ticket.read}`;
  switch (effect.type) {
    case 'read-card':
      return `read ${effect.reader} #${t}${effect.freshPinCounters ? ' fresh-pins' : ''}`;
    case 'cancel-read':
      return `cancel #${t}`;
    case 'analyse':
      return `analyse #${t}`;
    case 'ask-middleware':
      return `ask-middleware #${t}`;
    case 'ask-browser-stores':
      return `ask-browser-stores #${t}`;
  }
}

function play(state: ServiceState, events: ServiceEvent[]): { state: ServiceState; steps: Step[] } {
  const steps: Step[] = [];
  for (const event of events) {
    const next = reduce(state, event);
    state = next.state;
    steps.push({ phase: phaseOf(state), card: state.card ? `${state.card.reader} ${state.card.stage}` : null, effects: next.effects.map(describeEffect) });
  }
  return { state, steps };
}

function fresh(asks = { middleware: false, browserStores: false }): ServiceState {
  return initialServiceState({ lang: 'sv', online: false, monitorAvailable: true, asks });
}

/** A monitor started with readers `names` (empty), all reported. */
function watching(names: string[], asks?: { middleware: boolean; browserStores: boolean }): ServiceState {
  return play(fresh(asks), [
    { type: 'monitor-switched' },
    ...names.map(added),
    { type: 'monitor-started', serviceAvailable: true },
    { type: 'readers-settled' },
  ]).state;
}

/** Reader A with a card read and checked: the state shows it as ready. */
function readyInA(asks?: { middleware: boolean; browserStores: boolean }): ServiceState {
  return play(watching(['A'], asks), [
    inserted('A'),
    { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
    { type: 'card-analysed', ticket: ticket(1, 1), analysis },
  ]).state;
}

describe('the service state at start', () => {
  it('is starting until the monitor has started and its readers have reported; then no-card, or no-reader on a machine without one', () => {
    const initial = fresh();
    expect(phaseOf(initial)).toBe('starting');
    const { steps } = play(initial, [
      { type: 'monitor-switched' },
      { type: 'monitor-started', serviceAvailable: true },
      added('A'),
      { type: 'readers-settled' },
    ]);
    expect(steps.map((s) => s.phase)).toEqual(['starting', 'starting', 'no-card', 'no-card']);

    const empty = play(initial, [{ type: 'monitor-switched' }, { type: 'monitor-started', serviceAvailable: true }]).state;
    expect(phaseOf(empty)).toBe('starting');
    expect(isReady(empty)).toBe(false);
    const settled = reduce(empty, { type: 'readers-settled' }).state;
    expect(phaseOf(settled)).toBe('no-reader');
    expect(isReady(settled)).toBe(true);
  });

  it('a reader seen but not yet reported: no-card is shown, but the verdict is not ready to print', () => {
    const state = play(fresh(), [{ type: 'monitor-switched' }, added('A'), { type: 'monitor-started', serviceAvailable: true }]).state;
    expect(phaseOf(state)).toBe('no-card');
    expect(isReady(state)).toBe(false);
  });

  it('no PC/SC layer, a monitor that failed, or a service down at start: no-service, at once and for good', () => {
    expect(phaseOf(initialServiceState({ lang: 'sv', online: false, monitorAvailable: false, asks: { middleware: false, browserStores: false } }))).toBe(
      'no-service',
    );
    const failed = reduce(fresh(), { type: 'monitor-failed', error: { code: 'pcsc-error', message: 'no binding' } }).state;
    expect(phaseOf(failed)).toBe('no-service');
    expect(isReady(failed)).toBe(true);
    const down = play(fresh(), [
      { type: 'monitor-switched' },
      reader({ type: 'service-lost', error: { code: 'service-not-running', message: 'down' } }),
      { type: 'monitor-started', serviceAvailable: false },
    ]);
    expect(down.steps.map((s) => s.phase)).toEqual(['starting', 'no-service', 'no-service']);
    expect(down.state.monitor).toEqual({ kind: 'watching', service: 'lost', error: { code: 'service-not-running', message: 'down' } });
  });
});

describe('event scripts', () => {
  it('insert: reading (connecting, then the stages), diagnosing, ready; the read and the check asked for once each', () => {
    const { state, steps } = play(watching(['A']), [
      inserted('A'),
      { type: 'read-progress', ticket: ticket(1, 1), stage: 'reading-auth' },
      { type: 'read-progress', ticket: ticket(1, 1), stage: 'auth-ready' },
      { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
      { type: 'card-analysed', ticket: ticket(1, 1), analysis },
    ]);
    expect(steps).toEqual([
      { phase: 'reading', card: 'A reading', effects: ['read A #1.1'] },
      { phase: 'reading', card: 'A reading', effects: [] },
      { phase: 'reading', card: 'A reading', effects: [] },
      { phase: 'reading', card: 'A reading', effects: ['analyse #1.1'] },
      { phase: 'ready', card: 'A read', effects: [] },
    ]);
    expect(state.lastEvent).toEqual({ kind: 'card-inserted', reader: 'A', at });
    expect(isSettled(state)).toBe(true);
  });

  it('the progress follows the read: connecting, reading-auth, auth-ready, diagnosing', () => {
    let state = reduce(watching(['A']), inserted('A')).state;
    const stages: string[] = [];
    const stageOf = (s: ServiceState) => (s.card?.stage === 'reading' ? s.card.progress : s.card?.stage);
    stages.push(String(stageOf(state)));
    for (const event of [
      { type: 'read-progress', ticket: ticket(1, 1), stage: 'reading-auth' },
      { type: 'read-progress', ticket: ticket(1, 1), stage: 'auth-ready' },
      { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
    ] satisfies ServiceEvent[]) {
      state = reduce(state, event).state;
      stages.push(String(stageOf(state)));
    }
    expect(stages).toEqual(['connecting', 'reading-auth', 'auth-ready', 'diagnosing']);
  });

  it('remove mid-read: no-card at once, the read cancelled, and its late result and progress dropped', () => {
    const { state, steps } = play(watching(['A']), [
      inserted('A'),
      removed('A'),
      { type: 'read-progress', ticket: ticket(1, 1), stage: 'auth-ready' },
      { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
      { type: 'card-analysed', ticket: ticket(1, 1), analysis },
    ]);
    expect(steps).toEqual([
      { phase: 'reading', card: 'A reading', effects: ['read A #1.1'] },
      { phase: 'no-card', card: null, effects: ['cancel #1.1'] },
      { phase: 'no-card', card: null, effects: [] },
      { phase: 'no-card', card: null, effects: [] },
      { phase: 'no-card', card: null, effects: [] },
    ]);
    expect(state.lastEvent?.kind).toBe('card-removed');
  });

  it('swap: the first read is cancelled, the second card is read as a new insertion; the first card’s result never shows', () => {
    const { steps } = play(watching(['A']), [
      inserted('A'),
      removed('A'),
      inserted('A'),
      { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
      { type: 'card-analysed', ticket: ticket(1, 1), analysis },
      { type: 'card-read', ticket: ticket(2, 2), result: transportError, at },
    ]);
    expect(steps).toEqual([
      { phase: 'reading', card: 'A reading', effects: ['read A #1.1'] },
      { phase: 'no-card', card: null, effects: ['cancel #1.1'] },
      { phase: 'reading', card: 'A reading', effects: ['read A #2.2'] },
      { phase: 'reading', card: 'A reading', effects: [] },
      { phase: 'reading', card: 'A reading', effects: [] },
      { phase: 'card-error', card: 'A read', effects: [] },
    ]);
  });

  it('a card pulled during the read (the read says so before the reader does): no-card and the removal announced', () => {
    const { state, steps } = play(watching(['A']), [inserted('A'), { type: 'card-read', ticket: ticket(1, 1), result: removedDuringRead, at: 'later' }]);
    expect(steps.at(-1)).toEqual({ phase: 'no-card', card: null, effects: [] });
    expect(state.lastEvent).toEqual({ kind: 'card-removed', reader: 'A', at: 'later' });
  });

  it('no card to connect to after all: no-card, nothing announced', () => {
    const { state, steps } = play(watching(['A']), [inserted('A'), { type: 'card-read', ticket: ticket(1, 1), result: null, at }]);
    expect(steps.at(-1)).toEqual({ phase: 'no-card', card: null, effects: [] });
    expect(state.lastEvent?.kind).toBe('card-inserted');
  });

  it('service lost and back: no-service with the card gone; the cards reported again are new insertions, read afresh', () => {
    const { state, steps } = play(readyInA(), [
      reader({ type: 'service-lost', error: { code: 'service-not-running', message: 'pcscd stopped' } }),
      removed('A'),
      removedReader('A'),
      reader({ type: 'service-restored' }),
      added('A'),
      inserted('A'),
    ]);
    expect(steps).toEqual([
      { phase: 'no-service', card: null, effects: [] },
      { phase: 'no-service', card: null, effects: [] },
      { phase: 'no-service', card: null, effects: [] },
      { phase: 'no-reader', card: null, effects: [] },
      { phase: 'no-card', card: null, effects: [] },
      { phase: 'reading', card: 'A reading', effects: ['read A #2.2'] },
    ]);
    expect(state.monitor).toEqual({ kind: 'watching', service: 'available', error: null });
    expect(state.lastEvent?.kind).toBe('card-inserted');
  });

  it('service lost mid-read: the read is cancelled', () => {
    const { steps } = play(watching(['A']), [inserted('A'), reader({ type: 'service-lost', error: { code: 'service-not-running', message: 'x' } })]);
    expect(steps.at(-1)).toEqual({ phase: 'no-service', card: null, effects: ['cancel #1.1'] });
  });

  it('a second reader: the first card wins until it leaves; a card in a reader not followed is not read; choosing it reads it', () => {
    const { state, steps } = play(readyInA(), [
      added('B'),
      inserted('B'),
      removed('A'),
      { type: 'reader-chosen', reader: 'B' },
      inserted('A'),
      { type: 'reader-chosen', reader: null },
    ]);
    expect(steps).toEqual([
      { phase: 'ready', card: 'A read', effects: [] },
      { phase: 'ready', card: 'A read', effects: [] },
      { phase: 'no-card', card: null, effects: [] },
      { phase: 'reading', card: 'B reading', effects: ['read B #2.2'] },
      // A is not followed now.
      { phase: 'reading', card: 'B reading', effects: [] },
      // Following any reader: the first reader with a card (A) is read; B's read is cancelled.
      { phase: 'reading', card: 'A reading', effects: ['cancel #2.2', 'read A #3.3'] },
    ]);
    expect(state.selectedReader).toBeNull();
  });

  it('a reader unplugged with its card: the card goes with it', () => {
    const { steps } = play(readyInA(), [removedReader('A')]);
    expect(steps).toEqual([{ phase: 'no-reader', card: null, effects: [] }]);
  });

  it('re-run: the same insertion read again (its PIN counters reused), or asked anew on "Kontrollera kortet igen"; a re-run during a read cancels it', () => {
    const { state, steps } = play(readyInA(), [
      { type: 'rerun-requested', online: true, recheckPins: false },
      { type: 'rerun-requested', online: true, recheckPins: true },
      { type: 'card-read', ticket: ticket(1, 2), result: snapshot, at },
    ]);
    expect(steps).toEqual([
      { phase: 'reading', card: 'A reading', effects: ['read A #1.2'] },
      { phase: 'reading', card: 'A reading', effects: ['cancel #1.2', 'read A #1.3 fresh-pins'] },
      { phase: 'reading', card: 'A reading', effects: [] },
    ]);
    expect(state.online).toBe(true);
  });

  it('re-run without a card: nothing to read, the online choice kept', () => {
    const { state, steps } = play(watching(['A']), [{ type: 'rerun-requested', online: true, recheckPins: true }]);
    expect(steps).toEqual([{ phase: 'no-card', card: null, effects: [] }]);
    expect(state.online).toBe(true);
  });

  it('middleware and browser stores: asked one after the other after the check; settled once both answered (a failure is an answer)', () => {
    const asks = { middleware: true, browserStores: true };
    const { state, steps } = play(watching(['A'], asks), [
      inserted('A'),
      { type: 'card-read', ticket: ticket(1, 1), result: snapshot, at },
      { type: 'card-analysed', ticket: ticket(1, 1), analysis },
      { type: 'middleware-answered', ticket: ticket(1, 1), views: middlewareViews },
      { type: 'browser-stores-answered', ticket: ticket(1, 1), stores: null },
    ]);
    expect(steps.map((s) => s.effects)).toEqual([['read A #1.1'], ['analyse #1.1'], ['ask-middleware #1.1'], ['ask-browser-stores #1.1'], []]);
    expect(state.card?.stage === 'read' && state.card.middleware).toBe(middlewareViews);
    expect(isSettled(state)).toBe(true);
  });

  it('a middleware answer arriving after the card was removed is dropped, and the browser stores are not asked for it', () => {
    const asks = { middleware: true, browserStores: true };
    const before = readyInA(asks);
    expect(isReady(before)).toBe(true);
    expect(isSettled(before)).toBe(false);
    const { state, steps } = play(before, [removed('A'), { type: 'middleware-answered', ticket: ticket(1, 1), views: middlewareViews }]);
    expect(steps).toEqual([
      { phase: 'no-card', card: null, effects: [] },
      { phase: 'no-card', card: null, effects: [] },
    ]);
    expect(isSettled(state)).toBe(true);
  });

  it('a middleware answer for an earlier read of the same card is dropped too', () => {
    const asks = { middleware: true, browserStores: false };
    const { state, steps } = play(readyInA(asks), [
      { type: 'rerun-requested', online: false, recheckPins: false },
      { type: 'middleware-answered', ticket: ticket(1, 1), views: middlewareViews },
    ]);
    expect(steps.at(-1)).toEqual({ phase: 'reading', card: 'A reading', effects: [] });
    expect(state.card?.stage).toBe('reading');
  });

  it('system facts: pending until they come; a failed collection keeps what was collected before', () => {
    const facts = [{ key: 'os' }] as never;
    let state = reduce(readyInA(), { type: 'system-facts-asked' }).state;
    expect(isSettled(state)).toBe(false);
    state = reduce(state, { type: 'system-facts', facts }).state;
    expect(isSettled(state)).toBe(true);
    state = reduce(reduce(state, { type: 'system-facts-asked' }).state, { type: 'system-facts', facts: null }).state;
    expect(state.system).toBe(facts);
    expect(isSettled(state)).toBe(true);
  });

  it('switching monitors (demo card chosen, or back to the real readers) forgets every reader and cancels a read under way', () => {
    const { state, steps } = play(watching(['A']), [inserted('A'), { type: 'monitor-switched' }, { type: 'demo-card', name: 'netid-legacy' }]);
    expect(steps.slice(1)).toEqual([
      { phase: 'starting', card: null, effects: ['cancel #1.1'] },
      { phase: 'starting', card: null, effects: [] },
    ]);
    expect(state.readers).toEqual([]);
    expect(state.demoCard).toBe('netid-legacy');
    const absent = reduce(state, { type: 'monitor-absent' }).state;
    expect(phaseOf(absent)).toBe('no-service');
  });

  it('the language is a choice of the person, kept through everything else', () => {
    const { state } = play(readyInA(), [{ type: 'language-chosen', lang: 'en' }, removed('A')]);
    expect(state.lang).toBe('en');
  });
});
