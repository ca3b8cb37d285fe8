#!/usr/bin/env node
// `npm run build:preload`: bundles electron/preload.ts (and the contract it imports) into one
// CommonJS file next to main.js. A sandboxed preload cannot load ES modules or other local files;
// `electron` stays external (the sandbox provides it).
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  external: ['electron'],
  sourcemap: false,
  logLevel: 'warning',
});
console.log('preload: dist/electron/preload.cjs');
