/**
 * Builds the renderer into dist/renderer, where the Electron shell (app://kortkoll/) and the
 * end-to-end tests serve it from. Nothing may end up inline (the CSP forbids inline scripts and
 * styles), so assets are never inlined as data: URLs and no module-preload polyfill is injected.
 */
import { defineConfig } from 'vite';

// Paths relative to this file, whatever the working directory (Vite defines import.meta.dirname here).
const rendererDir = import.meta.dirname;

export default defineConfig({
  root: rendererDir,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  // Vite 8 transforms TS/JSX with Oxc (the `esbuild` option is only a deprecated alias now).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: `${rendererDir}/../dist/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    assetsInlineLimit: 0,
    modulePreload: false,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
