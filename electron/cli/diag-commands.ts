/**
 * `kortkoll diag` (the whole diagnosis as one report) and `kortkoll guide` (the four login steps,
 * live). Both run the same application service as the desktop app.
 */
import type { AppState } from '../ipc-contract.js';
import { defineMessages } from '../i18n/index.js';
import { reportExitCode } from '../diagnostics/diagnose.js';
import { renderReport } from '../diagnostics/render.js';
import { redactReport } from '../diagnostics/redact.js';
import { createKortkollService, type KortkollServiceOptions } from '../service.js';
import type { KortkollService } from '../service-types.js';
import { demoCardNameList, isDemoCardName, UnknownDemoCardError } from '../demo-cards.js';
import { anchorsFromFile } from '../pki/anchors.js';
import { CertificateParseError } from '../pki/errors.js';
import { describeInputFileError, InputFileError, readBoundedFile } from './bounded-file.js';
import { onInterrupt } from './interrupt.js';
import { checkOutputPath, OutputFileError, writeOutputFile } from './output-file.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { parseCommandArgs, UsageError, withUsageErrors } from './args.js';
import { packageVersion } from './package-version.js';

const m = defineMessages(
  'cli-diag',
  {
    diagSummary: 'hela diagnosen som en rapport (text, JSON eller HTML)',
    diagHelp:
      'Användning: kortkoll diag [--text|--json|--html FIL] [--redact] [--online] [--anchors FIL] [--pkcs11 SÖKVÄG|auto] [--demo KORT]\n\nKontrollerar allt i ordning: kortläsartjänsten, läsarna, kortet, hur det lagrar sina certifikat (PKCS#15 eller Thales IDPrime), certifikaten (giltighet, kedja, spärr), HSA-id, PIN- och PUK-räknarna, mellanprogrammet och datorns klocka. Skriver en rapport att klistra in i ett ärende.\n\nFlaggor:\n  --text         rapporten som text (standard)\n  --json         rapporten som JSON (schema: electron/diagnostics/report.schema.json)\n  --html FIL     spara rapporten som en fristående HTML-sida\n  --redact       maskera namn och allt i certifikatens ämne som pekar ut personen, HSA-id, personnummer (bara födelseåret kvar), kortnummer, de egna certifikatens serienummer och fingeravtryck; inga APDU-data\n  --online       kontrollera spärrstatus (OCSP/spärrlista; kräver nätverk)\n  --anchors FIL  betrodda rotcertifikat (PEM) utöver datorns egna\n  --pkcs11 SÖKVÄG|auto  fråga mellanprogrammets PKCS#11-modul om den ser kortet (auto: de som hittas)\n  --demo KORT    diagnostisera ett virtuellt demokort ({cards})\n\nSlutkoder: 0 allt bra, 1 varningar, 2 fel, 64 felaktigt anrop (också: okänt demokort, en --anchors-fil utan certifikat eller som inte är en vanlig fil på högst 1 MiB, en --html-sökväg som inte går att skriva).',
    guideSummary: 'de fyra inloggningsstegen, live i terminalen',
    guideHelp:
      'Användning: kortkoll guide [--demo KORT]\n\nVisar de fyra stegen för inloggning med e-tjänstekort och uppdaterar dem när kortet sätts i eller tas ut. Avsluta med Ctrl-C.',
    saved: 'Rapporten sparades i {file}.',
    waiting: 'Väntar på kortet …',
    unknownDemo: 'Okänt demokort: {name}. Välj bland: {cards}.',
    oneFormat: 'Välj en av --text, --json och --html.',
    anchorsUnreadable: 'Kan inte läsa {file}: {message}',
    anchorsNoCertificate: 'Filen med betrodda rotcertifikat {file} går inte att använda: {message}',
    statusWaiting: 'väntar',
    statusActive: 'gör nu',
    statusDone: 'klart',
    statusBlocked: 'STOPP',
    guideTitle: 'Logga in med e-tjänstekort',
    guideLooking: 'Kortkoll letar efter kortläsare …',
  },
  {
    diagSummary: 'the whole diagnosis as one report (text, JSON or HTML)',
    diagHelp:
      'Usage: kortkoll diag [--text|--json|--html FILE] [--redact] [--online] [--anchors FILE] [--pkcs11 PATH|auto] [--demo CARD]\n\nChecks everything in order: the smart-card service, the readers, the card, how it stores its certificates (PKCS#15 or Thales IDPrime), the certificates (validity, chain, revocation), HSA-id, the PIN and PUK counters, the middleware and the computer clock. Prints a report to paste into a ticket.\n\nOptions:\n  --text         the report as text (default)\n  --json         the report as JSON (schema: electron/diagnostics/report.schema.json)\n  --html FILE    save the report as a self-contained HTML page\n  --redact       mask names and everything in the certificates’ subjects that points to the person, HSA-id, personal identity numbers (only the birth year left), card numbers, the serial numbers and fingerprints of your own certificates; no APDU data\n  --online       check revocation (OCSP/CRL; needs the network)\n  --anchors FILE trusted root certificates (PEM) besides the computer’s own\n  --pkcs11 PATH|auto  ask the middleware’s PKCS#11 module whether it sees the card (auto: those found)\n  --demo CARD    diagnose a virtual demo card ({cards})\n\nExit codes: 0 all good, 1 warnings, 2 errors, 64 usage error (also: an unknown demo card, an --anchors file without a certificate or that is not a regular file of at most 1 MiB, an --html path that cannot be written).',
    guideSummary: 'the four login steps, live in the terminal',
    guideHelp:
      'Usage: kortkoll guide [--demo CARD]\n\nShows the four steps of logging in with the e-tjänstekort and updates them when the card is inserted or taken out. Stop with Ctrl-C.',
    saved: 'The report was saved to {file}.',
    waiting: 'Waiting for the card …',
    unknownDemo: 'Unknown demo card: {name}. Choose from: {cards}.',
    oneFormat: 'Choose one of --text, --json and --html.',
    anchorsUnreadable: 'Cannot read {file}: {message}',
    anchorsNoCertificate: 'The trusted roots file {file} cannot be used: {message}',
    statusWaiting: 'waiting',
    statusActive: 'do now',
    statusDone: 'done',
    statusBlocked: 'STOP',
    guideTitle: 'Log in with the e-tjänstekort',
    guideLooking: 'Kortkoll is looking for card readers …',
  },
);

/** The service as the CLI runs it: real readers through PC/SC (loaded only when needed), system probes. */
async function cliService(
  io: CliIo,
  options: { demo?: string | undefined; online?: boolean; anchors?: KortkollServiceOptions['anchorsFile']; pkcs11?: string[] },
): Promise<KortkollService> {
  const { createPcscReaderMonitor } = options.demo === undefined ? await import('../../native/pcsc/index.js') : { createPcscReaderMonitor: undefined };
  const { collectSystemFacts } = await import('../../native/system/collect.js');
  const { inspectPkcs11Module } = await import('../../native/system/index.js');
  const modules = options.pkcs11 ?? [];
  // `auto`: the modules the probes find (Net iD, SITHS eID/SAC, OpenSC); otherwise the paths given.
  const inspectMiddleware =
    modules.length === 0
      ? undefined
      : async () => [
          ...(modules.includes('auto') ? (await collectSystemFacts({ inspectFoundPkcs11: true })).middlewareViews : []),
          ...(await Promise.all(modules.filter((m) => m !== 'auto').map((path) => inspectPkcs11Module(path)))),
        ];
  return createKortkollService({
    ...(inspectMiddleware && { inspectMiddleware }),
    lang: io.lang,
    demoCard: options.demo ?? null,
    online: options.online ?? false,
    ...(createPcscReaderMonitor && { monitorFactory: () => createPcscReaderMonitor() }),
    collectSystemFacts: async () => (await collectSystemFacts({})).facts,
    ...(options.anchors && { anchorsFile: options.anchors }),
    appVersion: await packageVersion(),
  });
}

/**
 * Bounds on the waits: a diagnosis never hangs. The readers report and a card is read in a few
 * seconds; the middleware is asked in a child process bounded by its own timeout.
 */
const readyWithinMs = 15_000;
const settledWithinMs = 45_000;

const diagOptions = {
  text: { type: 'boolean' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  redact: { type: 'boolean' },
  online: { type: 'boolean' },
  anchors: { type: 'string' },
  pkcs11: { type: 'string' },
  demo: { type: 'string' },
} as const;
/** `--once`: one frame when the card has been read, then exit (for scripts and tests). */
const guideOptions = { demo: { type: 'string' }, once: { type: 'boolean' } } as const;

export const diagCommand: CliCommand = {
  name: 'diag',
  summary: { sv: m.t('diagSummary', 'sv'), en: m.t('diagSummary', 'en') },
  help: (lang) => m.t('diagHelp', lang, { cards: demoCardNameList() }),
  run: withUsageErrors(async (args, io) => {
    const { values } = parseCommandArgs(args, { command: 'diag', options: diagOptions }, io.lang);
    if ([values.text, values.json, values.html !== undefined].filter((given) => given === true).length > 1) throw new UsageError(m.t('oneFormat', io.lang));
    // Everything the user named is checked before the diagnosis runs: the demo card, the anchors
    // file (bounded read, and it must hold a certificate) and the report's path.
    const demo = values.demo;
    if (demo !== undefined && !isDemoCardName(demo)) {
      io.stderr(m.t('unknownDemo', io.lang, { name: demo, cards: demoCardNameList() }) + '\n');
      return ExitCode.usage;
    }
    let anchors: KortkollServiceOptions['anchorsFile'];
    const anchorsPath = values.anchors;
    if (anchorsPath !== undefined) {
      try {
        const content = await readBoundedFile(anchorsPath);
        anchorsFromFile(content, anchorsPath);
        anchors = { content, origin: anchorsPath };
      } catch (e) {
        if (e instanceof InputFileError) io.stderr(describeInputFileError(e, io.lang) + '\n');
        else if (e instanceof CertificateParseError) io.stderr(m.t('anchorsNoCertificate', io.lang, { file: anchorsPath, message: e.message }) + '\n');
        else io.stderr(m.t('anchorsUnreadable', io.lang, { file: anchorsPath, message: e instanceof Error ? e.message : String(e) }) + '\n');
        return ExitCode.usage;
      }
    }
    const htmlPath = values.html;
    if (htmlPath !== undefined) {
      try {
        await checkOutputPath(htmlPath);
      } catch (e) {
        if (!(e instanceof OutputFileError)) throw e;
        io.stderr(e.describe(io.lang) + '\n');
        return ExitCode.usage;
      }
    }
    let service: KortkollService;
    let dropCleanup: () => void;
    try {
      const pkcs11 = values.pkcs11;
      service = await cliService(io, { demo, online: values.online === true, anchors, ...(pkcs11 !== undefined && { pkcs11: [pkcs11] }) });
      const started = service;
      dropCleanup = onInterrupt(() => started.close());
      await service.start();
    } catch (e) {
      if (e instanceof UnknownDemoCardError) {
        io.stderr(m.t('unknownDemo', io.lang, { name: values.demo ?? '', cards: demoCardNameList() }) + '\n');
        return ExitCode.usage;
      }
      throw e;
    }
    try {
      // The readers have reported and the card is read; then the system probes (in the background)
      // and, with --pkcs11, the middleware (asked after the read) have answered.
      await service.ready({ timeoutMs: readyWithinMs });
      const state = await service.whenSettled({ timeoutMs: settledWithinMs });
      const report = state.report;
      if (!report) return ExitCode.unavailable;
      const shown = values.redact === true ? redactReport(report) : report;
      if (htmlPath !== undefined) {
        try {
          await writeOutputFile(htmlPath, renderReport(shown, 'html'));
        } catch (e) {
          if (!(e instanceof OutputFileError)) throw e;
          io.stderr(e.describe(io.lang) + '\n');
          return ExitCode.usage;
        }
        io.stdout(m.t('saved', io.lang, { file: htmlPath }) + '\n');
      } else {
        io.stdout(renderReport(shown, values.json === true ? 'json' : 'text'));
      }
      return reportExitCode(report);
    } finally {
      dropCleanup();
      await service.close();
    }
  }),
};

function renderGuide(state: AppState, lang: 'sv' | 'en'): string {
  const statusKey = { waiting: 'statusWaiting', active: 'statusActive', done: 'statusDone', blocked: 'statusBlocked' } as const;
  const lines = [m.t('guideTitle', lang), ''];
  if (state.report) lines.push(`» ${state.report.verdict.headline}`, '');
  for (const step of state.guide.steps) {
    lines.push(`${step.number}. [${m.t(statusKey[step.status], lang)}] ${step.title}`);
    lines.push(`   ${step.detail}`);
    if (step.warning) lines.push(`   ⚠ ${step.warning}`);
  }
  lines.push('', state.guide.logoutReminder);
  return lines.join('\n') + '\n';
}

export const guideCommand: CliCommand = {
  name: 'guide',
  summary: { sv: m.t('guideSummary', 'sv'), en: m.t('guideSummary', 'en') },
  help: (lang) => m.t('guideHelp', lang),
  run: withUsageErrors(async (args, io) => {
    const { values } = parseCommandArgs(args, { command: 'guide', options: guideOptions }, io.lang);
    const demo = values.demo;
    if (demo !== undefined && !isDemoCardName(demo)) {
      io.stderr(m.t('unknownDemo', io.lang, { name: demo, cards: demoCardNameList() }) + '\n');
      return ExitCode.usage;
    }
    const service = await cliService(io, { demo });
    const dropCleanup = onInterrupt(() => service.close());
    let last = '';
    let lookedForReaders = false;
    const show = (state: AppState) => {
      // The first frame says what is going on; no verdict before the readers have reported.
      if (state.phase === 'starting') {
        if (!lookedForReaders) io.stdout(`${m.t('guideTitle', io.lang)}\n\n${m.t('guideLooking', io.lang)}\n`);
        lookedForReaders = true;
        return;
      }
      const text = renderGuide(state, io.lang);
      if (text === last) return;
      last = text;
      io.stdout(`\n${text}`);
    };
    service.subscribe(show);
    try {
      await service.start();
      if (values.once === true) {
        show(await service.ready({ timeoutMs: readyWithinMs }));
        return ExitCode.ok;
      }
      await io.interrupted;
      return ExitCode.ok;
    } finally {
      dropCleanup();
      await service.close();
    }
  }),
};
