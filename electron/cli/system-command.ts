/**
 * `kortkoll system [--json] [--pkcs11 PATH|auto]… [--pkcs11-timeout S]`: the operating-system and
 * middleware facts alone (PC/SC service, readers, Net iD / SITHS eID / OpenSC, remote session,
 * and optionally what a PKCS#11 module itself shows), with how each fact was obtained.
 */
import { defineMessages, type Lang } from '../i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { parseArgs, UsageError } from './args.js';
import {
  collectSystemFacts,
  UNKNOWN,
  type CollectSystemFactsOptions,
  type FactValue,
  type MiddlewareProduct,
  type Pkcs11ModuleView,
  type Pkcs11Stage,
  type SystemFact,
  type SystemFacts,
} from '../../native/system/index.js';

const m = defineMessages(
  'system',
  {
    summaryLine: 'Operativsystem och mellanprogram, för IT-support',
    help: 'Användning: kortkoll system [--json] [--pkcs11 SÖKVÄG|auto] [--pkcs11-timeout SEKUNDER]\n\nVisar fakta om datorn runt kortet: PC/SC-tjänsten, kortläsare (även virtuella), mellanprogram (Net iD, SITHS eID-appen, SafeNet, OpenSC) med version, fjärrsession och, i Windows, certifikatspridning och SITHS-certifikat i användarens certifikatarkiv. Varje faktum visar hur det togs fram. Inget kräver administratörsrättigheter och inget ändras.\n\nFlaggor:\n  --json                   skriv ut fakta som JSON\n  --pkcs11 SÖKVÄG          fråga även en PKCS#11-modul vad den ser (i en egen process); kan anges flera gånger\n  --pkcs11 auto            fråga de PKCS#11-moduler som hittades\n  --pkcs11-timeout SEKUNDER  hur länge en modul får svara (standard 10)\n\nSlutkoder: 0 inget att anmärka, 1 varningar eller okända fakta, 2 fel (t.ex. PC/SC-tjänsten stoppad, en modul som kraschar), 64 felaktigt anrop.',
    title: 'Kortkoll – dator och mellanprogram ({platform} {release}, {arch})',
    summaryHeading: 'Sammanfattning',
    factsHeading: 'Fakta och hur de togs fram',
    viewsHeading: 'Vad mellanprogrammet ser (PKCS#11)',
    'sum.pcsc': 'PC/SC-tjänsten',
    'sum.readers': 'Kortläsare',
    'sum.virtualReaders': 'Virtuella kortläsare',
    'sum.middleware': 'Mellanprogram',
    'sum.modules': 'PKCS#11-moduler',
    'sum.session': 'Fjärrsession',
    'sum.certprop': 'Certifikatspridning i konflikt med SafeNet',
    'sum.sithsInStore': 'SITHS-certifikat i certifikatarkivet',
    'sum.unknown': 'Okända fakta',
    none: '(inga)',
    notListed: 'kunde inte listas',
    source: 'källa: {source} {detail}',
    note: 'anm.: {note}',
    'source.command': 'kommando',
    'source.registry': 'registret',
    'source.file': 'fil',
    'source.socket': 'socket',
    'source.process': 'processer',
    'source.environment': 'miljön',
    'source.pcsc': 'PC/SC',
    'source.injected': 'angivet',
    'source.derived': 'härlett',
    'label.os.platform': 'Operativsystem',
    'label.os.release': 'Version',
    'label.os.arch': 'Arkitektur',
    'label.pcsc.service.state': 'PC/SC-tjänsten',
    'label.pcsc.service.start-type': 'PC/SC-tjänstens start',
    'label.pcsc.socket': 'pcscd:s socket',
    'label.pcsc.process': 'pcscd-processen',
    'label.systemd': 'systemd',
    'label.pcsc.systemd.socket': 'systemd: pcscd.socket',
    'label.pcsc.systemd.service': 'systemd: pcscd.service',
    'label.pcsc.token-drivers': 'Token-drivrutiner (CryptoTokenKit)',
    'label.certprop.state': 'Certifikatspridning (CertPropSvc)',
    'label.certprop.start-type': 'Certifikatspridningens start',
    'label.certprop.conflict': 'Certifikatspridning i konflikt med SafeNet-minidrivrutinen',
    'label.minidrivers': 'Minidrivrutiner',
    'label.minidrivers.safenet': 'SafeNet-minidrivrutin (IDPrime)',
    'label.session.remote': 'Fjärrsession',
    'label.readers.list': 'Kortläsare',
    'label.readers.virtual': 'Virtuella kortläsare',
    'label.readers.pcsc-error': 'PC/SC-fel vid listning av läsare',
    'label.certstore.count': 'Certifikat i användarens certifikatarkiv',
    'label.certstore.siths.count': 'SITHS-certifikat i användarens certifikatarkiv',
    'label.certstore.siths.issuers': 'SITHS-utfärdare i certifikatarkivet',
    'label.p11kit.modules': 'PKCS#11-moduler registrerade i p11-kit',
    'label.p11kit.tool': 'p11-kit list-modules',
    'label.middleware': '{product}',
    'label.middleware.version': '{product}, version',
    'label.middleware.path': '{product}, installerad i',
    'label.middleware.pkcs11': '{product}, PKCS#11-modul',
    'product.netid-enterprise': 'Net iD Enterprise',
    'product.netid-client': 'Net iD Client',
    'product.netid': 'Net iD',
    'product.siths-eid': 'SITHS eID-appen',
    'product.safenet-sac': 'SafeNet Authentication Client',
    'product.opensc': 'OpenSC',
    'value.running': 'körs',
    'value.stopped': 'stoppad',
    'value.start-pending': 'startar',
    'value.stop-pending': 'stoppas',
    'value.paused': 'pausad',
    'value.available': 'tillgänglig (startas vid behov)',
    'value.not-installed': 'inte installerad',
    'value.installed': 'installerad',
    'value.unknown': 'okänt',
    'value.present': 'finns',
    'value.absent': 'saknas',
    'value.not-a-socket': 'finns men är ingen socket',
    'value.not-running': 'körs inte',
    'value.not-present': 'finns inte',
    'value.active': 'aktiv',
    'value.inactive': 'inaktiv',
    'value.failed': 'misslyckad',
    'value.not-loaded': 'inte laddad',
    'value.auto': 'automatisk',
    'value.auto-delayed': 'automatisk (fördröjd)',
    'value.demand': 'vid behov',
    'value.disabled': 'inaktiverad',
    'value.yes': 'ja',
    'value.no': 'nej',
    'value.possible': 'möjligen',
    'value.not-applicable': 'gäller inte',
    'value.none': 'ingen',
    'value.rdp': 'fjärrskrivbord (RDP)',
    'value.citrix': 'Citrix',
    'value.vmware-horizon': 'VMware Horizon',
    'value.ssh': 'SSH',
    'value.other-remote': 'annan fjärrsession',
    'value.true': 'ja',
    'value.false': 'nej',
    'value.null': '–',
    'view.ok': '{path}: svarade ({library}), {slots} plats(er), {tokens} token',
    'view.hung': '{path}: svarade inte i {function} och stoppades efter {seconds} s',
    'view.crashed': '{path}: kraschade i {function} ({how}); Kortkoll påverkades inte',
    'view.load-failed': '{path}: kunde inte laddas: {message}',
    'view.error': '{path}: {function} gav fel: {message}',
    'view.slot': 'Plats {id} "{description}": {token}',
    'view.noToken': 'inget kort',
    'view.token': 'token "{label}" (serienummer {serial}), flaggor: {flags}',
    'view.pinFlags': 'PIN-flaggor: {flags}',
    'view.noPinFlags': 'inga PIN-flaggor (modulen ger inga räknare, eller PIN-koden har alla försök kvar)',
    'view.certificate': 'Certifikat "{label}" (ID {id}, SHA-256 {hash})',
    'view.tokenError': 'fel: {message}',
    'view.signal': 'signal {signal}',
    'view.exitCode': 'slutkod {code}',
    'view.noLibrary': 'okänt bibliotek',
    'view.workerStart': 'starten av arbetsprocessen',
  },
  {
    summaryLine: 'Operating system and middleware, for IT support',
    help: 'Usage: kortkoll system [--json] [--pkcs11 PATH|auto] [--pkcs11-timeout SECONDS]\n\nShows the facts about the machine around the card: the PC/SC service, readers (virtual ones too), middleware (Net iD, the SITHS eID app, SafeNet, OpenSC) with versions, a remote session and, on Windows, certificate propagation and SITHS certificates in the user\'s certificate store. Each fact says how it was obtained. Nothing needs administrator rights and nothing is changed.\n\nOptions:\n  --json                   print the facts as JSON\n  --pkcs11 PATH            also ask a PKCS#11 module what it sees (in its own process); may be repeated\n  --pkcs11 auto            ask the PKCS#11 modules that were found\n  --pkcs11-timeout SECONDS how long a module may take (default 10)\n\nExit codes: 0 nothing to remark, 1 warnings or unknown facts, 2 errors (e.g. PC/SC service stopped, a module that crashes), 64 usage error.',
    title: 'Kortkoll – computer and middleware ({platform} {release}, {arch})',
    summaryHeading: 'Summary',
    factsHeading: 'Facts and how they were obtained',
    viewsHeading: 'What the middleware sees (PKCS#11)',
    'sum.pcsc': 'PC/SC service',
    'sum.readers': 'Readers',
    'sum.virtualReaders': 'Virtual readers',
    'sum.middleware': 'Middleware',
    'sum.modules': 'PKCS#11 modules',
    'sum.session': 'Remote session',
    'sum.certprop': 'Certificate propagation conflicting with SafeNet',
    'sum.sithsInStore': 'SITHS certificates in the certificate store',
    'sum.unknown': 'Unknown facts',
    none: '(none)',
    notListed: 'could not be listed',
    source: 'source: {source} {detail}',
    note: 'note: {note}',
    'source.command': 'command',
    'source.registry': 'registry',
    'source.file': 'file',
    'source.socket': 'socket',
    'source.process': 'processes',
    'source.environment': 'environment',
    'source.pcsc': 'PC/SC',
    'source.injected': 'given',
    'source.derived': 'derived',
    'label.os.platform': 'Operating system',
    'label.os.release': 'Release',
    'label.os.arch': 'Architecture',
    'label.pcsc.service.state': 'PC/SC service',
    'label.pcsc.service.start-type': 'PC/SC service start',
    'label.pcsc.socket': "pcscd's socket",
    'label.pcsc.process': 'pcscd process',
    'label.systemd': 'systemd',
    'label.pcsc.systemd.socket': 'systemd: pcscd.socket',
    'label.pcsc.systemd.service': 'systemd: pcscd.service',
    'label.pcsc.token-drivers': 'Token drivers (CryptoTokenKit)',
    'label.certprop.state': 'Certificate Propagation (CertPropSvc)',
    'label.certprop.start-type': 'Certificate Propagation start',
    'label.certprop.conflict': 'Certificate Propagation conflicting with the SafeNet minidriver',
    'label.minidrivers': 'Minidrivers',
    'label.minidrivers.safenet': 'SafeNet minidriver (IDPrime)',
    'label.session.remote': 'Remote session',
    'label.readers.list': 'Readers',
    'label.readers.virtual': 'Virtual readers',
    'label.readers.pcsc-error': 'PC/SC error while listing readers',
    'label.certstore.count': "Certificates in the user's certificate store",
    'label.certstore.siths.count': "SITHS certificates in the user's certificate store",
    'label.certstore.siths.issuers': 'SITHS issuers in the certificate store',
    'label.p11kit.modules': 'PKCS#11 modules registered with p11-kit',
    'label.p11kit.tool': 'p11-kit list-modules',
    'label.middleware': '{product}',
    'label.middleware.version': '{product}, version',
    'label.middleware.path': '{product}, installed in',
    'label.middleware.pkcs11': '{product}, PKCS#11 module',
    'product.netid-enterprise': 'Net iD Enterprise',
    'product.netid-client': 'Net iD Client',
    'product.netid': 'Net iD',
    'product.siths-eid': 'SITHS eID app',
    'product.safenet-sac': 'SafeNet Authentication Client',
    'product.opensc': 'OpenSC',
    'value.running': 'running',
    'value.stopped': 'stopped',
    'value.start-pending': 'starting',
    'value.stop-pending': 'stopping',
    'value.paused': 'paused',
    'value.available': 'available (starts on demand)',
    'value.not-installed': 'not installed',
    'value.installed': 'installed',
    'value.unknown': 'unknown',
    'value.present': 'present',
    'value.absent': 'absent',
    'value.not-a-socket': 'present but not a socket',
    'value.not-running': 'not running',
    'value.not-present': 'not present',
    'value.active': 'active',
    'value.inactive': 'inactive',
    'value.failed': 'failed',
    'value.not-loaded': 'not loaded',
    'value.auto': 'automatic',
    'value.auto-delayed': 'automatic (delayed)',
    'value.demand': 'on demand',
    'value.disabled': 'disabled',
    'value.yes': 'yes',
    'value.no': 'no',
    'value.possible': 'possibly',
    'value.not-applicable': 'not applicable',
    'value.none': 'none',
    'value.rdp': 'remote desktop (RDP)',
    'value.citrix': 'Citrix',
    'value.vmware-horizon': 'VMware Horizon',
    'value.ssh': 'SSH',
    'value.other-remote': 'other remote session',
    'value.true': 'yes',
    'value.false': 'no',
    'value.null': '–',
    'view.ok': '{path}: answered ({library}), {slots} slot(s), {tokens} token(s)',
    'view.hung': '{path}: did not return from {function} and was stopped after {seconds} s',
    'view.crashed': '{path}: crashed in {function} ({how}); Kortkoll was not affected',
    'view.load-failed': '{path}: could not be loaded: {message}',
    'view.error': '{path}: {function} failed: {message}',
    'view.slot': 'Slot {id} "{description}": {token}',
    'view.noToken': 'no card',
    'view.token': 'token "{label}" (serial number {serial}), flags: {flags}',
    'view.pinFlags': 'PIN flags: {flags}',
    'view.noPinFlags': 'no PIN flags (the module gives no counters, or the PIN has all its tries left)',
    'view.certificate': 'Certificate "{label}" (ID {id}, SHA-256 {hash})',
    'view.tokenError': 'error: {message}',
    'view.signal': 'signal {signal}',
    'view.exitCode': 'exit code {code}',
    'view.noLibrary': 'unknown library',
    'view.workerStart': 'the start of the worker process',
  },
);

export const systemMessages = m;
type MessageKey = Parameters<typeof m.t>[0];

function has(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(m.sv, key);
}

const productNames = new Set<string>(['netid-enterprise', 'netid-client', 'netid', 'siths-eid', 'safenet-sac', 'opensc']);

/** The localised name of a fact key (unknown keys are shown as they are). */
export function systemFactLabel(key: string, lang: Lang): string {
  const labelKey = `label.${key}`;
  if (has(labelKey)) return m.t(labelKey, lang);
  const middleware = /^middleware\.([a-z-]+?)(?:\.(version|path|pkcs11))?$/.exec(key);
  if (middleware && productNames.has(middleware[1] as string)) {
    const product = m.t(`product.${middleware[1]}` as MessageKey, lang);
    const suffix = middleware[2] ? `label.middleware.${middleware[2]}` : 'label.middleware';
    return m.t(suffix as MessageKey, lang, { product });
  }
  return key;
}

/** A fact value in words: known tokens are translated, lists joined, the rest shown as is. */
export function formatFactValue(value: FactValue, lang: Lang): string {
  if (value === null) return m.t('value.null', lang);
  if (Array.isArray(value)) return value.length === 0 ? m.t('none', lang) : value.join(', ');
  const token = `value.${String(value)}`;
  return has(token) ? m.t(token, lang) : String(value);
}

/** The facts as label/value rows (e.g. for the report's "system" section). */
export function systemFactsToRows(facts: SystemFacts, lang: Lang): { key: string; label: string; value: string }[] {
  return facts.facts.map((f) => ({ key: f.key, label: systemFactLabel(f.key, lang), value: formatFactValue(f.value, lang) }));
}

const functionOfStage: Record<Exclude<Pkcs11Stage, 'start'>, string> = {
  load: 'C_GetFunctionList',
  initialize: 'C_Initialize',
  'get-info': 'C_GetInfo',
  'get-slot-list': 'C_GetSlotList',
  'get-slot-info': 'C_GetSlotInfo',
  'get-token-info': 'C_GetTokenInfo',
  'open-session': 'C_OpenSession',
  'find-certificates': 'C_FindObjects',
  finalize: 'C_Finalize',
  done: 'C_Finalize',
};

function stageName(stage: Pkcs11Stage, lang: Lang): string {
  return stage === 'start' ? m.t('view.workerStart', lang) : functionOfStage[stage];
}

function productName(product: MiddlewareProduct, lang: Lang): string {
  return m.t(`product.${product}` as MessageKey, lang);
}

export function renderMiddlewareView(view: Pkcs11ModuleView, lang: Lang): string[] {
  const path = view.modulePath;
  switch (view.status) {
    case 'hung':
      return [m.t('view.hung', lang, { path, function: stageName(view.stage, lang), seconds: Math.round(view.timeoutMs / 100) / 10 })];
    case 'crashed': {
      const how = view.signal ? m.t('view.signal', lang, { signal: view.signal }) : m.t('view.exitCode', lang, { code: String(view.exitCode) });
      return [m.t('view.crashed', lang, { path, function: stageName(view.stage, lang), how })];
    }
    case 'load-failed':
      return [m.t('view.load-failed', lang, { path, message: view.message })];
    case 'error':
      return [m.t('view.error', lang, { path, function: stageName(view.stage, lang), message: view.message })];
    case 'ok': {
      const library = view.info ? `${view.info.libraryDescription} ${view.info.libraryVersion}` : m.t('view.noLibrary', lang);
      const tokens = view.slots.filter((s) => s.token).length;
      const lines = [m.t('view.ok', lang, { path, library, slots: view.slots.length, tokens })];
      for (const slot of view.slots) {
        const token = slot.token
          ? m.t('view.token', lang, { label: slot.token.label, serial: slot.token.serialNumber, flags: slot.token.flagNames.join(' ') || '0' })
          : m.t('view.noToken', lang);
        lines.push(`  ${m.t('view.slot', lang, { id: slot.slotId, description: slot.description, token })}`);
        if (slot.error) lines.push(`    ${m.t('view.tokenError', lang, { message: slot.error })}`);
        if (!slot.token) continue;
        const pinFlags = slot.token.flagNames.filter((f) => /^CKF_USER_PIN_(COUNT_LOW|FINAL_TRY|LOCKED)$/.test(f));
        lines.push(`    ${pinFlags.length > 0 ? m.t('view.pinFlags', lang, { flags: pinFlags.join(' ') }) : m.t('view.noPinFlags', lang)}`);
        for (const cert of slot.token.certificates) {
          lines.push(`    ${m.t('view.certificate', lang, { label: cert.label, id: cert.idHex || '–', hash: cert.sha256 ? `${cert.sha256.slice(0, 16)}…` : '–' })}`);
        }
        if (slot.token.error) lines.push(`    ${m.t('view.tokenError', lang, { message: slot.token.error })}`);
      }
      return lines;
    }
  }
}

function marker(f: SystemFact): string {
  if (f.value === UNKNOWN) return '? ';
  if (f.assessment === 'error') return '!! ';
  if (f.assessment === 'warning') return '! ';
  return '';
}

export function renderSystemFactsText(facts: SystemFacts, lang: Lang): string {
  const s = facts.summary;
  const lines: string[] = [m.t('title', lang, { platform: facts.platform, release: facts.osRelease, arch: facts.arch }), ''];
  lines.push(m.t('summaryHeading', lang));
  const row = (key: MessageKey, value: string) => lines.push(`  ${m.t(key, lang)}: ${value}`);
  row('sum.pcsc', formatFactValue(s.pcscService, lang));
  row('sum.readers', s.readers === null ? m.t('notListed', lang) : formatFactValue(s.readers, lang));
  row('sum.virtualReaders', formatFactValue(s.virtualReaders.map((r) => `${r.name} (${r.kind})`), lang));
  row('sum.middleware', formatFactValue(s.middleware.map((mw) => `${productName(mw.product, lang)}${mw.version ? ` ${mw.version}` : ''}`), lang));
  row('sum.modules', formatFactValue(s.pkcs11Modules, lang));
  row('sum.session', formatFactValue(s.remoteSession, lang));
  if (facts.platform === 'win32') {
    row('sum.certprop', formatFactValue(s.certPropagationConflict, lang));
    row('sum.sithsInStore', s.sithsCertificatesInPersonalStore === null ? formatFactValue(UNKNOWN, lang) : String(s.sithsCertificatesInPersonalStore));
  }
  if (s.unknownFacts > 0) row('sum.unknown', String(s.unknownFacts));
  lines.push('', m.t('factsHeading', lang));
  for (const f of facts.facts) {
    lines.push(`  ${marker(f)}${systemFactLabel(f.key, lang)}: ${formatFactValue(f.value, lang)}`);
    lines.push(`      ${m.t('source', lang, { source: m.t(`source.${f.source}` as MessageKey, lang), detail: f.detail })}`);
    if (f.note) lines.push(`      ${m.t('note', lang, { note: f.note })}`);
  }
  if (facts.middlewareViews.length > 0) {
    lines.push('', m.t('viewsHeading', lang));
    for (const view of facts.middlewareViews) lines.push(...renderMiddlewareView(view, lang).map((l) => `  ${l}`));
  }
  return lines.join('\n') + '\n';
}

/** 2: an error-level fact or a failed module; 1: warnings or unknown facts; 0: nothing to remark. */
export function exitCodeFor(facts: SystemFacts): number {
  if (facts.facts.some((f) => f.assessment === 'error') || facts.middlewareViews.some((v) => v.status !== 'ok')) return ExitCode.errors;
  if (facts.facts.some((f) => f.assessment === 'warning' || f.value === UNKNOWN)) return ExitCode.warnings;
  return ExitCode.ok;
}

/** Reader names from the PC/SC layer; throws when the service cannot be reached. */
async function listReadersViaPcsc(): Promise<readonly string[]> {
  const { openReaderMonitor } = await import('./pcsc.js');
  const monitor = await openReaderMonitor({ maxMs: 3000 });
  try {
    if (!monitor.serviceAvailable) throw new Error('the PC/SC service is not available');
    return monitor.readers().map((r) => r.name);
  } finally {
    await monitor.close();
  }
}

export interface SystemCommandDeps {
  collect?: (options: CollectSystemFactsOptions) => Promise<SystemFacts>;
  /** Reader names from PC/SC; default: the PC/SC layer. */
  listReaders?: () => Promise<readonly string[]>;
  /** Extra options for every collection (tests point the pcscd socket elsewhere). */
  collectOptions?: CollectSystemFactsOptions;
}

export function createSystemCommand(deps: SystemCommandDeps = {}): CliCommand {
  return {
    name: 'system',
    summary: { sv: m.sv.summaryLine, en: m.en.summaryLine },
    help: (lang) => m.t('help', lang),
    async run(args: string[], io: CliIo): Promise<number> {
      // --pkcs11 may be repeated; the shared parser keeps one value per flag, so take them out first.
      const modules: string[] = [];
      const rest: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] as string;
        if (arg === '--pkcs11') {
          const value = args[++i];
          if (!value) {
            io.stderr('kortkoll system: --pkcs11 needs a value\n');
            return ExitCode.usage;
          }
          modules.push(value);
        } else if (arg.startsWith('--pkcs11=')) {
          modules.push(arg.slice('--pkcs11='.length));
        } else {
          rest.push(arg);
        }
      }
      let json: boolean;
      let timeoutMs: number | undefined;
      try {
        const parsed = parseArgs(rest, { switches: ['json'], values: ['pkcs11-timeout'] });
        if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
        json = parsed.switches.has('json');
        const timeout = parsed.values.get('pkcs11-timeout');
        if (timeout !== undefined) {
          const seconds = Number(timeout);
          if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--pkcs11-timeout needs a number of seconds');
          timeoutMs = Math.round(seconds * 1000);
        }
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        io.stderr(`kortkoll system: ${e.message}\n`);
        return ExitCode.usage;
      }
      const collect = deps.collect ?? collectSystemFacts;
      const facts = await collect({
        env: io.env,
        listReaders: deps.listReaders ?? listReadersViaPcsc,
        inspectPkcs11: modules.filter((path) => path !== 'auto'),
        inspectFoundPkcs11: modules.includes('auto'),
        pkcs11: timeoutMs !== undefined ? { timeoutMs } : {},
        ...deps.collectOptions,
      });
      io.stdout(json ? JSON.stringify(facts, null, 2) + '\n' : renderSystemFactsText(facts, io.lang));
      return exitCodeFor(facts);
    },
  };
}

export const systemCommand: CliCommand = createSystemCommand();
