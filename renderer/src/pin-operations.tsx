/**
 * Where a person meets the PIN operations: the overview's PIN rows (each PIN with its counter and the
 * buttons the card allows), and the verdict of a blocked PIN or a last try. Buttons appear only for
 * what the state offers: the card's structure confirmed and that PIN's counter read during this
 * insertion. IDPrime cards get the plain-words advice instead of an unblock button.
 */
import { useRef, useState } from 'preact/hooks';
import type { PinOperationKind, PinOperationOffer, PinOperationsView } from '../../electron/ipc-contract.js';
import type { ViewProps } from './app.js';
import type { MessageKey, Translate } from './i18n.js';
import { PinDialog, type PinDialogRequest } from './pin-dialog.js';

const buttonLabels: Record<PinOperationKind, MessageKey> = { test: 'pinTest', change: 'pinChange', unblock: 'pinUnblock' };

/** Unblocking is shown where it is needed: a blocked PIN, or one try left. */
function showsUnblock(offer: PinOperationOffer): boolean {
  return offer.unblock && (offer.blocked || offer.triesLeft <= 1);
}

function needsUnblockAdvice(view: PinOperationsView, offer: PinOperationOffer): boolean {
  return view.structure === 'idprime' && (offer.blocked || offer.triesLeft <= 1);
}

export type OpenPinDialog = (kind: PinOperationKind, pin: PinOperationOffer['pin'], opener: HTMLElement | null) => void;

/** The button that opened a dialog, found again by what it is (the overview re-renders while the card is read again). */
function openerSelector(opener: HTMLElement | null): string | null {
  if (!opener) return null;
  const { pinAction, pin, place } = opener.dataset;
  return pinAction && pin && place ? `button[data-pin-action="${pinAction}"][data-pin="${pin}"][data-place="${place}"]` : null;
}

/** The dialog's state for a view: which one is open, and where focus goes back to. */
export function usePinDialog(props: ViewProps, fallbackFocusId: string) {
  const [request, setRequest] = useState<PinDialogRequest | null>(null);
  const open: OpenPinDialog = (kind, pin, opener) => setRequest({ kind, pin, opener });
  // While the card is read again after an operation the state has no offers for a moment: the open
  // dialog keeps the last ones, so its result stays on screen.
  const lastView = useRef<PinOperationsView | null>(null);
  if (props.state.pinOperations) lastView.current = props.state.pinOperations;
  const view = props.state.pinOperations ?? (request ? lastView.current : null);
  const dialog =
    request && view ? (
      <PinDialog
        key={`${request.kind}-${request.pin}`}
        request={request}
        view={view}
        api={props.api}
        t={props.t}
        accept={props.accept}
        onClose={() => {
          const selector = openerSelector(request.opener);
          setRequest(null);
          // Back to the button that opened it; if that is gone (the PIN is no longer blocked), to the PIN rows.
          requestAnimationFrame(() => {
            const opener = selector ? document.querySelector<HTMLButtonElement>(selector) : null;
            if (opener && !opener.disabled) opener.focus();
            else document.getElementById(fallbackFocusId)?.focus();
          });
        }}
      />
    ) : null;
  return { open, dialog };
}

function ActionButtons({
  offer,
  kinds,
  open,
  t,
  describedBy,
  place,
}: {
  offer: PinOperationOffer;
  kinds: PinOperationKind[];
  open: OpenPinDialog;
  t: Translate;
  describedBy: string;
  place: string;
}) {
  return (
    <div class="button-row">
      {kinds.map((kind) => (
        <button
          key={kind}
          type="button"
          class={kind === 'unblock' || kinds.length === 1 ? 'button' : 'button button--secondary'}
          aria-describedby={describedBy}
          aria-haspopup="dialog"
          data-pin-action={kind}
          data-pin={offer.pin}
          data-place={place}
          onClick={(event) => open(kind, offer.pin, event.currentTarget as HTMLElement)}
        >
          {t(buttonLabels[kind])}
        </button>
      ))}
    </div>
  );
}

function kindsFor(offer: PinOperationOffer): PinOperationKind[] {
  const kinds: PinOperationKind[] = [];
  if (offer.test) kinds.push('test');
  if (offer.change) kinds.push('change');
  if (showsUnblock(offer)) kinds.push('unblock');
  return kinds;
}

export function PinRows({ state, t, open }: { state: ViewProps['state']; t: Translate; open: OpenPinDialog }) {
  const view = state.phase === 'ready' ? state.pinOperations : null;
  if (!view) return null;
  const advice = view.pins.some((offer) => needsUnblockAdvice(view, offer));
  return (
    <section class="card-section" aria-labelledby="pin-ops-heading" data-testid="pin-rows">
      <h2 id="pin-ops-heading" tabIndex={-1}>
        {t('pinOpsHeading')}
      </h2>
      <p class="muted">{t('pinOpsIntro')}</p>
      <div class="table-scroll">
        <table class="data-table pin-table">
          <caption class="visually-hidden">{t('pinOpsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pinOpsColumnPin')}</th>
              <th scope="col">{t('pinOpsColumnTries')}</th>
              <th scope="col">{t('pinOpsColumnActions')}</th>
            </tr>
          </thead>
          <tbody>
            {view.pins.map((offer) => (
              <tr key={offer.pin} data-pin={offer.pin}>
                <th scope="row" id={`pin-row-${offer.pin}`}>
                  {offer.label}
                </th>
                <td data-testid={`pin-tries-${offer.pin}`}>
                  {offer.blocked
                    ? t('pinTriesBlocked')
                    : offer.maxTries === null
                      ? String(offer.triesLeft)
                      : t('pinTriesOf', { left: offer.triesLeft, max: offer.maxTries })}
                </td>
                <td>
                  <ActionButtons offer={offer} kinds={kindsFor(offer)} open={open} t={t} describedBy={`pin-row-${offer.pin}`} place="row" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {advice && (
        <p class="notice notice--info" data-testid="pin-unblock-advice">
          {t('pinIdprimeUnblockAdvice')}
        </p>
      )}
    </section>
  );
}

/** Under a verdict of a blocked authentication PIN or its last try: the one step that helps. */
export function VerdictPinActions({ state, t, open }: { state: ViewProps['state']; t: Translate; open: OpenPinDialog }) {
  if (state.phase !== 'ready' || !state.pinOperations) return null;
  const view = state.pinOperations;
  const tone = state.report.verdict.status;
  if (tone !== 'blocked' && tone !== 'attention') return null;
  const offer = view.pins.find((entry) => entry.pin === 'authentication');
  if (!offer || !(offer.blocked || offer.triesLeft === 1)) return null;
  if (needsUnblockAdvice(view, offer) && !offer.test) return <p class="verdict__pin-advice">{t('pinIdprimeUnblockAdvice')}</p>;
  const kinds: PinOperationKind[] = offer.blocked ? (showsUnblock(offer) ? ['unblock'] : []) : ['test', ...(showsUnblock(offer) ? (['unblock'] as const) : [])];
  if (kinds.length === 0) return null;
  return (
    <div class="verdict__pin-actions" data-testid="verdict-pin-actions">
      <ActionButtons offer={offer} kinds={kinds} open={open} t={t} describedBy="verdict-headline" place="verdict" />
    </div>
  );
}
