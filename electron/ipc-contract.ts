/**
 * The one contract between the renderer and the main process (GitHub Desktop style): each channel
 * maps to one function signature, used by preload (to expose) and main (to handle), so a renamed
 * channel or a changed argument is a type error on both sides. The renderer imports only types
 * from here. Errors cross as `{ code, message }`.
 */
import type { DiagnosticReport, ReportReader } from './diagnostics/report-types.js';
import type { LoginGuide } from './login/guide-types.js';
import type { Lang } from './i18n/index.js';

export type AppPhase = 'starting' | 'no-service' | 'no-reader' | 'no-card' | 'reading' | 'ready' | 'card-error';

export interface ReadProgress {
  stage: 'connecting' | 'reading-auth' | 'auth-ready' | 'reading-rest' | 'diagnosing' | 'done';
  /** 0..100 */
  percent: number;
  message: string;
}

/** An immutable snapshot of everything the UI shows. A new object with a higher `seq` on each change. */
export interface AppState {
  seq: number;
  phase: AppPhase;
  lang: Lang;
  /** Name of the virtual demo card in use, or null when real readers are used. */
  demoCard: string | null;
  selectedReader: string | null;
  readers: ReportReader[];
  progress: ReadProgress | null;
  report: DiagnosticReport | null;
  guide: LoginGuide;
  /** The last card event, so the UI can announce it ("Kortet togs ut"). */
  lastEvent: { kind: 'card-inserted' | 'card-removed' | 'service-lost' | 'service-restored'; reader: string | null; at: string } | null;
  onlineChecks: boolean;
}

export interface SerializedError {
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

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
  'report:render': (options: { format: ReportFormat; redact: boolean }) => Result<string>;
  'report:save': (options: { format: 'html' | 'json' | 'text'; redact: boolean }) => Result<{ path: string } | null>;
  'login:open': () => Result<null>;
  'reader:choose': (reader: string | null) => AppState;
  'lang:set': (lang: Lang) => AppState;
  'demo:list': () => DemoCardInfo[];
  'demo:use': (name: string | null) => AppState;
  /** Asks the current card the card report's questions (SELECT and GET DATA only); `save` also offers to save it. */
  'card:probe': (options: { save: 'text' | 'json' | null }) => Result<CardReportOutcome>;
}

/** Channels the main process sends to the renderer. */
export interface IpcEventContract {
  'state:changed': (state: AppState) => void;
}

export type InvokeChannel = keyof IpcInvokeContract;

/** What preload exposes as `window.kortkoll`: the invoke channels as promises, plus one subscription. */
export type KortkollApi = {
  readonly [C in InvokeChannel as ApiName<C>]: (
    ...args: Parameters<IpcInvokeContract[C]>
  ) => Promise<ReturnType<IpcInvokeContract[C]>>;
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
} as const satisfies Record<InvokeChannel, string>;
type ApiName<C extends InvokeChannel> = (typeof apiNames)[C];

export const invokeChannels = Object.keys(apiNames) as InvokeChannel[];
