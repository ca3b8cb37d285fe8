/**
 * A PIN as the card wants it in a VERIFY, CHANGE REFERENCE DATA or RESET RETRY COUNTER: encoded
 * as its PIN object says (PKCS#15 AODF: pinType, storedLength, padChar, the needs-padding flag;
 * IDPrime: ASCII padded to 16 bytes with 00). The result is a fresh buffer the caller wipes.
 */
import { concatBytes } from '../../../native/bytes.js';
import type { ListedPin } from '../applications/card-application.js';
import type { PinSecret } from './pin-secret.js';

export class PinEncodingError extends Error {
  readonly code = 'pin-encoding-not-supported';
}

/** Whether Kortkoll can encode PINs of this object (BCD and other encodings are not offered). */
export function canEncode(pin: Pick<ListedPin, 'pinType'>): boolean {
  return pin.pinType === 'ascii-numeric' || pin.pinType === 'utf8';
}

export function encodePin(pin: Pick<ListedPin, 'pinType' | 'storedLength' | 'padChar' | 'flags'>, secret: PinSecret): Uint8Array {
  if (!canEncode(pin)) throw new PinEncodingError(`PIN encoding ${pin.pinType} is not supported`);
  return secret.use((digits) => {
    const padded = pin.flags.includes('needs-padding') && pin.storedLength > digits.length;
    const out = new Uint8Array(padded ? pin.storedLength : digits.length);
    out.set(digits);
    if (padded) out.fill(pin.padChar ?? 0x00, digits.length);
    return out;
  });
}

/** Several encoded parts as one command data field; the parts are wiped. */
export function joinWiping(...parts: Uint8Array[]): Uint8Array {
  const joined = concatBytes(...parts);
  for (const part of parts) part.fill(0);
  return joined;
}
