/**
 * Testing, changing and unblocking a PIN, through one set of safety rules that every operation
 * passes, in this order:
 *
 *   1. the SITHS policy (six-digit PIN, eight-digit PUK, new ≠ old, confirmation equal) — before
 *      anything is sent to the card;
 *   2. the card's structure is confirmed by probing (IDPrime applet + index, or PKCS#15), and for
 *      PKCS#15 the card type is known to take VERIFY without data: no PIN command ever goes to a
 *      card whose structure or profile is unknown;
 *   3. the PIN object comes from the card itself (PKCS#15 AODF: reference, lengths, padding,
 *      encoding, which PUK unblocks it; IDPrime: 0x11 / 0x83, 16 bytes padded with 00);
 *   4. that PIN's counter is read now, in this insertion; an unknown counter stops the operation;
 *   5. at one try left (PIN, or PUK for an unblock) — or a PUK counter that may not be asked — the
 *      caller must confirm ("Ett fel till spärrar PIN-koden"), else nothing is sent;
 *   6. one command; then the counter is read again and returned.
 *
 * The secrets of the request are wiped when the operation ends, whatever the outcome; the encoded
 * command data is wiped right after the APDU. Nothing here logs, and no outcome carries a PIN.
 * After an outcome with `pinCommandSent`, the caller disconnects with a card reset, so that a PIN
 * verified here does not stay verified for other programs.
 */
import type { Clock } from '../../../native/clock.js';
import { CardRemovedError, TransportError, type CardConnection, type CardTransport } from '../../../native/transport.js';
import { buildPinModifyStructure, buildPinVerifyStructure, pinpadOutcome, type PinFormat } from '../pinpad.js';
import { formatStatusWord, sw1Of } from '../apdu.js';
import type { CardApplication, ListedPin, PinCounterReading } from '../applications/card-application.js';
import type { CardStructure } from '../card-read-result.js';
import { CardError, UnknownStructureError } from '../errors.js';
import { pinCounterProbeDecision } from '../pin-probe-policy.js';
import { identifyCard, type CardProfile } from '../profiles.js';
import { openCardApplication } from '../read-card.js';
import { CardSession } from '../session.js';
import { canEncode, encodePin, joinWiping } from './pin-encoding.js';
import { checkNewPin, checkSecretFormat, fitsCardLimits, type PolicyRefusal, type PolicyWarning } from './pin-policy.js';
import type { PinSecret } from './pin-secret.js';

export type PinOperationKind = 'test' | 'change' | 'unblock';
export type OperatedPin = 'authentication' | 'signature';

export type PinOperationRequest =
  | { kind: 'test'; pin: OperatedPin; value: PinSecret }
  | { kind: 'change'; pin: OperatedPin; current: PinSecret; next: PinSecret; confirmation: PinSecret }
  | { kind: 'unblock'; pin: OperatedPin; puk: PinSecret; next: PinSecret; confirmation: PinSecret };

/**
 * Secure PIN entry: the person types on the reader's own keypad (PC/SC part 10) and the PIN never
 * reaches the computer. The reader checks the lengths (from the card's PIN object) and that the
 * new PIN was typed the same twice; every other rule is the same.
 */
export interface PinpadOperationRequest {
  kind: PinOperationKind;
  pin: OperatedPin;
  entry: 'pinpad';
}

type AnyRequest = PinOperationRequest | PinpadOperationRequest;

/** What needs the person's explicit second "yes" before anything is sent. */
export type LastTryWarning =
  /** One PIN try left: a wrong PIN blocks it ("Ett fel till spärrar PIN-koden"). */
  | { kind: 'last-pin-try' }
  /** One PUK try left: a wrong PUK makes the card unusable for ever. */
  | { kind: 'last-puk-try' }
  /** The PUK's counter may not be asked on this card type: more than ten wrong PUKs end the card. */
  | { kind: 'puk-counter-unknown' };

export type PinOperationRefusal =
  | PolicyRefusal
  | 'structure-unknown'
  | 'card-type-unknown'
  | 'no-such-pin'
  | 'counter-unknown'
  | 'pin-blocked'
  | 'unblock-not-offered'
  | 'no-puk'
  | 'puk-blocked'
  | 'encoding-not-supported'
  | 'reader-busy'
  | 'not-confirmed';

export interface PinCounterView {
  triesLeft: number | 'unknown';
  maxTries: number | 'unknown';
  blocked: boolean | 'unknown';
  verified: boolean | 'unknown';
}

interface OutcomeBase {
  operation: PinOperationKind;
  pin: OperatedPin;
}

export type PinOperationOutcome =
  /** The card said 90 00: the PIN was right (test), changed, or unblocked with the new PIN. */
  | (OutcomeBase & { kind: 'done'; counterAfter: PinCounterView; warnings: PolicyWarning[] })
  /** 63 Cx: wrong PIN (or PUK, for an unblock); x tries left of the one that was wrong. */
  | (OutcomeBase & { kind: 'wrong'; wrongOne: 'pin' | 'puk'; triesLeft: number; counterAfter: PinCounterView })
  /** 69 83: blocked (the PIN, or the PUK for an unblock). */
  | (OutcomeBase & { kind: 'blocked'; blockedOne: 'pin' | 'puk'; counterAfter: PinCounterView })
  /** Nothing was sent (beyond the probes that read the card's structure and counter). */
  | (OutcomeBase & { kind: 'refused'; reason: PinOperationRefusal; counter?: PinCounterView; structure?: CardStructure })
  /** The card answered something else to the PIN command. */
  | (OutcomeBase & { kind: 'card-error'; statusWord: string; counterAfter: PinCounterView | null })
  /** The card left the reader before the PIN command: nothing happened on the card. */
  | (OutcomeBase & { kind: 'card-removed-before' })
  /** The card left the reader during or after the PIN command: it may or may not have taken it. */
  | (OutcomeBase & { kind: 'card-removed-during' })
  /** PC/SC said no (another program holds the card, the service went away, …). */
  | (OutcomeBase & { kind: 'transport-error'; code: string })
  /** The pinpad ended the entry itself: nothing typed in time, cancelled, the new PINs differed, a wrong length. */
  | (OutcomeBase & {
      kind: 'pinpad-ended';
      reason: 'timeout' | 'cancelled' | 'new-pins-differ' | 'wrong-length' | 'invalid-structure';
      counterAfter: PinCounterView | null;
    });

/** Whether the reader can take the PIN on its own keypad for this kind of operation. */
export async function pinpadOffers(transport: CardTransport, kind: PinOperationKind): Promise<boolean> {
  const pinpad = (transport as CardConnection).pinpad;
  if (!pinpad) return false;
  try {
    const features = await pinpad.features();
    return kind === 'test' ? features.verifyPinDirect : features.modifyPinDirect;
  } catch {
    return false;
  }
}

export interface PinOperationOptions {
  clock?: Clock;
  profile?: CardProfile;
  smartcardListPath?: string | null;
  /** Called before anything is sent when a warning needs a second "yes"; resolve true to go on. */
  confirm?: (warning: LastTryWarning) => boolean | Promise<boolean>;
}

/** Readers with an operation in progress (in this process): never two at once on one card. */
const busyReaders = new Set<string>();
/** PIN commands sent per transport (to tell the caller whether a reset is owed). */
const pinCommandsSent = new WeakMap<CardTransport, number>();

export function performPinOperation(
  transport: CardTransport,
  request: PinOperationRequest,
  options: PinOperationOptions = {},
): Promise<PinOperationOutcome & { pinCommandSent: boolean }> {
  return perform(transport, request, options);
}

/** The same operation with the PIN typed on the reader (see pinpadOffers). */
export function performPinpadOperation(
  transport: CardConnection,
  request: PinpadOperationRequest,
  options: PinOperationOptions = {},
): Promise<PinOperationOutcome & { pinCommandSent: boolean }> {
  return perform(transport, request, options);
}

async function perform(
  transport: CardTransport,
  request: AnyRequest,
  options: PinOperationOptions,
): Promise<PinOperationOutcome & { pinCommandSent: boolean }> {
  const base: OutcomeBase = { operation: request.kind, pin: request.pin };
  const sentBefore = pinCommandsSent.get(transport) ?? 0;
  try {
    const refusal = checkPolicy(request);
    if (refusal) return { ...base, kind: 'refused', reason: refusal.reason, pinCommandSent: false };
    if (busyReaders.has(transport.readerName)) return { ...base, kind: 'refused', reason: 'reader-busy', pinCommandSent: false };
    busyReaders.add(transport.readerName);
    try {
      const outcome = await operate(transport, request, options, base);
      return { ...outcome, pinCommandSent: (pinCommandsSent.get(transport) ?? 0) > sentBefore };
    } finally {
      busyReaders.delete(transport.readerName);
    }
  } finally {
    wipeRequest(request);
  }
}

function wipeRequest(request: AnyRequest): void {
  if ('entry' in request) return;
  if (request.kind === 'test') request.value.wipe();
  else {
    if (request.kind === 'change') request.current.wipe();
    else request.puk.wipe();
    request.next.wipe();
    request.confirmation.wipe();
  }
}

/** Step 1: the SITHS table, before any APDU. Returns a refusal, or null. */
function checkPolicy(request: AnyRequest): { reason: PolicyRefusal } | null {
  // On a pinpad the digits never reach us: the reader checks what the structure asks of them.
  if ('entry' in request) return null;
  switch (request.kind) {
    case 'test': {
      const format = checkSecretFormat('pin', request.value);
      return format ? { reason: format } : null;
    }
    case 'change': {
      const current = checkSecretFormat('pin', request.current);
      if (current) return { reason: current };
      const next = checkNewPin(request.next, request.confirmation, request.current);
      return next.refusals[0] ? { reason: next.refusals[0] } : null;
    }
    case 'unblock': {
      const puk = checkSecretFormat('puk', request.puk);
      if (puk) return { reason: puk };
      const next = checkNewPin(request.next, request.confirmation);
      return next.refusals[0] ? { reason: next.refusals[0] } : null;
    }
  }
}

function warningsOf(request: AnyRequest): PolicyWarning[] {
  if ('entry' in request || request.kind === 'test') return [];
  return checkNewPin(request.next, request.confirmation).warnings;
}

async function operate(transport: CardTransport, request: AnyRequest, options: PinOperationOptions, base: OutcomeBase): Promise<PinOperationOutcome> {
  const warnings = warningsOf(request);
  const profile = options.profile ?? identifyCard(transport.atr, { smartcardListPath: options.smartcardListPath });
  const session = new CardSession(transport, { ...(options.clock && { clock: options.clock }), maxApdus: 400 });
  let sent = false;
  try {
    // Steps 2–4: the structure, the PIN object, its counter.
    const opened = await openPinOnCard(session, profile, request, base);
    if ('kind' in opened) return opened;
    const { application, structure, pins, pinIndex, pin, counter } = opened;
    const typed = 'entry' in request ? null : request;
    if (typed) {
      const newOrOnly = typed.kind === 'test' ? typed.value : typed.next;
      if (!fitsCardLimits(pin, newOrOnly) || (typed.kind === 'change' && !fitsCardLimits(pin, typed.current))) {
        return { ...base, kind: 'refused', reason: 'outside-card-limits', counter, structure };
      }
    }

    // The PUK, for an unblock: the one the PIN object names, else the card's PUK.
    let pukIndex = -1;
    if (request.kind === 'unblock') {
      pukIndex = pin.unblockedBy ? pins.findIndex((other) => other.authId === pin.unblockedBy) : pins.findIndex((other) => other.role === 'puk');
      const puk = pins[pukIndex];
      if (!puk || puk.reference === null || !canEncode(puk)) return { ...base, kind: 'refused', reason: 'no-puk', counter, structure };
      if (typed?.kind === 'unblock' && !fitsCardLimits(puk, typed.puk)) return { ...base, kind: 'refused', reason: 'outside-card-limits', counter, structure };
      const pukCounter = pinCounterProbeDecision(profile, structure, puk).probe ? await readCounter(application, profile, pins, pukIndex) : null;
      if (pukCounter?.blocked === true) return { ...base, kind: 'refused', reason: 'puk-blocked', counter, structure };
      // Step 5 for the PUK.
      const pukWarning: LastTryWarning | null =
        pukCounter === null || pukCounter.triesLeft === 'unknown'
          ? { kind: 'puk-counter-unknown' }
          : pukCounter.triesLeft === 1
            ? { kind: 'last-puk-try' }
            : null;
      if (pukWarning && !(await confirmed(options, pukWarning))) return { ...base, kind: 'refused', reason: 'not-confirmed', counter, structure };
    } else if (counter.triesLeft === 1 && !(await confirmed(options, { kind: 'last-pin-try' }))) {
      // Step 5 for the PIN.
      return { ...base, kind: 'refused', reason: 'not-confirmed', counter, structure };
    }

    // Step 6: the one command, sent by us or, on a pinpad, by the reader with the typed digits.
    const ins = request.kind === 'test' ? 0x20 : request.kind === 'change' ? 0x24 : 0x2c;
    let sw: number;
    if (!typed) {
      const pinpad = (transport as CardConnection).pinpad;
      if (!pinpad) return { ...base, kind: 'transport-error', code: 'no-pinpad' };
      const reference = await application.prepareForReaderPinCommand(pinIndex);
      const header = Uint8Array.of(0x00, ins, 0x00, reference);
      const format = pinpadFormat(pin);
      const structure =
        request.kind === 'test'
          ? buildPinVerifyStructure(format, header)
          : buildPinModifyStructure(format, header, {}, request.kind === 'unblock' ? pinpadFormat(pins[pukIndex] as ListedPin) : format);
      sent = true;
      pinCommandsSent.set(transport, (pinCommandsSent.get(transport) ?? 0) + 1);
      const response = request.kind === 'test' ? await pinpad.verifyPinDirect(structure) : await pinpad.modifyPinDirect(structure);
      const ended = pinpadOutcome(response);
      if (ended !== 'card-answer')
        return { ...base, kind: 'pinpad-ended', reason: ended, counterAfter: await readCounter(application, profile, pins, pinIndex) };
      sw = ((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0);
    } else {
      const data =
        typed.kind === 'test'
          ? encodePin(pin, typed.value)
          : typed.kind === 'change'
            ? joinWiping(encodePin(pin, typed.current), encodePin(pin, typed.next))
            : joinWiping(encodePin(pins[pukIndex] as ListedPin, typed.puk), encodePin(pin, typed.next));
      sent = true;
      pinCommandsSent.set(transport, (pinCommandsSent.get(transport) ?? 0) + 1);
      sw = await application.sendPinCommand(pinIndex, { ins, p1: 0x00, data });
    }
    const counterAfter = (await readCounter(application, profile, pins, pinIndex)) ?? unknownCounter(profile, pin);
    if (sw === 0x9000) return { ...base, kind: 'done', counterAfter, warnings };
    const wrongOne = request.kind === 'unblock' ? 'puk' : 'pin';
    if (sw1Of(sw) === 0x63 && (sw & 0xf0) === 0xc0) return { ...base, kind: 'wrong', wrongOne, triesLeft: sw & 0x0f, counterAfter };
    if (sw === 0x6983) return { ...base, kind: 'blocked', blockedOne: wrongOne, counterAfter };
    return { ...base, kind: 'card-error', statusWord: formatStatusWord(sw), counterAfter };
  } catch (error) {
    if (error instanceof CardRemovedError) return { ...base, kind: sent ? 'card-removed-during' : 'card-removed-before' };
    if (error instanceof TransportError) return { ...base, kind: 'transport-error', code: error.code };
    if (error instanceof CardError)
      return { ...base, kind: 'card-error', statusWord: 'sw' in error && typeof error.sw === 'number' ? formatStatusWord(error.sw) : '', counterAfter: null };
    throw error;
  }
}

/**
 * Steps 2–4, shared by the operations and by the look before entry: the structure confirmed by
 * probing and the card type known; the PIN object from the card; its counter read now. A refusal,
 * or what the next steps need.
 */
async function openPinOnCard(
  session: CardSession,
  profile: CardProfile,
  wanted: { kind: PinOperationKind; pin: OperatedPin },
  base: OutcomeBase,
): Promise<
  | Extract<PinOperationOutcome, { kind: 'refused' }>
  | { application: CardApplication; structure: CardStructure; pins: ListedPin[]; pinIndex: number; pin: ListedPin; counter: PinCounterView }
> {
  let application: CardApplication;
  try {
    application = await openCardApplication(session, profile);
  } catch (error) {
    if (error instanceof UnknownStructureError) return { ...base, kind: 'refused', reason: 'structure-unknown' };
    throw error;
  }
  const structure = application.structure;
  if (structure === 'pkcs15' && !(profile.known && profile.pinCounterProbe)) return { ...base, kind: 'refused', reason: 'card-type-unknown', structure };
  if (wanted.kind === 'unblock' && structure === 'idprime') return { ...base, kind: 'refused', reason: 'unblock-not-offered', structure };
  const { pins } = await application.listObjects();
  const pinIndex = pins.findIndex((pin) => pin.role === wanted.pin);
  const pin = pins[pinIndex];
  if (!pin || pin.reference === null) return { ...base, kind: 'refused', reason: 'no-such-pin', structure };
  if (!canEncode(pin)) return { ...base, kind: 'refused', reason: 'encoding-not-supported', structure };
  const counter = await readCounter(application, profile, pins, pinIndex);
  if (!counter) return { ...base, kind: 'refused', reason: 'counter-unknown', structure };
  if (counter.blocked === true && wanted.kind !== 'unblock') return { ...base, kind: 'refused', reason: 'pin-blocked', counter, structure };
  if (counter.triesLeft === 'unknown' && counter.verified !== true) return { ...base, kind: 'refused', reason: 'counter-unknown', counter, structure };
  return { application, structure, pins, pinIndex, pin, counter };
}

async function confirmed(options: PinOperationOptions, warning: LastTryWarning): Promise<boolean> {
  return options.confirm ? (await options.confirm(warning)) === true : false;
}

/** A PIN's counter by VERIFY without data, where the probe policy allows it; null where it does not. */
async function readCounter(application: CardApplication, profile: CardProfile, pins: ListedPin[], index: number): Promise<PinCounterView | null> {
  const pin = pins[index] as ListedPin;
  if (!pinCounterProbeDecision(profile, application.structure, pin).probe) return null;
  return counterView(await application.readPinCounter(index), profile, pin);
}

function counterView(reading: PinCounterReading, profile: CardProfile, pin: ListedPin): PinCounterView {
  const max = profile.maxTries ? (pin.role === 'puk' ? profile.maxTries.puk : profile.maxTries.pin) : undefined;
  const maxTries: number | 'unknown' = typeof reading.triesLeft === 'number' && max !== undefined && reading.triesLeft > max ? 'unknown' : (max ?? 'unknown');
  const triesLeft = reading.verified === true && typeof maxTries === 'number' ? maxTries : reading.triesLeft;
  return { triesLeft, maxTries, blocked: reading.blocked, verified: reading.verified };
}

/** The card's PIN object as a pinpad structure needs it (lengths in digits, one byte per digit). */
function pinpadFormat(pin: ListedPin): PinFormat {
  const maxLength = pin.maxLength ?? (pin.storedLength > 0 ? pin.storedLength : 8);
  return {
    encoding: pin.pinType === 'utf8' ? 'utf8' : 'ascii-numeric',
    minLength: pin.minLength,
    maxLength,
    storedLength: pin.flags.includes('needs-padding') || pin.storedLength > 0 ? Math.max(pin.storedLength, maxLength) : maxLength,
    padChar: pin.padChar ?? 0xff,
  };
}

function unknownCounter(profile: CardProfile, pin: ListedPin): PinCounterView {
  return counterView({ triesLeft: 'unknown', blocked: 'unknown', verified: 'unknown', statusWord: null }, profile, pin);
}

export type PinBeforeEntry =
  /** The operation may be offered: show these counters before the person types anything. */
  | (OutcomeBase & { kind: 'ready'; structure: CardStructure; counter: PinCounterView; pukCounter: PinCounterView | null })
  | (OutcomeBase & { kind: 'refused'; reason: PinOperationRefusal; counter?: PinCounterView; structure?: CardStructure })
  | (OutcomeBase & { kind: 'card-removed-before' })
  | (OutcomeBase & { kind: 'transport-error'; code: string })
  | (OutcomeBase & { kind: 'card-error'; statusWord: string; counterAfter: null });

/**
 * Steps 2–4 only, before the person types: the structure, the PIN object and its counter (and the
 * PUK's, for an unblock, where it may be asked). No PIN command is sent, only the probes and
 * VERIFY without data where the probe policy allows it. `performPinOperation` checks all of it
 * again; this is what the person sees first ("3 försök kvar"), and the refusals that make asking
 * for a PIN pointless (structure unknown, PIN blocked, unblock not offered).
 */
export async function inspectPinBeforeEntry(
  transport: CardTransport,
  wanted: { kind: PinOperationKind; pin: OperatedPin },
  options: Pick<PinOperationOptions, 'clock' | 'profile' | 'smartcardListPath'> = {},
): Promise<PinBeforeEntry> {
  const base: OutcomeBase = { operation: wanted.kind, pin: wanted.pin };
  const profile = options.profile ?? identifyCard(transport.atr, { smartcardListPath: options.smartcardListPath });
  const session = new CardSession(transport, { ...(options.clock && { clock: options.clock }), maxApdus: 400 });
  try {
    const opened = await openPinOnCard(session, profile, wanted, base);
    if ('kind' in opened) return opened;
    const { application, structure, pins, pin, counter } = opened;
    let pukCounter: PinCounterView | null = null;
    if (wanted.kind === 'unblock') {
      const pukIndex = pin.unblockedBy ? pins.findIndex((other) => other.authId === pin.unblockedBy) : pins.findIndex((other) => other.role === 'puk');
      const puk = pins[pukIndex];
      if (!puk || puk.reference === null || !canEncode(puk)) return { ...base, kind: 'refused', reason: 'no-puk', counter, structure };
      pukCounter = pinCounterProbeDecision(profile, structure, puk).probe ? await readCounter(application, profile, pins, pukIndex) : null;
      if (pukCounter?.blocked === true) return { ...base, kind: 'refused', reason: 'puk-blocked', counter, structure };
    }
    return { ...base, kind: 'ready', structure, counter, pukCounter };
  } catch (error) {
    if (error instanceof CardRemovedError) return { ...base, kind: 'card-removed-before' };
    if (error instanceof TransportError) return { ...base, kind: 'transport-error', code: error.code };
    if (error instanceof CardError)
      return { ...base, kind: 'card-error', statusWord: 'sw' in error && typeof error.sw === 'number' ? formatStatusWord(error.sw) : '', counterAfter: null };
    throw error;
  }
}
