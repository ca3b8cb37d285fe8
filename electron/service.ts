/**
 * The application service: owns the reader monitor (or the demo card), reads the card on each
 * card event, runs the diagnosis, keeps the current state and emits immutable snapshots. Both
 * faces use it: the desktop app through IPC, the CLI directly. It knows no Electron and no PC/SC
 * binding: the faces hand it a monitor factory.
 */
import { arch, platform, release, type as osType } from 'node:os';
import type { CardConnection, ReaderEvent, ReaderMonitor, ReaderState } from '../native/transport.js';
import { isTransportError, toHex } from '../native/transport.js';
import type { SystemFact } from '../native/system/types.js';
import { compareMiddlewareWithCard, type BrowserStoreView, type MiddlewareComparison, type Pkcs11ModuleView } from '../native/system/index.js';
import { systemClock, type Clock } from '../native/clock.js';
import { readCard, type PinCounterReading } from './card/read-card.js';
import { probeCardForReport, type CardProbeReport } from './card/card-probe-report.js';
import { identifyCard } from './card/profiles.js';
import type { CardReadResult } from './card/card-read-result.js';
import { analyseCardCertificates, type CardAnalysis, type CardAnalysisOptions } from './diagnostics/card-analysis.js';
import { buildDiagnosticReport, type DiagnosisFacts } from './diagnostics/diagnose.js';
import { renderReport } from './diagnostics/render.js';
import { redactReport } from './diagnostics/redact.js';
import { defineMessages, type Lang } from './i18n/index.js';
import type {
  AppPhase,
  AppState,
  DemoCardInfo,
  PinOperationCall,
  PinOperationOffer,
  PinOperationResponse,
  PinOperationsView,
  ReadProgress,
  ReportFormat,
} from './ipc-contract.js';
import { performPinOperation, type PinOperationRequest } from './card/pin/pin-operations.js';
import { pinOutcomeDetail } from './card/pin/pin-outcome-detail.js';
import { PinSecret } from './card/pin/pin-secret.js';
import { sithsPinPolicy } from './card/pin/pin-policy.js';
import { buildLoginGuide, defaultLoginUrl } from './login/guide.js';
import type { KortkollService } from './service-types.js';
import { demoCards, openDemoCard, type DemoCardSession } from './demo-cards.js';

export interface KortkollServiceOptions {
  lang?: Lang;
  /** Start with this virtual card instead of real readers. */
  demoCard?: string | null;
  loginUrl?: string;
  /** Check revocation online (OCSP/CRL). Off by default. */
  online?: boolean;
  /** Creates the PC/SC reader monitor (native/pcsc); absent: only demo cards are available. */
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

interface CardContext {
  reader: string;
  read: CardReadResult;
  analysis: CardAnalysis | null;
  /** What the middleware sees, once asked (null: not asked, or not answered yet). */
  middleware: MiddlewareComparison[] | null;
  /** What the browser stores hold, once looked at (null: not asked, or not answered yet). */
  browserStores: BrowserStoreView[] | null;
}

function osName(): string {
  return `${osType()} ${release()}`;
}

class Service implements KortkollService {
  readonly loginUrl: string;
  private lang: Lang;
  private online: boolean;
  private demo: DemoCardSession | null = null;
  private monitor: ReaderMonitor | null = null;
  private unsubscribeMonitor: (() => void) | null = null;
  private readonly listeners = new Set<(state: AppState) => void>();
  private readonly clock: Clock;
  private state: AppState;
  private card: CardContext | null = null;
  private reading: { reader: string; progress: ReadProgress } | null = null;
  /** A PIN operation is under way (never two at once, and never during a read). */
  private operating = false;
  private selectedReader: string | null = null;
  private system: SystemFact[] | null = null;
  /** The readers that were there at start have reported (or the service is known to be down). */
  private readersSettled = false;
  private settleTimer: NodeJS.Timeout | undefined;
  private settleOnReport: ((reader: string) => void) | undefined;
  /**
   * The PIN counters asked during the current insertion, and the reader it is in: re-runs reuse
   * them (VERIFY without data can count as a try on some cards); a new insertion, a removal or the
   * person's own "Kontrollera kortet igen" starts afresh.
   */
  private insertion: { reader: string; pinCounters: Map<string, PinCounterReading> } | null = null;
  /** Bumped whenever what is in the reader changes: a read that started under an older epoch is dropped. */
  private epoch = 0;
  private seq = 0;
  private lastEvent: AppState['lastEvent'] = null;
  /** Why the PC/SC service is unavailable, as the monitor last said. */
  private serviceError: { code: string; message: string } | null = null;
  private readonly version: string;

  constructor(private readonly options: KortkollServiceOptions) {
    this.lang = options.lang ?? 'sv';
    this.online = options.online ?? false;
    this.loginUrl = options.loginUrl ?? defaultLoginUrl;
    this.clock = options.clock ?? systemClock;
    this.version = options.appVersion ?? '0.0.0';
    this.state = this.snapshot();
  }

  async start(): Promise<void> {
    this.refreshSystemFacts();
    if (this.options.demoCard) {
      await this.useDemoCard(this.options.demoCard);
      return;
    }
    this.startMonitor();
    this.emit();
    const present = this.followedReaderWithCard();
    if (present) await this.readFromReader(present);
  }

  async close(): Promise<void> {
    this.epoch++;
    this.stopMonitor();
    this.demo = null;
    this.listeners.clear();
  }

  getState(): AppState {
    return this.state;
  }

  subscribe(listener: (state: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async runDiagnosis(options: { online: boolean; recheckPins?: boolean }): Promise<AppState> {
    this.online = options.online;
    if (options.recheckPins === true) this.insertion = null;
    this.refreshSystemFacts();
    if (this.demo) await this.readDemo();
    else {
      const reader = this.card?.reader ?? this.followedReaderWithCard();
      if (reader) await this.readFromReader(reader);
      else this.emit();
    }
    return this.state;
  }

  renderReport(options: { format: ReportFormat; redact: boolean }): string {
    const report = this.state.report;
    if (!report) throw new Error('There is no report yet');
    return renderReport(options.redact ? redactReport(report) : report, options.format);
  }

  async chooseReader(reader: string | null): Promise<AppState> {
    this.selectedReader = reader;
    if (this.demo) return this.state;
    this.epoch++;
    this.card = null;
    this.reading = null;
    this.emit();
    const target = this.followedReaderWithCard();
    if (target) await this.readFromReader(target);
    return this.state;
  }

  setLanguage(lang: Lang): AppState {
    this.lang = lang;
    this.emit();
    return this.state;
  }

  listDemoCards(): DemoCardInfo[] {
    return demoCards(this.lang);
  }

  async useDemoCard(name: string | null): Promise<AppState> {
    this.epoch++;
    this.forgetInsertion(null);
    this.card = null;
    this.reading = null;
    if (name === null) {
      this.demo = null;
      this.lastEvent = { kind: 'card-removed', reader: null, at: this.clock.now().toISOString() };
      if (this.options.monitorFactory && !this.monitor) this.startMonitor();
      this.emit();
      const present = this.readers().find((r) => r.cardPresent);
      if (present) await this.readFromReader(present.name);
      return this.state;
    }
    this.stopMonitor();
    this.demo = await openDemoCard(name);
    this.lastEvent = { kind: 'card-inserted', reader: this.demo.readerName, at: this.clock.now().toISOString() };
    await this.readDemo();
    return this.state;
  }

  async probeCard(): Promise<CardProbeReport> {
    const probeOptions = { clock: this.clock, ...(this.options.smartcardListPath !== undefined && { smartcardListPath: this.options.smartcardListPath }) };
    // Our own read selects files as it goes; a probe in between would change what it reads.
    if (this.reading) throw Object.assign(new Error('The card is being read; try again when the read is done'), { code: 'busy' });
    if (this.demo) return probeCardForReport(this.demo.connect(), probeOptions);
    const reader = this.card?.reader ?? this.followedReaderWithCard();
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
      if (this.reading || this.operating) throw Object.assign(new Error('The card is busy; try again when the read or operation is done'), { code: 'busy' });
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
      const state = outcome.kind === 'refused' ? this.state : await this.runDiagnosis({ online: this.online, recheckPins: true });
      return { outcome, outcomeDetail: pinOutcomeDetail(outcome, state.lang), state };
    } finally {
      wipeRequest(request);
    }
  }

  /** A shared connection of its own to the demo card or the followed reader's card. */
  private async pinConnection(): Promise<CardConnection> {
    if (this.demo) return this.demo.connect();
    const reader = this.card?.reader ?? this.followedReaderWithCard();
    if (!this.monitor || !reader) throw Object.assign(new Error('There is no card in the reader'), { code: 'no-card' });
    try {
      return await this.monitor.connect(reader);
    } catch (error) {
      const code = isTransportError(error) ? error.code : 'pcsc-error';
      throw Object.assign(new Error(code === 'sharing-violation' ? 'Another program holds the card' : 'Could not connect to the card'), { code });
    }
  }

  // ---- readers ---------------------------------------------------------------------------------

  private startMonitor(): void {
    if (!this.options.monitorFactory) return;
    this.readersSettled = false;
    try {
      this.monitor = this.options.monitorFactory();
      this.unsubscribeMonitor = this.monitor.onEvent((event) => this.onReaderEvent(event));
      this.monitor.start();
      // PC/SC reports the readers already there as events, a moment after start: a machine with no
      // reader says so by sending none. The wait is bounded; a reader's first status ends it sooner.
      const monitor = this.monitor;
      const settle = () => {
        if (this.monitor !== monitor || this.readersSettled) return;
        this.readersSettled = true;
        this.emit();
      };
      this.settleTimer = setTimeout(settle, readersSettleMs);
      this.settleTimer.unref?.();
      this.settleOnReport = (reader: string) => void (monitor.readerReported?.(reader) ?? Promise.resolve()).then(settle);
    } catch (e) {
      this.monitor = null;
      this.serviceError = { code: isTransportError(e) ? e.code : 'pcsc-error', message: e instanceof Error ? e.message : String(e) };
    }
  }

  private clearSettle(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    this.settleOnReport = undefined;
  }

  private stopMonitor(): void {
    this.clearSettle();
    this.unsubscribeMonitor?.();
    this.unsubscribeMonitor = null;
    const monitor = this.monitor;
    this.monitor = null;
    if (monitor) void monitor.close().catch(() => undefined);
  }

  /** The reader the user follows (or the first one) that holds a card. */
  private followedReaderWithCard(): string | undefined {
    return this.readers().find((r) => r.cardPresent && (this.selectedReader === null || r.name === this.selectedReader))?.name;
  }

  private readers(): ReaderState[] {
    if (this.demo) return [{ name: this.demo.readerName, cardPresent: true, atr: this.demo.atr }];
    return this.monitor?.readers() ?? [];
  }

  private onReaderEvent(event: ReaderEvent): void {
    const at = this.clock.now().toISOString();
    switch (event.type) {
      case 'card-inserted':
        this.lastEvent = { kind: 'card-inserted', reader: event.reader, at };
        this.forgetInsertion(event.reader);
        {
          // Read it when the user follows this reader (or any), and we are not busy with a card in
          // another reader: the first card wins until it leaves.
          const followed = this.selectedReader === null || this.selectedReader === event.reader;
          const busyElsewhere = (this.card !== null && this.card.reader !== event.reader) || (this.reading !== null && this.reading.reader !== event.reader);
          if (followed && !busyElsewhere) {
            void this.readFromReader(event.reader);
            return;
          }
        }
        break;
      case 'card-removed':
        this.lastEvent = { kind: 'card-removed', reader: event.reader, at };
        this.forgetInsertion(event.reader);
        if (this.card?.reader === event.reader || this.reading?.reader === event.reader) {
          this.epoch++;
          this.card = null;
          this.reading = null;
        }
        break;
      case 'service-lost':
        this.lastEvent = { kind: 'service-lost', reader: null, at };
        // While the service was away the card may have left and come back unseen.
        this.forgetInsertion(null);
        this.serviceError = event.error;
        this.epoch++;
        this.card = null;
        this.reading = null;
        break;
      case 'service-restored':
        this.lastEvent = { kind: 'service-restored', reader: null, at };
        this.serviceError = null;
        break;
      case 'reader-added':
        this.settleOnReport?.(event.reader);
        break;
      case 'reader-removed':
        this.forgetInsertion(event.reader);
        if (this.card?.reader === event.reader) {
          this.epoch++;
          this.card = null;
          this.reading = null;
        }
        break;
    }
    this.emit();
  }

  // ---- reading ---------------------------------------------------------------------------------

  private setProgress(reader: string, stage: ReadProgress['stage']): void {
    this.reading = { reader, progress: { stage, percent: progressPercent[stage], message: progressMessages.t(stage, this.lang) } };
    this.emit();
  }

  private async readFromReader(reader: string): Promise<void> {
    const monitor = this.monitor;
    if (!monitor) return;
    const epoch = ++this.epoch;
    this.card = null;
    this.setProgress(reader, 'connecting');
    let connection: CardConnection;
    try {
      connection = await monitor.connect(reader);
    } catch (e) {
      if (epoch !== this.epoch) return;
      this.reading = null;
      // No card after all (removed between the event and the connect) or held by another program.
      const code = isTransportError(e) ? e.code : 'pcsc-error';
      if (code === 'no-card' || code === 'card-removed') {
        this.emit();
        return;
      }
      const atr = monitor.readers().find((r) => r.name === reader)?.atr ?? new Uint8Array();
      await this.finishRead(epoch, reader, this.transportFailure(reader, atr, e));
      return;
    }
    try {
      // Whether the reader has a PIN pad (one SCardControl, answered at once; "no" is an answer,
      // not an error): the readers view and the report show it, PIN dialogs use it.
      await connection.pinpad?.features().catch(() => undefined);
      await this.readAndDiagnose(epoch, reader, connection);
    } finally {
      await connection.disconnect().catch(() => undefined);
    }
  }

  private transportFailure(reader: string, atr: Uint8Array, error: unknown): CardReadResult {
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

  private async readDemo(): Promise<void> {
    const demo = this.demo;
    if (!demo) return;
    const epoch = ++this.epoch;
    this.card = null;
    this.setProgress(demo.readerName, 'connecting');
    await this.readAndDiagnose(epoch, demo.readerName, demo.connect());
  }

  /** The PIN counters of the insertion in this reader (a fresh memory for a new insertion). */
  private pinCountersOf(reader: string): Map<string, PinCounterReading> {
    if (this.insertion?.reader !== reader) this.insertion = { reader, pinCounters: new Map() };
    return this.insertion.pinCounters;
  }

  /** The card in this reader (or any, with null) is gone or another one came: its counters are too. */
  private forgetInsertion(reader: string | null): void {
    if (reader === null || this.insertion?.reader === reader) this.insertion = null;
  }

  private async readAndDiagnose(epoch: number, reader: string, transport: CardConnection): Promise<void> {
    this.setProgress(reader, 'reading-auth');
    const read = await readCard(transport, {
      clock: this.clock,
      pinCounters: this.pinCountersOf(reader),
      ...(this.options.smartcardListPath !== undefined && { smartcardListPath: this.options.smartcardListPath }),
      onProgress: (event) => {
        if (event.stage === 'auth-ready' && epoch === this.epoch) this.setProgress(reader, 'auth-ready');
      },
    });
    if (epoch !== this.epoch) return;
    await this.finishRead(epoch, reader, read);
  }

  private async finishRead(epoch: number, reader: string, read: CardReadResult): Promise<void> {
    if (read.kind === 'card-removed') {
      this.card = null;
      this.reading = null;
      this.lastEvent = { kind: 'card-removed', reader, at: this.clock.now().toISOString() };
      this.emit();
      return;
    }
    let analysis: CardAnalysis | null = null;
    if (read.kind === 'snapshot') {
      this.setProgress(reader, 'diagnosing');
      analysis = await analyseCardCertificates(read, {
        now: this.clock.now(),
        online: this.online,
        ...(this.options.anchorsFile !== undefined && { anchorsFile: this.options.anchorsFile }),
        ...(this.options.fetch && { fetch: this.options.fetch }),
      });
      if (epoch !== this.epoch) return;
    }
    this.card = { reader, read, analysis, middleware: null, browserStores: null };
    this.reading = null;
    this.emit();
    if (read.kind === 'snapshot') this.compareWithMiddleware(epoch, read);
  }

  /** After the read (our connection is closed by then, so the module can open the card itself). */
  private compareWithMiddleware(epoch: number, snapshot: Extract<CardReadResult, { kind: 'snapshot' }>): void {
    const inspect = this.options.inspectMiddleware;
    if (!inspect) {
      this.lookAtBrowserStores(epoch);
      return;
    }
    const certificates = snapshot.certificates.map((c) => c.der);
    const pins = snapshot.pins.map((p) => ({
      label: p.label ?? p.authId,
      triesLeft: p.triesLeft === 'unknown' ? null : p.triesLeft,
      maxTries: p.maxTries === 'unknown' ? null : p.maxTries,
    }));
    inspect()
      .then(
        (views) => {
          if (epoch !== this.epoch || !this.card) return;
          this.card = { ...this.card, middleware: views.map((view) => compareMiddlewareWithCard(view, certificates, pins)) };
          this.emit();
        },
        () => undefined,
      )
      .finally(() => this.lookAtBrowserStores(epoch));
  }

  /** One module load at a time: the stores are read after the middleware was asked. */
  private lookAtBrowserStores(epoch: number): void {
    const read = this.options.inspectBrowserStores;
    if (!read || epoch !== this.epoch) return;
    read().then(
      (stores) => {
        if (epoch !== this.epoch || !this.card) return;
        this.card = { ...this.card, browserStores: stores };
        this.emit();
      },
      () => undefined,
    );
  }

  /** Resolves once the middleware comparison of the current card is in (or there is nothing to wait for). */
  middlewareSettled(): boolean {
    if (this.card?.read.kind !== 'snapshot') return true;
    return (!this.options.inspectMiddleware || this.card.middleware !== null) && (!this.options.inspectBrowserStores || this.card.browserStores !== null);
  }

  private refreshSystemFacts(): void {
    const collect = this.options.collectSystemFacts;
    if (!collect) return;
    collect().then(
      (facts) => {
        this.system = facts;
        this.emit();
      },
      () => undefined,
    );
  }

  // ---- state -----------------------------------------------------------------------------------

  private phase(readers: ReaderState[]): AppPhase {
    if (this.demo) return this.reading ? 'reading' : this.card?.read.kind === 'snapshot' ? 'ready' : this.card ? 'card-error' : 'no-card';
    // Without the PC/SC layer (not given, or its binding failed to load) there is no service to ask.
    if (!this.options.monitorFactory) return 'no-service';
    if (!this.monitor || !this.monitor.serviceAvailable) return this.monitor === null && this.serviceError === null ? 'starting' : 'no-service';
    // Until the readers that are already there have reported, "no reader" would be a false alarm.
    if (readers.length === 0) return this.readersSettled ? 'no-reader' : 'starting';
    if (this.reading) return 'reading';
    if (this.card) return this.card.read.kind === 'snapshot' ? 'ready' : 'card-error';
    return 'no-card';
  }

  private diagnosisFacts(readers: ReaderState[]): DiagnosisFacts {
    return {
      generatedAt: this.clock.now(),
      app: { version: this.version },
      os: { name: osName(), platform: platform(), arch: arch() },
      online: this.online,
      demoCard: this.demo?.name ?? null,
      service: this.monitor?.serviceAvailable || this.demo ? { available: true } : { available: false, ...(this.serviceError && { error: this.serviceError }) },
      readers,
      selectedReader: this.card?.reader ?? this.reading?.reader ?? this.selectedReader,
      reading: this.reading !== null,
      read: this.card?.read ?? null,
      analysis: this.card?.analysis ?? null,
      system: this.system,
      middleware: this.card?.middleware ?? null,
      browserStores: this.card?.browserStores ?? null,
    };
  }

  private snapshot(): AppState {
    const readers = this.readers();
    const phase = this.phase(readers);
    const report = phase === 'starting' ? null : buildDiagnosticReport(this.diagnosisFacts(readers), this.lang);
    const state: AppState = {
      seq: ++this.seq,
      phase,
      lang: this.lang,
      demoCard: this.demo?.name ?? null,
      selectedReader: this.selectedReader,
      readers: report?.readers ?? [],
      progress: this.reading?.progress ?? null,
      report,
      guide: buildLoginGuide({ phase, report, lang: this.lang, loginUrl: this.loginUrl }),
      lastEvent: this.lastEvent,
      onlineChecks: this.online,
      pinOperations: phase === 'ready' && this.card ? pinOperationsOf(this.card.read, report?.pins ?? []) : null,
    };
    return Object.freeze(state);
  }

  private emit(): void {
    this.state = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(this.state);
      } catch {
        // A failing listener must not stop the others or the service.
      }
    }
  }
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
