/** The API preload exposes; the renderer knows nothing else of the main process. */
import type { AppApiErrorCode, AppApiFailure, KortkollApi } from '../../electron/ipc-contract.js';
import type { MessageKey, Translate } from './i18n.js';

declare global {
  interface Window {
    readonly kortkoll?: KortkollApi;
  }
}

export function kortkollApi(): KortkollApi | null {
  return window.kortkoll ?? null;
}

/** A call resolves with its value or rejects with an `AppApiFailure`: a plain `{ code, message }`. */
export function isAppApiFailure(error: unknown): error is AppApiFailure {
  return (
    typeof error === 'object' && error !== null && typeof (error as AppApiFailure).code === 'string' && typeof (error as AppApiFailure).message === 'string'
  );
}

/**
 * What a person reads when a call fails: the UI's own words for the failure's code, in the UI's
 * language. The main process's `message` is for logs and tests (English, fixed per code); it is
 * never shown, so a Swedish window does not say "There is no report yet".
 */
const failureWords: Record<AppApiErrorCode, MessageKey> = {
  'bad-channel': 'apiFailureInternal',
  'bad-argument': 'apiFailureBadArgument',
  forbidden: 'apiFailureInternal',
  busy: 'apiFailureBusy',
  'no-card': 'apiFailureNoCard',
  'card-removed': 'apiFailureCardRemoved',
  'sharing-violation': 'apiFailureSharing',
  'card-unavailable': 'apiFailureCardUnavailable',
  'no-report': 'apiFailureNoReport',
  'url-not-allowed': 'apiFailureUrlNotAllowed',
  'open-failed': 'apiFailureOpenFailed',
  'save-failed': 'apiFailureSaveFailed',
  'probe-failed': 'apiFailureProbeFailed',
  'pin-operation-failed': 'apiFailurePinOperation',
  'bad-response': 'apiFailureInternal',
  internal: 'apiFailureInternal',
};

/** The words for a rejected call; anything that is not an `AppApiFailure` (a bug of the page's own) reads as an internal error. */
export function failureText(error: unknown, t: Translate): string {
  const key = isAppApiFailure(error) ? failureWords[error.code as AppApiErrorCode] : undefined;
  return t(key ?? 'apiFailureInternal');
}
