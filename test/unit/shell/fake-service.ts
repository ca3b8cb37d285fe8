/** A small in-memory KortkollService for the shell's unit tests: records calls, emits snapshots. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppState, DemoCardInfo, ReportFormat } from '../../../electron/ipc-contract.js';
import type { Lang } from '../../../electron/i18n/index.js';
import type { KortkollService } from '../../../electron/service-types.js';

const fixture = fileURLToPath(new URL('../../e2e/fixtures/app-state.netid-legacy.json', import.meta.url));

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
    emit(patch) {
      state = { ...state, ...patch, seq: state.seq + 1 };
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
    useDemoCard: async (name) => {
      record('useDemoCard', [name]);
      return service.emit({ demoCard: name });
    },
  };
  return service;
}
