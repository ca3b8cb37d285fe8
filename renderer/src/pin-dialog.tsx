/**
 * The PIN dialogs ("Testa PIN-koden", "Byt PIN-kod", "Lås upp med PUK"): a modal <dialog> that shows
 * the counter before anything is typed, checks the SITHS rules before calling, asks for an explicit
 * second "yes" where one more wrong code blocks something, and announces the result in a live region.
 *
 * The codes live only in the password fields: they are read from the fields at submit, handed to the
 * one IPC call, and the fields are emptied at once — and again whenever the dialog closes. No
 * component state ever holds a code, only booleans derived from it (is the new PIN trivial?).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  KortkollApi,
  PinOperationCall,
  PinOperationKind,
  PinOperationOffer,
  PinOperationOutcome,
  PinOperationsView,
} from '../../electron/ipc-contract.js';
import type { MessageKey, Translate } from './i18n.js';
import type { ViewProps } from './app.js';
import { failureText, isAppApiFailure } from './api.js';

type FieldName = 'pin' | 'current' | 'next' | 'confirmation' | 'puk';

const fieldsOf: Record<PinOperationKind, readonly FieldName[]> = {
  test: ['pin'],
  change: ['current', 'next', 'confirmation'],
  unblock: ['puk', 'next', 'confirmation'],
};

const fieldLabels: Record<FieldName, MessageKey> = {
  pin: 'pinFieldPin',
  current: 'pinFieldCurrent',
  next: 'pinFieldNext',
  confirmation: 'pinFieldConfirmation',
  puk: 'pinFieldPuk',
};

const titles: Record<PinOperationKind, MessageKey> = { test: 'pinDialogTestTitle', change: 'pinDialogChangeTitle', unblock: 'pinDialogUnblockTitle' };
const intros: Record<PinOperationKind, MessageKey> = { test: 'pinDialogTestIntro', change: 'pinDialogChangeIntro', unblock: 'pinDialogUnblockIntro' };
const submits: Record<PinOperationKind, MessageKey> = { test: 'pinSubmitTest', change: 'pinSubmitChange', unblock: 'pinSubmitUnblock' };

/** One digit repeated, or an ascending or descending run (the core warns about the same). */
export function isTrivialPin(value: string): boolean {
  if (!/^[0-9]{2,}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const same = digits.every((d) => d === digits[0]);
  const up = digits.every((d, i) => i === 0 || d === (digits[i - 1] as number) + 1);
  const down = digits.every((d, i) => i === 0 || d === (digits[i - 1] as number) - 1);
  return same || up || down;
}

/** Which second confirmation this operation needs now, if any. */
export function confirmationNeeded(kind: PinOperationKind, offer: PinOperationOffer): MessageKey | null {
  if (kind === 'unblock') {
    if (offer.pukTriesLeft === null) return 'pinConfirmPukUnknown';
    return offer.pukTriesLeft === 1 ? 'pinConfirmLastPukTry' : null;
  }
  return offer.triesLeft === 1 ? 'pinConfirmLastPinTry' : null;
}

function counterLine(offer: PinOperationOffer, t: Translate): string {
  if (offer.blocked) return t('pinDialogCounterBlocked');
  return offer.maxTries === null
    ? t('pinDialogCounterNoMax', { left: offer.triesLeft })
    : t('pinDialogCounter', { left: offer.triesLeft, max: offer.maxTries });
}

function counterAfter(outcome: PinOperationOutcome, t: Translate): string {
  const counter = 'counterAfter' in outcome ? outcome.counterAfter : null;
  if (!counter || typeof counter.triesLeft !== 'number') return '';
  return typeof counter.maxTries === 'number'
    ? t('pinCounterAfter', { left: counter.triesLeft, max: counter.maxTries })
    : t('pinCounterAfterNoMax', { left: counter.triesLeft });
}

type PinRefusal = Extract<PinOperationOutcome, { kind: 'refused' }>['reason'];

/** The words for each refusal: a new refusal without words is a type error here, not a raw code on screen. */
const refusalWords: Record<PinRefusal, MessageKey> = {
  'not-confirmed': 'pinRefusedNotConfirmed',
  'pin-not-six-digits': 'pinRefusedPolicy',
  'puk-not-eight-digits': 'pinRefusedPolicy',
  'new-equals-old': 'pinRefusedPolicy',
  'confirmation-differs': 'pinRefusedPolicy',
  'outside-card-limits': 'pinRefusedPolicy',
  'pin-blocked': 'pinRefusedBlocked',
  'puk-blocked': 'pinRefusedPukBlocked',
  'unblock-not-offered': 'pinRefusedUnblockNotOffered',
  'reader-busy': 'pinRefusedBusy',
  'structure-unknown': 'pinRefusedStructureUnknown',
  'card-type-unknown': 'pinRefusedCardTypeUnknown',
  'no-such-pin': 'pinRefusedNoSuchPin',
  'counter-unknown': 'pinRefusedCounterUnknown',
  'no-puk': 'pinRefusedNoPuk',
  'encoding-not-supported': 'pinRefusedEncodingNotSupported',
};

function refusalReason(reason: PinRefusal, t: Translate): string {
  return t(refusalWords[reason]);
}

/**
 * What to say about an outcome, and whether it went well. `detail`: the outcome's code in words,
 * sent by the service in the state's language (the renderer keeps no table of status words).
 */
export function outcomeMessage(outcome: PinOperationOutcome, detail: string | null, t: Translate): { ok: boolean; text: string } {
  switch (outcome.kind) {
    case 'done': {
      const key: MessageKey =
        outcome.operation === 'test' ? 'pinResultTestDone' : outcome.operation === 'change' ? 'pinResultChangeDone' : 'pinResultUnblockDone';
      const trivial = outcome.warnings.length > 0 ? ` ${t('pinTrivialWarning')}` : '';
      return { ok: true, text: `${t(key, { counter: counterAfter(outcome, t) }).trim()}${trivial}` };
    }
    case 'wrong':
      return { ok: false, text: t(outcome.wrongOne === 'puk' ? 'pinResultWrongPuk' : 'pinResultWrongPin', { left: outcome.triesLeft }) };
    case 'blocked':
      return { ok: false, text: t(outcome.blockedOne === 'puk' ? 'pinResultBlockedPuk' : 'pinResultBlockedPin') };
    case 'refused':
      return { ok: false, text: t('pinResultRefused', { reason: refusalReason(outcome.reason, t) }) };
    case 'card-error':
      return { ok: false, text: t('pinResultCardError', { statusWord: outcome.statusWord || '?', meaning: detail ?? '?' }) };
    case 'card-removed-before':
      return { ok: false, text: t('pinResultRemovedBefore') };
    case 'card-removed-during':
      return { ok: false, text: t('pinResultRemovedDuring') };
    case 'transport-error':
      return {
        ok: false,
        text: outcome.code === 'sharing-violation' ? t('pinResultOtherProgram') : t('pinResultTransport', { reason: detail ?? outcome.code }),
      };
    case 'pinpad-ended':
      return { ok: false, text: t('pinResultPinpadEnded') };
  }
}

/** A rejected `operatePin` (an `AppApiFailure`): the two codes the dialog words itself, else the UI's words for the code. */
function failureMessage(error: unknown, t: Translate): string {
  if (isAppApiFailure(error) && error.code === 'busy') return t('pinResultBusy');
  if (isAppApiFailure(error) && error.code === 'sharing-violation') return t('pinResultOtherProgram');
  return failureText(error, t);
}

/** The SITHS table, checked in the dialog before anything is sent: the first problem, or null. */
function policyProblem(
  kind: PinOperationKind,
  read: (name: FieldName) => string,
  policy: PinOperationsView['policy'],
  t: Translate,
): { field: FieldName; text: string } | null {
  const digits = (value: string, count: number) => value.length === count && /^[0-9]+$/.test(value);
  for (const field of fieldsOf[kind]) {
    if (field === 'puk') {
      if (!digits(read('puk'), policy.pukDigits)) return { field, text: t('pinErrorPukDigits', { digits: policy.pukDigits }) };
    } else if (!digits(read(field), policy.pinDigits)) return { field, text: t('pinErrorPinDigits', { digits: policy.pinDigits }) };
  }
  if (kind === 'change' && read('next') === read('current')) return { field: 'next', text: t('pinErrorNewEqualsOld') };
  if (kind !== 'test' && read('next') !== read('confirmation')) return { field: 'confirmation', text: t('pinErrorConfirmation') };
  return null;
}

export interface PinDialogRequest {
  kind: PinOperationKind;
  pin: PinOperationOffer['pin'];
  /** Where focus goes back to when the dialog closes. */
  opener: HTMLElement | null;
}

interface PinDialogProps {
  request: PinDialogRequest;
  view: PinOperationsView;
  api: KortkollApi;
  t: Translate;
  accept: ViewProps['accept'];
  onClose: () => void;
}

export function PinDialog({ request, view, api, t, accept, onClose }: PinDialogProps) {
  const { kind } = request;
  const offer = view.pins.find((entry) => entry.pin === request.pin);
  const dialog = useRef<HTMLDialogElement>(null);
  const inputs = useRef<Partial<Record<FieldName, HTMLInputElement | null>>>({});
  const confirmBox = useRef<HTMLInputElement>(null);
  const busyRef = useRef(false);
  const [busy, setBusy] = useState(false);
  const [trivial, setTrivial] = useState(false);
  const [problem, setProblem] = useState<{ field: FieldName | 'confirm'; text: string } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const fields = fieldsOf[kind];
  const confirmKey = offer ? confirmationNeeded(kind, offer) : null;

  const clearFields = () => {
    for (const input of Object.values(inputs.current)) if (input) input.value = '';
    if (confirmBox.current) confirmBox.current.checked = false;
    setTrivial(false);
  };

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (!element.open) element.showModal();
    inputs.current[fields[0] as FieldName]?.focus();
    return () => {
      // Unmounted (the card went away, another view): nothing typed may stay behind.
      for (const input of Object.values(inputs.current)) if (input) input.value = '';
      if (element.open) element.close();
    };
  }, []);

  const close = () => {
    if (busyRef.current) return;
    clearFields();
    dialog.current?.close();
  };

  // Tab and Shift+Tab stay inside the dialog.
  const trapFocus = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('input, button, [tabindex="0"]')].filter(
      (element) => !(element as HTMLInputElement).disabled,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busyRef.current || !offer) return;
    const read = (name: FieldName) => inputs.current[name]?.value ?? '';
    const found = policyProblem(kind, read, view.policy, t);
    if (found) {
      setProblem(found);
      setResult(null);
      inputs.current[found.field]?.focus();
      return;
    }
    if (confirmKey && !confirmBox.current?.checked) {
      setProblem({ field: 'confirm', text: t('pinErrorNotConfirmed') });
      setResult(null);
      confirmBox.current?.focus();
      return;
    }
    const confirmedLastTry = confirmBox.current?.checked === true;
    const values: Record<string, string> = {};
    for (const field of fields) values[field] = read(field);
    // The codes leave the fields now, for this one call, and the fields are emptied at once.
    const call = { kind, pin: offer.pin, values, confirmedLastTry } as PinOperationCall;
    clearFields();
    setProblem(null);
    setResult(null);
    busyRef.current = true;
    setBusy(true);
    let done = false;
    try {
      const answer = await api.operatePin(call);
      accept(answer.state);
      const message = outcomeMessage(answer.outcome, answer.outcomeDetail, t);
      done = answer.outcome.kind === 'done';
      setResult(message);
    } catch (error) {
      setResult({ ok: false, text: failureMessage(error, t) });
    } finally {
      for (const key of Object.keys(values)) values[key] = '';
      busyRef.current = false;
      setBusy(false);
    }
    // Done: the next step is to close. Otherwise the person may try again from the first field.
    requestAnimationFrame(() => {
      const first = inputs.current[fields[0] as FieldName];
      if (done || !first || first.disabled) dialog.current?.querySelector<HTMLButtonElement>('[data-action="close"]')?.focus();
      else first.focus();
    });
  };

  const label = offer?.label ?? '';
  const describedBy = (field: FieldName) =>
    [`pin-field-${field}-hint`, problem?.field === field ? 'pin-dialog-problem' : null, field === 'next' && trivial ? 'pin-trivial-warning' : null]
      .filter(Boolean)
      .join(' ');
  // The operation is still offered (a test of a PIN that has just become blocked is not).
  const stillOffered = offer !== undefined && offer[kind];

  return (
    <dialog
      ref={dialog}
      class="pin-dialog"
      aria-labelledby="pin-dialog-title"
      aria-describedby="pin-dialog-counter"
      aria-modal="true"
      data-testid="pin-dialog"
      data-kind={kind}
      onKeyDown={trapFocus}
      onCancel={(event) => {
        // Escape: closes, unless the card is being spoken to right now.
        if (busyRef.current) event.preventDefault();
        else clearFields();
      }}
      onClose={() => {
        clearFields();
        onClose();
      }}
    >
      <form class="pin-dialog__form" autocomplete="off" noValidate onSubmit={submit}>
        <h2 id="pin-dialog-title">{t(titles[kind], { label })}</h2>
        <div id="pin-dialog-counter">
          <p class="pin-dialog__counter" data-testid="pin-dialog-counter">
            {offer ? counterLine(offer, t) : ''}
          </p>
          {kind === 'unblock' && offer && (
            <p class="pin-dialog__counter" data-testid="pin-dialog-puk-counter">
              {offer.pukTriesLeft === null ? t('pinDialogPukCounterUnknown') : t('pinDialogPukCounter', { left: offer.pukTriesLeft })}
            </p>
          )}
          {kind !== 'unblock' && offer?.triesLeft === 1 && <p class="notice notice--error pin-dialog__warning">{t('pinLastTryWarning')}</p>}
        </div>
        <p class="muted">{t(intros[kind])}</p>
        {fields.map((field) => (
          <div class="pin-field" key={field}>
            <label for={`pin-field-${field}`}>{t(fieldLabels[field])}</label>
            <span id={`pin-field-${field}-hint`} class="pin-field__hint">
              {field === 'puk' ? t('pinFieldHintPuk', { digits: view.policy.pukDigits }) : t('pinFieldHintPin', { digits: view.policy.pinDigits })}
            </span>
            <input
              id={`pin-field-${field}`}
              ref={(element) => {
                inputs.current[field] = element;
              }}
              type="password"
              inputMode="numeric"
              autocomplete="off"
              autoCapitalize="off"
              spellcheck={false}
              maxLength={16}
              name={`kortkoll-${field}`}
              aria-describedby={describedBy(field)}
              aria-invalid={problem?.field === field ? 'true' : undefined}
              disabled={!stillOffered}
              onInput={(event) => {
                // A problem shown for this field goes once the person changes it.
                if (problem?.field === field) setProblem(null);
                if (field === 'next') setTrivial(isTrivialPin((event.currentTarget as HTMLInputElement).value));
              }}
            />
            {field === 'next' && trivial && (
              <p id="pin-trivial-warning" class="pin-field__warning">
                {t('pinTrivialWarning')}
              </p>
            )}
          </div>
        ))}
        {confirmKey && stillOffered && (
          <label class="checkbox pin-dialog__confirm">
            <input
              type="checkbox"
              ref={confirmBox}
              onChange={() => problem?.field === 'confirm' && setProblem(null)}
              aria-describedby={problem?.field === 'confirm' ? 'pin-dialog-problem' : undefined}
              aria-invalid={problem?.field === 'confirm' ? 'true' : undefined}
            />
            {t(confirmKey)}
          </label>
        )}
        {problem && (
          <p id="pin-dialog-problem" class="notice notice--error" role="alert">
            {problem.text}
          </p>
        )}
        <div
          class={`pin-dialog__result ${result ? (result.ok ? 'notice notice--ok' : 'notice notice--error') : ''}`}
          role="status"
          aria-live="polite"
          aria-atomic="true"
          data-testid="pin-dialog-result"
        >
          {busy ? t('pinWorking') : (result?.text ?? '')}
        </div>
        <div class="button-row">
          {stillOffered && (
            <button type="submit" class="button" aria-disabled={busy ? 'true' : undefined}>
              {t(submits[kind])}
            </button>
          )}
          <button type="button" class="button button--secondary" data-action="close" aria-disabled={busy ? 'true' : undefined} onClick={close}>
            {t('pinDialogClose')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
