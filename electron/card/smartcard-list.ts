/**
 * Names for ATRs from pcsc-tools' `smartcard_list.txt` (optional: used only when the file exists).
 * Format: an ATR line (a regular expression over upper-case hex bytes separated by spaces, e.g.
 * `3B 7D 96 00 00 80 31 80 65 B0 .. 11`), then one or more tab-indented description lines, then
 * an empty line; `#` starts a comment. Lines that are not valid patterns are skipped.
 */
import { readFileSync, statSync } from 'node:fs';
import { atrToSpacedHex } from './atr.js';

export const defaultSmartcardListPath = '/usr/share/pcsc/smartcard_list.txt';

const maxFileBytes = 8 * 1024 * 1024;
const maxEntries = 50_000;
const maxPatternLength = 200;

export interface SmartcardListEntry {
  pattern: string;
  regex: RegExp;
  descriptions: string[];
}

/** Parses the text of a smartcard_list.txt. Never throws on content. */
export function parseSmartcardList(text: string): SmartcardListEntry[] {
  const entries: SmartcardListEntry[] = [];
  let current: SmartcardListEntry | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    if (entries.length >= maxEntries) break;
    if (rawLine.startsWith('#')) continue;
    if (rawLine.trim() === '') {
      current = undefined;
      continue;
    }
    if (/^\s/.test(rawLine)) {
      if (current) current.descriptions.push(rawLine.trim());
      continue;
    }
    const pattern = rawLine.trim().toUpperCase();
    current = undefined;
    // Only characters a pattern of hex bytes uses; anything else (or an overlong line) is skipped.
    if (pattern.length > maxPatternLength || !/^[0-9A-F .[\]\-*+?|()]+$/.test(pattern)) continue;
    let regex: RegExp;
    try {
      regex = new RegExp(`^${pattern}$`);
    } catch {
      continue;
    }
    current = { pattern, regex, descriptions: [] };
    entries.push(current);
  }
  return entries.filter((entry) => entry.descriptions.length > 0);
}

const cache = new Map<string, { mtimeMs: number; entries: SmartcardListEntry[] }>();

/** Loads (and caches) the list; undefined when the file is missing, unreadable or too large. */
export function loadSmartcardList(path: string = defaultSmartcardListPath): SmartcardListEntry[] | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > maxFileBytes) return undefined;
    const cached = cache.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached.entries;
    const entries = parseSmartcardList(readFileSync(path, 'utf8'));
    cache.set(path, { mtimeMs: stat.mtimeMs, entries });
    return entries;
  } catch {
    return undefined;
  }
}

/** The descriptions of the first entry matching the ATR, or undefined. */
export function lookUpAtr(atr: Uint8Array, entries: readonly SmartcardListEntry[]): string[] | undefined {
  const spaced = atrToSpacedHex(atr);
  for (const entry of entries) {
    if (entry.regex.test(spaced)) return entry.descriptions;
  }
  return undefined;
}
