/** Reads a recorded command output from test/fixtures/system/<platform>/<name>. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function recorded(platform: 'windows' | 'macos' | 'linux', name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/system/${platform}/${name}`, import.meta.url)), 'utf8');
}

export function recordedBytes(platform: 'windows' | 'macos' | 'linux', name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/system/${platform}/${name}`, import.meta.url))));
}
