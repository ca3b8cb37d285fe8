/**
 * The desktop app's API behind IPC, without Electron: one handler per invoke channel, and the
 * allowlist for opening web pages outside the app. Each handler gets its arguments through the
 * channel's validator (app-api-args.ts: they come from a renderer, so they are untrusted), returns
 * the channel's value or throws `AppApiError`, and `invokeAppApi` turns exactly that into the one
 * wire envelope. `main.ts` wires these handlers to `ipcMain.handle`; the end-to-end tests wire the
 * very same handlers to a browser page, so the validation the tests exercise is the one the app ships.
 */
import type { AppApiFailure, InvokeChannel, IpcEnvelope, IpcInvokeContract, ReportFormat } from './ipc-contract.js';
import { apiNames, invokeChannels } from './ipc-contract.js';
import type { Lang } from './i18n/index.js';
import type { KortkollService } from './service-types.js';
import type { TransportErrorCode } from '../native/transport.js';
import { renderCardProbeReportJson, renderCardProbeReportText } from './card/card-probe-report.js';
import { defaultLoginUrl } from './login/guide.js';
import { AppApiError, channelValidators, type ParsedArgs } from './app-api-args.js';

export { AppApiError } from './app-api-args.js';

/** Hosts, besides the configured login page's, that the app may open in the user's browser. */
export const externalHosts: readonly string[] = ['test.siths.se', '1177.se', 'www.1177.se', 'inera.se', 'www.inera.se'];

const maxUrlLength = 2048;
/**
 * Parses `candidate` and returns its normalised form when it may be opened outside the app: http or
 * https, no user name or password, the default port, and a host that is exactly the login page's
 * host or one of `externalHosts`. Returns null otherwise. Callers open the returned string, never
 * the original, so what was checked is what is opened.
 */
export function allowedExternalUrl(candidate: unknown, loginUrl: string = defaultLoginUrl): string | null {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > maxUrlLength) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '') return null;
  const login = parseWebUrl(loginUrl);
  // The configured login page may live on a port of its own (a test server); nothing else may.
  if (login && url.host === login.host) return url.href;
  if (url.port !== '') return null;
  return externalHosts.includes(url.hostname) ? url.href : null;
}

function parseWebUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
    return url;
  } catch {
    return null;
  }
}

export interface AppApiDeps {
  /** Opens a URL in the user's browser (Electron: shell.openExternal). Only called with allowed URLs. */
  openExternal(url: string): Promise<void>;
  /** Asks where to save and writes the file; resolves with the path, or null when the user cancelled. */
  saveFile(suggestedName: string, content: string): Promise<string | null>;
  /** For the suggested file name; defaults to the system clock. */
  now?: () => Date;
}

/**
 * One async handler per invoke channel, as IPC calls it: the arguments are `unknown` (each handler
 * passes them through its channel's validator); it resolves with the channel's value or rejects
 * with `AppApiError`.
 */
export type AppApiHandlers = {
  readonly [C in InvokeChannel]: (...args: unknown[]) => Promise<ReturnType<IpcInvokeContract[C]>>;
};

/** The handlers' own work, on checked arguments. */
type CheckedHandlers = {
  readonly [C in InvokeChannel]: (...args: ParsedArgs<C>) => Promise<ReturnType<IpcInvokeContract[C]>>;
};

/**
 * The failures the service documents (service-types.ts: busy, no-card, or the transport's codes), as
 * they cross: a code the renderer may switch on and a fixed text. A service error's own message never
 * crosses (it may name a reader, a path, a person). Keyed by the transport's own list, so a code added
 * there is a compile error here until it is given its wire form.
 */
const serviceFailures: Readonly<Record<'busy' | TransportErrorCode, AppApiFailure>> = {
  busy: { code: 'busy', message: 'The card is busy; try again when the read or operation is done' },
  'no-card': { code: 'no-card', message: 'There is no card in the reader' },
  'card-removed': { code: 'card-removed', message: 'The card was removed' },
  'sharing-violation': { code: 'sharing-violation', message: 'Another program holds the card' },
  'service-not-running': { code: 'card-unavailable', message: 'The smart-card service (PC/SC) is not running' },
  'no-readers': { code: 'card-unavailable', message: 'No card readers were found' },
  'reader-unavailable': { code: 'card-unavailable', message: 'The card reader is not available' },
  'card-reset': { code: 'card-unavailable', message: 'The card was reset by another program' },
  timeout: { code: 'card-unavailable', message: 'The card did not answer in time' },
  'unresponsive-card': { code: 'card-unavailable', message: 'The card does not answer' },
  'no-pinpad': { code: 'card-unavailable', message: 'The reader has no PIN pad' },
  'pcsc-error': { code: 'card-unavailable', message: 'The smart-card service reported an error' },
};

/** What an error that is not an `AppApiError` becomes on the wire. */
const internalFailure: AppApiFailure = { code: 'internal', message: 'Internal error in Kortkoll' };

/**
 * A failure of the service (or of a dependency) as an `AppApiError`: one of the service's own codes
 * with its fixed text, or else `fallback`.
 */
function failureOf(error: unknown, fallback: AppApiFailure): AppApiError {
  if (error instanceof AppApiError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const known =
    typeof code === 'string' && Object.prototype.hasOwnProperty.call(serviceFailures, code) ? serviceFailures[code as keyof typeof serviceFailures] : fallback;
  return new AppApiError(known.code, known.message);
}

/** Runs `work`; a failure becomes `failureOf(error, fallback)`. */
async function orFail<T>(fallback: AppApiFailure, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw failureOf(error, fallback);
  }
}

const noReport: AppApiFailure = { code: 'no-report', message: 'There is no report yet' };
const saveFailed: AppApiFailure = { code: 'save-failed', message: 'The file could not be saved' };
const probeFailed: AppApiFailure = { code: 'probe-failed', message: 'The card could not be asked' };
const pinOperationFailed: AppApiFailure = { code: 'pin-operation-failed', message: 'The PIN operation could not be done' };

export function createAppApiHandlers(service: KortkollService, deps: AppApiDeps): AppApiHandlers {
  const now = deps.now ?? (() => new Date());
  const renderReport = (format: ReportFormat, redact: boolean) => orFail(noReport, () => service.renderReport({ format, redact }));
  const save = async (name: string, content: string) => {
    const path = await orFail(saveFailed, () => deps.saveFile(name, content));
    return path === null ? null : { path };
  };

  const checked: CheckedHandlers = {
    'state:get': async () => service.getState(),
    'diagnosis:run': (options) => service.runDiagnosis(options),
    'report:render': ({ format, redact }) => renderReport(format, redact),
    'report:save': async ({ format, redact }) => save(suggestedReportName(service.getState().lang, format, now()), await renderReport(format, redact)),
    'login:open': async () => {
      await openAllowed(service.loginUrl, service.loginUrl, deps);
      return null;
    },
    'reader:choose': async (reader) => {
      if (reader !== null && !service.getState().readers.some((r) => r.name === reader)) {
        throw new AppApiError('bad-argument', `reader:choose: no reader named ${JSON.stringify(reader)}`);
      }
      return service.chooseReader(reader);
    },
    'lang:set': async (lang) => service.setLanguage(lang),
    'demo:list': async () => service.listDemoCards(),
    'demo:use': async (name) => {
      if (name !== null && !service.listDemoCards().some((card) => card.name === name)) {
        throw new AppApiError('bad-argument', `demo:use: no demo card named ${JSON.stringify(name)}`);
      }
      return service.useDemoCard(name);
    },
    'card:probe': async ({ save: format }) => {
      const lang = service.getState().lang;
      const report = await orFail(probeFailed, () => service.probeCard());
      const text = renderCardProbeReportText(report, lang);
      if (format === null) return { text, saved: null };
      const content = format === 'json' ? renderCardProbeReportJson(report) : text;
      return { text, saved: await save(suggestedCardReportName(lang, format, now()), content) };
    },
    'pin:operate': async (call) => {
      try {
        // Errors cross with a fixed message for their code: nothing from the call travels back.
        return await orFail(pinOperationFailed, () => service.pinOperation(call));
      } finally {
        // The service turned the digits into wipeable secrets at once; drop this copy's hold on them.
        for (const key of Object.keys(call.values)) (call.values as Record<string, string>)[key] = '';
      }
    },
  };

  const handlers: Partial<Record<InvokeChannel, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of invokeChannels) {
    // The table types tie each validator to its handler; this loop only plugs them together.
    const validate = channelValidators[channel] as (args: readonly unknown[]) => unknown[];
    const run = checked[channel] as (...args: unknown[]) => Promise<unknown>;
    handlers[channel] = async (...args) => {
      const parsed = validate(args);
      return orFail(internalFailure, () => run(...parsed));
    };
  }
  return handlers as AppApiHandlers;
}

/**
 * Opens `url` in the user's browser when the allowlist lets it through; throws `url-not-allowed`
 * or `open-failed` otherwise. Used for the login page channel and by the shell for links the
 * renderer asks to open (window.open, link clicks).
 */
export async function openAllowed(url: unknown, loginUrl: string, deps: Pick<AppApiDeps, 'openExternal'>): Promise<void> {
  const allowed = allowedExternalUrl(url, loginUrl);
  if (allowed === null) throw new AppApiError('url-not-allowed', `Not an allowed address: ${String(url).slice(0, 200)}`);
  try {
    await deps.openExternal(allowed); /* eng-disable OPEN_EXTERNAL_JS_CHECK: `allowed` is the allowlist's normalised output */
  } catch {
    throw new AppApiError('open-failed', 'The page could not be opened');
  }
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(apiNames, value);
}

/** The wire form of a failure: an `AppApiError` as its code and message; anything else as `internal`, generic. */
export function wireFailure(error: unknown): IpcEnvelope<never> {
  return { ok: false, error: error instanceof AppApiError ? { code: error.code, message: error.message } : { ...internalFailure } };
}

/** The answer to a call from a frame that is not the app's own page (main.ts' sender check). */
export function forbiddenCall(): IpcEnvelope<never> {
  return wireFailure(new AppApiError('forbidden', 'This frame may not use the Kortkoll API.'));
}

/**
 * Runs one channel and wraps the outcome in the one wire envelope: `{ ok: true, value }`, or
 * `{ ok: false, error: { code, message } }` from an `AppApiError`. No stack trace and no message of
 * an unexpected error reaches the renderer; preload turns a failure back into a rejection.
 */
export async function invokeAppApi(handlers: AppApiHandlers, channel: unknown, args: unknown): Promise<IpcEnvelope<unknown>> {
  try {
    if (!isInvokeChannel(channel)) throw new AppApiError('bad-channel', `Unknown channel ${String(channel).slice(0, 64)}`);
    if (!Array.isArray(args)) throw new AppApiError('bad-argument', `${channel}: arguments must be a list`);
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...args) };
  } catch (error) {
    return wireFailure(error);
  }
}

/** `kortkoll-rapport-2025-03-01-1405.html` (Swedish) or `kortkoll-report-…` (English), local time. */
export function suggestedReportName(lang: Lang, format: ReportFormat, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  const extension = format === 'text' ? 'txt' : format;
  return `kortkoll-${lang === 'en' ? 'report' : 'rapport'}-${stamp}.${extension}`;
}

/** `kortkoll-kortrapport-2025-03-01-1405.txt` (Swedish) or `kortkoll-card-report-….json` (English), local time. */
export function suggestedCardReportName(lang: Lang, format: 'text' | 'json', at: Date): string {
  const stamp = suggestedReportName(lang, format, at).replace(/^kortkoll-(rapport|report)-/, '');
  return `kortkoll-${lang === 'en' ? 'card-report' : 'kortrapport'}-${stamp}`;
}
