/**
 * The renderer's part of `npm run bench`:
 * - jsGzipBytes: the built renderer's JavaScript, each file gzipped as it would travel (target
 *   ≤ 150 KB);
 * - verdictPaintMs: in Chromium, from navigation start to the frame after the verdict of a demo
 *   card is on screen (the renderer's `kortkoll:verdict-painted` mark), median of several loads
 *   after one warm-up (target ≤ 300 ms). The service has read the card before navigation, as in
 *   the app, where the window opens on a running service.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openAppPage } from '../test/e2e/harness/app-page.js';
import { chromiumUnavailableReason, launchChromium } from '../test/e2e/harness/browser.js';
import { ensureRendererBuilt } from '../test/e2e/harness/build.js';
import { realService } from '../test/e2e/harness/environment.js';
import { startRendererServer } from '../test/e2e/harness/server.js';

export const rendererTargets = { jsGzipBytes: 150 * 1024, verdictPaintMs: 300 } as const;

export interface RendererBenchmark {
  jsGzipBytes: number;
  verdictPaintMs: number;
}

export interface RendererBenchmarkOptions {
  demoCard?: string;
  /** Measured loads after the warm-up; the median is reported. */
  runs?: number;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(full);
    return /\.(m?js)$/.test(entry.name) ? [full] : [];
  });
}

export function gzippedJsBytes(distDir: string): number {
  return jsFiles(distDir).reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export async function runRendererBenchmark(options: RendererBenchmarkOptions = {}): Promise<RendererBenchmark> {
  const runs = options.runs ?? 5;
  const dist = await ensureRendererBuilt();
  const jsGzipBytes = gzippedJsBytes(dist);

  const unavailable = chromiumUnavailableReason();
  if (unavailable) throw new Error(`renderer benchmark: ${unavailable}`);
  const server = await startRendererServer(dist);
  const browser = await launchChromium();
  const service = realService({ demoCard: options.demoCard ?? 'netid-legacy' });
  try {
    await service.start();
    if (service.getState().phase !== 'ready') throw new Error(`renderer benchmark: the demo card did not read (phase ${service.getState().phase})`);
    const samples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const app = await openAppPage(browser, { service, origin: server.origin, saveDir: path.join(dist, '..', 'bench-saves') });
      try {
        await app.page.goto(`${server.origin}/`);
        const paintedAt = await app.page.waitForFunction(
          () => {
            const mark = performance.getEntriesByName('kortkoll:verdict-painted', 'mark')[0];
            return mark ? mark.startTime : null;
          },
          undefined,
          { timeout: 15_000, polling: 10 },
        );
        const ms = (await paintedAt.jsonValue()) as number;
        if (run > 0) samples.push(ms); // run 0 warms Chromium's and the server's caches
      } finally {
        await app.close();
      }
    }
    return { jsGzipBytes, verdictPaintMs: Math.round(median(samples) * 10) / 10 };
  } finally {
    await service.close();
    await browser.close();
    await server.close();
  }
}

// `npx tsx bench/renderer.ts`: this part alone.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runRendererBenchmark();
  const verdict = (value: number, target: number) => (value <= target ? 'ok' : 'OVER TARGET');
  console.log(
    `renderer JS gzipped: ${(result.jsGzipBytes / 1024).toFixed(1)} KB (target ≤ ${rendererTargets.jsGzipBytes / 1024} KB) ${verdict(result.jsGzipBytes, rendererTargets.jsGzipBytes)}`,
  );
  console.log(
    `navigation → verdict painted: ${result.verdictPaintMs} ms (target ≤ ${rendererTargets.verdictPaintMs} ms) ${verdict(result.verdictPaintMs, rendererTargets.verdictPaintMs)}`,
  );
}
