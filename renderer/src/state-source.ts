/**
 * Starts listening and asks for the current state as soon as the script runs, before the first
 * render, and keeps the newest snapshot (by `seq`) for whoever mounts later. Subscribing before
 * asking means no change can fall between the two.
 */
import type { AppState, KortkollApi } from '../../electron/ipc-contract.js';

export interface StateSource {
  latest(): AppState | null;
  /** Calls `listener` with every newer snapshot from now on; returns an unsubscribe function. */
  listen(listener: (state: AppState) => void, onError: (error: unknown) => void): () => void;
}

export function createStateSource(api: KortkollApi): StateSource {
  let latest: AppState | null = null;
  let failure: { error: unknown } | null = null;
  const listeners = new Set<{ listener: (state: AppState) => void; onError: (error: unknown) => void }>();
  const offer = (state: AppState) => {
    if (latest && state.seq <= latest.seq) return;
    latest = state;
    for (const entry of listeners) entry.listener(state);
  };
  api.onStateChanged(offer);
  api.getState().then(offer, (error: unknown) => {
    failure = { error };
    for (const entry of listeners) entry.onError(error);
  });
  return {
    latest: () => latest,
    listen(listener, onError) {
      const entry = { listener, onError };
      listeners.add(entry);
      if (failure) onError(failure.error);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}
