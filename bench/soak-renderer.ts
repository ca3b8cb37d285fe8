/**
 * The renderer attached (the soak's last phase): the built renderer in Chromium (playwright-core),
 * wired to the real service through the e2e harness's page bridge, while cards go in and out of
 * vpcd's reader for `minutes`. After each insertion the page must show the verdict the service
 * has; the renderer's JS heap (CDP Performance.getMetrics after HeapProfiler.collectGarbage) is
 * sampled every 30 s; responsiveness is the round trip of a page.evaluate.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VirtualCardSpec } from '../native/simulator/card-model.js';
import type { VirtualCardName } from '../native/simulator/cards.js';
import { ApduEngine } from '../native/simulator/apdu-engine.js';
import { VpcdCardSocket } from '../native/simulator/vpcd-client.js';
import { toHex } from '../native/bytes.js';
import { openAppPage } from '../test/e2e/harness/app-page.js';
import { chromiumUnavailableReason, launchChromium } from '../test/e2e/harness/browser.js';
import { ensureRendererBuilt } from '../test/e2e/harness/build.js';
import { startRendererServer } from '../test/e2e/harness/server.js';
import { atrShown, isNoCard, isSettledCard, READERS, sleep, slope, startService } from './soak-lib.js';

export type RendererSoakFigures =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'measured';
      cycles: number;
      states: number;
      /** Insertions after which the page did not come to show the service's verdict within 10 s. */
      missedStates: number;
      /** Every heap sample: minutes since the start, MiB. */
      samples: { x: number; y: number }[];
      warmUpMin: number;
      /** The first and last samples after warm-up, as measured. */
      firstSampleMb: number;
      lastSampleMb: number;
      /** The fitted line through the samples after warm-up, at its first and last sample. */
      heapFromMb: number;
      heapToMb: number;
      heapGrowthPercent: number;
      heapSlopeMbPerMinute: number;
      worstRoundTripMs: number;
    };

export async function runRendererSoak(
  specs: ReadonlyMap<VirtualCardName, VirtualCardSpec>,
  minutes: number,
  log: (line: string) => void = () => undefined,
): Promise<RendererSoakFigures> {
  const unavailable = chromiumUnavailableReason();
  if (unavailable) return { kind: 'skipped', reason: unavailable };
  const dist = await ensureRendererBuilt();
  const server = await startRendererServer(dist);
  const browser = await launchChromium();
  const { service, recorder } = startService();
  await service.start();
  let states = 0;
  const off = service.subscribe(() => states++);
  const app = await openAppPage(browser, { service, origin: server.origin, saveDir: mkdtempSync(path.join(tmpdir(), 'kortkoll-soak-')) });
  try {
    await app.page.goto(`${server.origin}/`);
    const cdp = await app.context.newCDPSession(app.page);
    await cdp.send('Performance.enable');
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
    };
    const heap: { x: number; y: number }[] = [];
    const startedAt = performance.now();
    const names = [...specs.keys()];
    let cycles = 0;
    let missed = 0;
    let worstRoundTripMs = 0;
    let nextSampleAt = 0;
    await recorder.waitFor(isNoCard, 10_000, 'an empty reader');
    while (performance.now() - startedAt < minutes * 60_000) {
      const spec = specs.get(names[cycles % names.length]!)!;
      const mark = recorder.mark;
      const socket = new VpcdCardSocket(new ApduEngine(spec), { port: READERS[0]!.port });
      await socket.insert();
      const settled = await recorder.waitFor((s) => isSettledCard(s) && atrShown(s) === toHex(spec.atr), 15_000, `${spec.name} read`, mark);
      const deadline = performance.now() + 10_000;
      let shown = false;
      while (!shown && performance.now() < deadline) {
        const t0 = performance.now();
        const status = await app.page.evaluate(() => document.querySelector('[data-testid="verdict"]')?.getAttribute('data-status') ?? null);
        worstRoundTripMs = Math.max(worstRoundTripMs, performance.now() - t0);
        shown = status === settled.report?.verdict.status;
        if (!shown) await sleep(50);
      }
      if (!shown) missed++;
      const removeMark = recorder.mark;
      await socket.remove();
      await recorder.waitFor(isNoCard, 10_000, 'no card', removeMark);
      recorder.forgetBefore(recorder.mark);
      cycles++;
      const elapsedMin = (performance.now() - startedAt) / 60_000;
      if (performance.now() - startedAt >= nextSampleAt) {
        const mb = await heapMb();
        heap.push({ x: elapsedMin, y: mb });
        log(
          `  renderer ${elapsedMin.toFixed(1)} min: ${cycles} cycles, JS heap ${mb.toFixed(2)} MiB, worst round trip ${worstRoundTripMs.toFixed(0)} ms, missed ${missed}`,
        );
        nextSampleAt += 30_000;
      }
    }
    heap.push({ x: (performance.now() - startedAt) / 60_000, y: await heapMb() });
    // Warm-up: the first minute or tenth of the run, whichever is longer (fonts, the first render
    // of every panel, V8 optimising the hot paths). After it, the growth is read off the fitted
    // line, not two single samples: the heap is about 1.5 MiB, and where a GC falls moves one
    // sample by 0.1-0.2 MiB, i.e. by 10 %. A leak is a slope; noise is not.
    const warmUpMin = Math.max(1, minutes / 10);
    const afterWarmUp = heap.filter((p) => p.x >= warmUpMin);
    const warm = afterWarmUp.length >= 3 ? afterWarmUp : heap.slice(Math.min(1, heap.length - 1));
    const perMinute = slope(warm);
    const meanX = warm.reduce((s, p) => s + p.x, 0) / warm.length;
    const meanY = warm.reduce((s, p) => s + p.y, 0) / warm.length;
    const fitted = (x: number) => meanY + perMinute * (x - meanX);
    const from = fitted(warm[0]?.x ?? 0);
    const to = fitted(warm.at(-1)?.x ?? 0);
    return {
      kind: 'measured',
      cycles,
      states,
      missedStates: missed,
      samples: heap,
      warmUpMin,
      firstSampleMb: warm[0]?.y ?? 0,
      lastSampleMb: warm.at(-1)?.y ?? 0,
      heapFromMb: from,
      heapToMb: to,
      heapGrowthPercent: from === 0 ? 0 : ((to - from) / from) * 100,
      heapSlopeMbPerMinute: perMinute,
      worstRoundTripMs,
    };
  } finally {
    off();
    recorder.stop();
    await app.close().catch(() => undefined);
    await service.close();
    await browser.close().catch(() => undefined);
    await server.close();
  }
}
