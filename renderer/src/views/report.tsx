/**
 * Rapport: copy the report as text, or save it as HTML or JSON. Personal data is hidden by default;
 * the preview shows exactly the text that will be copied.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { failureText } from '../api.js';
import { copyText, selectPreview } from '../clipboard.js';
import { CardReport } from '../card-report.js';

type Notice = { ok: boolean; text: string };

export function ReportView(props: ViewProps) {
  const { state, api, t } = props;
  const [redact, setRedact] = useState(true);
  const [text, setText] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const preview = useRef<HTMLPreElement>(null);
  // Every phase but the first has a report (of the computer, the readers and any card read).
  const hasReport = state.phase !== 'starting';

  useEffect(() => {
    if (!hasReport) {
      setText(null);
      return;
    }
    let current = true;
    api.renderReport({ format: 'text', redact }).then(
      (rendered) => {
        if (current) setText(rendered);
      },
      () => {
        if (current) setText(null);
      },
    );
    return () => {
      current = false;
    };
  }, [api, redact, hasReport, state.seq]);

  const copy = async () => {
    setNotice(null);
    try {
      const rendered = await api.renderReport({ format: 'text', redact });
      const copied = await copyText(rendered);
      setNotice(copied ? { ok: true, text: t('copied') } : { ok: false, text: t('copyFailed') });
      if (!copied) selectPreview(preview.current);
    } catch (error) {
      setNotice({ ok: false, text: failureText(error, t) });
    }
  };

  const save = async (format: 'html' | 'json') => {
    setNotice(null);
    setBusy(true);
    try {
      const saved = await api.saveReport({ format, redact });
      setNotice(saved ? { ok: true, text: t('saved', { path: saved.path }) } : { ok: true, text: t('saveCancelled') });
    } catch (error) {
      setNotice({ ok: false, text: failureText(error, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="view">
      <h2>{t('reportHeading')}</h2>
      <p>{t('reportIntro')}</p>
      {!hasReport && <p class="notice notice--info">{t('noReport')}</p>}
      <p>
        <label class="checkbox">
          <input type="checkbox" checked={redact} onChange={(event) => setRedact((event.currentTarget as HTMLInputElement).checked)} data-testid="redact" />
          {t('redact')}
        </label>
      </p>
      <div class="button-row">
        <button type="button" class="button" disabled={!hasReport} onClick={() => void copy()}>
          {t('copyText')}
        </button>
        <button type="button" class="button button--secondary" disabled={!hasReport || busy} onClick={() => void save('html')}>
          {t('saveHtml')}
        </button>
        <button type="button" class="button button--secondary" disabled={!hasReport || busy} onClick={() => void save('json')}>
          {t('saveJson')}
        </button>
      </div>
      <div role="status" class="status-line" data-testid="report-status">
        {notice && <p class={notice.ok ? 'notice notice--ok' : 'notice notice--error'}>{notice.text}</p>}
      </div>
      {text !== null && (
        <pre class="report-preview" ref={preview} tabIndex={0} aria-label={t('reportPreview')} data-testid="report-preview">
          {text}
        </pre>
      )}
      {(state.phase === 'ready' || state.phase === 'card-error') && <CardReport {...props} idPrefix="report" />}
    </div>
  );
}
