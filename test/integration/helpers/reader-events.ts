/** Records a ReaderMonitor's events with their arrival time, and waits for particular ones. */
import type { ReaderEvent, ReaderMonitor } from '../../../native/transport.js';

export interface TimedEvent {
  event: ReaderEvent;
  /** performance.now() at arrival. */
  at: number;
}

export class ReaderEventRecorder {
  readonly events: TimedEvent[] = [];
  private readonly stopListening: () => void;
  private wakers: (() => void)[] = [];

  constructor(monitor: ReaderMonitor) {
    this.stopListening = monitor.onEvent((event) => {
      this.events.push({ event, at: performance.now() });
      for (const wake of this.wakers.splice(0)) wake();
    });
  }

  /**
   * Resolves with the first event at or after `since` (a performance.now() time) that matches;
   * rejects after `timeoutMs` with the events seen, to make failures readable.
   */
  async waitFor(match: (event: ReaderEvent) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<TimedEvent> {
    const since = options.since ?? 0;
    const timeoutMs = options.timeoutMs ?? 5000;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.at >= since && match(e.event));
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`no matching reader event within ${timeoutMs} ms; saw: ${this.summary(since)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The types (and readers) of the events since a time, for messages and order checks. */
  summary(since = 0): string[] {
    return this.events.filter((e) => e.at >= since).map(({ event }) => ('reader' in event ? `${event.type} ${event.reader}` : event.type));
  }

  stop(): void {
    this.stopListening();
  }
}

export const isEvent =
  <T extends ReaderEvent['type']>(type: T, reader?: string) =>
  (event: ReaderEvent): event is Extract<ReaderEvent, { type: T }> =>
    event.type === type && (reader === undefined || ('reader' in event && event.reader === reader));

/** Polls a condition (e.g. on `monitor.readers()`, which changes without events) until it holds. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return true;
}
