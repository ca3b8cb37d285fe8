import { readFile } from 'node:fs/promises';

/** Our version from package.json, found from source (electron/…) and from the build (dist/electron/…) alike. */
export async function packageVersion(): Promise<string> {
  for (const relative of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kortkoll' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}
