/**
 * The one place that decides whether a PIN's try counter may be asked with VERIFY without data.
 * Some cards count that probe as a failed attempt (a comment in OpenSC warns of it), so it is sent
 * only where the card's structure is confirmed and the card type is known to take it:
 *
 * - IDPrime structure (applet and index confirmed): OpenSC sends the probe to every IDPrime card.
 * - PKCS#15 structure: the card profile says (the SetCOS SITHS cards: assumed safe for the
 *   authentication and signature PINs, documented in profiles.ts), and the PUK only where the
 *   profile knows it to be safe (no profile does today).
 * - A PIN whose reference the structure does not give (the IDPrime PUK) is never probed.
 */
import type { CardStructure, PinCounterUnknownReason } from './card-read-result.js';
import type { ListedPin } from './applications/card-application.js';
import type { CardProfile } from './profiles.js';

export type PinProbeDecision = { probe: true } | { probe: false; reason: PinCounterUnknownReason };

export function pinCounterProbeDecision(profile: CardProfile, structure: CardStructure, pin: Pick<ListedPin, 'role' | 'reference'>): PinProbeDecision {
  if (pin.reference === null) return { probe: false, reason: 'reference-unknown' };
  if (structure === 'idprime') return { probe: true };
  if (!profile.pinCounterProbe) return { probe: false, reason: 'card-profile-forbids-probe' };
  if (pin.role === 'puk' && profile.pukCounterProbe !== true) return { probe: false, reason: 'probe-not-known-safe' };
  return { probe: true };
}
