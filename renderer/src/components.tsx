/** Small pieces shared by the views. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { DemoCardInfo } from '../../electron/ipc-contract.js';
import type { CheckStatus } from './types.js';
import type { MessageKey, Translate } from './i18n.js';
import type { ViewProps } from './app.js';

const statusLabels: Record<CheckStatus, MessageKey> = {
  ok: 'statusOk',
  warning: 'statusWarning',
  error: 'statusError',
  'not-run': 'statusNotRun',
  unknown: 'statusUnknown',
};

/** Icons repeat what the text says; colour is never the only signal. */
const statusIcons: Record<CheckStatus, string> = { ok: '✓', warning: '!', error: '✕', 'not-run': '–', unknown: '?' };

export function StatusBadge({ status, t }: { status: CheckStatus; t: Translate }) {
  return (
    <span class={`badge badge--${status}`}>
      <span aria-hidden="true">{statusIcons[status]} </span>
      {t(statusLabels[status])}
    </span>
  );
}

export interface Fact {
  label: string;
  value: ComponentChildren;
  /** Long unbroken values (hex, fingerprints) get a monospace, wrapping style. */
  code?: boolean;
}

/** A definition list of label → value; entries without a value are left out. */
export function Facts({ facts, class: className }: { facts: Fact[]; class?: string }) {
  const shown = facts.filter((fact) => fact.value !== undefined && fact.value !== null && fact.value !== '');
  if (shown.length === 0) return null;
  return (
    <dl class={`facts ${className ?? ''}`}>
      {shown.map((fact) => (
        <div class="facts__row" key={fact.label}>
          <dt>{fact.label}</dt>
          <dd class={fact.code ? 'code' : undefined}>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A link to an allowed web page. The shell does not let the app navigate: it hands the address to
 * the allowlist and opens it in the user's browser.
 */
export function ExternalLink({ href, children, t }: { href: string; children: ComponentChildren; t: Translate }) {
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" class="external-link">
      {children} <span class="external-link__hint">{t('helpOpensInBrowser')}</span>
    </a>
  );
}

/** Lets the user try the app with a virtual card, or stop using one. */
export function DemoPicker({ state, api, t, accept, fail }: ViewProps) {
  const [cards, setCards] = useState<DemoCardInfo[]>([]);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);

  // The descriptions come in the service's language: ask again when the language changes.
  useEffect(() => {
    api.listDemoCards().then((list) => {
      setCards(list);
      setChoice((current) => current || list[0]?.name || '');
    }, fail);
  }, [api, fail, state.lang]);

  const use = (name: string | null) => {
    setBusy(true);
    api
      .useDemoCard(name)
      .then(accept, fail)
      .finally(() => setBusy(false));
  };

  if (state.demoCard) {
    return (
      <div class="demo">
        <p>{t('demoActive', { name: state.demoCard })}</p>
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => use(null)}>
          {t('demoStop')}
        </button>
      </div>
    );
  }
  const selected = cards.find((card) => card.name === choice);
  return (
    <div class="demo">
      <p>{t('demoIntro')}</p>
      <div class="demo__controls">
        <label for="demo-card">{t('demoSelect')}</label>
        <select
          id="demo-card"
          value={choice}
          onChange={(event) => setChoice((event.currentTarget as HTMLSelectElement).value)}
          aria-describedby="demo-card-description"
        >
          {cards.map((card) => (
            <option key={card.name} value={card.name}>
              {card.name}
            </option>
          ))}
        </select>
        <button type="button" class="button" disabled={busy || !choice} onClick={() => use(choice)}>
          {t('demoUse')}
        </button>
      </div>
      <p id="demo-card-description" class="muted">
        {selected?.description ?? ''}
      </p>
    </div>
  );
}
