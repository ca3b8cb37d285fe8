/**
 * Builds the object preload exposes as `window.kortkoll`, from two primitives: invoke a channel,
 * and subscribe to state snapshots. No Electron import, so the end-to-end tests build the page's
 * API with this same code over a Playwright binding. The object is frozen; failures reject with a
 * plain `{ code, message }`; listeners never see an IPC event object.
 */
import { apiNames, type AppState, type InvokeChannel, type KortkollApi, type Result, type SerializedError } from './ipc-contract.js';

export type InvokeTransport = (channel: InvokeChannel, args: unknown[]) => Promise<unknown>;
export type StateSubscription = (listener: (state: AppState) => void) => () => void;

export function unwrapWireResult(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const wire = result as Result<unknown>;
    if (wire.ok) return wire.value;
    throw toSerializedError(wire.error);
  }
  throw { code: 'bad-response', message: 'The main process sent an unexpected response.' } satisfies SerializedError;
}

function toSerializedError(error: unknown): SerializedError {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as Partial<SerializedError>;
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return { code: 'internal', message: 'Unknown error' };
}

export function buildKortkollApi(invoke: InvokeTransport, subscribe: StateSubscription): KortkollApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(apiNames) as InvokeChannel[]) {
    api[apiNames[channel]] = (...args: unknown[]) => invoke(channel, args).then(unwrapWireResult);
  }
  api.onStateChanged = (listener: unknown) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged needs a function');
    return subscribe((state) => (listener as (s: AppState) => void)(state));
  };
  return Object.freeze(api) as KortkollApi;
}
