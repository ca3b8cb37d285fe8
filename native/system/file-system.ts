/** The read-only file-system view the probes use: the real one, and an in-memory one for tests. */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { FileKind, FileSystemView } from './types.js';

/** Files larger than this are not read (a probe reads config files and plists, not data). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export const nodeFileSystem: FileSystemView = {
  async kind(path) {
    try {
      const info = await stat(path);
      if (info.isSocket()) return 'socket';
      if (info.isDirectory()) return 'directory';
      if (info.isFile()) return 'file';
      return 'other';
    } catch {
      return null;
    }
  },
  async readText(path) {
    const bytes = await nodeFileSystem.readBytes(path);
    return bytes === null ? null : Buffer.from(bytes).toString('utf8');
  },
  async readBytes(path) {
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_READ_BYTES) return null;
      return new Uint8Array(await readFile(path));
    } catch {
      return null;
    }
  },
  async list(directory) {
    try {
      return (await readdir(directory)).sort();
    } catch {
      return null;
    }
  },
  async realPath(path) {
    try {
      return await realpath(path);
    } catch {
      return null;
    }
  },
};

export type MemoryEntry = string | Uint8Array | { kind: FileKind };

/**
 * An in-memory file system: keys are absolute paths, values file contents (text or bytes) or a
 * bare kind (a socket, an empty directory). Parent directories exist implicitly. Paths use `/`
 * or `\` as given; lookups are exact (Windows paths are matched case-insensitively).
 */
export function createMemoryFileSystem(entries: Readonly<Record<string, MemoryEntry>>): FileSystemView {
  const isWindowsPath = (path: string): boolean => /^[A-Za-z]:/.test(path);
  const trim = (path: string): string => path.replace(/[\\/]+$/, '');
  // Same length as the trimmed original (only case and separators change), so slices line up.
  const normalise = (path: string): string => {
    const trimmed = trim(path);
    return isWindowsPath(trimmed) ? trimmed.replace(/\//g, '\\').toLowerCase() : trimmed;
  };
  const table = new Map<string, { original: string; entry: MemoryEntry }>();
  for (const [path, entry] of Object.entries(entries)) table.set(normalise(path), { original: trim(path), entry });

  const childrenOf = (directory: string): string[] | null => {
    const dir = normalise(directory);
    const own = table.get(dir)?.entry;
    let found = own !== undefined && typeof own === 'object' && !(own instanceof Uint8Array) && own.kind === 'directory';
    const prefix = dir + (isWindowsPath(dir) ? '\\' : '/');
    const names = new Map<string, string>();
    for (const [path, { original }] of table) {
      if (!path.startsWith(prefix)) continue;
      found = true;
      const name = path.slice(prefix.length).split(/[\\/]/)[0];
      const originalName = original.slice(prefix.length).split(/[\\/]/)[0];
      if (name && originalName && !names.has(name)) names.set(name, originalName);
    }
    return found ? [...names.values()].sort() : null;
  };
  const entryOf = (path: string): MemoryEntry | undefined => table.get(normalise(path))?.entry;
  return {
    async kind(path) {
      const entry = entryOf(path);
      if (entry === undefined) return childrenOf(path) ? 'directory' : null;
      if (typeof entry === 'string' || entry instanceof Uint8Array) return 'file';
      return entry.kind;
    },
    async readText(path) {
      const entry = entryOf(path);
      if (typeof entry === 'string') return entry;
      if (entry instanceof Uint8Array) return Buffer.from(entry).toString('utf8');
      return null;
    },
    async readBytes(path) {
      const entry = entryOf(path);
      if (typeof entry === 'string') return new TextEncoder().encode(entry);
      if (entry instanceof Uint8Array) return entry;
      return null;
    },
    async list(directory) {
      return childrenOf(directory);
    },
    async realPath(path) {
      // No links in memory: a path is its own real path when it exists.
      return entryOf(path) !== undefined || childrenOf(path) ? path : null;
    },
  };
}
