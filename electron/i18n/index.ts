/**
 * Message catalogues. Every user-facing string lives in a Swedish and an English catalogue;
 * Swedish is the default. Each area (card, pki, diagnostics, login, cli, …) defines its own
 * messages with `defineMessages`, whose type makes a key missing from either language a compile
 * error; a unit test also checks every registered catalogue at run time.
 */
export type Lang = 'sv' | 'en';
export const defaultLang: Lang = 'sv';

export type MessageParams = Record<string, string | number>;
export type Catalogue<K extends string> = Readonly<Record<K, string>>;

export interface MessageSet<K extends string> {
  readonly area: string;
  readonly sv: Catalogue<K>;
  readonly en: Catalogue<K>;
  /** Formats a message: `{name}` placeholders are replaced by params. */
  t(key: K, lang: Lang, params?: MessageParams): string;
}

const registry = new Map<string, MessageSet<string>>();

/** Placeholders a template uses, e.g. `['tries']` for "{tries} försök kvar". */
export function placeholdersOf(template: string): string[] {
  return Array.from(template.matchAll(/\{(\w+)\}/g), (m) => m[1] as string).sort();
}

export function formatMessage(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

export function defineMessages<K extends string>(area: string, sv: Catalogue<K>, en: NoInfer<Catalogue<K>>): MessageSet<K> {
  const set: MessageSet<K> = {
    area,
    sv,
    en,
    t(key, lang, params) {
      const catalogue = lang === 'en' ? en : sv;
      const template = catalogue[key] ?? sv[key];
      if (template === undefined) throw new Error(`Missing message ${area}.${key}`);
      return formatMessage(template, params);
    },
  };
  registry.set(area, set as unknown as MessageSet<string>);
  return set;
}

/** All catalogues defined so far (for the completeness test and the report). */
export function registeredMessageSets(): MessageSet<string>[] {
  return [...registry.values()];
}

export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'sv' || lower.startsWith('sv-') || lower.startsWith('sv_')) return 'sv';
  if (lower === 'en' || lower.startsWith('en-') || lower.startsWith('en_')) return 'en';
  return undefined;
}
