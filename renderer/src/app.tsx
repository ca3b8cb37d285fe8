/**
 * The application frame: header with the language switch, the tab list, the live region that
 * announces card events, and one panel per view. State comes from the main process as immutable
 * snapshots (`seq` grows); an older snapshot arriving late is ignored.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AppState, KortkollApi } from '../../electron/ipc-contract.js';
import { failureText } from './api.js';
import { translator, type Lang, type MessageKey, type Translate } from './i18n.js';
import { announcementFor } from './announce.js';
import { Tabs, type TabDefinition } from './tabs.js';
import type { StateSource } from './state-source.js';
import { OverviewView } from './views/overview.js';
import { LoginView } from './views/login.js';
import { CertificatesView } from './views/certificates.js';
import { SystemView } from './views/system.js';
import { ReportView } from './views/report.js';
import { HelpView } from './views/help.js';

export type TabId = 'overview' | 'login' | 'certificates' | 'system' | 'report' | 'help';

const tabs: readonly { id: TabId; label: MessageKey }[] = [
  { id: 'overview', label: 'tabOverview' },
  { id: 'login', label: 'tabLogin' },
  { id: 'certificates', label: 'tabCertificates' },
  { id: 'system', label: 'tabSystem' },
  { id: 'report', label: 'tabReport' },
  { id: 'help', label: 'tabHelp' },
];

/** What every view receives. */
export interface ViewProps {
  state: AppState;
  api: KortkollApi;
  t: Translate;
  lang: Lang;
  /** Adopts a snapshot returned by a call (it may be newer than the last pushed one). */
  accept: (state: AppState) => void;
  /** Shows a failed call to the user. */
  fail: (error: unknown) => void;
}

export function App({ api, source }: { api: KortkollApi; source: StateSource }) {
  const [state, setState] = useState<AppState | null>(() => source.latest());
  const [tab, setTab] = useState<TabId>('overview');
  const [announcement, setAnnouncement] = useState('');
  // The failure itself, worded at render time in the language then shown.
  const [error, setError] = useState<{ reason: unknown } | null>(null);
  const latest = useRef<AppState | null>(state);

  const accept = useCallback((next: AppState) => {
    const previous = latest.current;
    if (previous && next.seq <= previous.seq) return;
    if (!previous) performance.mark('kortkoll:first-state');
    latest.current = next;
    const message = announcementFor(previous, next, translator(next.lang));
    if (message) setAnnouncement(message);
    setState(next);
  }, []);

  const fail = useCallback((reason: unknown) => setError({ reason }), []);

  useEffect(() => {
    const unsubscribe = source.listen(accept, fail);
    const now = source.latest();
    if (now) accept(now);
    return unsubscribe;
  }, [source, accept, fail]);

  const lang: Lang = state?.lang ?? 'sv';
  const t = translator(lang);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t('appName')} – ${t(tabs.find((entry) => entry.id === tab)?.label ?? 'tabOverview')}`;
  }, [lang, tab]);

  const switchLanguage = () => {
    api.setLanguage(lang === 'sv' ? 'en' : 'sv').then(accept, fail);
  };

  const definitions: TabDefinition<TabId>[] = tabs.map((entry) => ({ id: entry.id, label: t(entry.label) }));
  const props: ViewProps | null = state ? { state, api, t, lang, accept, fail } : null;
  const other: Lang = lang === 'sv' ? 'en' : 'sv';

  return (
    <div class="app">
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header class="app-header">
        <div class="app-header__bar">
          <div class="app-header__title">
            <h1>{t('appName')}</h1>
            <p class="app-header__tagline">{t('appTagline')}</p>
          </div>
          <p class="app-header__source">{state ? sourceLine(state, t) : ''}</p>
          <button type="button" class="button button--on-dark" lang={other} onClick={switchLanguage}>
            {t('switchLanguage')}
          </button>
        </div>
        <Tabs label={t('tablistLabel')} tabs={definitions} current={tab} onChange={setTab} />
      </header>
      <main id="main" class="app-main" tabIndex={-1}>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
          {announcement}
        </div>
        {error && (
          <div class="notice notice--error" role="alert">
            <p>{failureText(error.reason, t)}</p>
            <button type="button" class="button button--secondary" onClick={() => setError(null)}>
              OK
            </button>
          </div>
        )}
        {tabs.map((entry) => (
          <section
            key={entry.id}
            id={`panel-${entry.id}`}
            role="tabpanel"
            aria-labelledby={`tab-${entry.id}`}
            class="panel"
            tabIndex={0}
            hidden={entry.id !== tab}
          >
            {props && entry.id === tab && renderView(entry.id, props)}
          </section>
        ))}
      </main>
      <footer class="app-footer">
        <p>{t('footerPrivacy')}</p>
      </footer>
    </div>
  );
}

function renderView(id: TabId, props: ViewProps) {
  switch (id) {
    case 'overview':
      return <OverviewView {...props} />;
    case 'login':
      return <LoginView {...props} />;
    case 'certificates':
      return <CertificatesView {...props} />;
    case 'system':
      return <SystemView {...props} />;
    case 'report':
      return <ReportView {...props} />;
    case 'help':
      return <HelpView {...props} />;
  }
}

function sourceLine(state: AppState, t: Translate): string {
  if (state.demoCard) return t('statusDemo', { name: state.demoCard });
  const reader = state.selectedReader ?? state.report?.card?.reader ?? null;
  return reader ? t('statusReader', { name: reader }) : t('statusNoReader');
}

/** Shown when the page runs without the preload API (opened in an ordinary browser). */
export function ApiMissing() {
  const t = translator('sv');
  return (
    <main id="main" class="app-main">
      <h1>{t('appName')}</h1>
      <p role="alert">{t('apiMissing')}</p>
    </main>
  );
}
