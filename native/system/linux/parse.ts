/** Parsers for Linux tool outputs and config files. Unrecognised input → `unknown`, never a throw. */
import { firstLine } from '../facts.js';

export type Unknown = { kind: 'unknown'; note: string };

/** What `systemctl is-active` can print for one unit. Its own "unknown" (unit not loaded) is renamed. */
export type SystemdActiveState = 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'reloading' | 'not-loaded';

const activeStates = new Set(['active', 'inactive', 'failed', 'activating', 'deactivating', 'reloading']);

/**
 * `systemctl is-active <unit>…`: one line per unit, in order. It exits non-zero when any unit is
 * not active, so the exit code says nothing about whether the output is usable.
 */
export function parseSystemctlIsActive(stdout: string, units: readonly string[]): { kind: 'states'; states: Record<string, SystemdActiveState> } | Unknown {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length !== units.length) {
    return { kind: 'unknown', note: lines.length === 0 ? 'no output from systemctl' : `unexpected output from systemctl: ${firstLine(stdout)}` };
  }
  const states: Record<string, SystemdActiveState> = {};
  for (const [i, unit] of units.entries()) {
    const line = lines[i] as string;
    if (line === 'unknown') states[unit] = 'not-loaded';
    else if (activeStates.has(line)) states[unit] = line as SystemdActiveState;
    else return { kind: 'unknown', note: `unexpected output from systemctl: ${firstLine(line)}` };
  }
  return { kind: 'states', states };
}

/** `opensc-tool --info`: first line `OpenSC 0.23.0 [gcc  12.2.0]`. */
export function parseOpenscInfo(stdout: string): { kind: 'version'; version: string; features: string | null } | Unknown {
  const match = /^\s*OpenSC\s+(\d+\.\d+(?:\.\d+)?(?:[-.~+][\w.~+-]*)?)\b/m.exec(stdout);
  if (!match) return { kind: 'unknown', note: `unexpected output from opensc-tool: ${firstLine(stdout) || 'nothing'}` };
  const features = /^\s*Enabled features:\s*(.+)$/m.exec(stdout);
  return { kind: 'version', version: match[1] as string, features: features ? (features[1] as string).trim() : null };
}

export interface P11KitModuleConfig {
  /** The file name without `.module`. */
  name: string;
  /** As written in the file (relative paths are relative to p11-kit's module directory). */
  module: string | null;
  disableIn: string[];
  enableIn: string[];
}

/** A p11-kit `.module` file: `key: value` lines, `#` comments. */
export function parseP11KitModuleFile(name: string, text: string): P11KitModuleConfig {
  const config: P11KitModuleConfig = { name, module: null, disableIn: [], enableIn: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const match = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = (match[1] as string).toLowerCase();
    const value = (match[2] as string).trim();
    if (key === 'module') config.module = value;
    else if (key === 'disable-in') config.disableIn = value.split(/[\s,]+/).filter(Boolean);
    else if (key === 'enable-in') config.enableIn = value.split(/[\s,]+/).filter(Boolean);
  }
  return config;
}

export interface P11KitListedModule {
  name: string;
  path: string | null;
  libraryDescription: string | null;
  libraryVersion: string | null;
  tokens: string[];
}

/**
 * `p11-kit list-modules`: `module: <name>` at column 0, then indented `key: value` lines;
 * `token: <label>` lines (more deeply indented details follow each token).
 */
export function parseP11KitListModules(stdout: string): { kind: 'modules'; modules: P11KitListedModule[] } | Unknown {
  const modules: P11KitListedModule[] = [];
  let current: P11KitListedModule | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    const header = /^module:\s*(.+?)\s*$/.exec(line);
    if (header) {
      current = { name: header[1] as string, path: null, libraryDescription: null, libraryVersion: null, tokens: [] };
      modules.push(current);
      continue;
    }
    if (!current) continue;
    const entry = /^(\s+)([\w-]+):\s*(.*?)\s*$/.exec(line);
    if (!entry) continue;
    const [, indent, key, value] = entry as unknown as [string, string, string, string];
    if (key === 'token' && indent.length <= 4) current.tokens.push(value);
    else if (indent.length <= 4 && key === 'path') current.path = value;
    else if (indent.length <= 4 && key === 'library-description') current.libraryDescription = value;
    else if (indent.length <= 4 && key === 'library-version') current.libraryVersion = value;
  }
  if (modules.length === 0 && stdout.trim() !== '') return { kind: 'unknown', note: `unexpected output from p11-kit: ${firstLine(stdout)}` };
  return { kind: 'modules', modules };
}

/** Debian's multiarch directory name for a Node `process.arch`. */
export function multiarchTriplet(arch: string): string | null {
  switch (arch) {
    case 'x64':
      return 'x86_64-linux-gnu';
    case 'arm64':
      return 'aarch64-linux-gnu';
    case 'ia32':
      return 'i386-linux-gnu';
    case 'arm':
      return 'arm-linux-gnueabihf';
    case 'ppc64':
      return 'powerpc64le-linux-gnu';
    case 's390x':
      return 's390x-linux-gnu';
    case 'riscv64':
      return 'riscv64-linux-gnu';
    default:
      return null;
  }
}

/** The usual library directories, most specific first (Debian multiarch, Fedora lib64, local). */
export function libraryDirectories(arch: string): string[] {
  const triplet = multiarchTriplet(arch);
  const dirs = [
    ...(triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`] : []),
    '/usr/lib64',
    '/usr/lib',
    '/lib64',
    '/lib',
    '/usr/local/lib64',
    '/usr/local/lib',
  ];
  return dirs.flatMap((dir) => [dir, `${dir}/pkcs11`]);
}
