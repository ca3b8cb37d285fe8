/**
 * Builds the object preload exposes as `window.kortkoll`, from two primitives: invoke a channel,
 * and subscribe to state snapshots. No Electron import, so the end-to-end tests build the page's
 * API with this same code over a Playwright binding. The object is frozen; listeners never see an
 * IPC event object.
 *
 * What crosses: the main process answers every call with the envelope of ipc-contract.ts
 * (`IpcEnvelope`); a method resolves with its `value`, or rejects with a plain `{ code, message }`
 * (`AppApiFailure`, the shape of the main process' `AppApiError`). Not an `Error`: IPC and
 * contextBridge copy data, and a class would arrive as something else.
 */
import { apiNames, type AppApiErrorCode, type AppApiFailure, type AppState, type InvokeChannel, type KortkollApi } from './ipc-contract.js';

export type InvokeTransport = (channel: InvokeChannel, args: unknown[]) => Promise<unknown>;
export type StateSubscription = (listener: (state: AppState) => void) => () => void;

const badResponse: AppApiFailure = { code: 'bad-response', message: 'The main process sent an unexpected response.' };

/** The value of an envelope, or a thrown `AppApiFailure`; anything that is no envelope is `bad-response`. */
export function unwrapEnvelope(envelope: unknown): unknown {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    if (envelope.ok === true && 'value' in envelope) return envelope.value;
    if (envelope.ok === false && 'error' in envelope) throw failureOf(envelope.error);
  }
  throw { ...badResponse };
}

/** Exactly `{ code, message }`: nothing else the main process might have put on the error (a stack) reaches the page. */
function failureOf(error: unknown): AppApiFailure {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code: code as AppApiErrorCode, message };
  }
  return { ...badResponse };
}

export function buildKortkollApi(invoke: InvokeTransport, subscribe: StateSubscription): KortkollApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(apiNames) as InvokeChannel[]) {
    api[apiNames[channel]] = (...args: unknown[]) => invoke(channel, args).then(unwrapEnvelope);
  }
  api.onStateChanged = (listener: unknown) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged needs a function');
    return subscribe((state) => (listener as (s: AppState) => void)(state));
  };
  return Object.freeze(api) as KortkollApi;
}
