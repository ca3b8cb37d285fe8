#!/usr/bin/env node
// `npm run build:cli`: the CLI as one bundle with lazily loaded chunks (dist/cli/), so that a
// command starts without resolving and compiling a few hundred ES modules one by one: `--help`
// loads no command module, `read` only what reading needs. The PKCS#11 worker is an entry of its
// own beside it (inspect.ts starts `./worker.js` next to the code that asks for it). Native
// bindings stay outside the bundle and load from node_modules as before.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'electron/cli.ts', worker: 'native/system/pkcs11/worker.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['pcsclite', 'pkcs11js', 'electron'],
  // Some dependencies are CommonJS and call require(): give the ES module bundle one.
  banner: { js: "import { createRequire as __kortkollCreateRequire } from 'node:module'; const require = __kortkollCreateRequire(import.meta.url);" },
  sourcemap: false,
  logLevel: 'warning',
});
console.log('cli: dist/cli/cli.js');
