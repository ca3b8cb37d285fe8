/** Parsers for what macOS tools print and for app bundles' Info.plist. Unrecognised input → `unknown`. */
import { firstLine } from '../facts.js';

export type Unknown = { kind: 'unknown'; note: string };

export interface SmartCardsReport {
  kind: 'smartcards';
  readers: string[];
  readerDrivers: string[];
  tokenDrivers: string[];
}

/**
 * `system_profiler SPSmartCardsDataType`: a "SmartCards:" heading, then indented sections
 * ("Readers:", "Reader Drivers:", "SmartCard Drivers:", …) whose items read `#01: <text>`.
 * Reader items may end in ` (ATR:<…>)`, which we drop from the name.
 */
export function parseSystemProfilerSmartCards(stdout: string): SmartCardsReport | Unknown {
  if (!/^\s*SmartCards:\s*$/m.test(stdout)) {
    return { kind: 'unknown', note: stdout.trim() === '' ? 'no output from system_profiler' : `unexpected output from system_profiler: ${firstLine(stdout)}` };
  }
  const report: SmartCardsReport = { kind: 'smartcards', readers: [], readerDrivers: [], tokenDrivers: [] };
  let section: 'readers' | 'readerDrivers' | 'tokenDrivers' | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    const heading = /^\s+([A-Za-z][^:#]*):\s*$/.exec(line);
    if (heading) {
      const name = (heading[1] as string).trim().toLowerCase();
      section = name === 'readers' ? 'readers' : name === 'reader drivers' ? 'readerDrivers' : name === 'smartcard drivers' ? 'tokenDrivers' : null;
      continue;
    }
    const item = /^\s+#\d+:\s*(.+?)\s*$/.exec(line);
    if (!item || !section) continue;
    let text = item[1] as string;
    if (section === 'readers') text = text.replace(/\s*\(ATR:\s*<[^>]*>\)\s*$/i, '');
    report[section].push(text);
  }
  return report;
}

export interface PluginkitEntry {
  bundleId: string;
  version: string;
  /** `+` enabled by the user, `-` disabled, `` default, `!`/`=`/`?` other election states. */
  election: string;
}

/** `pluginkit -m -p com.apple.ctk-tokens`: lines `<election> <bundle id>(<version>)`. */
export function parsePluginkitList(stdout: string): { kind: 'plugins'; plugins: PluginkitEntry[] } | Unknown {
  const plugins: PluginkitEntry[] = [];
  let unrecognised = 0;
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = /^\s*([+\-=!?]?)\s*([A-Za-z0-9][\w.-]*)\(([^)]*)\)\s*$/.exec(line);
    if (match) plugins.push({ election: match[1] as string, bundleId: match[2] as string, version: match[3] as string });
    else unrecognised++;
  }
  if (plugins.length === 0 && unrecognised > 0) return { kind: 'unknown', note: `unexpected output from pluginkit: ${firstLine(stdout)}` };
  return { kind: 'plugins', plugins };
}

export interface BundleInfo {
  bundleId: string | null;
  shortVersion: string | null;
  version: string | null;
  name: string | null;
}

/** An XML Info.plist's top-level string values we care about; null when the text is not an XML plist. */
export function parseXmlInfoPlist(text: string): BundleInfo | null {
  if (!/<plist\b/.test(text)) return null;
  const value = (key: string): string | null => {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`<key>\\s*${escaped}\\s*</key>\\s*<string>([^<]*)</string>`).exec(text);
    return match ? decodeXmlEntities((match[1] as string).trim()) : null;
  };
  return {
    bundleId: value('CFBundleIdentifier'),
    shortVersion: value('CFBundleShortVersionString'),
    version: value('CFBundleVersion'),
    name: value('CFBundleName'),
  };
}

function decodeXmlEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** `defaults read <plist> CFBundleShortVersionString`: one line with the value; anything else is unknown. */
export function parseDefaultsReadValue(stdout: string, exitCode: number | null): string | Unknown {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (exitCode === 0 && lines.length === 1 && /^[\w.\- ()]{1,64}$/.test(lines[0] as string)) return lines[0] as string;
  return { kind: 'unknown', note: `unexpected output from defaults: ${firstLine(stdout) || `exit code ${exitCode}`}` };
}
