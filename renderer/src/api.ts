/** The API preload exposes; the renderer knows nothing else of the main process. */
import type { KortkollApi, SerializedError } from '../../electron/ipc-contract.js';

declare global {
  interface Window {
    readonly kortkoll?: KortkollApi;
  }
}

export function kortkollApi(): KortkollApi | null {
  return window.kortkoll ?? null;
}

/** Calls reject with `{ code, message }`; anything else becomes a message too. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as SerializedError).message === 'string') {
    return (error as SerializedError).message;
  }
  return String(error);
}
