/** The desktop app's own command-line options (Chromium's switches pass through untouched). */
import { parseLang, type Lang } from './i18n/index.js';

export interface DesktopArgs {
  /** `--demo <card>`: start with a virtual demo card instead of the real readers. */
  demoCard: string | null;
  /** `--lang sv|en`. */
  lang?: Lang;
}

/** Reads `--demo <card>` / `--demo=<card>` and `--lang sv|en` / `--lang=en`. */
export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  const result: DesktopArgs = { demoCard: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (flag !== '--demo' && flag !== '--lang') continue;
    let value: string | undefined;
    if (equals > 0) {
      value = arg.slice(equals + 1);
    } else {
      value = argv[i + 1];
      if (value !== undefined && !value.startsWith('--')) i++;
      else value = undefined;
    }
    if (flag === '--demo' && value) result.demoCard = value;
    if (flag === '--lang') {
      const lang = parseLang(value);
      if (lang) result.lang = lang;
    }
  }
  return result;
}
