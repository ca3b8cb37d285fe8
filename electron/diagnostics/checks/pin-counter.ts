/** The finding of one PIN or PUK counter: the three PIN checks differ only in what each state means. */
import { spacedHex } from '../../card/atr.js';
import type { CardPin, PinCounterUnknownReason } from '../../card/card-read-result.js';
import { cardSnapshotOf, type DiagnosisFacts } from '../diagnosis-facts.js';
import type { DiagnosticMessageKey } from '../messages.js';
import type { ReportFact } from '../report-types.js';
import type { CheckDraft, CheckWriter } from './check.js';

type CheckedPinRole = 'authentication' | 'signature' | 'puk';

const counterSourceMessage: Record<CardPin['counter']['source'], DiagnosticMessageKey> = {
  'verify-without-data': 'value.verify',
  'earlier-this-insertion': 'value.verifyEarlier',
  'not-probed': 'value.notProbed',
};

const pinUnknownMessage: Record<PinCounterUnknownReason, DiagnosticMessageKey> = {
  'card-profile-forbids-probe': 'pinUnknownProfile',
  'probe-not-known-safe': 'pinUnknownNotSafe',
  'reference-unknown': 'pukNotReadable',
  'card-did-not-say': 'pinUnknown',
};

function pinDraft(w: CheckWriter, pin: CardPin | undefined, role: CheckedPinRole, puk: CardPin | undefined): CheckDraft {
  if (!pin) {
    if (role === 'authentication') return { status: 'error', summary: w.t('pinMissingAuth'), remedy: w.remedy('pinMissingAuthRemedy', 'local-it') };
    if (role === 'signature') return { status: 'ok', summary: w.t('signPinMissing') };
    return { status: 'unknown', summary: w.t('pukMissing') };
  }
  const evidence: ReportFact[] = [
    ...(pin.label ? [w.fact('pinLabel', 'ev.label', pin.label)] : []),
    w.fact('pinReference', 'ev.reference', pin.reference === null ? '–' : `0x${pin.reference.toString(16).padStart(2, '0').toUpperCase()}`),
    w.fact('pinCounterSource', 'ev.counterSource', w.t(counterSourceMessage[pin.counter.source])),
    ...(pin.counter.statusWord ? [w.fact('pinStatusWord', 'ev.statusWord', spacedHex(pin.counter.statusWord))] : []),
  ];
  if (pin.blocked === true) {
    if (role === 'authentication') {
      const pukBlocked = puk?.blocked === true;
      return {
        status: 'error',
        summary: w.t('pinBlocked'),
        evidence,
        remedy: w.remedy(pukBlocked ? 'authPinBlockedPukBlockedRemedy' : 'authPinBlockedRemedy', 'local-it'),
      };
    }
    if (role === 'signature') return { status: 'warning', summary: w.t('pinBlocked'), evidence, remedy: w.remedy('signPinBlockedRemedy', 'local-it') };
    return { status: 'warning', summary: w.t('pukBlocked'), evidence, remedy: w.remedy('pukBlockedRemedy', 'local-it') };
  }
  if (pin.triesLeft === 'unknown') {
    return { status: 'unknown', summary: w.t(pinUnknownMessage[pin.counter.unknownReason ?? 'card-did-not-say']), evidence };
  }
  const left = pin.triesLeft;
  const summary = pin.maxTries === 'unknown' ? w.t('pinTriesNoMax', { left }) : w.t('pinTries', { left, max: pin.maxTries });
  if (left === 1 && role !== 'puk') {
    return { status: 'warning', summary: `${summary} ${w.t('pinOneTry')}`, evidence, remedy: w.remedy('pinOneTryRemedy', 'local-it') };
  }
  return { status: 'ok', summary, evidence };
}

/** The counter of the card's PIN in this role (and, for a blocked PIN, whether the PUK can still help). */
export function pinCounterDraft(facts: DiagnosisFacts, w: CheckWriter, role: CheckedPinRole): CheckDraft {
  const snapshot = cardSnapshotOf(facts);
  if (!snapshot) return { status: 'unknown', summary: w.t('verdictReading') };
  const pinOf = (wanted: CardPin['role']) => snapshot.pins.find((p) => p.role === wanted);
  return pinDraft(w, pinOf(role), role, pinOf('puk'));
}
