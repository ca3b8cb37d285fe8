/**
 * The application service's state as a pure function: `reduce(state, event) → { state, effects }`.
 * The Service (electron/service.ts) is the shell around it: it feeds in what the reader monitor,
 * the card reads, the middleware and the person do, runs the effects (read a card, cancel a read,
 * ask the middleware …) and feeds their results back in as events.
 *
 * Which card a result belongs to is in the event itself: every read carries a ticket (the
 * insertion it reads, and which read of it), and a result whose ticket is not the current card's
 * is dropped. A card that was removed, swapped or superseded by a re-run therefore never shows.
 *
 * There is no demo mode here: a demo card is a virtual card in a virtual reader
 * (native/simulator/virtual-reader-monitor.ts), and its events are those of any reader.
 */
import type { ReaderEvent, SerializedError } from '../native/transport.js';
import type { SystemFact } from '../native/system/types.js';
import type { BrowserStoreView, MiddlewareComparison } from '../native/system/index.js';
import type { CardReadResult } from './card/card-read-result.js';

type CardSnapshot = Extract<CardReadResult, { kind: 'snapshot' }>;
import type { CardAnalysis } from './diagnostics/card-analysis.js';
import type { Lang } from './i18n/index.js';
import type { AppPhase, AppState, ReadProgress } from './ipc-contract.js';

/** Which card a read belongs to: the insertion (a card in a reader, numbered as they come) and which read of it. */
export interface ReadTicket {
  insertion: number;
  read: number;
}

export type ReadStage = Exclude<ReadProgress['stage'], 'done'>;

export type CardSlot =
  | {
      stage: 'reading';
      reader: string;
      ticket: ReadTicket;
      progress: ReadStage;
      /** What was read, while its certificates are checked (progress `diagnosing`). */
      snapshot: CardSnapshot | null;
    }
  | {
      stage: 'read';
      reader: string;
      ticket: ReadTicket;
      result: CardReadResult;
      analysis: CardAnalysis | null;
      /** What the middleware sees, once asked (null: not asked, not answered yet, or asking failed). */
      middleware: MiddlewareComparison[] | null;
      /** What the browser stores hold, once looked at (null: not asked, not answered yet, or looking failed). */
      browserStores: BrowserStoreView[] | null;
      /** The answers still to come for this card. */
      awaiting: readonly ('middleware' | 'browser-stores')[];
    };

/**
 * Which reader monitor the service watches. `absent`: none can be had (no PC/SC layer, no demo
 * card); `idle`: not started yet; `failed`: creating it threw; `watching`: started, and whether
 * the PC/SC service is up as far as it has said (`unknown` until its start has returned).
 */
export type MonitorStatus =
  | { kind: 'absent' }
  | { kind: 'idle' }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'watching'; service: 'unknown' | 'available' | 'lost'; error: SerializedError | null };

export interface ReaderSlot {
  name: string;
  /** The insertion of the card in it, or null when it is empty. */
  insertion: number | null;
}

export type LastEvent = NonNullable<AppState['lastEvent']>;

export interface ServiceState {
  lang: Lang;
  online: boolean;
  /** The reader the person follows; null: whichever holds a card. */
  selectedReader: string | null;
  /** The demo card in the virtual reader, for the report and the UI; null with real readers. */
  demoCard: string | null;
  monitor: MonitorStatus;
  /** The readers there at start have reported (or the wait for them is over). */
  readersSettled: boolean;
  readers: readonly ReaderSlot[];
  /** The card being read or read (the followed one); null: none. */
  card: CardSlot | null;
  /** The system facts as last collected (null: never), and whether a collection is under way. */
  system: SystemFact[] | null;
  systemPending: boolean;
  lastEvent: LastEvent | null;
  /** Which background answers the shell can give after a read (it was given the means to ask). */
  asks: { middleware: boolean; browserStores: boolean };
  nextInsertion: number;
  nextRead: number;
}

export type ServiceEvent =
  /** A new monitor is watched: everything the previous one said is forgotten. Sent before its start(). */
  | { type: 'monitor-switched' }
  /** Its start() returned; `serviceAvailable` as it says then. */
  | { type: 'monitor-started'; serviceAvailable: boolean }
  | { type: 'monitor-failed'; error: SerializedError }
  /** No monitor at all (leaving demo mode without a PC/SC layer). */
  | { type: 'monitor-absent' }
  | { type: 'reader-event'; event: ReaderEvent; at: string }
  | { type: 'readers-settled' }
  | { type: 'demo-card'; name: string | null }
  | { type: 'read-progress'; ticket: ReadTicket; stage: ReadStage }
  /** The read ended: `result` (card-removed included); `null`: the card was not there to connect to after all. */
  | { type: 'card-read'; ticket: ReadTicket; result: CardReadResult | null; at: string }
  | { type: 'card-analysed'; ticket: ReadTicket; analysis: CardAnalysis }
  /** `null`: asking failed. */
  | { type: 'middleware-answered'; ticket: ReadTicket; views: MiddlewareComparison[] | null }
  | { type: 'browser-stores-answered'; ticket: ReadTicket; stores: BrowserStoreView[] | null }
  | { type: 'system-facts-asked' }
  /** `null`: collecting failed (the facts collected before stay). */
  | { type: 'system-facts'; facts: SystemFact[] | null }
  | { type: 'language-chosen'; lang: Lang }
  | { type: 'reader-chosen'; reader: string | null }
  /** "Kontrollera kortet igen", F5, the online switch: read the followed card again. */
  | { type: 'rerun-requested'; online: boolean; recheckPins: boolean };

export type ServiceEffect =
  /** Connect to the card in `reader` and read it; `freshPinCounters`: ask its PIN counters anew even if this insertion's are known. */
  | { type: 'read-card'; ticket: ReadTicket; reader: string; freshPinCounters: boolean }
  /** A read that no longer counts: release its connection so it ends now (its result is dropped anyway). */
  | { type: 'cancel-read'; ticket: ReadTicket }
  | { type: 'analyse'; ticket: ReadTicket; snapshot: CardSnapshot }
  | { type: 'ask-middleware'; ticket: ReadTicket; snapshot: CardSnapshot }
  | { type: 'ask-browser-stores'; ticket: ReadTicket };

export interface Transition {
  state: ServiceState;
  effects: ServiceEffect[];
}

export function initialServiceState(options: {
  lang: Lang;
  online: boolean;
  /** False when the service has no way to get a monitor for real readers. */
  monitorAvailable: boolean;
  asks: ServiceState['asks'];
}): ServiceState {
  return {
    lang: options.lang,
    online: options.online,
    selectedReader: null,
    demoCard: null,
    monitor: options.monitorAvailable ? { kind: 'idle' } : { kind: 'absent' },
    readersSettled: false,
    readers: [],
    card: null,
    system: null,
    systemPending: false,
    lastEvent: null,
    asks: options.asks,
    nextInsertion: 1,
    nextRead: 1,
  };
}

export function sameTicket(a: ReadTicket, b: ReadTicket): boolean {
  return a.insertion === b.insertion && a.read === b.read;
}

/** The card slot, when `ticket` is the current card's: anything else is a result of a card that no longer counts. */
function currentCard(state: ServiceState, ticket: ReadTicket): CardSlot | null {
  return state.card && sameTicket(state.card.ticket, ticket) ? state.card : null;
}

function follows(state: ServiceState, reader: string): boolean {
  return state.selectedReader === null || state.selectedReader === reader;
}

/** The reader the person follows (or the first one) that holds a card. */
export function followedReaderWithCard(state: ServiceState): ReaderSlot | undefined {
  return state.readers.find((slot) => slot.insertion !== null && follows(state, slot.name));
}

/** The card slot goes: a read still under way is released. */
function dropCard(state: ServiceState): Transition {
  const effects: ServiceEffect[] = state.card?.stage === 'reading' ? [{ type: 'cancel-read', ticket: state.card.ticket }] : [];
  return { state: { ...state, card: null }, effects };
}

/** Starts a read of the card in `slot` (the current one, if any, no longer counts). */
function startRead(state: ServiceState, slot: ReaderSlot, freshPinCounters: boolean): Transition {
  if (slot.insertion === null) return { state, effects: [] };
  const dropped = dropCard(state);
  const ticket: ReadTicket = { insertion: slot.insertion, read: state.nextRead };
  return {
    state: { ...dropped.state, nextRead: state.nextRead + 1, card: { stage: 'reading', reader: slot.name, ticket, progress: 'connecting', snapshot: null } },
    effects: [...dropped.effects, { type: 'read-card', ticket, reader: slot.name, freshPinCounters }],
  };
}

/** After a change of reader choice: read the followed card, if there is one. */
function readFollowed(state: ServiceState): Transition {
  const slot = followedReaderWithCard(state);
  return slot ? startRead(state, slot, false) : { state, effects: [] };
}

function onReaderEvent(state: ServiceState, event: ReaderEvent, at: string): Transition {
  switch (event.type) {
    case 'reader-added':
      if (state.readers.some((slot) => slot.name === event.reader)) return { state, effects: [] };
      return { state: { ...state, readers: [...state.readers, { name: event.reader, insertion: null }] }, effects: [] };
    case 'reader-removed': {
      const next = { ...state, readers: state.readers.filter((slot) => slot.name !== event.reader) };
      return state.card?.reader === event.reader ? dropCard(next) : { state: next, effects: [] };
    }
    case 'card-inserted': {
      const insertion = state.nextInsertion;
      const known = state.readers.some((slot) => slot.name === event.reader);
      const readers = known
        ? state.readers.map((slot) => (slot.name === event.reader ? { ...slot, insertion } : slot))
        : [...state.readers, { name: event.reader, insertion }];
      const next: ServiceState = { ...state, readers, nextInsertion: insertion + 1, lastEvent: { kind: 'card-inserted', reader: event.reader, at } };
      // Read it when the person follows this reader (or any) and no card in another reader is
      // being read or shown: the first card wins until it leaves.
      const busyElsewhere = state.card !== null && state.card.reader !== event.reader;
      if (!follows(state, event.reader) || busyElsewhere) return { state: next, effects: [] };
      return startRead(next, { name: event.reader, insertion }, false);
    }
    case 'card-removed': {
      const next: ServiceState = {
        ...state,
        readers: state.readers.map((slot) => (slot.name === event.reader ? { ...slot, insertion: null } : slot)),
        lastEvent: { kind: 'card-removed', reader: event.reader, at },
      };
      return state.card?.reader === event.reader ? dropCard(next) : { state: next, effects: [] };
    }
    case 'service-lost': {
      // The monitor reports every card and reader gone after this; the card shown goes at once.
      const monitor: MonitorStatus = state.monitor.kind === 'watching' ? { kind: 'watching', service: 'lost', error: event.error } : state.monitor;
      return dropCard({ ...state, monitor, lastEvent: { kind: 'service-lost', reader: null, at } });
    }
    case 'service-restored': {
      const monitor: MonitorStatus = state.monitor.kind === 'watching' ? { kind: 'watching', service: 'available', error: null } : state.monitor;
      return { state: { ...state, monitor, lastEvent: { kind: 'service-restored', reader: null, at } }, effects: [] };
    }
  }
}

function onCardRead(state: ServiceState, ticket: ReadTicket, result: CardReadResult | null, at: string): Transition {
  const card = currentCard(state, ticket);
  if (card?.stage !== 'reading') return { state, effects: [] };
  // Not there to connect to after all (removed between the event and the connect): nothing to show.
  if (result === null) return { state: { ...state, card: null }, effects: [] };
  // Pulled out during the read: the reader's own event may come later, the person sees it now.
  if (result.kind === 'card-removed') return { state: { ...state, card: null, lastEvent: { kind: 'card-removed', reader: card.reader, at } }, effects: [] };
  if (result.kind === 'snapshot') {
    return { state: { ...state, card: { ...card, progress: 'diagnosing', snapshot: result } }, effects: [{ type: 'analyse', ticket, snapshot: result }] };
  }
  const read: CardSlot = { stage: 'read', reader: card.reader, ticket, result, analysis: null, middleware: null, browserStores: null, awaiting: [] };
  return { state: { ...state, card: read }, effects: [] };
}

/** The next background question for a card just read: the middleware first, then the browser stores (one module load at a time). */
function nextQuestion(card: Extract<CardSlot, { stage: 'read' }>): ServiceEffect[] {
  if (card.result.kind !== 'snapshot') return [];
  if (card.awaiting[0] === 'middleware') return [{ type: 'ask-middleware', ticket: card.ticket, snapshot: card.result }];
  if (card.awaiting[0] === 'browser-stores') return [{ type: 'ask-browser-stores', ticket: card.ticket }];
  return [];
}

export function reduce(state: ServiceState, event: ServiceEvent): Transition {
  switch (event.type) {
    case 'monitor-switched': {
      const dropped = dropCard(state);
      return {
        state: { ...dropped.state, monitor: { kind: 'watching', service: 'unknown', error: null }, readers: [], readersSettled: false },
        effects: dropped.effects,
      };
    }
    case 'monitor-started': {
      if (state.monitor.kind !== 'watching' || state.monitor.service !== 'unknown') return { state, effects: [] };
      const monitor: MonitorStatus = event.serviceAvailable ? { kind: 'watching', service: 'available', error: null } : { ...state.monitor, service: 'lost' };
      return { state: { ...state, monitor }, effects: [] };
    }
    case 'monitor-failed': {
      const dropped = dropCard(state);
      return { state: { ...dropped.state, monitor: { kind: 'failed', error: event.error }, readers: [] }, effects: dropped.effects };
    }
    case 'monitor-absent': {
      const dropped = dropCard(state);
      return { state: { ...dropped.state, monitor: { kind: 'absent' }, readers: [] }, effects: dropped.effects };
    }
    case 'reader-event':
      return onReaderEvent(state, event.event, event.at);
    case 'readers-settled':
      return { state: { ...state, readersSettled: true }, effects: [] };
    case 'demo-card':
      return { state: { ...state, demoCard: event.name }, effects: [] };
    case 'read-progress': {
      const card = currentCard(state, event.ticket);
      if (card?.stage !== 'reading') return { state, effects: [] };
      return { state: { ...state, card: { ...card, progress: event.stage } }, effects: [] };
    }
    case 'card-read':
      return onCardRead(state, event.ticket, event.result, event.at);
    case 'card-analysed': {
      const card = currentCard(state, event.ticket);
      if (card?.stage !== 'reading' || card.snapshot === null) return { state, effects: [] };
      const awaiting: ('middleware' | 'browser-stores')[] = [];
      if (state.asks.middleware) awaiting.push('middleware');
      if (state.asks.browserStores) awaiting.push('browser-stores');
      const read: CardSlot = {
        stage: 'read',
        reader: card.reader,
        ticket: card.ticket,
        result: card.snapshot,
        analysis: event.analysis,
        middleware: null,
        browserStores: null,
        awaiting,
      };
      return { state: { ...state, card: read }, effects: nextQuestion(read) };
    }
    case 'middleware-answered': {
      const card = currentCard(state, event.ticket);
      if (card?.stage !== 'read' || card.awaiting[0] !== 'middleware') return { state, effects: [] };
      const next = { ...card, middleware: event.views ?? card.middleware, awaiting: card.awaiting.slice(1) };
      return { state: { ...state, card: next }, effects: nextQuestion(next) };
    }
    case 'browser-stores-answered': {
      const card = currentCard(state, event.ticket);
      if (card?.stage !== 'read' || card.awaiting[0] !== 'browser-stores') return { state, effects: [] };
      const next = { ...card, browserStores: event.stores ?? card.browserStores, awaiting: card.awaiting.slice(1) };
      return { state: { ...state, card: next }, effects: [] };
    }
    case 'system-facts-asked':
      return { state: { ...state, systemPending: true }, effects: [] };
    case 'system-facts':
      return { state: { ...state, systemPending: false, system: event.facts ?? state.system }, effects: [] };
    case 'language-chosen':
      return { state: { ...state, lang: event.lang }, effects: [] };
    case 'reader-chosen': {
      const dropped = dropCard({ ...state, selectedReader: event.reader });
      const read = readFollowed(dropped.state);
      return { state: read.state, effects: [...dropped.effects, ...read.effects] };
    }
    case 'rerun-requested': {
      const next = { ...state, online: event.online };
      const reader = state.card?.reader;
      const slot = (reader !== undefined ? next.readers.find((r) => r.name === reader && r.insertion !== null) : undefined) ?? followedReaderWithCard(next);
      return slot ? startRead(next, slot, event.recheckPins) : { state: next, effects: [] };
    }
  }
}

/** What the person is shown, from the state alone. */
export function phaseOf(state: ServiceState): AppPhase {
  switch (state.monitor.kind) {
    // Without the PC/SC layer (not given, or its binding failed to load) there is no service to ask.
    case 'absent':
    case 'failed':
      return 'no-service';
    case 'idle':
      return 'starting';
    case 'watching':
      break;
  }
  if (state.monitor.service === 'unknown') return 'starting';
  if (state.monitor.service === 'lost') return 'no-service';
  // Until the readers that are already there have reported, "no reader" would be a false alarm.
  if (state.readers.length === 0) return state.readersSettled ? 'no-reader' : 'starting';
  if (state.card === null) return 'no-card';
  if (state.card.stage === 'reading') return 'reading';
  return state.card.result.kind === 'snapshot' ? 'ready' : 'card-error';
}

/** The verdict is known: the readers have reported (or the service is down) and no read is under way. */
export function isReady(state: ServiceState): boolean {
  const phase = phaseOf(state);
  if (phase === 'starting' || phase === 'reading') return false;
  return phase === 'no-service' || state.readersSettled;
}

/** Ready, and every answer asked for in the background is in: the system facts, the middleware's and the browser stores' view of the card. */
export function isSettled(state: ServiceState): boolean {
  if (!isReady(state) || state.systemPending) return false;
  return state.card?.stage !== 'read' || state.card.awaiting.length === 0;
}
