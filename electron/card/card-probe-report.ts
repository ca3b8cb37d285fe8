/**
 * "Rapportera kortet": a report of a card Kortkoll does not know, for IT support to send in so that
 * the card type can be added. It asks the card the decisive questions of docs/siths-facts.md
 * ("Thales IDPrime cards") and nothing else:
 *
 *   SELECT IDPrime applet (P2 0C), SELECT 0101 by path with FCP, GET DATA 9F7F (CPLC) and DF30
 *   (applet version), SELECT the PKCS#15 AID (P2 0C, then P2 00 for its FCI), SELECT EF.DIR
 *   3F00/2F00, SELECT DF 3F00/5015.
 *
 * Only SELECT, GET DATA and the GET RESPONSE that completes them ever reach the card (a guard
 * refuses anything else before it is sent): no VERIFY, CHANGE/RESET RETRY COUNTER, no READ BINARY,
 * so no PIN try is spent and no certificate or other personal data is read. Every probe is sent to
 * every card, whatever the earlier answers, so that reports of different cards compare line by line.
 */
import type { Clock } from '../../native/clock.js';
import { systemClock } from '../../native/clock.js';
import type { CardTransport } from '../../native/transport.js';
import { Ins, sw1Of, type CommandApdu } from './apdu.js';
import { parseAtrParts } from './atr.js';
import type { CardStructure } from './card-read-result.js';
import { CardError } from './errors.js';
import { fromHex, toHex } from '../../native/bytes.js';
import { fileSizeFromFcp, idPrimeAppletAid, parseAppletVersion } from './idprime/layout.js';
import { identifyCard, type CardProfile } from './profiles.js';
import { probeOrder } from './read-card.js';
import { CardSession } from './session.js';
import { defaultSmartcardListPath, loadSmartcardList, lookUpAtr } from './smartcard-list.js';
import { describeStatusWord, formatStatusWord } from './status-words.js';
import { defineMessages, plural, type Lang } from '../i18n/index.js';

const pkcs15Aid = fromHex('A000000063504B43532D3135');

/** What the probes may send: SELECT, GET DATA and GET RESPONSE. Nothing that verifies, changes or reads a file. */
const allowedInstructions: ReadonlySet<number> = new Set([Ins.select, Ins.getData, Ins.getResponse]);

export type ProbeTarget =
  'idprime-applet' | 'idprime-index-0101' | 'get-data-cplc' | 'get-data-applet-version' | 'pkcs15-aid' | 'pkcs15-aid-fci' | 'ef-dir' | 'df-5015';

interface ProbeDefinition {
  target: ProbeTarget;
  /** As the report names it (technical, the same in both languages). */
  label: string;
  command: CommandApdu;
}

/** The probes, in the order they are sent. Encoded short: `00 A4 08 00 02 01 01 00` and so on. */
export const cardProbes: readonly ProbeDefinition[] = [
  { target: 'idprime-applet', label: 'SELECT IDPrime applet', command: { cla: 0x00, ins: Ins.select, p1: 0x04, p2: 0x0c, data: idPrimeAppletAid } },
  { target: 'idprime-index-0101', label: 'SELECT 0101 (FCP)', command: { cla: 0x00, ins: Ins.select, p1: 0x08, p2: 0x00, data: fromHex('0101'), le: 256 } },
  { target: 'get-data-cplc', label: 'GET DATA 9F7F (CPLC)', command: { cla: 0x00, ins: Ins.getData, p1: 0x9f, p2: 0x7f, le: 0x2d } },
  { target: 'get-data-applet-version', label: 'GET DATA DF30', command: { cla: 0x00, ins: Ins.getData, p1: 0xdf, p2: 0x30, le: 0x2d } },
  { target: 'pkcs15-aid', label: 'SELECT PKCS#15 AID', command: { cla: 0x00, ins: Ins.select, p1: 0x04, p2: 0x0c, data: pkcs15Aid } },
  { target: 'pkcs15-aid-fci', label: 'SELECT PKCS#15 AID (FCI)', command: { cla: 0x00, ins: Ins.select, p1: 0x04, p2: 0x00, data: pkcs15Aid, le: 256 } },
  { target: 'ef-dir', label: 'SELECT EF.DIR 3F00/2F00', command: { cla: 0x00, ins: Ins.select, p1: 0x08, p2: 0x0c, data: fromHex('2F00') } },
  { target: 'df-5015', label: 'SELECT DF 3F00/5015', command: { cla: 0x00, ins: Ins.select, p1: 0x08, p2: 0x0c, data: fromHex('5015') } },
];

export interface CardProbeResult {
  target: ProbeTarget;
  label: string;
  /** The command as first sent, hex. */
  command: string;
  /** The final status word (after GET RESPONSE or a 6Cxx retry), hex; null when the exchange failed. */
  statusWord: string | null;
  /** What the status word means (English; the text report says it in its own language). */
  statusMeaning: string | null;
  /** The card's first answer when it was 61xx or 6Cxx (T=0-style handling followed). */
  firstStatusWord?: string;
  /** Response data (FCI, FCP, data object), hex; null when there was none. */
  response: string | null;
  /** Why the exchange failed, when it did (e.g. the card kept answering 61xx). */
  error?: string;
}

export interface CardProbeAtr {
  hex: string;
  ts: string | null;
  t0: string | null;
  interfaceBytes: { name: string; value: string }[];
  protocols: number[];
  historicalBytes: string;
  historicalCategory: string | null;
  historicalObjects: { tag: string; value: string }[];
  tck: string | null;
  wellFormed: boolean;
  extendedLength: boolean | null;
}

/** The CPLC's leading fields (GlobalPlatform): what tells the chip model and its operating system. */
export interface CplcFields {
  icFabricator: string;
  icType: string;
  operatingSystemId: string;
  operatingSystemReleaseDate: string;
  operatingSystemReleaseLevel: string;
}

export interface CardProbeReport {
  kind: 'kortkoll-card-probe-report';
  version: 1;
  generatedAt: string;
  reader: string;
  atr: CardProbeAtr;
  /** The ATR's name in pcsc-tools' smartcard_list.txt; null when it is not there (or the list is not installed). */
  smartcardListName: string | null;
  profile: { id: string; family: CardProfile['family']; known: boolean; displayName: { sv: string; en: string } };
  probes: CardProbeResult[];
  /**
   * GET DATA 9F7F, the value without tag and length, hex. The CPLC holds the chip's fabrication data
   * and serial numbers (of the chip, not of the cardholder): no personal data, and it is what tells
   * the chip model, so it stays in the report.
   */
  cplc: string | null;
  cplcFields: CplcFields | null;
  /** GET DATA DF30 as text (IDPrime applet version), where the card gives it. */
  appletVersion: string | null;
  /** The structures the answers point at, in the order Kortkoll would probe them for this ATR. */
  structuresFound: CardStructure[];
  /** The first of them, or `unknown`. A guess: reading the card is what confirms a structure. */
  structureGuess: CardStructure | 'unknown';
  apduCount: number;
}

export interface CardProbeOptions {
  clock?: Clock;
  /** pcsc-tools' smartcard_list.txt for the ATR's name; null: do not look. Default: the pcsc-tools path. */
  smartcardListPath?: string | null;
}

/** Refuses, before it reaches the card, any command the report may not send. */
class ProbeOnlyTransport implements CardTransport {
  constructor(private readonly inner: CardTransport) {}
  get readerName(): string {
    return this.inner.readerName;
  }
  get atr(): Uint8Array {
    return this.inner.atr;
  }
  transmit(command: Uint8Array): Promise<Uint8Array> {
    const ins = command[1];
    if (ins === undefined || !allowedInstructions.has(ins)) {
      return Promise.reject(new Error(`Internal error: the card report may not send INS ${ins === undefined ? '?' : formatStatusWord(ins).slice(2)}`));
    }
    return this.inner.transmit(command);
  }
}

/**
 * Sends the probes to the card and gathers the answers. Transport errors (card removed, reader gone)
 * pass through; a card that answers strangely (endless 61xx) is recorded in that probe and the
 * others still go out.
 */
export async function probeCardForReport(transport: CardTransport, options: CardProbeOptions = {}): Promise<CardProbeReport> {
  const clock = options.clock ?? systemClock;
  const listPath = options.smartcardListPath === undefined ? defaultSmartcardListPath : options.smartcardListPath;
  const atr = transport.atr;
  const profile = identifyCard(atr, { smartcardListPath: null });
  const list = listPath ? loadSmartcardList(listPath) : undefined;
  const smartcardListName = (list && lookUpAtr(atr, list)?.[0]) ?? null;
  const session = new CardSession(new ProbeOnlyTransport(transport), { clock, maxApdus: 64, maxChainedResponses: 4 });

  const probes: CardProbeResult[] = [];
  const answers = new Map<ProbeTarget, { sw: number | null; data: Uint8Array }>();
  for (const probe of cardProbes) {
    const before = session.exchanges().length;
    let result: CardProbeResult;
    try {
      const response = await session.exchange(probe.command, 'short');
      answers.set(probe.target, { sw: response.sw, data: response.data });
      result = {
        target: probe.target,
        label: probe.label,
        command: '',
        statusWord: formatStatusWord(response.sw),
        statusMeaning: describeStatusWord(response.sw, 'en'),
        response: response.data.length > 0 ? toHex(response.data) : null,
      };
    } catch (error) {
      if (!(error instanceof CardError)) throw error;
      answers.set(probe.target, { sw: null, data: new Uint8Array(0) });
      result = { target: probe.target, label: probe.label, command: '', statusWord: null, statusMeaning: null, response: null, error: error.message };
    }
    const sent = session.exchanges().slice(before);
    const first = sent[0];
    if (first) {
      result.command = toHex(first.command);
      const firstSw = first.response.length >= 2 ? (first.response[first.response.length - 2] as number) : undefined;
      if (sent.length > 1 && (firstSw === 0x61 || firstSw === 0x6c)) result.firstStatusWord = toHex(first.response.subarray(first.response.length - 2));
    }
    probes.push(result);
  }

  const ok = (target: ProbeTarget) => {
    const sw = answers.get(target)?.sw;
    return sw === 0x9000 || (sw !== null && sw !== undefined && sw1Of(sw) === 0x62 && sw !== 0x6283);
  };
  const dataOf = (target: ProbeTarget) => answers.get(target)?.data ?? new Uint8Array(0);

  const cplcAnswer = ok('get-data-cplc') ? cplcValue(dataOf('get-data-cplc')) : undefined;
  const appletVersion = ok('get-data-applet-version') ? (parseAppletVersion(dataOf('get-data-applet-version')) ?? null) : null;

  const found = new Set<CardStructure>();
  const indexSize = ok('idprime-index-0101') ? fileSizeFromFcp(dataOf('idprime-index-0101')) : undefined;
  if (ok('idprime-applet') && indexSize !== undefined && indexSize > 0) found.add('idprime');
  if (ok('pkcs15-aid') || ok('pkcs15-aid-fci') || ok('df-5015')) found.add('pkcs15');
  const structuresFound = probeOrder(profile).filter((structure) => found.has(structure));

  return {
    kind: 'kortkoll-card-probe-report',
    version: 1,
    generatedAt: clock.now().toISOString(),
    reader: transport.readerName,
    atr: atrPartsForReport(atr),
    smartcardListName,
    profile: { id: profile.id, family: profile.family, known: profile.known, displayName: { ...profile.displayName } },
    probes,
    cplc: cplcAnswer ? toHex(cplcAnswer) : null,
    cplcFields: cplcAnswer ? cplcFields(cplcAnswer) : null,
    appletVersion,
    structuresFound,
    structureGuess: structuresFound[0] ?? 'unknown',
    apduCount: session.stats().apduCount,
  };
}

function byteHex(value: number | undefined): string | null {
  return value === undefined ? null : formatStatusWord(value).slice(2);
}

function atrPartsForReport(atr: Uint8Array): CardProbeAtr {
  const parts = parseAtrParts(atr);
  return {
    hex: toHex(atr),
    ts: byteHex(parts.ts),
    t0: byteHex(parts.t0),
    interfaceBytes: parts.interfaceBytes.map((b) => ({ name: b.name, value: byteHex(b.value) as string })),
    protocols: parts.protocols,
    historicalBytes: toHex(parts.historicalBytes),
    historicalCategory: byteHex(parts.historicalCategory),
    historicalObjects: parts.historicalObjects.map((o) => ({ tag: o.tag.toString(16).toUpperCase(), value: toHex(o.value) })),
    tck: byteHex(parts.tck),
    wellFormed: parts.wellFormed,
    extendedLength: parts.cardCapabilities ? parts.cardCapabilities.extendedLength : null,
  };
}

/** The value of a GET DATA 9F7F answer (`9F 7F LL …`, or the bare value as some cards give it). */
function cplcValue(data: Uint8Array): Uint8Array | undefined {
  if (data.length >= 3 && data[0] === 0x9f && data[1] === 0x7f) {
    const value = data.subarray(3, 3 + (data[2] as number));
    return value.length > 0 ? value : undefined;
  }
  return data.length > 0 ? data : undefined;
}

function cplcFields(value: Uint8Array): CplcFields | null {
  if (value.length < 10) return null;
  const field = (offset: number) => toHex(value.subarray(offset, offset + 2));
  return { icFabricator: field(0), icType: field(2), operatingSystemId: field(4), operatingSystemReleaseDate: field(6), operatingSystemReleaseLevel: field(8) };
}

// ---- text ------------------------------------------------------------------------------------------

const m = defineMessages(
  'card-probe-report',
  {
    title: 'Kortrapport från Kortkoll',
    purpose:
      'Skicka rapporten till IT-support så att korttypen kan läggas till. Den innehåller inga certifikat och inga personuppgifter; Kortkoll har inte frågat efter någon PIN-kod och inte läst några filer på kortet.',
    generatedAt: 'Skapad: {at}',
    reader: 'Kortläsare: {reader}',
    atr: 'ATR: {atr}',
    atrFormat: '  TS {ts}, T0 {t0} ({count} historiska byte)',
    atrInterface: '  Gränssnittsbyte: {bytes}',
    atrProtocols: '  Protokoll: {protocols}',
    atrHistorical: '  Historiska byte: {bytes}',
    atrHistoricalObjects: '    kategori {category}; kompakt-TLV: {objects}',
    atrTck: '  TCK: {tck}',
    atrMalformed: '  ATR:en följer inte ISO 7816-3 (för kort eller byte över)',
    none: '–',
    smartcardList: 'Namn i smartcard_list.txt: {name}',
    smartcardListMissing: 'finns inte där',
    profile: 'Kortprofil i Kortkoll: {id} ({name})',
    structure: 'Trolig struktur: {structure}',
    structureUnknown: 'okänd (varken Thales IDPrime eller PKCS#15 svarade)',
    'structure.idprime': 'Thales IDPrime (minidriver)',
    'structure.pkcs15': 'PKCS#15',
    appletVersion: 'Appletversion (GET DATA DF30): {version}',
    cplc: 'CPLC (GET DATA 9F7F): {cplc}',
    cplcFields: '  chiptillverkare {fabricator}, chiptyp {type}, operativsystem {os}, OS-datum {date}, OS-version {level}',
    cplcNote: '  (CPLC är chipets tillverkningsdata och serienummer, inte uppgifter om kortinnehavaren)',
    notGiven: 'kortet gav inget svar',
    probes: plural('count', {
      one: 'Frågor till kortet ({count} kommando; bara SELECT och GET DATA):',
      other: 'Frågor till kortet ({count} kommandon; bara SELECT och GET DATA):',
    }),
    probeHead: '  {label}',
    probeCommand: '    → {command}',
    probeAnswer: '    ← {sw} {meaning}{first}',
    probeFirst: ' (först {sw})',
    probeData: '    data: {data}',
    probeError: '    ← inget svar: {error}',
  },
  {
    title: 'Card report from Kortkoll',
    purpose:
      'Send this report to IT support so that the card type can be added. It contains no certificates and no personal data; Kortkoll asked for no PIN and read no files on the card.',
    generatedAt: 'Made: {at}',
    reader: 'Card reader: {reader}',
    atr: 'ATR: {atr}',
    atrFormat: plural('count', { one: '  TS {ts}, T0 {t0} ({count} historical byte)', other: '  TS {ts}, T0 {t0} ({count} historical bytes)' }),
    atrInterface: '  Interface bytes: {bytes}',
    atrProtocols: '  Protocols: {protocols}',
    atrHistorical: '  Historical bytes: {bytes}',
    atrHistoricalObjects: '    category {category}; compact TLV: {objects}',
    atrTck: '  TCK: {tck}',
    atrMalformed: '  The ATR does not follow ISO 7816-3 (too short or bytes left over)',
    none: '–',
    smartcardList: 'Name in smartcard_list.txt: {name}',
    smartcardListMissing: 'not listed',
    profile: 'Card profile in Kortkoll: {id} ({name})',
    structure: 'Likely structure: {structure}',
    structureUnknown: 'unknown (neither Thales IDPrime nor PKCS#15 answered)',
    'structure.idprime': 'Thales IDPrime (minidriver)',
    'structure.pkcs15': 'PKCS#15',
    appletVersion: 'Applet version (GET DATA DF30): {version}',
    cplc: 'CPLC (GET DATA 9F7F): {cplc}',
    cplcFields: '  IC fabricator {fabricator}, IC type {type}, operating system {os}, OS date {date}, OS release {level}',
    cplcNote: '  (the CPLC is the chip’s fabrication data and serial numbers, not data about the cardholder)',
    notGiven: 'the card gave none',
    probes: plural('count', {
      one: 'Questions to the card ({count} command; SELECT and GET DATA only):',
      other: 'Questions to the card ({count} commands; SELECT and GET DATA only):',
    }),
    probeHead: '  {label}',
    probeCommand: '    → {command}',
    probeAnswer: '    ← {sw} {meaning}{first}',
    probeFirst: ' (first {sw})',
    probeData: '    data: {data}',
    probeError: '    ← no answer: {error}',
  },
);

export const cardProbeReportMessages = m;

function spaced(hexText: string): string {
  return (hexText.match(/.{2}/g) ?? []).join(' ');
}

/** The report as plain text, for copying into a support ticket. */
export function renderCardProbeReportText(report: CardProbeReport, lang: Lang): string {
  const t = (key: Parameters<typeof m.t>[0], params?: Record<string, string | number>) => m.t(key, lang, params);
  const atr = report.atr;
  const lines = [
    t('title'),
    t('purpose'),
    '',
    t('generatedAt', { at: report.generatedAt }),
    t('reader', { reader: report.reader }),
    t('atr', { atr: spaced(atr.hex) }),
  ];
  if (atr.ts !== null) lines.push(t('atrFormat', { ts: atr.ts, t0: atr.t0 ?? '?', count: atr.historicalBytes.length / 2 }));
  if (atr.interfaceBytes.length > 0) lines.push(t('atrInterface', { bytes: atr.interfaceBytes.map((b) => `${b.name}=${b.value}`).join(' ') }));
  lines.push(t('atrProtocols', { protocols: atr.protocols.map((p) => `T=${p}`).join(', ') }));
  lines.push(t('atrHistorical', { bytes: atr.historicalBytes ? spaced(atr.historicalBytes) : t('none') }));
  if (atr.historicalCategory !== null && atr.historicalObjects.length > 0) {
    lines.push(
      t('atrHistoricalObjects', {
        category: atr.historicalCategory,
        objects: atr.historicalObjects.map((o) => `${o.tag}:${o.value ? spaced(o.value) : ''}`).join('; '),
      }),
    );
  }
  if (atr.tck !== null) lines.push(t('atrTck', { tck: atr.tck }));
  if (!atr.wellFormed) lines.push(t('atrMalformed'));
  lines.push(t('smartcardList', { name: report.smartcardListName ?? t('smartcardListMissing') }));
  lines.push(t('profile', { id: report.profile.id, name: report.profile.displayName[lang] }));
  lines.push(
    t('structure', {
      structure: report.structureGuess === 'unknown' ? t('structureUnknown') : report.structuresFound.map((s) => t(`structure.${s}`)).join(', '),
    }),
  );
  lines.push(t('appletVersion', { version: report.appletVersion ?? t('notGiven') }));
  lines.push(t('cplc', { cplc: report.cplc ? spaced(report.cplc) : t('notGiven') }));
  if (report.cplcFields) {
    const f = report.cplcFields;
    lines.push(
      t('cplcFields', {
        fabricator: f.icFabricator,
        type: f.icType,
        os: f.operatingSystemId,
        date: f.operatingSystemReleaseDate,
        level: f.operatingSystemReleaseLevel,
      }),
    );
  }
  if (report.cplc) lines.push(t('cplcNote'));
  lines.push('', t('probes', { count: report.apduCount }));
  for (const probe of report.probes) {
    lines.push(t('probeHead', { label: probe.label }), t('probeCommand', { command: spaced(probe.command) }));
    if (probe.statusWord === null) {
      lines.push(t('probeError', { error: probe.error ?? '?' }));
      continue;
    }
    const first = probe.firstStatusWord ? t('probeFirst', { sw: spaced(probe.firstStatusWord) }) : '';
    lines.push(t('probeAnswer', { sw: spaced(probe.statusWord), meaning: describeStatusWord(parseInt(probe.statusWord, 16), lang), first }));
    if (probe.response) lines.push(t('probeData', { data: spaced(probe.response) }));
  }
  return lines.join('\n') + '\n';
}

/** The report as JSON (two-space indented), for IT support's tools. */
export function renderCardProbeReportJson(report: CardProbeReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
