/**
 * `kortkoll readers`, `kortkoll read` and `kortkoll watch`: what pcsc_scan and OpenSC give, for
 * SITHS. `read` goes straight to the card (no diagnosis): certificates and PIN counters, as text
 * or as JSON (certificate DER in base64), and works on a demo card without any reader.
 */
import type { ReaderEvent } from '../../native/transport.js';
import { toHex } from '../../native/bytes.js';
import { readCard } from '../card/read-card.js';
import { spacedHex } from '../card/atr.js';
import { cardReadResultToJson, type CardReadResult } from '../card/card-read-result.js';
import { demoCardNameList, isDemoCardName, openDemoReaderMonitor } from '../demo-cards.js';
import { certificateRoleLabel, describeReadFailure, pinRoleLabel } from '../card/read-result-messages.js';
import { defineMessages, type Lang } from '../i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { parseCommandArgs, withUsageErrors } from './args.js';
import { askPinpad, openReaderMonitor, ReaderProblem, withChosenReader } from './pcsc.js';
import { onInterrupt } from './interrupt.js';

const m = defineMessages(
  'cli-card',
  {
    readersSummary: 'visa kortläsartjänsten och kortläsarna, med kort och ATR',
    readersHelp:
      'Användning: kortkoll readers [--json]\n\nVisar om kortläsartjänsten (PC/SC) är igång och varje kortläsare: om ett kort sitter i, kortets ATR, om ett annat program håller kortet och om läsaren har en PIN-knappsats (frågas bara när ett kort sitter i).\n\nSlutkoder: 0 läsare finns, 69 ingen tjänst eller ingen läsare.',
    readSummary: 'läs kortet: certifikat, PIN-räknare och tider',
    readHelp:
      'Användning: kortkoll read [--reader N|NAMN] [--json] [--redact] [--demo KORT]\n\nLäser kortet i läsaren (eller ett virtuellt demokort): certifikaten, PIN- och PUK-räknarna (utan att förbruka något försök) och hur lång tid läsningen tog.\n\nFlaggor:\n  --reader N|NAMN  läsarens nummer (0, 1, …) eller namn; standard: första läsaren med ett kort\n  --json           skriv resultatet som JSON (certifikaten som base64-kodad DER)\n  --redact         maskera namn, HSA-id, personnummer, kortnummer, egna certifikats serienummer och fingeravtryck; inga certifikatbytes eller APDU-data\n  --demo KORT      läs ett virtuellt demokort i stället för en riktig läsare ({cards})\n\nSlutkoder: 0 kortet lästes, 2 kortet kunde inte läsas, 64 felaktigt anrop, 69 ingen tjänst, läsare eller kort.',
    watchSummary: 'visa händelser live: läsare och kort som kommer och går',
    watchHelp:
      'Användning: kortkoll watch [--json]\n\nVisar händelser när de sker: kortläsare som ansluts eller tas bort, kort som sätts i eller tas ut, och om kortläsartjänsten försvinner eller kommer tillbaka. Avsluta med Ctrl-C.',
    serviceDown: 'Kortläsartjänsten (PC/SC) är inte igång. Starta den (Linux: sudo systemctl start pcscd) eller kontakta lokal IT-support.',
    serviceUp: 'Kortläsartjänsten (PC/SC): igång',
    noReaders: 'Inga kortläsare hittades.',
    readerLine: '{index}: {name}',
    cardLine: '   kort: {state}',
    present: 'ja, ATR {atr}',
    absent: 'inget kort',
    exclusive: ' (upptaget av ett annat program)',
    pinpadLine: '   PIN-knappsats: {state}',
    pinpadYes: 'ja',
    pinpadNo: 'nej',
    pinpadUnknown: 'okänt (läsaren kunde inte frågas)',
    noSuchReader: 'Ingen kortläsare {reader}. Se kortkoll readers.',
    noCard: 'Inget kort i {reader}. Sätt i kortet och försök igen.',
    unknownDemo: 'Okänt demokort: {name}. Välj bland: {cards}.',
    reading: 'Läser kortet i {reader} …',
    authReady: 'Inloggningscertifikat och PIN klara efter {ms} ms.',
    header: 'Kort i {reader}',
    atr: 'ATR: {atr}',
    profile: 'Korttyp: {profile}',
    app: 'Struktur: {structure}, applikation {aid}{label}{version}',
    token: 'Kortets namn: {label}, serienummer {serial}',
    certificates: 'Certifikat ({count}):',
    certLine: '  [{index}] {label}\n      utfärdat till {subject}, av {issuer}, giltigt till {validTo}; {role}',
    certUnreadable: '  [{index}] {label}: kan inte tolkas',
    pins: 'PIN-koder:',
    pinLine: '  {label} ({role}, referens {reference}): {tries}',
    triesLeft: '{left} av {max} försök kvar',
    triesUnknown: 'antal försök okänt',
    blocked: 'SPÄRRAD',
    stats: 'Läsning: {ms} ms, {apdus} kommandon, {sent} byte skickade, {received} byte mottagna.',
    eventReaderAdded: 'Kortläsare ansluten: {reader}',
    eventReaderRemoved: 'Kortläsare borttagen: {reader}',
    eventCardInserted: 'Kort isatt i {reader} (ATR {atr})',
    eventCardRemoved: 'Kort uttaget ur {reader}',
    eventServiceLost: 'Kortläsartjänsten försvann ({message})',
    eventServiceRestored: 'Kortläsartjänsten är tillbaka',
    watching: 'Visar händelser. Avsluta med Ctrl-C.',
  },
  {
    readersSummary: 'show the smart-card service and the readers, with card and ATR',
    readersHelp:
      'Usage: kortkoll readers [--json]\n\nShows whether the smart-card service (PC/SC) is running and each reader: whether a card is in it, the card’s ATR, whether another program holds the card and whether the reader has a PIN pad (asked only while a card is in it).\n\nExit codes: 0 readers found, 69 no service or no reader.',
    readSummary: 'read the card: certificates, PIN counters and timing',
    readHelp:
      'Usage: kortkoll read [--reader N|NAME] [--json] [--redact] [--demo CARD]\n\nReads the card in the reader (or a virtual demo card): the certificates, the PIN and PUK counters (without spending a try) and how long the read took.\n\nOptions:\n  --reader N|NAME  the reader’s number (0, 1, …) or name; default: the first reader with a card\n  --json           print the result as JSON (certificates as base64 DER)\n  --redact         mask names, HSA-id, personal identity numbers, card numbers, the serial numbers and fingerprints of your own certificates; no certificate bytes or APDU data\n  --demo CARD      read a virtual demo card instead of a real reader ({cards})\n\nExit codes: 0 the card was read, 2 the card could not be read, 64 usage error, 69 no service, reader or card.',
    watchSummary: 'show live events: readers and cards coming and going',
    watchHelp:
      'Usage: kortkoll watch [--json]\n\nShows events as they happen: readers plugged in or removed, cards inserted or taken out, and the smart-card service going away or coming back. Stop with Ctrl-C.',
    serviceDown: 'The smart-card service (PC/SC) is not running. Start it (Linux: sudo systemctl start pcscd) or contact local IT support.',
    serviceUp: 'Smart-card service (PC/SC): running',
    noReaders: 'No card readers were found.',
    readerLine: '{index}: {name}',
    cardLine: '   card: {state}',
    present: 'yes, ATR {atr}',
    absent: 'no card',
    exclusive: ' (held by another program)',
    pinpadLine: '   PIN pad: {state}',
    pinpadYes: 'yes',
    pinpadNo: 'no',
    pinpadUnknown: 'unknown (the reader could not be asked)',
    noSuchReader: 'No card reader {reader}. See kortkoll readers.',
    noCard: 'No card in {reader}. Insert the card and try again.',
    unknownDemo: 'Unknown demo card: {name}. Choose from: {cards}.',
    reading: 'Reading the card in {reader} …',
    authReady: 'Login certificate and PIN known after {ms} ms.',
    header: 'Card in {reader}',
    atr: 'ATR: {atr}',
    profile: 'Card type: {profile}',
    app: 'Structure: {structure}, application {aid}{label}{version}',
    token: 'Card name: {label}, serial number {serial}',
    certificates: 'Certificates ({count}):',
    certLine: '  [{index}] {label}\n      issued to {subject}, by {issuer}, valid until {validTo}; {role}',
    certUnreadable: '  [{index}] {label}: cannot be parsed',
    pins: 'PINs:',
    pinLine: '  {label} ({role}, reference {reference}): {tries}',
    triesLeft: '{left} of {max} tries left',
    triesUnknown: 'tries left unknown',
    blocked: 'BLOCKED',
    stats: 'Read: {ms} ms, {apdus} commands, {sent} bytes sent, {received} bytes received.',
    eventReaderAdded: 'Reader connected: {reader}',
    eventReaderRemoved: 'Reader removed: {reader}',
    eventCardInserted: 'Card inserted in {reader} (ATR {atr})',
    eventCardRemoved: 'Card removed from {reader}',
    eventServiceLost: 'The smart-card service went away ({message})',
    eventServiceRestored: 'The smart-card service is back',
    watching: 'Showing events. Stop with Ctrl-C.',
  },
);

function readerProblemText(problem: ReaderProblem, lang: Lang): string {
  if (problem.kind === 'service-down') return m.t('serviceDown', lang);
  if (problem.kind === 'no-readers') return m.t('noReaders', lang);
  if (problem.kind === 'no-such-reader') return m.t('noSuchReader', lang, { reader: problem.reader });
  return m.t('noCard', lang, { reader: problem.reader });
}

/** The options of readers and watch. */
const jsonOnly = { json: { type: 'boolean' } } as const;
const readOptions = { reader: { type: 'string' }, demo: { type: 'string' }, json: { type: 'boolean' }, redact: { type: 'boolean' } } as const;

// ---- readers -------------------------------------------------------------------------------------

export const readersCommand: CliCommand = {
  name: 'readers',
  summary: { sv: m.t('readersSummary', 'sv'), en: m.t('readersSummary', 'en') },
  help: (lang) => m.t('readersHelp', lang),
  run: withUsageErrors(async (args, io) => {
    const json = parseCommandArgs(args, { command: 'readers', options: jsonOnly }, io.lang).values.json === true;
    const monitor = await openReaderMonitor();
    const dropCleanup = onInterrupt(() => monitor.close());
    try {
      const readers = monitor.readers();
      // One reader at a time: each is asked through its own short connection to its card.
      const pinpads: (boolean | null)[] = [];
      for (const reader of readers) pinpads.push(await askPinpad(monitor, reader));
      if (json) {
        io.stdout(
          JSON.stringify(
            {
              service: monitor.serviceAvailable ? 'running' : 'not-running',
              readers: readers.map((r, index) => ({
                name: r.name,
                cardPresent: r.cardPresent,
                atr: r.atr ? toHex(r.atr) : null,
                exclusive: r.exclusive ?? false,
                stateFlags: r.stateFlags ?? null,
                pinpad: pinpads[index] ?? null,
              })),
            },
            null,
            2,
          ) + '\n',
        );
      } else if (!monitor.serviceAvailable) {
        io.stdout(m.t('serviceDown', io.lang) + '\n');
      } else {
        io.stdout(m.t('serviceUp', io.lang) + '\n');
        if (readers.length === 0) io.stdout(m.t('noReaders', io.lang) + '\n');
        readers.forEach((r, index) => {
          io.stdout(m.t('readerLine', io.lang, { index, name: r.name }) + '\n');
          const state = r.cardPresent ? m.t('present', io.lang, { atr: r.atr ? toHex(r.atr, ' ') : '?' }) : m.t('absent', io.lang);
          io.stdout(m.t('cardLine', io.lang, { state: state + (r.exclusive ? m.t('exclusive', io.lang) : '') }) + '\n');
          if (r.cardPresent) {
            const pinpad = pinpads[index];
            const key = pinpad === true ? 'pinpadYes' : pinpad === false ? 'pinpadNo' : 'pinpadUnknown';
            io.stdout(m.t('pinpadLine', io.lang, { state: m.t(key, io.lang) }) + '\n');
          }
        });
      }
      return monitor.serviceAvailable && readers.length > 0 ? ExitCode.ok : ExitCode.unavailable;
    } finally {
      dropCleanup();
      await monitor.close();
    }
  }),
};

// ---- read ----------------------------------------------------------------------------------------

/** Text output parses the certificates; `read --json` does not need the X.509 code at all. */
async function printRead(result: CardReadResult, io: CliIo): Promise<void> {
  const { parseCertificate } = await import('../pki/parse.js');
  const lang: Lang = io.lang;
  const t = (key: Parameters<typeof m.t>[0], params?: Record<string, string | number>) => m.t(key, lang, params);
  const lines: string[] = [
    t('header', { reader: result.reader }),
    t('atr', { atr: spacedHex(result.atr) }),
    t('profile', { profile: result.profile.displayName[lang] }),
  ];
  if (result.kind !== 'snapshot') {
    lines.push(describeReadFailure(result, lang));
  } else {
    lines.push(
      t('app', {
        structure: result.structure === 'idprime' ? 'Thales IDPrime (minidriver)' : 'PKCS#15',
        aid: spacedHex(result.application.aid ?? ''),
        label: result.application.label ? ` (${result.application.label})` : '',
        version: result.application.appletVersion ? `, ${result.application.appletVersion}` : '',
      }),
    );
    if (result.tokenInfo)
      lines.push(t('token', { label: result.tokenInfo.label ?? '–', serial: result.tokenInfo.serialNumberText ?? result.tokenInfo.serialNumber }));
    lines.push(t('certificates', { count: result.certificates.length }));
    result.certificates.forEach((cert, index) => {
      try {
        const info = parseCertificate(cert.der);
        lines.push(
          t('certLine', {
            index,
            label: cert.label ?? cert.id,
            subject: info.subject.commonName ?? info.subject.display,
            issuer: info.issuer.commonName ?? info.issuer.display,
            validTo: info.notAfter.toISOString().slice(0, 10),
            role: certificateRoleLabel(cert.role, lang),
          }),
        );
      } catch {
        lines.push(t('certUnreadable', { index, label: cert.label ?? cert.id }));
      }
    });
    lines.push(t('pins'));
    for (const pin of result.pins) {
      const tries =
        pin.blocked === true
          ? t('blocked')
          : pin.triesLeft === 'unknown'
            ? t('triesUnknown')
            : t('triesLeft', { left: pin.triesLeft, max: pin.maxTries === 'unknown' ? '?' : pin.maxTries });
      lines.push(
        t('pinLine', {
          label: pin.label ?? pin.authId,
          role: pinRoleLabel(pin.role, lang),
          reference: pin.reference === null ? '–' : `0x${pin.reference.toString(16).padStart(2, '0')}`,
          tries,
        }),
      );
    }
  }
  const s = result.stats;
  lines.push(t('stats', { ms: Math.round(s.durationMs), apdus: s.apduCount, sent: s.bytesSent, received: s.bytesReceived }));
  io.stdout(lines.join('\n') + '\n');
}

export const readCommand: CliCommand = {
  name: 'read',
  summary: { sv: m.t('readSummary', 'sv'), en: m.t('readSummary', 'en') },
  help: (lang) => m.t('readHelp', lang, { cards: demoCardNameList() }),
  run: withUsageErrors(async (args, io) => {
    const { values } = parseCommandArgs(args, { command: 'read', options: readOptions }, io.lang);
    const json = values.json === true;
    const onProgress = json
      ? undefined
      : (event: { stage: string; elapsedMs: number }) => {
          if (event.stage === 'auth-ready') io.stderr(m.t('authReady', io.lang, { ms: Math.round(event.elapsedMs) }) + '\n');
        };
    const demo = values.demo;
    if (demo !== undefined && !isDemoCardName(demo)) {
      io.stderr(m.t('unknownDemo', io.lang, { name: demo, cards: demoCardNameList() }) + '\n');
      return ExitCode.usage;
    }
    // A demo card is in the demo reader: the same way to the card as a real one.
    const openMonitor = demo === undefined ? openReaderMonitor : () => openDemoReaderMonitor(demo);
    const read = await withChosenReader(
      values.reader,
      async (monitor, reader) => {
        if (!json) io.stderr(m.t('reading', io.lang, { reader }) + '\n');
        const connection = await monitor.connect(reader);
        // On Ctrl-C the card is released before the monitor closes.
        const dropConnectionCleanup = onInterrupt(() => connection.disconnect().catch(() => undefined));
        try {
          return await readCard(connection, { ...(onProgress && { onProgress }) });
        } finally {
          dropConnectionCleanup();
          await connection.disconnect().catch(() => undefined);
        }
      },
      openMonitor,
    );
    if (read instanceof ReaderProblem) {
      io.stderr(readerProblemText(read, io.lang) + '\n');
      return ExitCode.unavailable;
    }
    const result: CardReadResult = read;
    const redact = values.redact === true;
    const redaction = redact ? await import('../diagnostics/redact.js') : undefined;
    if (json) io.stdout(JSON.stringify(redaction ? redaction.redactCardRead(result) : cardReadResultToJson(result), null, 2) + '\n');
    else await printRead(result, redaction ? { ...io, stdout: (text) => io.stdout(redaction.redactCardReadText(text, result)) } : io);
    return result.kind === 'snapshot' ? ExitCode.ok : result.kind === 'card-removed' ? ExitCode.unavailable : ExitCode.errors;
  }),
};

// ---- watch ---------------------------------------------------------------------------------------

function describeEvent(event: ReaderEvent, lang: Lang): string {
  switch (event.type) {
    case 'reader-added':
      return m.t('eventReaderAdded', lang, { reader: event.reader });
    case 'reader-removed':
      return m.t('eventReaderRemoved', lang, { reader: event.reader });
    case 'card-inserted':
      return m.t('eventCardInserted', lang, { reader: event.reader, atr: toHex(event.atr, ' ') });
    case 'card-removed':
      return m.t('eventCardRemoved', lang, { reader: event.reader });
    case 'service-lost':
      return m.t('eventServiceLost', lang, { message: event.error.message });
    case 'service-restored':
      return m.t('eventServiceRestored', lang);
  }
}

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: { sv: m.t('watchSummary', 'sv'), en: m.t('watchSummary', 'en') },
  help: (lang) => m.t('watchHelp', lang),
  run: withUsageErrors(async (args, io) => {
    const json = parseCommandArgs(args, { command: 'watch', options: jsonOnly }, io.lang).values.json === true;
    const { createPcscReaderMonitor } = await import('../../native/pcsc/index.js');
    const monitor = createPcscReaderMonitor();
    const print = (event: ReaderEvent) => {
      const at = new Date().toISOString();
      if (json) io.stdout(JSON.stringify({ at, ...event, ...(event.type === 'card-inserted' && { atr: toHex(event.atr) }) }) + '\n');
      else io.stdout(`${at.slice(11, 23)}  ${describeEvent(event, io.lang)}\n`);
    };
    monitor.onEvent(print);
    if (!json) io.stderr(m.t('watching', io.lang) + '\n');
    const dropCleanup = onInterrupt(() => monitor.close());
    monitor.start();
    await io.interrupted;
    dropCleanup();
    await monitor.close();
    return ExitCode.ok;
  }),
};
