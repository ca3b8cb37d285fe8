/**
 * Does the middleware see the card we read over PC/SC? Certificates are matched by the SHA-256
 * of their DER; PIN flags are compared with the card's own try counters where the module reports
 * flags at all. A module that reports no PIN flags is said to give no counters: we do not guess.
 */
import { createHash } from 'node:crypto';
import type { Pkcs11ModuleView, Pkcs11TokenView, Pkcs11ViewStatus } from './types.js';

export interface CardPinCounter {
  /** The PIN's label as the card names it (PKCS#15 AODF), e.g. "Legitimering" or "PIN1". */
  label: string;
  /** Tries left as the card answered; null when the card was not (or could not be) asked. */
  triesLeft: number | null;
  /** The counter's maximum (usually 3); null or absent when unknown. */
  maxTries?: number | null;
}

export type MiddlewareSeesCard = 'sees-card' | 'sees-part' | 'does-not-see-card' | 'no-card-certificates' | 'module-failed';

export type PinFlagName = 'CKF_USER_PIN_COUNT_LOW' | 'CKF_USER_PIN_FINAL_TRY' | 'CKF_USER_PIN_LOCKED';

export interface PinComparison {
  cardPinLabel: string;
  triesLeft: number | null;
  maxTries: number | null;
  /** The token the PIN was matched to (label), null when none could be matched. */
  tokenLabel: string | null;
  /**
   * agrees: the module's PIN flags fit the card's counter; disagrees: they contradict it;
   * no-counters: the module sets no PIN flag for this token; no-token: no token of the card
   * matches this PIN; card-unknown: the card's counter is unknown, so nothing to compare.
   */
  status: 'agrees' | 'disagrees' | 'no-counters' | 'no-token' | 'card-unknown';
  middlewareFlags: PinFlagName[];
  /** The flags the card's counter implies (LOCKED at 0 tries, FINAL_TRY at 1). */
  expectedFlags: PinFlagName[];
  /** What contradicts, in plain words (empty unless `disagrees`). */
  mismatches: string[];
}

export interface MatchedCertificate {
  sha256: string;
  middlewareLabel: string;
  slotId: string;
  tokenLabel: string;
}

export interface MiddlewareComparison {
  modulePath: string;
  moduleStatus: Pkcs11ViewStatus;
  seesCard: MiddlewareSeesCard;
  /** Present tokens the module lists (labels). */
  tokens: string[];
  /** Tokens holding at least one of the card's certificates: the card as the middleware shows it. */
  cardTokens: string[];
  matched: MatchedCertificate[];
  /** SHA-256 of card certificates the module does not show. */
  missingFromMiddleware: string[];
  /** Certificates the module shows that are not on the card (other tokens, other cards). */
  onlyInMiddleware: { sha256: string; label: string; tokenLabel: string }[];
  /** Certificate objects the module listed without a value (CKA_VALUE unreadable): not comparable. */
  withoutValue: number;
  pins: PinComparison[];
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

function pinFlagsOf(token: Pkcs11TokenView): PinFlagName[] {
  const flags: PinFlagName[] = [];
  if (token.userPin.countLow) flags.push('CKF_USER_PIN_COUNT_LOW');
  if (token.userPin.finalTry) flags.push('CKF_USER_PIN_FINAL_TRY');
  if (token.userPin.locked) flags.push('CKF_USER_PIN_LOCKED');
  return flags;
}

function expectedFlagsOf(triesLeft: number | null): PinFlagName[] {
  if (triesLeft === 0) return ['CKF_USER_PIN_LOCKED'];
  if (triesLeft === 1) return ['CKF_USER_PIN_FINAL_TRY'];
  return [];
}

/** Compares one token's flags with the card's counter. Exported for tests of the rules alone. */
export function comparePinFlags(token: Pkcs11TokenView, pin: CardPinCounter): Omit<PinComparison, 'cardPinLabel' | 'tokenLabel'> {
  const triesLeft = pin.triesLeft;
  const maxTries = pin.maxTries ?? null;
  const middlewareFlags = pinFlagsOf(token);
  const expectedFlags = expectedFlagsOf(triesLeft);
  const base = { triesLeft, maxTries, middlewareFlags, expectedFlags, mismatches: [] as string[] };
  if (triesLeft === null) return { ...base, status: 'card-unknown' };
  if (middlewareFlags.length === 0) return { ...base, status: 'no-counters' };
  const mismatches: string[] = [];
  if (token.userPin.locked !== (triesLeft === 0)) {
    mismatches.push(
      token.userPin.locked ? `the module says locked, the card has ${triesLeft} tries left` : 'the card PIN is blocked, the module does not say locked',
    );
  }
  if (token.userPin.finalTry !== (triesLeft === 1)) {
    mismatches.push(
      token.userPin.finalTry
        ? `the module says final try, the card has ${triesLeft} tries left`
        : 'the card has one try left, the module does not say final try',
    );
  }
  if (token.userPin.countLow && maxTries !== null && triesLeft >= maxTries) {
    mismatches.push(`the module says count low, the card has all ${triesLeft} tries left`);
  }
  return { ...base, status: mismatches.length > 0 ? 'disagrees' : 'agrees', mismatches };
}

/** Picks the token a card PIN belongs to: OpenSC and Net iD name a PIN's token "<card> (<PIN label>)". */
function tokenForPin(tokens: readonly Pkcs11TokenView[], pin: CardPinCounter): Pkcs11TokenView | null {
  const label = pin.label.trim().toLowerCase();
  if (label) {
    const byParenthesis = tokens.find((t) => t.label.toLowerCase().endsWith(`(${label})`));
    if (byParenthesis) return byParenthesis;
    const byContains = tokens.find((t) => t.label.toLowerCase().includes(label));
    if (byContains) return byContains;
  }
  return tokens.length === 1 ? (tokens[0] as Pkcs11TokenView) : null;
}

export function compareMiddlewareWithCard(
  view: Pkcs11ModuleView,
  cardCertificatesDer: readonly Uint8Array[],
  cardPins: readonly CardPinCounter[],
): MiddlewareComparison {
  const empty: MiddlewareComparison = {
    modulePath: view.modulePath,
    moduleStatus: view.status,
    seesCard: 'module-failed',
    tokens: [],
    cardTokens: [],
    matched: [],
    missingFromMiddleware: [],
    onlyInMiddleware: [],
    withoutValue: 0,
    pins: [],
  };
  if (view.status !== 'ok') {
    return { ...empty, missingFromMiddleware: cardCertificatesDer.map(sha256Hex) };
  }
  const present = view.slots.filter((s) => s.token !== null) as ((typeof view.slots)[number] & { token: Pkcs11TokenView })[];
  const cardHashes = new Set(cardCertificatesDer.map(sha256Hex));
  const matched: MatchedCertificate[] = [];
  const onlyInMiddleware: MiddlewareComparison['onlyInMiddleware'] = [];
  const seen = new Set<string>();
  let withoutValue = 0;
  const cardTokenSet = new Set<Pkcs11TokenView>();
  for (const slot of present) {
    for (const cert of slot.token.certificates) {
      if (!cert.sha256) {
        withoutValue++;
        continue;
      }
      if (cardHashes.has(cert.sha256)) {
        matched.push({ sha256: cert.sha256, middlewareLabel: cert.label, slotId: slot.slotId, tokenLabel: slot.token.label });
        seen.add(cert.sha256);
        cardTokenSet.add(slot.token);
      } else {
        onlyInMiddleware.push({ sha256: cert.sha256, label: cert.label, tokenLabel: slot.token.label });
      }
    }
  }
  const missingFromMiddleware = [...cardHashes].filter((h) => !seen.has(h));
  const seesCard: MiddlewareSeesCard =
    cardHashes.size === 0 ? 'no-card-certificates' : missingFromMiddleware.length === 0 ? 'sees-card' : seen.size > 0 ? 'sees-part' : 'does-not-see-card';

  // A card PIN is looked for among the card's tokens; without matched certificates, among all.
  const pinTokens = cardTokenSet.size > 0 ? [...cardTokenSet] : present.map((s) => s.token);
  // Tokens that hold no certificate but belong to the card (a PIN-only token such as a signature
  // PIN without certificate) share the card's serial number.
  const serials = new Set([...cardTokenSet].map((t) => t.serialNumber).filter(Boolean));
  for (const slot of present) {
    if (!cardTokenSet.has(slot.token) && serials.has(slot.token.serialNumber) && !pinTokens.includes(slot.token)) pinTokens.push(slot.token);
  }
  const pins: PinComparison[] = cardPins.map((pin) => {
    const token = tokenForPin(pinTokens, pin);
    if (!token) {
      return {
        cardPinLabel: pin.label,
        triesLeft: pin.triesLeft,
        maxTries: pin.maxTries ?? null,
        tokenLabel: null,
        status: 'no-token',
        middlewareFlags: [],
        expectedFlags: expectedFlagsOf(pin.triesLeft),
        mismatches: [],
      };
    }
    return { cardPinLabel: pin.label, tokenLabel: token.label, ...comparePinFlags(token, pin) };
  });

  return {
    ...empty,
    seesCard,
    tokens: present.map((s) => s.token.label),
    cardTokens: [...cardTokenSet].map((t) => t.label),
    matched,
    missingFromMiddleware,
    onlyInMiddleware,
    withoutValue,
    pins,
  };
}
