/**
 * What the screen reader hears when the state changes: card inserted or removed, the service lost
 * or back, and the verdict once a card has been read. Nothing on the first snapshot — the page
 * itself says it then.
 */
import type { AppState } from '../../electron/ipc-contract.js';
import type { Translate } from './i18n.js';

export function announcementFor(previous: AppState | null, next: AppState, t: Translate): string {
  if (previous === null) return '';
  const parts: string[] = [];
  const event = next.lastEvent;
  const eventIsNew = event !== null && (previous.lastEvent?.at !== event.at || previous.lastEvent?.kind !== event.kind);
  if (event && eventIsNew) {
    if (event.kind === 'card-inserted') parts.push(t('eventInserted', { reader: event.reader ?? '' }));
    else if (event.kind === 'card-removed') parts.push(t('eventRemoved'));
    else if (event.kind === 'service-lost') parts.push(t('eventServiceLost'));
    else parts.push(t('eventServiceRestored'));
  }
  const settled = next.phase === 'ready' || next.phase === 'card-error';
  const verdictChanged = next.report?.verdict.headline !== previous.report?.verdict.headline || previous.phase !== next.phase;
  if (settled && verdictChanged) {
    const verdict = next.report?.verdict;
    if (verdict) parts.push([verdict.headline, verdict.advice].filter(Boolean).join('. '));
    else if (next.phase === 'card-error') parts.push(t('phaseCardError'));
  } else if (next.phase === 'reading' && previous.phase !== 'reading' && !(event && eventIsNew)) {
    parts.push(t('phaseReading'));
  }
  return parts.join(' ');
}
