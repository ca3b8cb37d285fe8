/**
 * What the application service (electron/service.ts) offers its two faces, the desktop app (via
 * IPC) and the CLI. Kept apart from the implementation so the shells and their tests can be
 * written against it.
 */
import type { AppState, DemoCardInfo, PinOperationCall, PinOperationResponse, ReportFormat } from './ipc-contract.js';
import type { Lang } from './i18n/index.js';
import type { CardProbeReport } from './card/card-probe-report.js';

export interface KortkollService {
  /** Starts watching readers (or the demo card). Resolves when the read it started (if any) is done. */
  start(): Promise<void>;
  close(): Promise<void>;
  getState(): AppState;
  /**
   * Resolves with the first state whose verdict is known: the readers there at start have reported
   * (or the service is down) and no card is being read. With `timeoutMs`, with the state then at the latest.
   */
  ready(options?: { timeoutMs?: number }): Promise<AppState>;
  /**
   * Like `ready`, and every answer asked in the background is in too: the system facts, and what
   * the middleware and the browser stores see of the card read (where the service was given the means to ask).
   */
  whenSettled(options?: { timeoutMs?: number }): Promise<AppState>;
  /** Called with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: (state: AppState) => void): () => void;
  /**
   * Reads the card again and rebuilds the diagnosis. PIN counters read during this insertion are
   * reused (asking can count as a try on some cards) unless `recheckPins`: the person's own
   * "Kontrollera kortet igen".
   */
  runDiagnosis(options: { online: boolean; recheckPins?: boolean }): Promise<AppState>;
  /** The current report rendered for copying or saving. Throws when there is no report yet. */
  renderReport(options: { format: ReportFormat; redact: boolean }): string;
  chooseReader(reader: string | null): Promise<AppState>;
  setLanguage(lang: Lang): AppState;
  listDemoCards(): DemoCardInfo[];
  /** Switches to a virtual demo card (no reader needed), or back to real readers with null. */
  useDemoCard(name: string | null): Promise<AppState>;
  /**
   * The card report ("Rapportera kortet") of the card in the followed reader, or of the demo card:
   * its own shared-mode connection, only SELECT and GET DATA, disconnected at once. Rejects with a
   * `code` (no-card, busy, or the transport's) when there is no card to ask.
   */
  probeCard(): Promise<CardProbeReport>;
  /**
   * Tests, changes or unblocks a PIN of the card in the followed reader (or the demo card) through
   * the PIN safety rules (card/pin/pin-operations.ts), on a shared connection of its own that is
   * reset after a PIN command; then reads the card again with its counters asked anew. The typed
   * digits become wipeable secrets at once and are never kept, logged or returned. Rejects with a
   * `code` (busy, no-card, or the transport's) when no operation could start.
   */
  pinOperation(request: PinOperationCall): Promise<PinOperationResponse>;
  /** The staff login page (configurable). */
  readonly loginUrl: string;
}
