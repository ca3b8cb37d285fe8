/**
 * The application service: owns the reader monitor (PC/SC, or the demo reader), reads the card on
 * each card event, runs the diagnosis, keeps the current state and emits immutable snapshots. Both
 * faces use it: the desktop app through IPC, the CLI directly. It knows no Electron and no PC/SC
 * binding: the faces hand it a monitor factory. What it shows is a pure function of the events
 * (service-state.ts); this is the shell that feeds them in and runs what they ask for.
 */
import { arch, platform, release, type as osType } from 'node:os';
import type { CardConnection, ReaderMonitor, ReaderState } from '../native/transport.js';
import { isTransportError, toHex } from '../native/transport.js';
import type { SystemFact } from '../native/system/types.js';
import { compareMiddlewareWithCard, type BrowserStoreView, type Pkcs11ModuleView } from '../native/system/index.js';
import { systemClock, type Clock } from '../native/clock.js';
import { readCard, type PinCounterReading } from './card/read-card.js';
import { probeCardForReport, type CardProbeReport } from './card/card-probe-report.js';
import { identifyCard } from './card/profiles.js';
import type { CardReadResult } from './card/card-read-result.js';
import { analyseCardCertificates, type CardAnalysisOptions } from './diagnostics/card-analysis.js';
import { buildDiagnosticReport, type DiagnosisFacts } from './diagnostics/diagnose.js';
import type { DiagnosticReport } from './diagnostics/report-types.js';
import { renderReport } from './diagnostics/render.js';
import { redactReport } from './diagnostics/redact.js';
import { defineMessages, type Lang } from './i18n/index.js';
import type {
  AppState,
  AppStateCommon,
  DemoCardInfo,
  PinOperationCall,
  PinOperationOffer,
  PinOperationResponse,
  PinOperationsView,
  ReadProgress,
  ReportFormat,
  ReportOfCard,
  ReportWithoutCard,
} from './ipc-contract.js';
import { performPinOperation, type PinOperationRequest } from './card/pin/pin-operations.js';
import { pinOutcomeDetail } from './card/pin/pin-outcome-detail.js';
import { PinSecret } from './card/pin/pin-secret.js';
import { sithsPinPolicy } from './card/pin/pin-policy.js';
import { buildLoginGuide, defaultLoginUrl } from './login/guide.js';
import type { KortkollService } from './service-types.js';
import { createDemoReader, demoCards, loadDemoCard, type DemoReader } from './demo-cards.js';
import {
  followedReaderWithCard,
  initialServiceState,
  isReady,
  isSettled,
  phaseOf,
  reduce,
  type ReadTicket,
  type ServiceEffect,
  type ServiceEvent,
  type ServiceState,
} from './service-state.js';

export interface KortkollServiceOptions {
  lang?: Lang;
  /** Start with this virtual card instead of real readers. */
  demoCard?: string | null;
  loginUrl?: string;
  /** Check revocation online (OCSP/CRL). Off by default. */
  online?: boolean;
  /** Creates the PC/SC reader monitor (native/pcsc); absent: only demo cards are available. Called again after demo mode. */
  monitorFactory?: () => ReaderMonitor;
  /** Operating-system and middleware facts (native/system); run in the background, never blocks a read. */
  collectSystemFacts?: () => Promise<SystemFact[]>;
  /**
   * Asks the middleware's PKCS#11 module(s) what they see (native/system, in a child process), after
   * each read: the diagnosis then says whether the middleware sees the card we read. Off when absent.
   */
  inspectMiddleware?: () => Promise<Pkcs11ModuleView[]>;
  /**
   * Reads the browser certificate stores (native/system/browser-store) after each read, after the
   * middleware was asked: the diagnosis then says whether the browser will offer the login certificate.
   */
  inspectBrowserStores?: () => Promise<BrowserStoreView[]>;
  anchorsFile?: CardAnalysisOptions['anchorsFile'];
  fetch?: CardAnalysisOptions['fetch'];
  clock?: Clock;
  appVersion?: string;
  /** For tests: the path of pcsc-tools' ATR list (null: do not look). */
  smartcardListPath?: string | null;
}

const progressMessages = defineMessages(
  'progress',
  {
    connecting: 'Ansluter till kortet …',
    'reading-auth': 'Läser inloggningscertifikat och PIN …',
    'auth-ready': 'Inloggningscertifikat och PIN klara, läser resten …',
    'reading-rest': 'Läser resten av kortet …',
    diagnosing: 'Kontrollerar certifikaten …',
    done: 'Klart',
  },
  {
    connecting: 'Connecting to the card …',
    'reading-auth': 'Reading the login certificate and PIN …',
    'auth-ready': 'Login certificate and PIN known, reading the rest …',
    'reading-rest': 'Reading the rest of the card …',
    diagnosing: 'Checking the certificates …',
    done: 'Done',
  },
);

/** Longest wait at start for PC/SC to report the readers that are there (a machine without any sends nothing). */
const readersSettleMs = 1500;

const progressPercent: Record<ReadProgress['stage'], number> = {
  connecting: 5,
  'reading-auth': 20,
  'auth-ready': 60,
  'reading-rest': 70,
  diagnosing: 90,
  done: 100,
};

function osName(): string {
  return `${osType()} ${release()}`;
}

function serializedError(error: unknown): { code: string; message: string } {
  return { code: isTransportError(error) ? error.code : 'pcsc-error', message: error instanceof Error ? error.message : String(error) };
}

/** A read under way: its connection, so that a read that no longer counts can be ended at once. */
interface ReadJob {
  connection: CardConnection | null;
  cancelled: boolean;
}

/**
 * The shell around the pure state (service-state.ts): it owns the reader monitor, turns what the
 * monitor, the card reads and the background questions report into events, and runs the effects
 * the state asks for.
 *
 * Demo mode is a monitor like any other (demo-cards.ts: one virtual reader). The service watches
 * one monitor at a time and swaps them: choosing a demo card closes the PC/SC monitor and watches
 * the demo reader; choosing none takes the card out and watches PC/SC again. Not a composite of
 * both: in demo mode the report lists the demo reader only, and no real card is read while a demo
 * card is shown, as before.
 */
class Service implements KortkollService {
  readonly loginUrl: string;
  private readonly listeners = new Set<(state: AppState) => void>();
  /** `ready` / `whenSettled` calls waiting; told after each snapshot and at close. */
  private readonly waiters = new Set<(force: boolean) => void>();
  private readonly clock: Clock;
  private readonly version: string;
  private core: ServiceState;
  private state: AppState;
  private seq = 0;
  private monitor: ReaderMonitor | null = null;
  /** The demo reader, while it is the monitor watched. */
  private demoReader: DemoReader | null = null;
  private stopWatching: (() => void) | null = null;
  /** Events handled inside a batch are shown as one snapshot at its end. */
  private batchDepth = 0;
  private readonly pending: ServiceEvent[] = [];
  private readonly effectsDue: ServiceEffect[] = [];
  private dispatching = false;
  private waitersCheckQueued = false;
  private readonly jobs = new Map<number, ReadJob>();
  /** Card reads run one at a time, in order: two reads of one card would interleave their APDUs. */
  private readQueue: Promise<void> = Promise.resolve();
  /** Reads and certificate checks under way: `start`, `runDiagnosis` … resolve when they are done. */
  private readonly cardWork = new Set<Promise<void>>();
  /**
   * The PIN counters asked during one insertion: re-runs reuse them (VERIFY without data can count
   * as a try on some cards); a new insertion, or the person's own "Kontrollera kortet igen", starts afresh.
   */
  private pinMemory: { insertion: number; counters: Map<string, PinCounterReading> } | null = null;
  /** A PIN operation is under way (never two at once, and never during a read). */
  private operating = false;
  private closed = false;

  constructor(private readonly options: KortkollServiceOptions) {
    this.loginUrl = options.loginUrl ?? defaultLoginUrl;
    this.clock = options.clock ?? systemClock;
    this.version = options.appVersion ?? '0.0.0';
    this.core = initialServiceState({
      lang: options.lang ?? 'sv',
      online: options.online ?? false,
      monitorAvailable: options.monitorFactory !== undefined,
      asks: { middleware: options.inspectMiddleware !== undefined, browserStores: options.inspectBrowserStores !== undefined },
    });
    this.state = this.snapshot();
  }

  async start(): Promise<void> {
    this.refreshSystemFacts();
    if (this.options.demoCard) {
      await this.useDemoCard(this.options.demoCard);
      return;
    }
    this.watchRealReaders();
    await this.cardWorkDone();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch();
    for (const job of this.jobs.values()) this.cancelJob(job);
    this.listeners.clear();
    for (const waiter of [...this.waiters]) waiter(true);
  }

  getState(): AppState {
    return this.state;
  }

  subscribe(listener: (state: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ready(options: { timeoutMs?: number } = {}): Promise<AppState> {
    return this.until(isReady, options.timeoutMs);
  }

  whenSettled(options: { timeoutMs?: number } = {}): Promise<AppState> {
    return this.until(isSettled, options.timeoutMs);
  }

  async runDiagnosis(options: { online: boolean; recheckPins?: boolean }): Promise<AppState> {
    this.refreshSystemFacts();
    this.dispatch({ type: 'rerun-requested', online: options.online, recheckPins: options.recheckPins === true });
    await this.cardWorkDone();
    return this.state;
  }

  renderReport(options: { format: ReportFormat; redact: boolean }): string {
    const report = this.state.report;
    if (!report) throw new Error('There is no report yet');
    return renderReport(options.redact ? redactReport(report) : report, options.format);
  }

  async chooseReader(reader: string | null): Promise<AppState> {
    this.dispatch({ type: 'reader-chosen', reader });
    await this.cardWorkDone();
    return this.state;
  }

  setLanguage(lang: Lang): AppState {
    this.dispatch({ type: 'language-chosen', lang });
    return this.state;
  }

  listDemoCards(): DemoCardInfo[] {
    return demoCards(this.core.lang);
  }

  async useDemoCard(name: string | null): Promise<AppState> {
    if (name === null) {
      this.batch(() => {
        // The card leaves the demo reader (the person sees it taken out), then the real readers are watched.
        this.demoReader?.remove();
        this.dispatch({ type: 'demo-card', name: null });
        if (this.demoReader || !this.monitor) this.watchRealReaders();
      });
    } else {
      // Built first: an unknown name rejects before anything changes.
      const card = await loadDemoCard(name);
      if (this.closed) return this.state;
      this.batch(() => {
        if (!this.demoReader) {
          const demoReader = createDemoReader();
          this.watch(demoReader.monitor);
          this.demoReader = demoReader;
        }
        this.dispatch({ type: 'demo-card', name });
        this.demoReader.insert(card);
      });
    }
    await this.cardWorkDone();
    return this.state;
  }

  async probeCard(): Promise<CardProbeReport> {
    const probeOptions = { clock: this.clock, ...(this.options.smartcardListPath !== undefined && { smartcardListPath: this.options.smartcardListPath }) };
    // Our own read selects files as it goes; a probe in between would change what it reads.
    if (this.core.card?.stage === 'reading') throw Object.assign(new Error('The card is being read; try again when the read is done'), { code: 'busy' });
    const reader = this.cardReader();
    if (!this.monitor || !reader) throw Object.assign(new Error('There is no card to report'), { code: 'no-card' });
    const connection = await this.monitor.connect(reader);
    try {
      return await probeCardForReport(connection, probeOptions);
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  }

  async pinOperation(call: PinOperationCall): Promise<PinOperationResponse> {
    // The typed strings become wipeable secrets at once; `call` is not kept, logged or echoed.
    const request = pinRequestOf(call);
    const confirmedLastTry = call.confirmedLastTry === true;
    try {
      if (this.core.card?.stage === 'reading' || this.operating)
        throw Object.assign(new Error('The card is busy; try again when the read or operation is done'), { code: 'busy' });
      this.operating = true;
      let outcome: PinOperationResponse['outcome'];
      try {
        const connection = await this.pinConnection();
        let resetCard = true;
        try {
          const { pinCommandSent, ...rest } = await performPinOperation(connection, request, {
            clock: this.clock,
            confirm: () => confirmedLastTry,
            ...(this.options.smartcardListPath !== undefined && { smartcardListPath: this.options.smartcardListPath }),
          });
          resetCard = pinCommandSent;
          outcome = rest;
        } finally {
          // After a PIN command (or when it is not known whether one went out) the card is reset, so
          // a verified PIN does not stay verified for other programs.
          await connection.disconnect({ resetCard }).catch(() => undefined);
        }
      } finally {
        this.operating = false;
      }
      // Read the card again (counters asked anew): the counters, the four login steps and the verdict
      // follow the card. A refusal changed nothing on the card.
      const state = outcome.kind === 'refused' ? this.state : await this.runDiagnosis({ online: this.core.online, recheckPins: true });
      return { outcome, outcomeDetail: pinOutcomeDetail(outcome, state.lang), state };
    } finally {
      wipeRequest(request);
    }
  }

  /** The reader of the card shown (or being read), else the followed reader that holds one. */
  private cardReader(): string | undefined {
    return this.core.card?.reader ?? followedReaderWithCard(this.core)?.name;
  }

  /** A shared connection of its own to the card in the followed reader. */
  private async pinConnection(): Promise<CardConnection> {
    const reader = this.cardReader();
    if (!this.monitor || !reader) throw Object.assign(new Error('There is no card in the reader'), { code: 'no-card' });
    try {
      return await this.monitor.connect(reader);
    } catch (error) {
      const code = isTransportError(error) ? error.code : 'pcsc-error';
      throw Object.assign(new Error(code === 'sharing-violation' ? 'Another program holds the card' : 'Could not connect to the card'), { code });
    }
  }

  // ---- the monitor -----------------------------------------------------------------------------

  /** Watches PC/SC through the face's monitor factory; without one there are no real readers. */
  private watchRealReaders(): void {
    this.demoReader = null;
    const factory = this.options.monitorFactory;
    if (!factory) {
      this.unwatch();
      this.dispatch({ type: 'monitor-absent' });
      return;
    }
    let monitor: ReaderMonitor;
    try {
      monitor = factory();
    } catch (error) {
      this.unwatch();
      this.dispatch({ type: 'monitor-failed', error: serializedError(error) });
      return;
    }
    this.watch(monitor);
  }

  /** Makes `monitor` the one watched (the previous one is closed) and starts it. */
  private watch(monitor: ReaderMonitor): void {
    this.unwatch();
    this.monitor = monitor;
    this.batch(() => {
      this.dispatch({ type: 'monitor-switched' });
      // PC/SC reports the readers already there as events, a moment after start: a machine with no
      // reader says so by sending none. The wait is bounded; every reader's first status ends it sooner.
      const unreported = new Set<string>();
      let settled = false;
      const settle = () => {
        if (settled || this.monitor !== monitor) return;
        settled = true;
        clearTimeout(timer);
        this.dispatch({ type: 'readers-settled' });
      };
      const timer = setTimeout(settle, readersSettleMs);
      timer.unref?.();
      const unsubscribe = monitor.onEvent((event) => {
        if (event.type === 'reader-added' && !settled) {
          unreported.add(event.reader);
          void monitor.readerReported(event.reader).then(() => {
            unreported.delete(event.reader);
            if (unreported.size === 0) settle();
          });
        }
        this.dispatch({ type: 'reader-event', event, at: this.now() });
      });
      this.stopWatching = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      try {
        monitor.start();
        this.dispatch({ type: 'monitor-started', serviceAvailable: monitor.serviceAvailable });
      } catch (error) {
        this.unwatch();
        this.dispatch({ type: 'monitor-failed', error: serializedError(error) });
      }
    });
  }

  private unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    const monitor = this.monitor;
    this.monitor = null;
    if (monitor) void monitor.close().catch(() => undefined);
  }

  // ---- events and effects ----------------------------------------------------------------------

  private now(): string {
    return this.clock.now().toISOString();
  }

  /**
   * Feeds one event to the state and runs the effects it asks for. An event raised while another
   * is handled (a listener that inserts a card, say) waits its turn: events are handled one at a
   * time, in order.
   */
  private dispatch(event: ServiceEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        const { state, effects } = reduce(this.core, next);
        this.core = state;
        this.effectsDue.push(...effects);
        if (this.batchDepth === 0) this.showAndRun();
      }
    } finally {
      this.dispatching = false;
    }
  }

  private batch(body: () => void): void {
    this.batchDepth++;
    try {
      body();
    } finally {
      this.batchDepth--;
    }
    if (this.batchDepth === 0) this.showAndRun();
  }

  /**
   * Emits the new snapshot, then runs the effects that led to it: whatever an effect asks (the
   * middleware, the browser stores, a face's callback) sees the state it was asked in.
   */
  private showAndRun(): void {
    this.emit();
    for (const effect of this.effectsDue.splice(0)) this.run(effect);
  }

  private run(effect: ServiceEffect): void {
    switch (effect.type) {
      case 'read-card':
        this.track(this.queueRead(effect));
        return;
      case 'cancel-read': {
        const job = this.jobs.get(effect.ticket.read);
        if (job) this.cancelJob(job);
        return;
      }
      case 'analyse':
        this.track(this.analyse(effect.ticket, effect.snapshot));
        return;
      case 'ask-middleware':
        this.askMiddleware(effect.ticket, effect.snapshot);
        return;
      case 'ask-browser-stores':
        this.askBrowserStores(effect.ticket);
        return;
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined);
    this.cardWork.add(tracked);
    void tracked.finally(() => this.cardWork.delete(tracked));
  }

  /** Resolves when no read or certificate check is under way (one may start another: waits for that too). */
  private async cardWorkDone(): Promise<void> {
    while (this.cardWork.size > 0) await Promise.all([...this.cardWork]);
  }

  private cancelJob(job: ReadJob): void {
    job.cancelled = true;
    // Its next exchange fails and the read ends; what it read is dropped by the state anyway.
    void job.connection?.disconnect().catch(() => undefined);
  }

  private queueRead(effect: Extract<ServiceEffect, { type: 'read-card' }>): Promise<void> {
    const job: ReadJob = { connection: null, cancelled: false };
    this.jobs.set(effect.ticket.read, job);
    const read = this.readQueue.then(() => this.readInsertion(effect, job)).finally(() => this.jobs.delete(effect.ticket.read));
    this.readQueue = read.catch(() => undefined);
    return read;
  }

  private async readInsertion(effect: Extract<ServiceEffect, { type: 'read-card' }>, job: ReadJob): Promise<void> {
    const monitor = this.monitor;
    if (job.cancelled || !monitor) return;
    const { ticket, reader } = effect;
    let connection: CardConnection;
    try {
      connection = await monitor.connect(reader);
    } catch (e) {
      // No card after all (removed between the event and the connect), or held by another program.
      const code = isTransportError(e) ? e.code : 'pcsc-error';
      const atr = monitor.readers().find((r) => r.name === reader)?.atr ?? new Uint8Array();
      this.dispatch({
        type: 'card-read',
        ticket,
        result: code === 'no-card' || code === 'card-removed' ? null : transportFailure(reader, atr, e),
        at: this.now(),
      });
      return;
    }
    job.connection = connection;
    let result: CardReadResult;
    try {
      if (job.cancelled) return;
      // Whether the reader has a PIN pad (one SCardControl, answered at once; "no" is an answer,
      // not an error): the readers view and the report show it, PIN dialogs use it.
      await connection.pinpad?.features().catch(() => undefined);
      this.dispatch({ type: 'read-progress', ticket, stage: 'reading-auth' });
      result = await readCard(connection, {
        clock: this.clock,
        pinCounters: this.pinCountersFor(effect),
        ...(this.options.smartcardListPath !== undefined && { smartcardListPath: this.options.smartcardListPath }),
        onProgress: (event) => {
          if (event.stage === 'auth-ready') this.dispatch({ type: 'read-progress', ticket, stage: 'auth-ready' });
        },
      });
    } finally {
      // Released as soon as it has been read (the middleware asked next opens the card itself),
      // but the verdict does not wait for the release: a card that stopped answering mid-exchange
      // is released only once its last exchange ends, which may be when it is taken out.
      void connection.disconnect().catch(() => undefined);
    }
    this.dispatch({ type: 'card-read', ticket, result, at: this.now() });
  }

  /** This insertion's PIN counters (a fresh memory for a new insertion, or when asked to ask anew). */
  private pinCountersFor(effect: Extract<ServiceEffect, { type: 'read-card' }>): Map<string, PinCounterReading> {
    if (effect.freshPinCounters || this.pinMemory?.insertion !== effect.ticket.insertion) {
      this.pinMemory = { insertion: effect.ticket.insertion, counters: new Map() };
    }
    return this.pinMemory.counters;
  }

  private async analyse(ticket: ReadTicket, snapshot: Extract<CardReadResult, { kind: 'snapshot' }>): Promise<void> {
    const analysis = await analyseCardCertificates(snapshot, {
      now: this.clock.now(),
      online: this.core.online,
      ...(this.options.anchorsFile !== undefined && { anchorsFile: this.options.anchorsFile }),
      ...(this.options.fetch && { fetch: this.options.fetch }),
    });
    this.dispatch({ type: 'card-analysed', ticket, analysis });
  }

  /** After the read (our connection is closed by then, so the module can open the card itself). */
  private askMiddleware(ticket: ReadTicket, snapshot: Extract<CardReadResult, { kind: 'snapshot' }>): void {
    const inspect = this.options.inspectMiddleware;
    if (!inspect) return;
    const certificates = snapshot.certificates.map((c) => c.der);
    const pins = snapshot.pins.map((p) => ({
      label: p.label ?? p.authId,
      triesLeft: p.triesLeft === 'unknown' ? null : p.triesLeft,
      maxTries: p.maxTries === 'unknown' ? null : p.maxTries,
    }));
    Promise.resolve()
      .then(inspect)
      .then(
        (views) => this.dispatch({ type: 'middleware-answered', ticket, views: views.map((view) => compareMiddlewareWithCard(view, certificates, pins)) }),
        () => this.dispatch({ type: 'middleware-answered', ticket, views: null }),
      );
  }

  private askBrowserStores(ticket: ReadTicket): void {
    const look = this.options.inspectBrowserStores;
    if (!look) return;
    Promise.resolve()
      .then(look)
      .then(
        (stores) => this.dispatch({ type: 'browser-stores-answered', ticket, stores }),
        () => this.dispatch({ type: 'browser-stores-answered', ticket, stores: null }),
      );
  }

  private refreshSystemFacts(): void {
    const collect = this.options.collectSystemFacts;
    if (!collect) return;
    this.dispatch({ type: 'system-facts-asked' });
    Promise.resolve()
      .then(collect)
      .then(
        (facts) => this.dispatch({ type: 'system-facts', facts }),
        () => this.dispatch({ type: 'system-facts', facts: null }),
      );
  }

  /** The first state for which `done` holds; the state at `timeoutMs`, if given, when it never does (or at close). */
  private until(done: (state: ServiceState) => boolean, timeoutMs?: number): Promise<AppState> {
    return new Promise((resolve) => {
      if (done(this.core) || this.closed) {
        resolve(this.state);
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const waiter = (force: boolean) => {
        if (!force && !done(this.core)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(this.state);
      };
      this.waiters.add(waiter);
      if (timeoutMs !== undefined) timer = setTimeout(() => waiter(true), timeoutMs);
    });
  }

  // ---- the snapshot ----------------------------------------------------------------------------

  private snapshot(): AppState {
    return appStateOf(this.core, {
      seq: ++this.seq,
      readers: this.monitor?.readers() ?? [],
      now: this.clock.now(),
      version: this.version,
      loginUrl: this.loginUrl,
    });
  }

  private emit(): void {
    this.state = this.snapshot();
    for (const listener of [...this.listeners]) {
      try {
        listener(this.state);
      } catch {
        // A failing listener must not stop the others or the service.
      }
    }
    // After the events raised together (a swap is a removal and an insertion in one go): a
    // waiter must not take the moment between the two for a settled state.
    if (this.waiters.size > 0 && !this.waitersCheckQueued) {
      this.waitersCheckQueued = true;
      queueMicrotask(() => {
        this.waitersCheckQueued = false;
        for (const waiter of [...this.waiters]) waiter(false);
      });
    }
  }
}

function transportFailure(reader: string, atr: Uint8Array, error: unknown): CardReadResult {
  const code = isTransportError(error) ? error.code : 'pcsc-error';
  return {
    kind: 'transport-error',
    code,
    pcscCode: isTransportError(error) ? (error.pcscCode ?? null) : null,
    reader,
    atr: toHex(atr),
    profile: identifyCard(atr, { smartcardListPath: null }),
    stage: 'select-application',
    message: error instanceof Error ? error.message : String(error),
    stats: { apduCount: 0, bytesSent: 0, bytesReceived: 0, durationMs: 0, authReady: null },
    apduLog: [],
  };
}

/** What the faces are shown: the state, the monitor's readers (flags, ATRs, PIN pads) and the moment. */
function appStateOf(core: ServiceState, context: { seq: number; readers: ReaderState[]; now: Date; version: string; loginUrl: string }): AppState {
  const phase = phaseOf(core);
  const card = core.card;
  const read = card?.stage === 'read' ? card : null;
  const reading = card?.stage === 'reading' ? card : null;
  const facts: DiagnosisFacts = {
    generatedAt: context.now,
    app: { version: context.version },
    os: { name: osName(), platform: platform(), arch: arch() },
    online: core.online,
    demoCard: core.demoCard,
    service: serviceOf(core),
    readers: context.readers,
    selectedReader: card?.reader ?? core.selectedReader,
    reading: reading !== null,
    read: read?.result ?? null,
    analysis: read?.analysis ?? null,
    system: core.system,
    middleware: read?.middleware ?? null,
    browserStores: read?.browserStores ?? null,
  };
  const report = phase === 'starting' ? null : buildDiagnosticReport(facts, core.lang);
  const common: AppStateCommon = {
    seq: context.seq,
    lang: core.lang,
    demoCard: core.demoCard,
    selectedReader: core.selectedReader,
    readers: report?.readers ?? [],
    guide: buildLoginGuide({ phase, report, lang: core.lang, loginUrl: context.loginUrl }),
    lastEvent: core.lastEvent,
    onlineChecks: core.online,
  };
  // The phase, the report's card and the progress all follow from the one card slot (phaseOf):
  // `reading` has a read under way, `ready` and `card-error` a read card, the others none.
  if (report === null) return Object.freeze({ ...common, phase: 'starting', report: null, progress: null, pinOperations: null });
  switch (phase) {
    case 'starting':
      throw new Error('A starting state has no report');
    case 'reading': {
      const stage = reading?.progress ?? 'connecting';
      const progress: ReadProgress = { stage, percent: progressPercent[stage], message: progressMessages.t(stage, core.lang) };
      return Object.freeze({ ...common, phase, report: reportWithoutCard(report), progress, pinOperations: null });
    }
    case 'ready': {
      const ofCard = reportOfCard(report);
      return Object.freeze({ ...common, phase, report: ofCard, progress: null, pinOperations: read ? pinOperationsOf(read.result, ofCard.pins) : null });
    }
    case 'card-error':
      return Object.freeze({ ...common, phase, report: reportOfCard(report), progress: null, pinOperations: null });
    default:
      return Object.freeze({ ...common, phase, report: reportWithoutCard(report), progress: null, pinOperations: null });
  }
}

function reportOfCard(report: DiagnosticReport): ReportOfCard {
  if (report.card === null) throw new Error('A card was read but its report has no card');
  return report as ReportOfCard;
}

function reportWithoutCard(report: DiagnosticReport): ReportWithoutCard {
  if (report.card !== null) throw new Error('No card was read but the report has one');
  return report as ReportWithoutCard;
}

/** The PC/SC service as the report states it (a demo reader is a service that is up). */
function serviceOf(core: ServiceState): DiagnosisFacts['service'] {
  const monitor = core.monitor;
  if (monitor.kind === 'watching' && monitor.service === 'available') return { available: true };
  const error = monitor.kind === 'failed' || monitor.kind === 'watching' ? monitor.error : null;
  return { available: false, ...(error && { error }) };
}

function pinRequestOf(call: PinOperationCall): PinOperationRequest {
  const values = call.values as Record<string, string>;
  const secret = (name: string) => PinSecret.fromText(values[name] ?? '');
  switch (call.kind) {
    case 'test':
      return { kind: 'test', pin: call.pin, value: secret('pin') };
    case 'change':
      return { kind: 'change', pin: call.pin, current: secret('current'), next: secret('next'), confirmation: secret('confirmation') };
    case 'unblock':
      return { kind: 'unblock', pin: call.pin, puk: secret('puk'), next: secret('next'), confirmation: secret('confirmation') };
  }
}

function wipeRequest(request: PinOperationRequest): void {
  // performPinOperation wipes too; this covers the refusals before it ran.
  if (request.kind === 'test') request.value.wipe();
  else {
    if (request.kind === 'change') request.current.wipe();
    else request.puk.wipe();
    request.next.wipe();
    request.confirmation.wipe();
  }
}

/**
 * The operations offered for the card just read: only when its structure is confirmed (and for
 * PKCS#15 its type known to take VERIFY without data), and only for a PIN whose counter was read
 * during this insertion. Unblocking only on PKCS#15 cards, and only where the card names a PUK.
 */
function pinOperationsOf(read: CardReadResult, reportPins: readonly { role: string; label: string }[]): PinOperationsView | null {
  if (read.kind !== 'snapshot') return null;
  if (read.structure === 'pkcs15' && !(read.profile.known && read.profile.pinCounterProbe)) return null;
  const pins: PinOperationOffer[] = [];
  for (const pin of read.pins) {
    if (pin.role !== 'authentication' && pin.role !== 'signature') continue;
    if (pin.reference === null || typeof pin.triesLeft !== 'number' || pin.counter.source === 'not-probed') continue;
    const blocked = pin.blocked === true || pin.triesLeft === 0;
    const puk = pin.unblockedBy ? read.pins.find((other) => other.authId === pin.unblockedBy) : read.pins.find((other) => other.role === 'puk');
    pins.push({
      pin: pin.role,
      label: reportPins.find((p) => p.role === pin.role)?.label ?? pin.label ?? pin.role,
      triesLeft: pin.triesLeft,
      maxTries: typeof pin.maxTries === 'number' ? pin.maxTries : null,
      blocked,
      test: !blocked,
      change: !blocked,
      unblock: read.structure === 'pkcs15' && puk !== undefined && puk.reference !== null,
      pukTriesLeft: puk && typeof puk.triesLeft === 'number' ? puk.triesLeft : null,
    });
  }
  if (pins.length === 0) return null;
  return { structure: read.structure, policy: { pinDigits: sithsPinPolicy.pin.digits, pukDigits: sithsPinPolicy.puk.digits }, pins };
}

export function createKortkollService(options: KortkollServiceOptions = {}): KortkollService {
  return new Service(options);
}
