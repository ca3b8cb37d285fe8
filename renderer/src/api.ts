/** The API preload exposes; the renderer knows nothing else of the main process. */
import type { AppApiFailure, KortkollApi } from '../../electron/ipc-contract.js';

declare global {
  interface Window {
    readonly kortkoll?: KortkollApi;
  }
}

export function kortkollApi(): KortkollApi | null {
  return window.kortkoll ?? null;
}

/** A call resolves with its value or rejects with an `AppApiFailure`: a plain `{ code, message }`. */
export function isAppApiFailure(error: unknown): error is AppApiFailure {
  return (
    typeof error === 'object' && error !== null && typeof (error as AppApiFailure).code === 'string' && typeof (error as AppApiFailure).message === 'string'
  );
}

/** The message of a rejected call; anything else (an `Error` of the page's own) becomes a message too. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return String(error);
}
