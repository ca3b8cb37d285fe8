/**
 * The one contract between the renderer and the main process (GitHub Desktop style): each channel
 * maps to one function signature, used by preload (to expose) and main (to handle), so a renamed
 * channel or a changed argument is a type error on both sides. The renderer imports only types
 * from here. A call resolves with the channel's value or rejects with an `AppApiFailure`
 * (`{ code, message }`); no channel returns a success-or-failure value of its own.
 */
import type { DiagnosticReport, ReportCard, ReportReader } from './diagnostics/report-types.js';
import type { LoginGuide } from './login/guide-types.js';
import type { Lang } from './i18n/index.js';

export type AppPhase = 'starting' | 'no-service' | 'no-reader' | 'no-card' | 'reading' | 'ready' | 'card-error';

export interface ReadProgress {
  stage: 'connecting' | 'reading-auth' | 'auth-ready' | 'reading-rest' | 'diagnosing' | 'done';
  /** 0..100 */
  percent: number;
  message: string;
}

/** What every snapshot has, whatever the phase. */
export interface AppStateCommon {
  seq: number;
  lang: Lang;
  /** Name of the virtual demo card in use, or null when real readers are used. */
  demoCard: string | null;
  selectedReader: string | null;
  readers: ReportReader[];
  guide: LoginGuide;
  /** The last card event, so the UI can announce it ("Kortet togs ut"). */
  lastEvent: { kind: 'card-inserted' | 'card-removed' | 'service-lost' | 'service-restored'; reader: string | null; at: string } | null;
  onlineChecks: boolean;
}

/** A report about the computer, its service and readers, with no card in it (none there, or not read yet). */
export type ReportWithoutCard = DiagnosticReport & { card: null };
/** A report of a card that was read (or could not be read: the card error is in it). */
export type ReportOfCard = DiagnosticReport & { card: ReportCard };

/**
 * An immutable snapshot of everything the UI shows. A new object with a higher `seq` on each
 * change. Discriminated on `phase`: what a phase has is there, what it cannot have is null —
 * `starting` has no report yet, `reading` has its progress, `ready` has a card and its report, and
 * only `ready` may offer PIN operations.
 */
export type AppState =
  | (AppStateCommon & { phase: 'starting'; report: null; progress: null; pinOperations: null })
  | (AppStateCommon & { phase: 'no-service' | 'no-reader' | 'no-card'; report: ReportWithoutCard; progress: null; pinOperations: null })
  | (AppStateCommon & { phase: 'reading'; report: ReportWithoutCard; progress: ReadProgress; pinOperations: null })
  | (AppStateCommon & {
      phase: 'ready';
      report: ReportOfCard;
      progress: null;
      /**
       * What may be done with the card's PINs now (test, change, unblock), from the current read; null
       * when nothing may (structure or card type unknown, no counter read).
       */
      pinOperations: PinOperationsView | null;
    })
  | (AppStateCommon & { phase: 'card-error'; report: ReportOfCard; progress: null; pinOperations: null });

/** The state of one phase. */
export type AppStateIn<P extends AppPhase> = Extract<AppState, { phase: P }>;

export type OperatedPinRole = 'authentication' | 'signature';
export type PinOperationKind = 'test' | 'change' | 'unblock';

/** One PIN the person may work on: its counter as read during this insertion, and what is offered. */
export interface PinOperationOffer {
  pin: OperatedPinRole;
  label: string;
  triesLeft: number;
  maxTries: number | null;
  blocked: boolean;
  /** VERIFY with the PIN: not when blocked. */
  test: boolean;
  /** CHANGE REFERENCE DATA: not when blocked. */
  change: boolean;
  /** RESET RETRY COUNTER with the PUK: PKCS#15 cards with a PUK for this PIN. */
  unblock: boolean;
  /** The PUK's counter where the card may be asked; null: not asked (a second confirmation is needed). */
  pukTriesLeft: number | null;
}

export interface PinOperationsView {
  structure: 'pkcs15' | 'idprime';
  /** The SITHS table the dialogs check before calling: PIN and PUK lengths in digits. */
  policy: { pinDigits: number; pukDigits: number };
  pins: PinOperationOffer[];
}

/**
 * `pin:operate`: the typed digits (at most 16, digits only) travel once, in this call, and are
 * never echoed back. `confirmedLastTry`: the person ticked the second confirmation.
 */
export type PinOperationCall =
  | { kind: 'test'; pin: OperatedPinRole; values: { pin: string }; confirmedLastTry: boolean }
  | { kind: 'change'; pin: OperatedPinRole; values: { current: string; next: string; confirmation: string }; confirmedLastTry: boolean }
  | { kind: 'unblock'; pin: OperatedPinRole; values: { puk: string; next: string; confirmation: string }; confirmedLastTry: boolean };

/**
 * The outcome of a PIN operation as it crosses IPC: the wire form of card/pin/pin-operations.ts'
 * `PinOperationOutcome` (which the service assigns to it, so the compiler keeps the two in step;
 * repeated here because the renderer's compilation may not reach the card code).
 */
export type PinOperationRefusal =
  | 'pin-not-six-digits'
  | 'puk-not-eight-digits'
  | 'new-equals-old'
  | 'confirmation-differs'
  | 'outside-card-limits'
  | 'structure-unknown'
  | 'card-type-unknown'
  | 'no-such-pin'
  | 'counter-unknown'
  | 'pin-blocked'
  | 'unblock-not-offered'
  | 'no-puk'
  | 'puk-blocked'
  | 'encoding-not-supported'
  | 'reader-busy'
  | 'not-confirmed';

export interface PinCounterView {
  triesLeft: number | 'unknown';
  maxTries: number | 'unknown';
  blocked: boolean | 'unknown';
  verified: boolean | 'unknown';
}

type PinOutcomeBase = { operation: PinOperationKind; pin: OperatedPinRole };

export type PinOperationOutcome =
  | (PinOutcomeBase & { kind: 'done'; counterAfter: PinCounterView; warnings: ('repeated-digit' | 'ascending-run' | 'descending-run')[] })
  | (PinOutcomeBase & { kind: 'wrong'; wrongOne: 'pin' | 'puk'; triesLeft: number; counterAfter: PinCounterView })
  | (PinOutcomeBase & { kind: 'blocked'; blockedOne: 'pin' | 'puk'; counterAfter: PinCounterView })
  | (PinOutcomeBase & { kind: 'refused'; reason: PinOperationRefusal; counter?: PinCounterView; structure?: 'pkcs15' | 'idprime' })
  | (PinOutcomeBase & { kind: 'card-error'; statusWord: string; counterAfter: PinCounterView | null })
  | (PinOutcomeBase & { kind: 'card-removed-before' })
  | (PinOutcomeBase & { kind: 'card-removed-during' })
  | (PinOutcomeBase & { kind: 'transport-error'; code: string })
  | (PinOutcomeBase & {
      kind: 'pinpad-ended';
      reason: 'timeout' | 'cancelled' | 'new-pins-differ' | 'wrong-length' | 'invalid-structure';
      counterAfter: PinCounterView | null;
    });

/** What came of it (no PIN in it) and the state after the card was read again. */
export interface PinOperationResponse {
  outcome: PinOperationOutcome;
  /** The outcome's code in words, in the state's language: what a `card-error` status word means, why a `transport-error` happened; else null. */
  outcomeDetail: string | null;
  state: AppState;
}

/** Why a call failed: what the renderer may switch on. */
export type AppApiErrorCode =
  /** No such channel. */
  | 'bad-channel'
  /** The arguments failed the channel's validator (or name a reader or demo card that is not there). */
  | 'bad-argument'
  /** The calling frame is not the app's own page. */
  | 'forbidden'
  /** A card read or PIN operation is under way; try again when it is done. */
  | 'busy'
  | 'no-card'
  | 'card-removed'
  /** Another program holds the card. */
  | 'sharing-violation'
  /** Any other failure of the reader, the card or the PC/SC service (the message says which). */
  | 'card-unavailable'
  /** There is no diagnosis report yet to render or save. */
  | 'no-report'
  | 'url-not-allowed'
  | 'open-failed'
  | 'save-failed'
  | 'probe-failed'
  | 'pin-operation-failed'
  /** Preload: the main process answered with something that is not an envelope. */
  | 'bad-response'
  /** Anything unexpected; its message is generic, never the error's own (it may carry personal data). */
  | 'internal';

/**
 * What a failed call rejects with in the renderer: a plain object, not an `Error` (Electron's IPC
 * and contextBridge copy data, so a class and its prototype would not survive the crossing).
 */
export interface AppApiFailure {
  code: AppApiErrorCode;
  message: string;
}

/** The one wire envelope: what `ipcMain.handle` answers for every call, unwrapped again by preload. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: AppApiFailure };

export type ReportFormat = 'text' | 'html' | 'json';

/** `card:probe`: the card report as text (in the app's language), and where it was saved, when asked to. */
export interface CardReportOutcome {
  text: string;
  /** null: not asked to save, or the user cancelled the save dialog. */
  saved: { path: string } | null;
}

export interface DemoCardInfo {
  name: string;
  description: string;
}

/** Invoke channels: name → signature. */
export interface IpcInvokeContract {
  'state:get': () => AppState;
  'diagnosis:run': (options: { online: boolean; recheckPins?: boolean }) => AppState;
  'report:render': (options: { format: ReportFormat; redact: boolean }) => string;
  /** Resolves with where the report was saved, or null when the user cancelled the save dialog. */
  'report:save': (options: { format: 'html' | 'json' | 'text'; redact: boolean }) => { path: string } | null;
  'login:open': () => null;
  'reader:choose': (reader: string | null) => AppState;
  'lang:set': (lang: Lang) => AppState;
  'demo:list': () => DemoCardInfo[];
  'demo:use': (name: string | null) => AppState;
  /** Asks the current card the card report's questions (SELECT and GET DATA only); `save` also offers to save it. */
  'card:probe': (options: { save: 'text' | 'json' | null }) => CardReportOutcome;
  /** Tests, changes or unblocks a PIN of the current card, then reads the card again. */
  'pin:operate': (request: PinOperationCall) => PinOperationResponse;
}

/** Channels the main process sends to the renderer. */
export interface IpcEventContract {
  'state:changed': (state: AppState) => void;
}

export type InvokeChannel = keyof IpcInvokeContract;

/**
 * What preload exposes as `window.kortkoll`: the invoke channels as promises (resolving with the
 * channel's value, rejecting with an `AppApiFailure`), plus one subscription.
 */
export type KortkollApi = {
  readonly [C in InvokeChannel as ApiName<C>]: (...args: Parameters<IpcInvokeContract[C]>) => Promise<ReturnType<IpcInvokeContract[C]>>;
} & {
  readonly onStateChanged: (listener: (state: AppState) => void) => () => void;
};

/** `state:get` → `getState`, `diagnosis:run` → `runDiagnosis`, … */
export const apiNames = {
  'state:get': 'getState',
  'diagnosis:run': 'runDiagnosis',
  'report:render': 'renderReport',
  'report:save': 'saveReport',
  'login:open': 'openLoginPage',
  'reader:choose': 'chooseReader',
  'lang:set': 'setLanguage',
  'demo:list': 'listDemoCards',
  'demo:use': 'useDemoCard',
  'card:probe': 'reportCard',
  'pin:operate': 'operatePin',
} as const satisfies Record<InvokeChannel, string>;
type ApiName<C extends InvokeChannel> = (typeof apiNames)[C];

export const invokeChannels = Object.keys(apiNames) as InvokeChannel[];
