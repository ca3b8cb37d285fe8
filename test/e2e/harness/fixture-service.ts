/**
 * A KortkollService that only replays a recorded AppState (test/e2e/fixtures/*.json): for working on
 * the renderer's looks without a card. The e2e tests themselves use the real service.
 */
import { readFileSync } from 'node:fs';
import type { AppState, DemoCardInfo, ReportFormat } from '../../../electron/ipc-contract.js';
import type { Lang } from '../../../electron/i18n/index.js';
import type { KortkollService } from '../../../electron/service-types.js';

export function createFixtureService(fixtureFile: string): KortkollService & { push(patch: Partial<AppState>): void } {
  let state = JSON.parse(readFileSync(fixtureFile, 'utf8')) as AppState;
  const listeners = new Set<(state: AppState) => void>();
  const emit = (patch: Partial<AppState>) => {
    state = { ...state, ...patch, seq: state.seq + 1 };
    for (const listener of listeners) listener(state);
    return state;
  };
  return {
    loginUrl: 'http://personal.minavardkontakter.se',
    start: async () => undefined,
    close: async () => undefined,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runDiagnosis: async ({ online }) => emit({ onlineChecks: online }),
    renderReport({ format, redact }: { format: ReportFormat; redact: boolean }) {
      if (!state.report) throw Object.assign(new Error('No report yet'), { code: 'no-report' });
      return format === 'json' ? JSON.stringify(state.report, null, 2) : `Kortkoll report (${format}, redact=${redact})\n${state.report.verdict.headline}`;
    },
    chooseReader: async (reader) => emit({ selectedReader: reader }),
    setLanguage: (lang: Lang) => emit({ lang }),
    listDemoCards: (): DemoCardInfo[] => [
      { name: 'netid-legacy', description: 'Äldre SITHS-kort med Net iD' },
      { name: 'siths-eid-2024', description: 'SITHS eID-kort från 2024' },
    ],
    useDemoCard: async (name) => emit({ demoCard: name }),
    push(patch) {
      emit(patch);
    },
  };
}
