/**
 * "Rapportera kortet": asks the main process for the card report of the current card (only SELECT
 * and GET DATA reach the card) and shows its text, with Kopiera and Spara as the Rapport view has.
 * Shown in the overview when the card's structure is new to Kortkoll, and in the Rapport view for
 * any card.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppStateIn } from '../../electron/ipc-contract.js';
import type { ViewProps } from './app.js';
import { failureText } from './api.js';
import { copyText, selectPreview } from './clipboard.js';

type Notice = { ok: boolean; text: string };

/** The card the report belongs to: a new card (or none) clears a report shown for the one before. */
function cardIdentity(state: ViewProps['state']): string {
  const card = hasCardReport(state) ? state.report.card : null;
  return [state.demoCard ?? '', card?.reader ?? '', card?.atr ?? ''].join('|');
}

/** The phases in which a card was read (or failed to be): only then is there a card to report. */
function hasCardReport(state: ViewProps['state']): state is AppStateIn<'ready' | 'card-error'> {
  return state.phase === 'ready' || state.phase === 'card-error';
}

export function CardReport({ state, api, t, idPrefix }: ViewProps & { idPrefix: string }) {
  const [text, setText] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const preview = useRef<HTMLPreElement>(null);
  const identity = cardIdentity(state);
  const canAsk = hasCardReport(state);

  useEffect(() => {
    setText(null);
    setNotice(null);
  }, [identity, state.lang]);

  const ask = async (save: 'text' | 'json' | null) => {
    setNotice(null);
    setBusy(true);
    try {
      const report = await api.reportCard({ save });
      const first = text === null;
      setText(report.text);
      if (save !== null)
        setNotice(report.saved ? { ok: true, text: t('cardReportSaved', { path: report.saved.path }) } : { ok: true, text: t('cardReportNotSaved') });
      // The report appears below the button: take keyboard and screen-reader focus to it.
      if (first) requestAnimationFrame(() => heading.current?.focus());
    } catch (error) {
      setNotice({ ok: false, text: failureText(error, t) });
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (text === null) return;
    setNotice(null);
    const copied = await copyText(text);
    setNotice(copied ? { ok: true, text: t('cardReportCopied') } : { ok: false, text: t('copyFailed') });
    if (!copied) selectPreview(preview.current);
  };

  const headingId = `${idPrefix}-card-report-heading`;
  return (
    <section class="card-section card-report" aria-labelledby={headingId} data-testid="card-report">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {t('cardReportHeading')}
      </h2>
      <p>{t('cardReportIntro')}</p>
      <div class="button-row">
        <button type="button" class="button" disabled={!canAsk || busy} onClick={() => void ask(null)} data-testid="card-report-button">
          {busy ? t('cardReportRunning') : t('cardReportButton')}
        </button>
        {text !== null && (
          <>
            <button type="button" class="button button--secondary" onClick={() => void copy()}>
              {t('cardReportCopy')}
            </button>
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void ask('text')}>
              {t('cardReportSaveText')}
            </button>
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void ask('json')}>
              {t('cardReportSaveJson')}
            </button>
          </>
        )}
      </div>
      <div role="status" class="status-line" data-testid="card-report-status">
        {notice && <p class={notice.ok ? 'notice notice--ok' : 'notice notice--error'}>{notice.text}</p>}
      </div>
      {text !== null && (
        <pre class="report-preview" ref={preview} tabIndex={0} aria-label={t('cardReportText')} data-testid="card-report-text">
          {text}
        </pre>
      )}
    </section>
  );
}
