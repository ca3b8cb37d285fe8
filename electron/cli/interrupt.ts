/**
 * What must happen when the user stops a command (Ctrl-C, SIGTERM, `timeout`): every command ends
 * at once, after a bounded clean-up (cards released, half-written report files removed). Commands
 * register their clean-up here while they hold something; electron/cli.ts runs them on the first
 * signal and exits with 128 + the signal's number. A second signal exits without waiting.
 */
import { unlinkSync } from 'node:fs';

type Cleanup = () => Promise<unknown> | unknown;

const cleanups = new Set<Cleanup>();
const pendingFiles = new Set<string>();

/** Registers a clean-up for the time a resource is held; call the returned function to drop it. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** A temporary file being written: removed if the command is interrupted before it is renamed. */
export function trackPendingFile(path: string): () => void {
  pendingFiles.add(path);
  return () => pendingFiles.delete(path);
}

/** Removes the half-written files (synchronously: it must happen even on a second signal). */
export function removePendingFiles(): void {
  for (const path of pendingFiles) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone or never created.
    }
  }
  pendingFiles.clear();
}

/** Runs every registered clean-up, each bounded by the same deadline; never rejects. */
export async function runInterruptCleanups(timeoutMs: number): Promise<void> {
  removePendingFiles();
  // Newest first: a card connection is released before the monitor that opened it closes.
  const all = [...cleanups].reverse();
  cleanups.clear();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inOrder = async () => {
    for (const cleanup of all) {
      try {
        await cleanup();
      } catch {
        // A failing clean-up must not keep the others from running.
      }
    }
  };
  await Promise.race([
    inOrder(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  removePendingFiles();
}

export const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
