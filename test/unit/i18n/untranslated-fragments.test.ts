/**
 * No English in Swedish output and no Swedish in English output: every registered message is
 * rendered in both languages (every placeholder filled with 0, 1, 2 and 5, so each plural form is
 * reached), and so is the whole report of every virtual card and of the ways a read can fail. A
 * word of the other language left in a sentence ("Kortet svarade med ett fel: No precise
 * diagnosis.") fails the test with the message or report line it stands in.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { registeredMessageSets, type Lang } from '../../../electron/i18n/index.js';
// Every module that defines user-facing messages, so that their catalogues are registered.
import '../../../electron/service.js';
import '../../../electron/cli.js';
import '../../../electron/diagnostics/render-messages.js';
import '../../../electron/diagnostics/messages.js';
import '../../../electron/login/messages.js';
import '../../../electron/card/card-probe-report.js';
import { commandLoaders } from '../../../electron/cli.js';
import { renderReportText } from '../../../electron/diagnostics/render-text.js';
import type { DiagnosticReport } from '../../../electron/diagnostics/report-types.js';
import { buildLoginGuide } from '../../../electron/login/guide.js';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import { buildVirtualCardSpec, realCertsDirectory, virtualCardNames } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { TransportError, TransportTimeoutError, type CardTransport, type TransportErrorCode } from '../../../native/transport.js';
import { messageKeys as uiMessageKeys, translator } from '../../../renderer/src/i18n.js';
import { diagnoseTransport, diagnoseVirtualCard, fixedNow } from '../diagnostics/diagnosis-helpers.js';

/**
 * Names and terms both languages write the same way; they are taken out before the words are
 * looked at. Product and standard names (SITHS, Net iD, PKCS#15 …), Swedish terms an English
 * text keeps on purpose (the e-tjänstekort, the PIN letter's own wording, Swedish institutions),
 * and English technical names a Swedish text keeps (OS settings paths, PKCS#11 and ISO names).
 */
const sharedTerms: readonly (string | RegExp)[] = [
  // Products, standards, protocols
  'SITHS eID',
  'SITHS e-id',
  'SITHS',
  'Net iD Enterprise',
  'Net iD Client',
  'Net iD',
  'SafeNet Authentication Client',
  'SafeNet',
  'Thales IDPrime',
  'IDPrime',
  'OpenSC',
  'PKCS#15',
  'PKCS#11',
  'PC/SC',
  'pcscd.service',
  'pcscd',
  'pcsc-tools',
  'p11-kit-proxy',
  'Telia e-legitimation',
  'Telia EID IP5a',
  'SetCOS',
  'Carelink',
  'Inera',
  'HSA-id',
  'Root CA',
  'OCSP',
  'CRL',
  'GET RESPONSE',
  'GET DATA',
  'SELECT',
  'VERIFY',
  'CHANGE REFERENCE DATA',
  'RESET RETRY COUNTER',
  'Windows Hello',
  'Microsoft Virtual Smart Card',
  'Certificate Propagation',
  'CertPropSvc',
  'certmgr.msc',
  'Keychain Access',
  'Firefox',
  'Chromium/Chrome',
  'Chromium',
  'Chrome',
  'Edge',
  'Safari',
  'policies.json',
  'SecurityDevices',
  'minidriver',
  'applet',
  'Kortkoll',
  // Swedish words an English text keeps: what the card and the PIN letter themselves say
  'e-tjänstekort',
  'E-tjänstekort',
  // The language switch names the other language in that language
  'På svenska',
  'In English',
  // Names of Swedish services
  '1177 Vårdguidens e-tjänster',
  'Pinkod för legitimering',
  'Jag legitimerar mig',
  'Rapportera kortet',
  // The virtual reader's name (data, not text)
  'Kortkoll Virtual Reader',
  // OS settings paths quoted as the OS shows them
  /Personal → Certificates/g,
  /Settings → Privacy & Security → Security Devices → Load/g,
];

/** Things in a text that are neither language: addresses, command-line flags and commands, paths, hex, DN attributes. */
const notWords: readonly RegExp[] = [/https?:\/\/\S+/g, /--[\w-]+/g, /\bkortkoll \w+/g, /\S*[\\/]\S*/g, /\b[0-9A-F]{2}( [0-9A-F]{2})+\b/g, /\b\w+=/g];

/** Common Swedish words that an English sentence does not contain, and the letters only Swedish has. */
const swedishMarkers = words(
  'och kortet kort inte för att det som med eller från till har ingen inga kunde finns kvar dagar försök läsare svarade gick går sedan utan också bara ett på av är om',
  /[åäöÅÄÖ]/,
);

/** Common English words that a Swedish sentence does not contain. */
const englishMarkers = words(
  'the and not card cards reader readers could production directories was were is are of with from for no none tries try left days day error found answered unknown precise diagnosis answer time did does cannot been has have this that which your you please check checked certificate certificates valid until expired expires issued issuer service running missing available',
);

/** A pattern for whole words (letters on either side, å ä ö included, end a word; `\b` would split "oförändrat" at the ö). */
function words(list: string, letters?: RegExp): RegExp {
  const alternatives = list.split(' ').join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(${alternatives})(?![\\p{L}\\p{N}])${letters ? `|${letters.source}` : ''}`, 'iu');
}

function stripShared(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const value of [...extra].sort((a, b) => b.length - a.length)) if (value.length > 0) out = out.split(value).join(' ');
  for (const term of sharedTerms) out = typeof term === 'string' ? out.split(term).join(' ') : out.replace(term, ' ');
  for (const pattern of notWords) out = out.replace(pattern, ' ');
  return out;
}

/**
 * A code meant for programs (`certificates-read`, `select-application`) standing in a text for
 * people: lower-case words joined by hyphens. Swedish compounds with a hyphen (e-tjänstekort,
 * e-legitimation, e-id) are words, not codes.
 */
const rawCode = /(?<![\p{L}\p{N}-])[a-z]+(?:-[a-z0-9]+)+(?![\p{L}\p{N}-])/u;
const hyphenatedWords = new Set([
  'e-id',
  'e-tjänstekort',
  'e-legitimation',
  'e-tjänster',
  'e-services',
  'e-service',
  'e-mail',
  'pre-production',
  'pcsc-tools',
  'p11-kit-proxy',
  'smart-card',
  'six-digit',
  'eight-digit',
  'well-formed',
  'self-contained',
  'base64-kodad',
  'base64-encoded',
  'non-volatile',
  'security-related',
  'card-specific',
  'e-ID',
  'built-in',
  'token-drivrutin',
  'list-modules',
]);

/** The first word of the other language in `text`, or null. `data`: values from the card or the computer, taken out first. */
export function otherLanguageFragment(text: string, lang: Lang, data: readonly string[] = []): string | null {
  const cleaned = stripShared(text, data);
  const found = (lang === 'sv' ? englishMarkers : swedishMarkers).exec(cleaned);
  if (found) return found[0];
  for (const code of cleaned.matchAll(new RegExp(rawCode.source, 'gu'))) if (!hyphenatedWords.has(code[0])) return code[0];
  return null;
}

/** Each line of `text` that holds a word of the other language, with that word. */
function offendingLines(text: string, lang: Lang, data: readonly string[]): string[] {
  return text
    .split('\n')
    .map((line) => ({ line, word: otherLanguageFragment(line, lang, data) }))
    .filter((hit) => hit.word !== null)
    .map((hit) => `«${hit.word}» in: ${hit.line.trim()}`);
}

/** Strings in the report that come from the card, its certificates or the computer: names, labels, issuers. */
function dataValues(report: DiagnosticReport): string[] {
  const values: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  if (report.card) {
    const { profile: _translated, ...fromCard } = report.card;
    collect(fromCard);
  }
  for (const cert of report.certificates) collect([cert.subject, cert.subjectCommonName, cert.issuerCommonName, cert.cardLabel, cert.subjectSerialNumber]);
  for (const pin of report.pins) collect(pin.label);
  for (const reader of report.readers) collect(reader.name);
  collect(report.header.demoCard);
  // The chain is a list of certificate names; the PIN objects' labels are the card's own. The
  // transport error's code ("Fel: timeout") is evidence for IT support, kept as the code on
  // purpose (bench/soak-faults reads it); the summary above it says it in words.
  const asData = ['chainPath', 'pinLabel', 'probe', 'middlewareModule', 'error'];
  for (const check of report.checks) for (const fact of check.evidence) if (asData.includes(fact.key)) collect(fact.value);
  return values.filter((v) => v.length > 1);
}

const sampleCounts = [0, 1, 2, 5];

describe('no words of the other language', () => {
  it('the fragment check finds what it must find', () => {
    expect(otherLanguageFragment('Kortet svarade med ett fel: No precise diagnosis.', 'sv')).toBe('No');
    expect(otherLanguageFragment('Kortet kunde inte läsas: The reader did not answer in time.', 'sv')).toBe('The');
    expect(otherLanguageFragment('The card answered with an error: Kommandot är inte tillåtet.', 'en')).toBe('är');
    expect(otherLanguageFragment('Välj certifikatet från SITHS och skriv din PIN-kod.', 'sv')).toBeNull();
    expect(otherLanguageFragment('Insert your e-tjänstekort, chip first.', 'en')).toBeNull();
    expect(otherLanguageFragment('Steg: select-application', 'sv')).toBe('select-application');
    expect(otherLanguageFragment('Miljö: production', 'sv')).toBe('production');
  });

  it('in any registered message, in either language, with every plural form', async () => {
    for (const load of commandLoaders.values()) await load();
    const found: string[] = [];
    for (const set of registeredMessageSets()) {
      for (const key of Object.keys(set.sv)) {
        for (const lang of ['sv', 'en'] as const) {
          for (const n of sampleCounts) {
            // Every placeholder gets the number: counts pick their plural form, other values are neutral.
            const template = JSON.stringify((lang === 'sv' ? set.sv : set.en)[key]);
            const params = Object.fromEntries(Array.from(template.matchAll(/\{(\w+)\}/g), (m) => [m[1] as string, n]));
            const text = set.t(key, lang, params);
            const word = otherLanguageFragment(text, lang);
            if (word) found.push(`${set.area}.${key} (${lang}, ${n}): «${word}» in ${text}`);
          }
        }
      }
    }
    expect([...new Set(found)]).toEqual([]);
  });

  it("in the app's own UI strings, in either language", () => {
    const found: string[] = [];
    for (const lang of ['sv', 'en'] as const) {
      const t = translator(lang);
      for (const key of uiMessageKeys) {
        for (const n of sampleCounts) {
          const text = t(key, new Proxy({}, { get: () => n, has: () => true }) as Record<string, number>);
          const word = otherLanguageFragment(text, lang);
          if (word) found.push(`renderer.${key} (${lang}): «${word}» in ${text}`);
        }
      }
    }
    expect([...new Set(found)]).toEqual([]);
  });

  const cards = virtualCardNames.filter((name) => name !== 'real-test-chain' || existsSync(realCertsDirectory()));
  it.each(cards)('in the report and the login guide of the virtual card %s', async (name) => {
    const { report } = await diagnoseVirtualCard(name);
    for (const lang of ['sv', 'en'] as const) {
      const r = report(lang);
      const data = dataValues(r);
      const guide = buildLoginGuide({ phase: 'ready', report: r, lang });
      const steps = guide.steps.flatMap((step) => [step.title, step.detail, step.warning ?? '', step.browser?.detail ?? '']);
      const text = [renderReportText(r), ...steps, guide.logoutReminder].join('\n');
      expect(offendingLines(text, lang, data), `${name} (${lang})`).toEqual([]);
    }
  });

  /** A read of a ready card that goes wrong on the way: the card answers `sw`, or the reader fails with `error`, from the `after`-th command on. */
  async function failingRead(fault: { after: number; sw?: number; error?: () => TransportError }) {
    const card = new InProcessTransport(new ApduEngine(await buildVirtualCardSpec('netid-legacy', { now: fixedNow })));
    let sent = 0;
    const transport: CardTransport = {
      readerName: card.readerName,
      atr: card.atr,
      async transmit(command) {
        sent += 1;
        if (sent > fault.after) {
          if (fault.error) throw fault.error();
          if (fault.sw !== undefined) return Uint8Array.of(fault.sw >> 8, fault.sw & 0xff);
        }
        return card.transmit(command);
      },
    };
    return diagnoseTransport(transport, null);
  }

  const faults: [string, TransportErrorCode | null, { after: number; sw?: number; error?: () => TransportError }][] = [
    ['the card answers 6F00 (no precise diagnosis)', null, { after: 2, sw: 0x6f00 }],
    ['the card answers 6982 while the directories are read', null, { after: 6, sw: 0x6982 }],
    ['the reader does not answer in time', 'timeout', { after: 1, error: () => new TransportTimeoutError() }],
    ['PC/SC fails', 'pcsc-error', { after: 1, error: () => new TransportError('pcsc-error', 'SCardTransmit failed: unknown error') }],
  ];
  it.each(faults)('in the report of a read that fails: %s', async (_what, code, fault) => {
    const { read, report } = await failingRead(fault);
    expect(read.kind).not.toBe('snapshot');
    if (code) expect(read).toMatchObject({ kind: 'transport-error', code });
    for (const lang of ['sv', 'en'] as const) {
      const r = report(lang);
      expect(offendingLines(renderReportText(r), lang, dataValues(r)), lang).toEqual([]);
    }
  });
});
