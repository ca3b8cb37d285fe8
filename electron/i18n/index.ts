/**
 * Message catalogues. Every user-facing string lives in a Swedish and an English catalogue;
 * Swedish is the default. Each area (card, pki, diagnostics, login, cli, …) defines its own
 * messages with `defineMessages`, whose type makes a key missing from either language a compile
 * error; a unit test also checks every registered catalogue at run time.
 *
 * A message that states a count is a `plural(...)`: its forms are chosen with the language's own
 * `Intl.PluralRules`, so "1 försök kvar" / "2 försök kvar" and "1 try left" / "2 tries left" are
 * each right in their language instead of "försök(s)".
 */
export type Lang = 'sv' | 'en';
export const defaultLang: Lang = 'sv';
export const langs: readonly Lang[] = ['sv', 'en'];

export type MessageParams = Record<string, string | number>;

/** The plural categories Swedish and English use (`Intl.PluralRules` gives only these two for them). */
export type PluralForms = { readonly one: string; readonly other: string };

/** A message whose form follows the number in one of its params (`count`, `days`, `left`, …). */
export interface PluralMessage {
  readonly plural: string;
  readonly forms: PluralForms;
}

export type Message = string | PluralMessage;
export type Catalogue<K extends string> = Readonly<Record<K, Message>>;

export interface MessageSet<K extends string> {
  readonly area: string;
  readonly sv: Catalogue<K>;
  readonly en: Catalogue<K>;
  /** Formats a message: `{name}` placeholders are replaced by params; a plural message picks its form by its count param. */
  t(key: K, lang: Lang, params?: MessageParams): string;
}

/** A plural message: `plural('left', { one: '{left} försök kvar', other: '{left} försök kvar' })`. */
export function plural(param: string, forms: PluralForms): PluralMessage {
  return { plural: param, forms };
}

export function isPluralMessage(message: Message): message is PluralMessage {
  return typeof message !== 'string';
}

/** The texts of a message: one for a plain message, each form of a plural one. */
export function messageForms(message: Message): string[] {
  return isPluralMessage(message) ? [message.forms.one, message.forms.other] : [message];
}

const registry = new Map<string, MessageSet<string>>();
const pluralRules = new Map<Lang, Intl.PluralRules>();

function pluralRulesFor(lang: Lang): Intl.PluralRules {
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  return rules;
}

/**
 * Placeholders a message uses, e.g. `['tries']` for "{tries} försök kvar", each as often as it
 * stands there; for a plural message, each name any of its forms uses, and its count, once.
 */
export function placeholdersOf(message: Message): string[] {
  const namesIn = (template: string) => Array.from(template.matchAll(/\{(\w+)\}/g), (m) => m[1] as string);
  if (!isPluralMessage(message)) return namesIn(message).sort();
  return [...new Set([message.plural, ...messageForms(message).flatMap(namesIn)])].sort();
}

/** Fills `{name}` placeholders; a plural message first picks the form its count asks for in `lang`. */
export function formatMessage(message: Message, params: MessageParams = {}, lang: Lang = defaultLang): string {
  let template: string;
  if (isPluralMessage(message)) {
    const count = Number(params[message.plural]);
    template = Number.isFinite(count) && pluralRulesFor(lang).select(count) === 'one' ? message.forms.one : message.forms.other;
  } else {
    template = message;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

export function defineMessages<K extends string>(area: string, sv: Catalogue<K>, en: NoInfer<Catalogue<K>>): MessageSet<K> {
  const set: MessageSet<K> = {
    area,
    sv,
    en,
    t(key, lang, params) {
      const catalogue = lang === 'en' ? en : sv;
      const message = catalogue[key] ?? sv[key];
      if (message === undefined) throw new Error(`Missing message ${area}.${key}`);
      return formatMessage(message, params, lang);
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
