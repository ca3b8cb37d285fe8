/**
 * The desktop app's API behind IPC, without Electron: one handler per invoke channel, each
 * validating the arguments it receives (they come from a renderer, so they are untrusted), and the
 * allowlist for opening web pages outside the app. `main.ts` wires these handlers to
 * `ipcMain.handle`; the end-to-end tests wire the very same handlers to a browser page, so the
 * validation the tests exercise is the one the app ships.
 */
import type {
  DemoCardInfo,
  InvokeChannel,
  IpcInvokeContract,
  OperatedPinRole,
  PinOperationCall,
  ReportFormat,
  Result,
  SerializedError,
} from './ipc-contract.js';
import { apiNames } from './ipc-contract.js';
import type { Lang } from './i18n/index.js';
import type { KortkollService } from './service-types.js';
import { renderCardProbeReportJson, renderCardProbeReportText } from './card/card-probe-report.js';
import { defaultLoginUrl } from './login/guide.js';

/** Hosts, besides the configured login page's, that the app may open in the user's browser. */
export const externalHosts: readonly string[] = ['test.siths.se', '1177.se', 'www.1177.se', 'inera.se', 'www.inera.se'];

const maxUrlLength = 2048;
const maxNameLength = 256;

/** A failure that crosses IPC as `{ code, message }`. */
export class AppApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppApiError';
  }
}

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

/** One async handler per invoke channel. Arguments are `unknown`: they are checked here. */
export type AppApiHandlers = {
  readonly [C in InvokeChannel]: (...args: unknown[]) => Promise<ReturnType<IpcInvokeContract[C]>>;
};

const reportFormats: readonly ReportFormat[] = ['text', 'html', 'json'];
const langs: readonly Lang[] = ['sv', 'en'];

export function createAppApiHandlers(service: KortkollService, deps: AppApiDeps): AppApiHandlers {
  const now = deps.now ?? (() => new Date());

  const renderReport = (format: ReportFormat, redact: boolean): Result<string> => {
    try {
      return { ok: true, value: service.renderReport({ format, redact }) };
    } catch (error) {
      return { ok: false, error: serializeError(error, 'no-report') };
    }
  };

  return {
    'state:get': async (...args) => {
      expectArgCount('state:get', args, 0);
      return service.getState();
    },
    'diagnosis:run': async (...args) => {
      expectArgCount('diagnosis:run', args, 1);
      const options = expectRecord('diagnosis:run', args[0], ['online'], ['recheckPins']);
      return service.runDiagnosis({
        online: expectBoolean('diagnosis:run', 'online', options.online),
        ...(options.recheckPins !== undefined && { recheckPins: expectBoolean('diagnosis:run', 'recheckPins', options.recheckPins) }),
      });
    },
    'report:render': async (...args) => {
      expectArgCount('report:render', args, 1);
      const { format, redact } = expectReportOptions('report:render', args[0]);
      return renderReport(format, redact);
    },
    'report:save': async (...args) => {
      expectArgCount('report:save', args, 1);
      const { format, redact } = expectReportOptions('report:save', args[0]);
      const rendered = renderReport(format, redact);
      if (!rendered.ok) return rendered;
      const name = suggestedReportName(service.getState().lang, format, now());
      try {
        const path = await deps.saveFile(name, rendered.value);
        return { ok: true, value: path === null ? null : { path } };
      } catch (error) {
        return { ok: false, error: serializeError(error, 'save-failed') };
      }
    },
    'login:open': async (...args) => {
      expectArgCount('login:open', args, 0);
      return openAllowed(service.loginUrl, service.loginUrl, deps);
    },
    'reader:choose': async (...args) => {
      expectArgCount('reader:choose', args, 1);
      const reader = args[0];
      if (reader !== null) {
        expectName('reader:choose', 'reader', reader);
        const known = service.getState().readers.some((r) => r.name === reader);
        if (!known) throw new AppApiError('bad-argument', `reader:choose: no reader named ${JSON.stringify(reader)}`);
      }
      return service.chooseReader(reader as string | null);
    },
    'lang:set': async (...args) => {
      expectArgCount('lang:set', args, 1);
      const lang = args[0];
      if (!langs.includes(lang as Lang)) throw new AppApiError('bad-argument', `lang:set: language must be one of ${langs.join(', ')}`);
      return service.setLanguage(lang as Lang);
    },
    'demo:list': async (...args) => {
      expectArgCount('demo:list', args, 0);
      return service.listDemoCards();
    },
    'demo:use': async (...args) => {
      expectArgCount('demo:use', args, 1);
      const name = args[0];
      if (name !== null) {
        expectName('demo:use', 'name', name);
        const known = service.listDemoCards().some((card: DemoCardInfo) => card.name === name);
        if (!known) throw new AppApiError('bad-argument', `demo:use: no demo card named ${JSON.stringify(name)}`);
      }
      return service.useDemoCard(name as string | null);
    },
    'card:probe': async (...args) => {
      expectArgCount('card:probe', args, 1);
      const { save } = expectRecord('card:probe', args[0], ['save']);
      if (save !== null && save !== 'text' && save !== 'json') throw new AppApiError('bad-argument', 'card:probe: save must be text, json or null');
      const lang = service.getState().lang;
      let text: string;
      let json: string;
      try {
        const report = await service.probeCard();
        text = renderCardProbeReportText(report, lang);
        json = renderCardProbeReportJson(report);
      } catch (error) {
        return { ok: false, error: serializeError(error, 'probe-failed') };
      }
      if (save === null) return { ok: true, value: { text, saved: null } };
      try {
        const path = await deps.saveFile(suggestedCardReportName(lang, save, now()), save === 'json' ? json : text);
        return { ok: true, value: { text, saved: path === null ? null : { path } } };
      } catch (error) {
        return { ok: false, error: serializeError(error, 'save-failed') };
      }
    },
    'pin:operate': async (...args) => {
      // Never echo what came in: the arguments carry PINs. Every message below is fixed text.
      if (args.length !== 1) throw new AppApiError('bad-argument', `pin:operate: expected 1 argument, got ${args.length}`);
      const call = expectPinOperationCall(args[0]);
      try {
        return { ok: true, value: await service.pinOperation(call) };
      } catch (error) {
        return { ok: false, error: pinOperationError(error) };
      }
    },
  };
}

/** The digits of one PIN field: a string of 1–16 ASCII digits (the card limit; the policy is checked later). */
const maxPinValueLength = 16;
const pinValuePattern = /^[0-9]{1,16}$/;
const pinValueKeys = { test: ['pin'], change: ['current', 'next', 'confirmation'], unblock: ['puk', 'next', 'confirmation'] } as const;
const operatedPins: readonly OperatedPinRole[] = ['authentication', 'signature'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const present = Object.keys(value);
  return present.length === keys.length && keys.every((key) => Object.prototype.hasOwnProperty.call(value, key));
}

/**
 * Checks a `pin:operate` request strictly: exact keys, a known kind and PIN, and each value a string
 * of at most 16 digits. A refusal names the field at most, never its content (nor unknown keys, which
 * could be anything a page put there).
 */
export function expectPinOperationCall(value: unknown): PinOperationCall {
  const refuse = (what: string): never => {
    throw new AppApiError('bad-argument', `pin:operate: ${what}`);
  };
  if (!isPlainObject(value) || !hasExactKeys(value, ['kind', 'pin', 'values', 'confirmedLastTry']))
    refuse('expected an object with exactly kind, pin, values and confirmedLastTry');
  const request = value as Record<string, unknown>;
  const kind = request.kind;
  if (kind !== 'test' && kind !== 'change' && kind !== 'unblock') return refuse('kind must be test, change or unblock');
  if (!operatedPins.includes(request.pin as OperatedPinRole)) refuse('pin must be authentication or signature');
  if (typeof request.confirmedLastTry !== 'boolean') refuse('confirmedLastTry must be true or false');
  const keys = pinValueKeys[kind];
  const values = request.values;
  if (!isPlainObject(values) || !hasExactKeys(values, keys)) return refuse(`values must have exactly ${keys.join(', ')}`);
  for (const key of keys) {
    const digits = values[key];
    if (typeof digits !== 'string' || digits.length > maxPinValueLength || !pinValuePattern.test(digits))
      refuse(`values.${key} must be 1 to ${maxPinValueLength} digits`);
  }
  // A fresh object of exactly the checked fields: nothing else the page sent travels on.
  const copy: Record<string, string> = {};
  for (const key of keys) copy[key] = values[key] as string;
  return { kind, pin: request.pin as OperatedPinRole, values: copy, confirmedLastTry: request.confirmedLastTry as boolean } as PinOperationCall;
}

const pinOperationErrorMessages: Record<string, string> = {
  busy: 'The card is busy; try again when the read or operation is done',
  'no-card': 'There is no card in the reader',
  'sharing-violation': 'Another program holds the card',
};

/** Errors of a PIN operation cross with a fixed message for their code: nothing from the call travels back. */
function pinOperationError(error: unknown): SerializedError {
  const code = serializeError(error, 'pin-operation-failed').code;
  return { code, message: pinOperationErrorMessages[code] ?? 'The PIN operation could not be done' };
}

/**
 * Opens `url` in the user's browser when the allowlist lets it through. Used for the login page
 * channel and by the shell for links the renderer asks to open (window.open, link clicks).
 */
export async function openAllowed(url: unknown, loginUrl: string, deps: Pick<AppApiDeps, 'openExternal'>): Promise<Result<null>> {
  const allowed = allowedExternalUrl(url, loginUrl);
  if (allowed === null) return { ok: false, error: { code: 'url-not-allowed', message: `Not an allowed address: ${String(url).slice(0, 200)}` } };
  try {
    await deps.openExternal(allowed); /* eng-disable OPEN_EXTERNAL_JS_CHECK: `allowed` is the allowlist's normalised output */
    return { ok: true, value: null };
  } catch (error) {
    return { ok: false, error: serializeError(error, 'open-failed') };
  }
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(apiNames, value);
}

/**
 * Runs one channel and wraps the outcome for the wire: `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }`. Handlers that throw never leak a stack trace to the
 * renderer; preload turns a failure back into a rejected promise carrying `{ code, message }`.
 */
export async function invokeAppApi(handlers: AppApiHandlers, channel: unknown, args: unknown): Promise<Result<unknown>> {
  if (!isInvokeChannel(channel)) return { ok: false, error: { code: 'bad-channel', message: `Unknown channel ${String(channel).slice(0, 64)}` } };
  if (!Array.isArray(args)) return { ok: false, error: { code: 'bad-argument', message: `${channel}: arguments must be a list` } };
  try {
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...args) };
  } catch (error) {
    return { ok: false, error: serializeError(error, 'internal') };
  }
}

export function serializeError(error: unknown, fallbackCode: string): SerializedError {
  if (error instanceof AppApiError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' && code.length > 0 ? code : fallbackCode, message: error.message };
  }
  return { code: fallbackCode, message: String(error) };
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

function expectArgCount(channel: InvokeChannel, args: unknown[], count: number): void {
  if (args.length !== count) throw new AppApiError('bad-argument', `${channel}: expected ${count} argument(s), got ${args.length}`);
}

function expectRecord<K extends string, O extends string = never>(
  channel: InvokeChannel,
  value: unknown,
  keys: readonly K[],
  optional: readonly O[] = [],
): Record<K, unknown> & Partial<Record<O, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppApiError('bad-argument', `${channel}: expected an object with ${keys.join(', ')}`);
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new AppApiError('bad-argument', `${channel}: expected a plain object`);
  const present = Object.keys(value);
  const unknown = present.filter((key) => !(keys as readonly string[]).includes(key) && !(optional as readonly string[]).includes(key));
  if (unknown.length > 0) throw new AppApiError('bad-argument', `${channel}: unknown option(s) ${unknown.join(', ')}`);
  const missing = keys.filter((key) => !present.includes(key));
  if (missing.length > 0) throw new AppApiError('bad-argument', `${channel}: missing option(s) ${missing.join(', ')}`);
  return value as Record<K, unknown> & Partial<Record<O, unknown>>;
}

function expectBoolean(channel: InvokeChannel, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new AppApiError('bad-argument', `${channel}: ${name} must be true or false`);
  return value;
}

function expectName(channel: InvokeChannel, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxNameLength) {
    throw new AppApiError('bad-argument', `${channel}: ${name} must be a non-empty string of at most ${maxNameLength} characters, or null`);
  }
}

function expectReportOptions(channel: 'report:render' | 'report:save', value: unknown): { format: ReportFormat; redact: boolean } {
  const options = expectRecord(channel, value, ['format', 'redact']);
  if (!reportFormats.includes(options.format as ReportFormat)) {
    throw new AppApiError('bad-argument', `${channel}: format must be one of ${reportFormats.join(', ')}`);
  }
  return { format: options.format as ReportFormat, redact: expectBoolean(channel, 'redact', options.redact) };
}
