/**
 * The words for the codes a PIN operation's outcome carries (a status word, a transport error
 * code), in the caller's language, so the app's PIN dialog says what happened instead of "6F00".
 */
import type { Lang } from '../../i18n/index.js';
import { describeTransportError, isTransportErrorCode, statusWordMeaning } from '../read-result-messages.js';
import type { PinOperationOutcome } from './pin-operations.js';

export function pinOutcomeDetail(outcome: PinOperationOutcome, lang: Lang): string | null {
  if (outcome.kind === 'card-error') return /^[0-9A-F]{4}$/i.test(outcome.statusWord) ? statusWordMeaning(outcome.statusWord, lang) : null;
  if (outcome.kind === 'transport-error') return isTransportErrorCode(outcome.code) ? describeTransportError(outcome.code, lang) : null;
  return null;
}
