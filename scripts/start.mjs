#!/usr/bin/env node
// `npm start [-- --demo <card>]`: starts the desktop app when the Electron binary is installed.
// On machines where it could not be downloaded, say so in one line and point to the CLI instead of
// a stack trace. Deliberately does not `require('electron')`: its index.js tries to download the
// binary when it is missing.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const cliHint = 'npx kortkoll read --demo netid-legacy';

function electronBinary() {
  const require = createRequire(import.meta.url);
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) return path.join(override, relative ?? 'electron');
  if (!relative) return null;
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary || !existsSync(binary)) {
  console.error(
    `Kortkoll: the Electron binary is not installed on this machine, so the desktop app cannot start; use the command-line tool instead: ${cliHint}`,
  );
  process.exit(69);
}
if (!existsSync('dist/electron/main.js') || !existsSync('dist/electron/preload.cjs') || !existsSync('dist/renderer/index.html')) {
  console.error('Kortkoll: the app is not built yet; run `npm run build` first.');
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
