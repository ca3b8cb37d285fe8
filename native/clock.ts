/** Time as the domain sees it, so tests and the simulator can control it. */
export interface Clock {
  /** Wall-clock time (certificate validity, report timestamps). */
  now(): Date;
  /** Monotonic milliseconds (durations). */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};
