/**
 * The e2e tests run against the BUILT renderer (dist/renderer). Builds it with Vite when it is
 * missing or older than any of its sources, so a test never runs against a stale bundle.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const rendererDist = path.join(repoRoot, 'dist', 'renderer');

const sources = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'electron/ipc-contract.ts'];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
}

export async function ensureRendererBuilt(): Promise<string> {
  const built = path.join(rendererDist, 'index.html');
  const sourceTime = Math.max(...sources.map((source) => newestMtime(path.join(repoRoot, source))));
  if (existsSync(built) && statSync(built).mtimeMs >= sourceTime) return rendererDist;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'error' });
  return rendererDist;
}
