/**
 * Is the certificate valid now, and is the computer's clock believable? A certificate that only
 * becomes valid more than a day from now was almost certainly issued in the past and is being
 * judged by a clock that runs behind: we say so instead of blaming the card.
 */
import type { CertificateInfo } from './parse.js';

export type ValidityStatus = 'valid' | 'expires-soon' | 'expired' | 'not-yet-valid';

export interface ValidityResult {
  status: ValidityStatus;
  notBefore: string;
  notAfter: string;
  checkedAt: string;
  /** Whole days until notAfter (valid, expires-soon). */
  daysLeft?: number;
  /** Whole days since notAfter (expired). */
  daysSinceExpiry?: number;
  /** Whole days until notBefore (not-yet-valid). */
  daysUntilValid?: number;
  /** notBefore is more than a day ahead of `now`: the system clock is probably wrong. */
  clockSuspect: boolean;
}

export const expiresSoonDays = 30;
const dayMs = 24 * 60 * 60 * 1000;

export function checkValidity(info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now: Date): ValidityResult {
  const nowMs = now.getTime();
  const notBefore = info.notBefore.getTime();
  const notAfter = info.notAfter.getTime();
  const base = {
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    checkedAt: now.toISOString(),
    clockSuspect: notBefore - nowMs > dayMs,
  };
  if (nowMs < notBefore) return { ...base, status: 'not-yet-valid', daysUntilValid: Math.ceil((notBefore - nowMs) / dayMs) };
  if (nowMs > notAfter) return { ...base, status: 'expired', daysSinceExpiry: Math.floor((nowMs - notAfter) / dayMs) };
  const daysLeft = Math.floor((notAfter - nowMs) / dayMs);
  return { ...base, status: notAfter - nowMs <= expiresSoonDays * dayMs ? 'expires-soon' : 'valid', daysLeft };
}
