/**
 * Översikt: the verdict first (what is wrong and what to do), then the card details as the card test
 * page shows them, then every check with its finding and remedy.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AppState } from '../../../electron/ipc-contract.js';
import type { ViewProps } from '../app.js';
import { DemoPicker, Facts, StatusBadge } from '../components.js';
import { CardReport } from '../card-report.js';
import { PinRows, usePinDialog, VerdictPinActions } from '../pin-operations.js';
import { formatDate, formatTime, type MessageKey, type Translate } from '../i18n.js';
import type { Contact, ReportCheck, VerdictStatus } from '../types.js';

type Tone = VerdictStatus;

interface VerdictView {
  tone: Tone;
  headline: string;
  advice?: string;
}

const phaseVerdicts: Record<AppState['phase'], { tone: Tone; headline: MessageKey; advice?: MessageKey }> = {
  starting: { tone: 'reading', headline: 'phaseStarting' },
  'no-service': { tone: 'no-service', headline: 'phaseNoService', advice: 'phaseNoServiceAdvice' },
  'no-reader': { tone: 'no-reader', headline: 'phaseNoReader', advice: 'phaseNoReaderAdvice' },
  'no-card': { tone: 'no-card', headline: 'phaseNoCard', advice: 'phaseNoCardAdvice' },
  reading: { tone: 'reading', headline: 'phaseReading' },
  ready: { tone: 'ready', headline: 'phaseReading' },
  'card-error': { tone: 'blocked', headline: 'phaseCardError', advice: 'phaseCardErrorAdvice' },
};

/**
 * The service's verdict (rebuilt with every snapshot, so it is never stale); the phase's own
 * message only before the first report exists.
 */
export function verdictFor(state: AppState, t: Translate): VerdictView {
  if (state.phase !== 'starting') {
    const { status, headline, advice } = state.report.verdict;
    return { tone: status, headline, ...(advice ? { advice } : {}) };
  }
  const fallback = phaseVerdicts[state.phase];
  return { tone: fallback.tone, headline: t(fallback.headline), ...(fallback.advice ? { advice: t(fallback.advice) } : {}) };
}

const verdictIcons: Record<Tone, string> = {
  ready: '✓',
  attention: '!',
  blocked: '✕',
  'unknown-card': '?',
  'no-card': '▭',
  'no-reader': '▭',
  'no-service': '✕',
  reading: '…',
};

export function OverviewView(props: ViewProps) {
  const { state, t } = props;
  const verdict = verdictFor(state, t);
  const pinDialog = usePinDialog(props, 'pin-ops-heading');
  // Without a reader the demo cards come right after the verdict; while one is in use, last.
  const offerDemo = state.demoCard === null && (state.phase === 'no-reader' || state.phase === 'no-service');
  const demo = (
    <section class="card-section" aria-labelledby="demo-heading">
      <h2 id="demo-heading">{t('demoHeading')}</h2>
      <DemoPicker {...props} />
    </section>
  );
  return (
    <div class="view">
      <Verdict state={state} verdict={verdict} t={t}>
        <VerdictPinActions state={state} t={t} open={pinDialog.open} />
      </Verdict>
      <LastEvent state={state} t={t} />
      {offerDemo && demo}
      <RerunControls {...props} />
      {verdict.tone === 'unknown-card' && <CardReport {...props} idPrefix="overview" />}
      <CardTable state={state} t={t} />
      <PinRows state={state} t={t} open={pinDialog.open} />
      <Checks checks={state.report?.checks ?? []} t={t} />
      {state.demoCard !== null && demo}
      {pinDialog.dialog}
    </div>
  );
}

function Verdict({ state, verdict, t, children }: { state: AppState; verdict: VerdictView; t: Translate; children?: ComponentChildren }) {
  const settled = state.phase === 'ready' || state.phase === 'card-error';
  useEffect(() => {
    // For the renderer benchmark. Preact runs effects after the next animation frame, i.e. once the
    // frame holding this verdict has been produced.
    if (settled) performance.mark('kortkoll:verdict-painted', { detail: { seq: state.seq } });
  }, [settled, state.seq]);
  const progress = state.phase === 'reading' ? state.progress : null;
  return (
    <section class={`verdict verdict--${verdict.tone}`} aria-labelledby="verdict-headline" data-testid="verdict" data-status={verdict.tone}>
      <p class="verdict__icon" aria-hidden="true">
        {verdictIcons[verdict.tone]}
      </p>
      <div class="verdict__body">
        <h2 id="verdict-headline">{verdict.headline}</h2>
        {verdict.advice && <p class="verdict__advice">{verdict.advice}</p>}
        {children}
        {progress && (
          <div class="progress">
            <label for="read-progress">{progress.message || t('progressLabel')}</label>
            <progress id="read-progress" max={100} value={progress.percent} />
          </div>
        )}
      </div>
    </section>
  );
}

function LastEvent({ state, t }: { state: AppState; t: Translate }) {
  const event = state.lastEvent;
  if (!event) return null;
  const keys = {
    'card-inserted': 'eventInserted',
    'card-removed': 'eventRemoved',
    'service-lost': 'eventServiceLost',
    'service-restored': 'eventServiceRestored',
  } as const;
  return (
    <p class="last-event" data-testid="last-event" data-kind={event.kind}>
      {t(keys[event.kind], { reader: event.reader ?? '' })} <span class="muted">{t('eventAt', { time: formatTime(event.at, state.lang) })}</span>
    </p>
  );
}

function RerunControls({ state, api, t, accept, fail }: ViewProps) {
  const [online, setOnline] = useState(state.onlineChecks);
  const [running, setRunning] = useState(false);
  const canRun = state.phase !== 'starting' && state.phase !== 'reading' && !running;
  const run = () => {
    setRunning(true);
    api
      // The person asks to check the card again: PIN counters are asked again too.
      .runDiagnosis({ online, recheckPins: true })
      .then(accept, fail)
      .finally(() => setRunning(false));
  };
  if (state.phase === 'no-reader' || state.phase === 'no-service' || state.phase === 'starting') return null;
  return (
    <div class="rerun">
      <button type="button" class="button" disabled={!canRun} onClick={run}>
        {running ? t('running') : t('rerun')}
      </button>
      <label class="checkbox">
        <input type="checkbox" checked={online} onChange={(event) => setOnline((event.currentTarget as HTMLInputElement).checked)} />
        {t('onlineChecks')}
      </label>
    </div>
  );
}

function CardTable({ state, t }: { state: AppState; t: Translate }) {
  if (state.phase !== 'ready' && state.phase !== 'card-error') return null;
  const card = state.report.card;
  const missing = <span class="muted">{t('notRead')}</span>;
  const rows: [MessageKey, string | undefined][] = [
    ['holderName', card.holderName],
    ['hsaId', card.hsaId],
    ['issuer', card.issuer],
    ['cardNumber', card.cardNumber],
    ['validUntil', formatDate(card.validUntil)],
  ];
  return (
    <section class="card-section" aria-labelledby="card-table-heading">
      <h2 id="card-table-heading">{t('cardTableHeading')}</h2>
      <table class="card-table" data-testid="card-table">
        <caption>{t('cardTableCaption')}</caption>
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label} data-field={label}>
              <th scope="row">{t(label)}</th>
              <td class={label === 'hsaId' || label === 'cardNumber' ? 'code' : undefined}>{value ?? missing}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const contactKeys: Record<Contact, MessageKey> = { self: 'contactSelf', 'local-it': 'contactLocalIt', 'support-line': 'contactSupportLine' };

/** What needs doing comes first; within a status the diagnosis order (layer by layer) is kept. */
const statusRank: Record<ReportCheck['status'], number> = { error: 0, warning: 1, unknown: 2, 'not-run': 3, ok: 4 };

export function checksInReadingOrder(checks: readonly ReportCheck[]): ReportCheck[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => statusRank[a.check.status] - statusRank[b.check.status] || a.index - b.index)
    .map(({ check }) => check);
}

function Checks({ checks: unordered, t }: { checks: ReportCheck[]; t: Translate }) {
  if (unordered.length === 0) return null;
  const checks = checksInReadingOrder(unordered);
  return (
    <section class="card-section" aria-labelledby="checks-heading">
      <h2 id="checks-heading">{t('checksHeading')}</h2>
      <ul class="checks" data-testid="checks">
        {checks.map((check) => (
          <li key={check.id} class={`check check--${check.status}`} data-check={check.id} data-status={check.status}>
            <div class="check__head">
              <StatusBadge status={check.status} t={t} />
              <h3 class="check__title">{check.title}</h3>
            </div>
            <p class="check__summary">{check.summary}</p>
            {check.remedy && (
              <div class="check__remedy">
                <p>
                  <strong>{t('remedy')}:</strong> {check.remedy.text}
                </p>
                <p class="check__contact">
                  <strong>{t('contactLabel')}:</strong> {t(contactKeys[check.remedy.contact])}
                </p>
              </div>
            )}
            {check.evidence.length > 0 && (
              <details class="check__evidence">
                <summary>{t('evidence')}</summary>
                <Facts facts={check.evidence.map((fact) => ({ label: fact.label, value: fact.value, code: /^[0-9A-F ]{8,}$/i.test(fact.value) }))} />
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
