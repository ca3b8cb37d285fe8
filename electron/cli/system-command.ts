/**
 * `kortkoll system [--json] [--pkcs11 PATH|auto]… [--pkcs11-timeout S]`: the operating-system and
 * middleware facts alone (PC/SC service, readers, Net iD / SITHS eID / OpenSC, remote session,
 * and optionally what a PKCS#11 module itself shows), with how each fact was obtained.
 */
import { defineMessages, type Lang } from '../i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { parseCommandArgs, UsageError, withUsageErrors } from './args.js';
import {
  collectSystemFacts,
  UNKNOWN,
  type CollectSystemFactsOptions,
  type MiddlewareProduct,
  type Pkcs11ModuleView,
  type Pkcs11Stage,
  type SystemFact,
  type SystemFacts,
} from '../../native/system/index.js';

import { systemMessages as m, systemFactLabel, formatFactValue } from '../diagnostics/system-fact-text.js';

export { systemMessages, systemFactLabel, formatFactValue } from '../diagnostics/system-fact-text.js';
type MessageKey = Parameters<typeof m.t>[0];

const usageMessages = defineMessages(
  'cli-system',
  { badTimeout: 'Ogiltig tidsgräns: {value}. Ange sekunder från 0,1 till 600, t.ex. 5.' },
  { badTimeout: 'Invalid timeout: {value}. Give seconds from 0.1 to 600, e.g. 5.' },
);

/** `--pkcs11` may be given once per module. */
const systemOptions = { json: { type: 'boolean' }, pkcs11: { type: 'string', multiple: true }, 'pkcs11-timeout': { type: 'string' } } as const;

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
      const counts = { slots: m.t('view.slots', lang, { count: view.slots.length }), tokens: m.t('view.tokens', lang, { count: tokens }) };
      const lines = [m.t('view.ok', lang, { path, library, ...counts })];
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
          lines.push(
            `    ${m.t('view.certificate', lang, { label: cert.label, id: cert.idHex || '–', hash: cert.sha256 ? `${cert.sha256.slice(0, 16)}…` : '–' })}`,
          );
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
  row(
    'sum.virtualReaders',
    formatFactValue(
      s.virtualReaders.map((r) => `${r.name} (${r.kind})`),
      lang,
    ),
  );
  row(
    'sum.middleware',
    formatFactValue(
      s.middleware.map((mw) => `${productName(mw.product, lang)}${mw.version ? ` ${mw.version}` : ''}`),
      lang,
    ),
  );
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
  if (facts.browserStores) {
    lines.push('', m.t('storesHeading', lang));
    if (facts.browserStores.length === 0) lines.push(`  ${m.t('storesNone', lang)}`);
    for (const store of facts.browserStores) {
      lines.push(
        `  ${store.location || store.kind} (${store.browsers.join(', ')}): ${store.status === 'ok' ? m.t('storesCount', lang, { count: store.certificates.length }) : `${formatFactValue(UNKNOWN, lang)}${store.note ? ` (${store.note})` : ''}`}`,
      );
      for (const module of store.modules?.filter((mod) => mod.kind === 'card') ?? [])
        lines.push(
          `    ${m.t('storesModule', lang, { name: module.name, library: module.library ?? '', tokens: module.tokens === null ? '?' : module.tokens.join(', ') || '–' })}`,
        );
      for (const cert of store.certificates)
        lines.push(
          `    ${cert.sha1.match(/../g)?.join(':')}  ${cert.subject}${cert.notAfter ? `  → ${cert.notAfter.slice(0, 10)}` : ''}${cert.onSmartCard ? `  [${cert.provider ?? 'smart card'}]` : cert.onSmartCard === false ? `  [${m.t('storesSoftware', lang)}]` : ''}`,
        );
    }
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
    summary: { sv: m.t('summaryLine', 'sv'), en: m.t('summaryLine', 'en') },
    help: (lang) => m.t('help', lang),
    run: withUsageErrors(async (args: string[], io: CliIo): Promise<number> => {
      const { values } = parseCommandArgs(args, { command: 'system', options: systemOptions }, io.lang);
      const modules = values.pkcs11 ?? [];
      const json = values.json === true;
      let timeoutMs: number | undefined;
      const timeout = values['pkcs11-timeout'];
      if (timeout !== undefined) {
        const seconds = Number(timeout);
        // setTimeout turns anything above 2^31-1 ms into 1 ms: a sane range, not a silent wrap.
        if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 600) throw new UsageError(usageMessages.t('badTimeout', io.lang, { value: timeout }));
        timeoutMs = Math.round(seconds * 1000);
      }
      const collect = deps.collect ?? collectSystemFacts;
      const facts = await collect({
        env: io.env,
        listReaders: deps.listReaders ?? listReadersViaPcsc,
        inspectPkcs11: modules.filter((path) => path !== 'auto'),
        inspectFoundPkcs11: modules.includes('auto'),
        pkcs11: timeoutMs !== undefined ? { timeoutMs } : {},
        browserStores: true,
        ...deps.collectOptions,
      });
      io.stdout(json ? JSON.stringify(facts, null, 2) + '\n' : renderSystemFactsText(facts, io.lang));
      return exitCodeFor(facts);
    }),
  };
}

export const systemCommand: CliCommand = createSystemCommand();
