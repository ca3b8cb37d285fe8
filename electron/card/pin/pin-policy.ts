/**
 * What a PIN typed by a person must be before anything is sent to the card, from one table: the
 * SITHS rules (regional IT support FAQs: PINs six digits, the PUK eight, which cannot be changed),
 * then the card's own limits for that PIN object (PKCS#15 AODF lengths; IDPrime: 4–16). Trivial
 * PINs (one digit repeated, ascending or descending runs) are allowed but get a warning.
 */
import type { ListedPin } from '../applications/card-application.js';
import type { PinSecret } from './pin-secret.js';

export const sithsPinPolicy = Object.freeze({
  pin: Object.freeze({ digits: 6 }),
  puk: Object.freeze({ digits: 8 }),
});

export type PolicyRefusal =
  /** A PIN is six digits. */
  | 'pin-not-six-digits'
  /** The PUK is eight digits. */
  | 'puk-not-eight-digits'
  /** The new PIN is the PIN it replaces. */
  | 'new-equals-old'
  /** The new PIN and its confirmation differ. */
  | 'confirmation-differs'
  /** The card's directory allows other lengths than the policy (never seen on SITHS cards). */
  | 'outside-card-limits';

export type PolicyWarning = 'repeated-digit' | 'ascending-run' | 'descending-run';

function digitsOf(secret: PinSecret): number[] | null {
  return secret.use((bytes) => {
    const digits: number[] = [];
    for (const byte of bytes) {
      if (byte < 0x30 || byte > 0x39) return null;
      digits.push(byte - 0x30);
    }
    return digits;
  });
}

/** Whether this is a PIN (six digits) or a PUK (eight digits) by the SITHS table. */
export function checkSecretFormat(kind: 'pin' | 'puk', secret: PinSecret): PolicyRefusal | null {
  const digits = digitsOf(secret);
  const wanted = sithsPinPolicy[kind].digits;
  if (digits === null || digits.length !== wanted) return kind === 'pin' ? 'pin-not-six-digits' : 'puk-not-eight-digits';
  return null;
}

/** The card's limits for this PIN object (length in bytes as the card stores it, before padding). */
export function fitsCardLimits(pin: Pick<ListedPin, 'minLength' | 'maxLength' | 'storedLength'>, secret: PinSecret): boolean {
  const length = secret.length;
  if (length < pin.minLength) return false;
  const max = pin.maxLength ?? (pin.storedLength > 0 ? pin.storedLength : undefined);
  return max === undefined || length <= max;
}

/** A new PIN: six digits, not the old one, the same twice; plus warnings for trivial ones. */
export function checkNewPin(next: PinSecret, confirmation: PinSecret, current?: PinSecret): { refusals: PolicyRefusal[]; warnings: PolicyWarning[] } {
  const refusals: PolicyRefusal[] = [];
  const format = checkSecretFormat('pin', next);
  if (format) refusals.push(format);
  if (!next.equals(confirmation)) refusals.push('confirmation-differs');
  if (current && next.equals(current)) refusals.push('new-equals-old');
  return { refusals, warnings: format ? [] : trivialPinWarnings(next) };
}

export function trivialPinWarnings(secret: PinSecret): PolicyWarning[] {
  const digits = digitsOf(secret);
  if (!digits || digits.length < 2) return [];
  const warnings: PolicyWarning[] = [];
  if (digits.every((d) => d === digits[0])) warnings.push('repeated-digit');
  if (digits.every((d, i) => i === 0 || d === (digits[i - 1] as number) + 1)) warnings.push('ascending-run');
  if (digits.every((d, i) => i === 0 || d === (digits[i - 1] as number) - 1)) warnings.push('descending-run');
  return warnings;
}
