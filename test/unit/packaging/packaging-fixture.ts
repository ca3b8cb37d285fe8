// Shared by the packaging tests: loads the electron-builder configuration the way electron-builder
// does, prepares throw-away project directories and stand-ins for the tools electron-builder would
// download, runs electron-builder offline (run-electron-builder.mjs) and reads what it produced.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CONFIG_FILE = 'build/electron-builder.yml';
export const CONFIG_PATH = path.join(REPO_ROOT, CONFIG_FILE);

/** The upgrade code of the Windows MSI. Fixed for the life of the product: see docs/install.md. */
export const MSI_UPGRADE_CODE = 'A8F708F6-5BD7-40BC-A540-9CC740507B9F';

/**
 * What package.json needs for packaging (package.json is the lead's file): the configuration
 * reference, and the author and homepage electron-builder writes into the MSI (Manufacturer) and
 * the deb (Homepage; electron-builder refuses to build a deb without one). The throw-away projects
 * use these placeholders only where the real package.json lacks the field; a separate test checks
 * the real file.
 */
export const PACKAGE_JSON_ADDITIONS = {
  build: { extends: `./${CONFIG_FILE}` },
  author: { name: 'Kortkoll', email: 'support@kortkoll.invalid' },
  homepage: 'https://kortkoll.invalid/',
} as const;

// electron-builder's internals and the libraries it uses itself (the YAML parser, the fuse
// definitions), resolved from app-builder-lib so they are exactly the ones electron-builder runs.
const requireFromHere = createRequire(import.meta.url);
const requireFromBuilder = createRequire(requireFromHere.resolve('app-builder-lib/package.json'));

interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}
export const builderConfigModule = requireFromBuilder('./out/util/config/config.js') as BuilderConfigModule;
export const builderSchema = requireFromBuilder('./scheme.json') as Record<string, unknown>;
export const fpmTargetPrototype = (
  requireFromBuilder('./out/targets/FpmTarget.js') as {
    default: { prototype: { getDefaultDepends(target: string): string[]; getDefaultRecommends(target: string): string[] } };
  }
).default.prototype;
export const yaml = requireFromBuilder('js-yaml') as { load(text: string): unknown };
export const fuses = requireFromBuilder('@electron/fuses') as { FuseV1Options: Record<string, number | string> };
export const builderVersion = (requireFromBuilder('./package.json') as { version: string }).version;

/** The configuration as electron-builder resolves it: the YAML file, merged over its defaults. */
export async function loadBuilderConfig(projectDir = REPO_ROOT, configPath: string | null = CONFIG_FILE): Promise<Configuration> {
  return builderConfigModule.getConfig(projectDir, configPath, null);
}

export function readRepoJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, relativePath), 'utf8')) as T;
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `kortkoll-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

function writeFile(file: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** One file of a simulated project tree and whether it belongs in the packaged app. */
export interface TreeFile {
  path: string;
  ships: boolean;
  why: string;
}

/**
 * The project layout of the issue: what `npm run build` produces (main, preload, CLI, native layer
 * with the demo cards, the Vite renderer) next to everything that must stay out of the package.
 */
export const SIMULATED_TREE: readonly TreeFile[] = [
  { path: 'dist/electron/main.js', ships: true, why: 'main process entry (package.json "main")' },
  { path: 'dist/electron/preload.cjs', ships: true, why: 'sandboxed preload, CommonJS' },
  { path: 'dist/electron/cli.js', ships: true, why: 'CLI entry' },
  { path: 'dist/electron/service.js', ships: true, why: 'application service' },
  { path: 'dist/electron/card/session.js', ships: true, why: 'domain code' },
  { path: 'dist/electron/i18n/sv.json', ships: true, why: 'JSON that tsc copied next to the code importing it' },
  { path: 'dist/native/pcsc/pcsc-transport.js', ships: true, why: 'PC/SC layer' },
  { path: 'dist/native/simulator/cards/demo-cards.js', ships: true, why: 'demo virtual cards are a feature' },
  { path: 'dist/native/simulator/cards/siths-demo.json', ships: true, why: 'demo card data' },
  { path: 'dist/native/simulator/engine.js', ships: true, why: 'APDU engine of the demo mode' },
  { path: 'dist/renderer/index.html', ships: true, why: 'renderer entry' },
  { path: 'dist/renderer/assets/index-4f2a9c.js', ships: true, why: 'renderer bundle' },
  { path: 'dist/renderer/assets/index-4f2a9c.css', ships: true, why: 'renderer styles' },
  { path: 'bin/kortkoll.js', ships: true, why: 'package.json "bin"' },
  { path: 'dist/electron/main.js.map', ships: false, why: 'source map' },
  { path: 'dist/renderer/assets/index-4f2a9c.js.map', ships: false, why: 'source map' },
  { path: 'dist/electron/main.d.ts', ships: false, why: 'type declarations' },
  { path: 'dist/electron/card/session.test.js', ships: false, why: 'compiled test' },
  { path: 'dist/test/unit/card/session.test.js', ships: false, why: 'compiled test tree' },
  { path: 'dist/native/simulator/fixtures/broken-card.json', ships: false, why: 'simulator test fixture' },
  { path: 'dist/native/simulator/__tests__/engine.spec.js', ships: false, why: 'compiled test' },
  { path: 'dist/bench/run.js', ships: false, why: 'benchmark' },
  { path: 'electron/main.ts', ships: false, why: 'TypeScript source' },
  { path: 'native/simulator/engine.ts', ships: false, why: 'TypeScript source' },
  { path: 'renderer/src/app.tsx', ships: false, why: 'renderer source' },
  { path: 'renderer/index.html', ships: false, why: 'renderer source page (the built one ships)' },
  { path: 'test/unit/card/session.test.ts', ships: false, why: 'unit test' },
  { path: 'test/fixtures/cards/expired.json', ships: false, why: 'test fixture' },
  { path: 'test-results/vitest.json', ships: false, why: 'test results' },
  { path: 'docs/screenshots/start.png', ships: false, why: 'documentation screenshot' },
  { path: 'docs/install.md', ships: false, why: 'documentation' },
  { path: 'coverage/lcov.info', ships: false, why: 'coverage report' },
  { path: 'scripts/test.mjs', ships: false, why: 'development script' },
  { path: 'tsconfig.json', ships: false, why: 'development configuration' },
  { path: 'vitest.config.ts', ships: false, why: 'development configuration' },
  { path: '.github/workflows/release.yml', ships: false, why: 'CI workflow' },
  { path: 'README.md', ships: false, why: 'repository readme' },
];

/**
 * A throw-away project: the real package.json (plus PACKAGE_JSON_ADDITIONS where missing), the
 * real build/ resources, a mirror of the real node_modules (mirrorNodeModules) and an application
 * tree: the simulated one above, or a copy of the real build output.
 */
export function createProject(dir: string, tree: 'simulated' | 'real'): void {
  const packageJson = readRepoJson<Record<string, unknown>>('package.json');
  for (const [key, value] of Object.entries(PACKAGE_JSON_ADDITIONS)) {
    if (packageJson[key] === undefined) packageJson[key] = value;
  }
  writeFile(path.join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  cpSync(path.join(REPO_ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  cpSync(path.join(REPO_ROOT, 'build'), path.join(dir, 'build'), { recursive: true });
  mirrorNodeModules(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  if (tree === 'simulated') {
    for (const file of SIMULATED_TREE) writeFile(path.join(dir, file.path), `// ${file.why}\n`);
    return;
  }
  for (const relative of ['dist', 'dist/renderer', 'bin']) {
    const source = path.join(REPO_ROOT, relative);
    if (existsSync(source)) cpSync(source, path.join(dir, relative), { recursive: true });
  }
}

/**
 * Recreates `source` (a node_modules folder) at `target` with real directories and hard-linked files
 * (copied where hard links fail, e.g. across file systems); symbolic links are recreated as they are.
 *
 * Not a symbolic link to the real node_modules: electron-builder's collector asks `npm ls` for the
 * production tree, and when npm reads a linked node_modules from disk it loads every package as a
 * link to a folder outside the project and then reports the dependencies of those packages
 * (bindings, nan, @peculiar/utils, …) as missing, so electron-builder leaves them out. npm reads the
 * tree from disk whenever anything was written into node_modules after the install (vitest's and
 * vite's caches are), so with a link the test failed in a fresh clone and passed only where npm
 * happened to trust its hidden lockfile. A real project, as on the release runners, has no link.
 * Left out at the top: dot entries (npm's hidden lockfile, .bin, tool caches), none a package; so
 * npm always reads the mirror from disk. Hard links share the files with the real node_modules:
 * electron-builder only reads them here (run-electron-builder.mjs sets npmRebuild: false).
 */
export function mirrorNodeModules(source: string, target: string): void {
  const mirror = (from: string, to: string, top: boolean): void => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (top && entry.name.startsWith('.')) continue;
      const fromPath = path.join(from, entry.name);
      const toPath = path.join(to, entry.name);
      if (entry.isSymbolicLink()) symlinkSync(readlinkSync(fromPath), toPath);
      else if (entry.isDirectory()) mirror(fromPath, toPath, false);
      else {
        try {
          linkSync(fromPath, toPath);
        } catch {
          copyFileSync(fromPath, toPath);
        }
      }
    }
  };
  mirror(source, target, true);
}

// Electron's fuse wire: a sentinel, the wire version, the number of fuses, then one byte per fuse
// ('0' off, '1' on). The stand-in binary carries the wire with Electron's default values so that
// electron-builder's fuse step (@electron/fuses) flips it exactly as it would flip the real one.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const ELECTRON_DEFAULT_FUSES = '10110001'; // RunAsNode … GrantFileProtocolExtraPrivileges

export function readFuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(FUSE_SENTINEL);
  if (at < 0) throw new Error(`no fuse wire in ${binary}`);
  const position = at + FUSE_SENTINEL.length;
  const length = bytes[position + 1] ?? 0;
  return bytes.subarray(position + 2, position + 2 + length).toString('latin1');
}

/** Stand-ins for what electron-builder would download (see run-electron-builder.mjs). */
export function createStandIns(dir: string): void {
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# stand-in Electron\n${FUSE_SENTINEL}`, 'latin1'),
    Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(ELECTRON_DEFAULT_FUSES, 'latin1'),
    Buffer.from('\n'),
  ]);
  writeFile(path.join(dir, 'electron/electron'), wire);
  chmodSync(path.join(dir, 'electron/electron'), 0o755);
  mkdirSync(path.join(dir, 'electron/resources'), { recursive: true });
  writeFile(path.join(dir, 'electron/LICENSE'), 'stand-in');

  // fpm: records its arguments and creates the package file it was asked for.
  writeFile(
    path.join(dir, 'fpm'),
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(path.join(dir, 'fpm-args.json'))}, JSON.stringify(args));
const output = args[args.indexOf('--package') + 1];
fs.writeFileSync(output, 'stand-in package');
`,
  );
  chmodSync(path.join(dir, 'fpm'), 0o755);

  // The icon converter: writes a one-image .ico (the PNG as its 256x256 entry).
  writeFile(
    path.join(dir, 'icons/icon-tool.js'),
    `const fs = require('node:fs');
const path = require('node:path');
const option = (name) => process.argv.find((a) => a.startsWith('--' + name + '='))?.slice(name.length + 3);
const png = fs.readFileSync(option('input'));
const header = Buffer.alloc(22);
header.writeUInt16LE(1, 2); header.writeUInt16LE(1, 4);
header.writeUInt16LE(1, 10); header.writeUInt16LE(32, 12);
header.writeUInt32LE(png.length, 14); header.writeUInt32LE(22, 18);
fs.writeFileSync(path.join(option('out'), 'icon.ico'), Buffer.concat([header, png]));
`,
  );

  // A prepackaged Windows app for the MSI run.
  writeFile(path.join(dir, 'win-unpacked/Kortkoll.exe'), 'stand-in');
  writeFile(path.join(dir, 'win-unpacked/resources/app.asar'), 'stand-in');
}

export interface BuilderRunResult {
  artifacts?: string[];
  wxs?: string;
}

/** Runs electron-builder in a child process (it writes logs and temp files of its own). */
export function runElectronBuilder(request: { mode: 'linux-deb' | 'win-msi'; projectDir: string; standIns: string }): Promise<BuilderRunResult> {
  const script = fileURLToPath(new URL('./run-electron-builder.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(request)],
      { cwd: request.projectDir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (error || line === undefined) {
          reject(new Error(`electron-builder (${request.mode}) failed: ${error?.message ?? 'no result'}\n${stdout}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(line.slice('RESULT '.length)) as BuilderRunResult);
      },
    );
  });
}

export interface AsarEntry {
  path: string;
  unpacked: boolean;
}

interface AsarNode {
  files?: Record<string, AsarNode>;
  unpacked?: boolean;
  offset?: string;
  size?: number;
}

// Layout of an asar archive: uint32 4, uint32 size of the header pickle, then the header pickle
// (uint32 payload size, uint32 JSON length, the JSON), then the packed files' bytes.
function readAsarHeader(bytes: Buffer): { header: AsarNode; contentStart: number } {
  const headerPickleSize = bytes.readUInt32LE(4);
  const jsonLength = bytes.readUInt32LE(12);
  return { header: JSON.parse(bytes.subarray(16, 16 + jsonLength).toString('utf8')) as AsarNode, contentStart: 8 + headerPickleSize };
}

/** The content of one packed (not unpacked) file of an asar archive. */
export function readAsarFile(archive: string, file: string): string {
  const bytes = readFileSync(archive);
  const { header, contentStart } = readAsarHeader(bytes);
  let node: AsarNode | undefined = header;
  for (const name of file.split('/')) node = node?.files?.[name];
  if (node?.offset === undefined || node.size === undefined) throw new Error(`${file} is not a packed file of ${archive}`);
  const start = contentStart + Number(node.offset);
  return bytes.subarray(start, start + node.size).toString('utf8');
}

/** The files (not directories) listed in an asar archive's header, with their unpacked flag. */
export function readAsarEntries(archive: string): AsarEntry[] {
  const { header } = readAsarHeader(readFileSync(archive));
  const entries: AsarEntry[] = [];
  const walk = (node: AsarNode, prefix: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const childPath = prefix === '' ? name : `${prefix}/${name}`;
      if (child.files !== undefined) walk(child, childPath);
      else entries.push({ path: childPath, unpacked: child.unpacked === true });
    }
  };
  walk(header, '');
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

/** Rules every packaged file must obey, whatever the tree: returns the broken rule or null. */
export function forbiddenReason(file: string): string | null {
  const segments = file.split('/');
  const base = segments[segments.length - 1] ?? '';
  if (segments.some((s) => ['test', 'tests', '__tests__', 'fixtures', '__fixtures__', 'test-results', 'coverage'].includes(s)))
    return 'test directory or fixture';
  if (/\.(test|spec)\.[^/]+$/.test(base)) return 'test file';
  if (/\.(ts|mts|cts|tsx)$/.test(base)) return 'TypeScript source or declaration';
  if (base.endsWith('.map')) return 'source map';
  if (file.includes('docs/screenshots')) return 'documentation screenshot';
  if (!file.startsWith('node_modules/') && !['package.json', 'dist', 'renderer', 'bin'].includes(segments[0] ?? '')) return 'outside the app whitelist';
  return null;
}
