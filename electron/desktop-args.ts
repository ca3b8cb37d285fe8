/** The desktop app's own command-line options (Chromium's switches pass through untouched). */
import { parseArgs } from 'node:util';
import { parseLang, type Lang } from './i18n/index.js';

export interface DesktopArgs {
  /** `--demo <card>`: start with a virtual demo card instead of the real readers. */
  demoCard: string | null;
  /** `--lang sv|en`. */
  lang?: Lang;
}

const desktopOptions = { demo: { type: 'string' }, lang: { type: 'string' } } as const;

/**
 * Reads `--demo <card>` / `--demo=<card>` and `--lang sv|en` / `--lang=en`; the last of each counts.
 * Leniently (parseArgs without `strict`): Electron's argv also holds the app's path and Chromium's
 * switches, which are not ours to refuse. A missing value, an empty one or an unknown language is
 * ignored, as is an option that is followed by a switch instead of its value.
 */
export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  const result: DesktopArgs = { demoCard: null };
  const { tokens } = parseArgs({ args: [...argv], options: desktopOptions, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || (token.name !== 'demo' && token.name !== 'lang')) continue;
    if (token.value !== undefined && !token.inlineValue && token.value.startsWith('--')) {
      // parseArgs took the next switch for this option's value: it has none, and that switch is read
      // on its own, with everything after it.
      const rest = parseDesktopArgs(argv.slice(token.index + 1));
      const lang = rest.lang ?? result.lang;
      return { demoCard: rest.demoCard ?? result.demoCard, ...(lang && { lang }) };
    }
    if (token.name === 'demo' && token.value) result.demoCard = token.value;
    if (token.name === 'lang') {
      const lang = parseLang(token.value);
      if (lang) result.lang = lang;
    }
  }
  return result;
}
