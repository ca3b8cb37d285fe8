/** Runs one probe with an overall time bound; a probe that throws or hangs becomes a result, never an exception. */
import { isUnknown } from './facts.js';
import type { ProbeContext, ProbeResult, SystemProbe } from './types.js';

/** Default bound for a whole probe; its commands have their own, shorter timeouts. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

export async function runProbe(probe: SystemProbe, ctx: ProbeContext): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  if (!probe.platforms.includes(ctx.platform)) {
    return { probeId: probe.id, status: 'skipped', facts: [], durationMs: 0, message: `not for platform ${ctx.platform}` };
  }
  const timeoutMs = probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([probe.run(ctx), timeout]);
    if (outcome === 'timeout') {
      return { probeId: probe.id, status: 'timeout', facts: [], durationMs: elapsed(), message: `no answer within ${timeoutMs} ms` };
    }
    const status = outcome.some((f) => isUnknown(f)) ? 'partial' : 'ok';
    return { probeId: probe.id, status, facts: outcome, durationMs: elapsed() };
  } catch (e) {
    return { probeId: probe.id, status: 'failed', facts: [], durationMs: elapsed(), message: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
