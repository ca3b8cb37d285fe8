/**
 * `kortkoll probe`: the card report for a card Kortkoll does not know ("Rapportera kortet" in the
 * app): the ATR and its parts, the smartcard_list name, and the card's answers to the structure
 * probes, GET DATA CPLC and applet version. Only SELECT and GET DATA reach the card; no PIN, no file
 * read. Connects in shared mode like `read` and disconnects at once.
 */
import { isTransportError } from '../../native/transport.js';
import { probeCardForReport, renderCardProbeReportJson, renderCardProbeReportText, type CardProbeReport } from '../card/card-probe-report.js';
import { demoCardNameList, isDemoCardName, openDemoReaderMonitor } from '../demo-cards.js';
import { defineMessages } from '../i18n/index.js';
import { parseCommandArgs, withUsageErrors } from './args.js';
import { ExitCode, type CliCommand } from './command.js';
import { onInterrupt } from './interrupt.js';
import { openReaderMonitor, ReaderProblem, withChosenReader } from './pcsc.js';

const m = defineMessages(
  'cli-probe',
  {
    summary: 'kortrapport för ett okänt kort: ATR och kortets svar, utan PIN och utan personuppgifter',
    help: 'Användning: kortkoll probe [--reader N|NAMN] [--json] [--demo KORT]\n\nGör en kortrapport ("Rapportera kortet" i appen) att skicka till IT-support när Kortkoll inte känner igen kortet: ATR:en och dess delar, namnet i pcsc-tools smartcard_list.txt, kortläsaren, och kortets svar på SELECT av IDPrime-appleten, av fil 0101, av PKCS#15-applikationen, av EF.DIR och av 3F00/5015, samt GET DATA 9F7F (CPLC, chipets tillverkningsdata) och DF30 (appletversion). Bara SELECT och GET DATA skickas: ingen PIN-kod, inga filer läses, inga certifikat eller personuppgifter kommer med.\n\nFlaggor:\n  --reader N|NAMN  läsarens nummer (0, 1, …) eller namn; standard: första läsaren med ett kort\n  --json           skriv rapporten som JSON\n  --demo KORT      fråga ett virtuellt demokort i stället för en riktig läsare ({cards})\n\nSlutkoder: 0 rapporten gjordes, 64 felaktigt anrop, 69 ingen tjänst, läsare eller kort.',
    serviceDown: 'Kortläsartjänsten (PC/SC) är inte igång. Starta den (Linux: sudo systemctl start pcscd) eller kontakta lokal IT-support.',
    noReaders: 'Inga kortläsare hittades.',
    noSuchReader: 'Ingen kortläsare {reader}. Se kortkoll readers.',
    noCard: 'Inget kort i {reader}. Sätt i kortet och försök igen.',
    unknownDemo: 'Okänt demokort: {name}. Välj bland: {cards}.',
    probing: 'Frågar kortet i {reader} …',
    failed: 'Kortet kunde inte frågas: {message}',
  },
  {
    summary: 'card report for an unknown card: ATR and the card’s answers, no PIN and no personal data',
    help: 'Usage: kortkoll probe [--reader N|NAME] [--json] [--demo CARD]\n\nMakes a card report ("Report the card" in the app) to send to IT support when Kortkoll does not know the card: the ATR and its parts, its name in pcsc-tools’ smartcard_list.txt, the reader, and the card’s answers to SELECT of the IDPrime applet, of file 0101, of the PKCS#15 application, of EF.DIR and of 3F00/5015, and to GET DATA 9F7F (CPLC, the chip’s fabrication data) and DF30 (applet version). Only SELECT and GET DATA are sent: no PIN, no file is read, no certificate or personal data goes in.\n\nOptions:\n  --reader N|NAME  the reader’s number (0, 1, …) or name; default: the first reader with a card\n  --json           print the report as JSON\n  --demo CARD      ask a virtual demo card instead of a real reader ({cards})\n\nExit codes: 0 the report was made, 64 usage error, 69 no service, reader or card.',
    serviceDown: 'The smart-card service (PC/SC) is not running. Start it (Linux: sudo systemctl start pcscd) or contact local IT support.',
    noReaders: 'No card readers were found.',
    noSuchReader: 'No card reader {reader}. See kortkoll readers.',
    noCard: 'No card in {reader}. Insert the card and try again.',
    unknownDemo: 'Unknown demo card: {name}. Choose from: {cards}.',
    probing: 'Asking the card in {reader} …',
    failed: 'The card could not be asked: {message}',
  },
);

const probeOptions = { reader: { type: 'string' }, demo: { type: 'string' }, json: { type: 'boolean' } } as const;

export const probeCommand: CliCommand = {
  name: 'probe',
  summary: { sv: m.t('summary', 'sv'), en: m.t('summary', 'en') },
  help: (lang) => m.t('help', lang, { cards: demoCardNameList() }),
  run: withUsageErrors(async (args, io) => {
    const { values } = parseCommandArgs(args, { command: 'probe', options: probeOptions }, io.lang);
    const json = values.json === true;
    const demo = values.demo;
    if (demo !== undefined && !isDemoCardName(demo)) {
      io.stderr(m.t('unknownDemo', io.lang, { name: demo, cards: demoCardNameList() }) + '\n');
      return ExitCode.usage;
    }
    let report: CardProbeReport;
    try {
      // A demo card is in the demo reader: the same way to the card as a real one.
      const openMonitor = demo === undefined ? openReaderMonitor : () => openDemoReaderMonitor(demo);
      const probed = await withChosenReader(
        values.reader,
        async (monitor, reader) => {
          if (!json) io.stderr(m.t('probing', io.lang, { reader }) + '\n');
          const connection = await monitor.connect(reader);
          const dropConnectionCleanup = onInterrupt(() => connection.disconnect().catch(() => undefined));
          try {
            return await probeCardForReport(connection);
          } finally {
            dropConnectionCleanup();
            await connection.disconnect().catch(() => undefined);
          }
        },
        openMonitor,
      );
      if (probed instanceof ReaderProblem) {
        const text =
          probed.kind === 'service-down'
            ? m.t('serviceDown', io.lang)
            : probed.kind === 'no-readers'
              ? m.t('noReaders', io.lang)
              : probed.kind === 'no-such-reader'
                ? m.t('noSuchReader', io.lang, { reader: probed.reader })
                : m.t('noCard', io.lang, { reader: probed.reader });
        io.stderr(text + '\n');
        return ExitCode.unavailable;
      }
      report = probed;
    } catch (e) {
      // The card left, the reader went away, another program holds it exclusively: the environment stopped us.
      if (isTransportError(e)) {
        io.stderr(m.t('failed', io.lang, { message: e.message }) + '\n');
        return ExitCode.unavailable;
      }
      throw e;
    }
    io.stdout(json ? renderCardProbeReportJson(report) : renderCardProbeReportText(report, io.lang));
    return ExitCode.ok;
  }),
};
