/** A small in-memory KortkollService for the shell's unit tests: records calls, emits snapshots. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppState, DemoCardInfo, ReportFormat } from '../../../electron/ipc-contract.js';
import type { Lang } from '../../../electron/i18n/index.js';
import type { KortkollService } from '../../../electron/service-types.js';
import type { CardProbeReport } from '../../../electron/card/card-probe-report.js';

const fixture = fileURLToPath(new URL('../../e2e/fixtures/app-state.netid-legacy.json', import.meta.url));

/** What the fake's probeCard answers: a minimal report of an unknown card. */
export const fakeProbeReport: CardProbeReport = {
  kind: 'kortkoll-card-probe-report',
  version: 1,
  generatedAt: '2025-03-01T12:00:00.000Z',
  reader: 'Fake Reader 00',
  atr: {
    hex: '3B0200',
    ts: '3B',
    t0: '02',
    interfaceBytes: [],
    protocols: [0],
    historicalBytes: '0000',
    historicalCategory: '00',
    historicalObjects: [],
    tck: null,
    wellFormed: false,
    extendedLength: null,
  },
  smartcardListName: null,
  profile: { id: 'unknown', family: 'unknown', known: false, displayName: { sv: 'Okänt kort', en: 'Unknown card' } },
  probes: [
    {
      target: 'idprime-applet',
      label: 'SELECT IDPrime applet',
      command: '00A4040C0BA000000018800000000662',
      statusWord: '6A82',
      statusMeaning: 'File or application not found',
      response: null,
    },
  ],
  cplc: null,
  cplcFields: null,
  appletVersion: null,
  structuresFound: [],
  structureGuess: 'unknown',
  apduCount: 1,
};

export interface FakeService extends KortkollService {
  calls: { method: string; args: unknown[] }[];
  emit(patch: Partial<AppState>): AppState;
  reportAvailable: boolean;
}

export function createFakeService(loginUrl = 'http://personal.minavardkontakter.se'): FakeService {
  let state = JSON.parse(readFileSync(fixture, 'utf8')) as AppState;
  const listeners = new Set<(state: AppState) => void>();
  const calls: FakeService['calls'] = [];
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const service: FakeService = {
    calls,
    reportAvailable: true,
    loginUrl,
    ready: async () => state,
    whenSettled: async () => state,
    emit(patch) {
      // A patch may mix phases (the shell tests care about the fields, not the phase's invariants).
      state = { ...state, ...patch, seq: state.seq + 1 } as AppState;
      for (const listener of listeners) listener(state);
      return state;
    },
    start: async () => {
      record('start', []);
    },
    close: async () => {
      record('close', []);
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runDiagnosis: async (options) => {
      record('runDiagnosis', [options]);
      return service.emit({ onlineChecks: options.online });
    },
    renderReport(options: { format: ReportFormat; redact: boolean }) {
      record('renderReport', [options]);
      if (!service.reportAvailable) throw Object.assign(new Error('No report yet'), { code: 'no-report' });
      return `report ${options.format} redact=${options.redact}`;
    },
    chooseReader: async (reader) => {
      record('chooseReader', [reader]);
      return service.emit({ selectedReader: reader });
    },
    setLanguage: (lang: Lang) => {
      record('setLanguage', [lang]);
      return service.emit({ lang });
    },
    listDemoCards: (): DemoCardInfo[] => [
      { name: 'netid-legacy', description: 'Net iD card' },
      { name: 'siths-eid-2024', description: '2024 card' },
    ],
    probeCard: async () => {
      record('probeCard', []);
      if (!service.reportAvailable) throw Object.assign(new Error('There is no card to report'), { code: 'no-card' });
      return fakeProbeReport;
    },
    pinOperation: async (request) => {
      // Only what was asked, never the digits.
      record('pinOperation', [{ kind: request.kind, pin: request.pin, keys: Object.keys(request.values).sort(), confirmedLastTry: request.confirmedLastTry }]);
      if (!service.reportAvailable) throw Object.assign(new Error(`There is no card ${JSON.stringify(request.values)}`), { code: 'no-card' });
      return {
        outcome: { operation: request.kind, pin: request.pin, kind: 'refused', reason: 'counter-unknown' },
        outcomeDetail: null,
        state: service.emit({}),
      };
    },
    useDemoCard: async (name) => {
      record('useDemoCard', [name]);
      return service.emit({ demoCard: name });
    },
  };
  return service;
}
