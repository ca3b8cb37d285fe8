/**
 * A reader's pinpad through SCardControl (PC/SC part 10): GET_FEATURE_REQUEST for the feature
 * list, then FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT with a structure built by
 * electron/card/pinpad.ts. The PIN is typed on the reader and never reaches this process.
 *
 * "No pinpad" is an answer, not a failure: a reader whose driver refuses the control code
 * (pcscd + vpcd: SCARD_E_UNSUPPORTED_FEATURE for every code; Windows drivers: ERROR_INVALID_FUNCTION
 * or ERROR_NOT_SUPPORTED) lists no features. A card pulled out, a lost service, a closed
 * connection stay errors: then the reader could not be asked.
 */
import { getFeatureRequestCode, FEATURE_MODIFY_PIN_DIRECT, FEATURE_VERIFY_PIN_DIRECT, parseFeatureList } from '../pinpad-features.js';
import { NoPinpadError, UnresponsiveCardError, type CardPinpad, type PinpadFeatures, type TransportError } from '../transport.js';
import {
  SCARD_E_INVALID_PARAMETER,
  SCARD_E_INVALID_VALUE,
  SCARD_E_UNSUPPORTED_FEATURE,
  SCARD_E_UNSUPPORTED_FEATURE_WINDOWS,
  toTransportError,
} from './errors.js';

/** SCardControl through the card handle: control code, input, room for the answer, watchdog. */
export type PinpadControl = (controlCode: number, data: Uint8Array, maxResponseLength: number, watchdogMs: number) => Promise<Uint8Array>;

/** Codes with which a reader (driver) says it does not do what a control code asks. */
const NOT_SUPPORTED_CODES: ReadonlySet<number> = new Set([
  SCARD_E_UNSUPPORTED_FEATURE,
  SCARD_E_UNSUPPORTED_FEATURE_WINDOWS,
  SCARD_E_INVALID_PARAMETER,
  SCARD_E_INVALID_VALUE,
  // Windows: the reader driver does not know the IOCTL.
  0x00000001, // ERROR_INVALID_FUNCTION
  0x00000032, // ERROR_NOT_SUPPORTED
  0x00000057, // ERROR_INVALID_PARAMETER
]);

/** The feature list is 6 bytes per feature, at most one per tag. */
const FEATURE_LIST_MAX = 256 * 6;
/** Room for a response APDU to VERIFY / CHANGE REFERENCE DATA (no data expected, but be generous). */
const PIN_RESPONSE_MAX = 258;
/** GET_FEATURE_REQUEST needs no person; a reader answers at once. */
export const FEATURE_REQUEST_WATCHDOG_MS = 10_000;
/** A reader whose timeout field says 0 uses its own default; assume no more than this per wait. */
const READER_DEFAULT_TIMEOUT_S = 60;
/** Added to what the structure's timeouts allow, before the watchdog gives up on the reader. */
const WATCHDOG_MARGIN_MS = 30_000;

export function isNotSupported(error: TransportError): boolean {
  return error.pcscCode !== undefined && NOT_SUPPORTED_CODES.has(error.pcscCode);
}

/**
 * How long the transport waits for a direct PIN operation: what the structure lets the reader wait
 * (bTimerOut for the first key + bTimerOut2 after it, per prompt: one for VERIFY, three for a
 * modify with current PIN and confirmation) plus a margin. The reader ends the entry itself
 * before that; the watchdog is for a reader that never answers.
 */
export function pinEntryWatchdogMs(structure: Uint8Array, prompts: number): number {
  const first = structure[0] || READER_DEFAULT_TIMEOUT_S;
  const after = structure[1] || READER_DEFAULT_TIMEOUT_S;
  return (first + after) * 1000 * prompts + WATCHDOG_MARGIN_MS;
}

export class PcscPinpad implements CardPinpad {
  private asked: Promise<{ features: PinpadFeatures; codes: Map<number, number> }> | undefined;

  constructor(
    private readonly control: PinpadControl,
    private readonly readerName: string,
    private readonly platform: string = process.platform,
    /** Told each answer to GET_FEATURE_REQUEST: a pinpad (VERIFY_PIN_DIRECT) or not; null when asking failed. */
    private readonly onAnswer: (pinpad: boolean | null) => void = () => {},
  ) {}

  async features(): Promise<PinpadFeatures> {
    return (await this.ask()).features;
  }

  verifyPinDirect(structure: Uint8Array): Promise<Uint8Array> {
    return this.direct(FEATURE_VERIFY_PIN_DIRECT, 'VERIFY_PIN_DIRECT', structure, 1);
  }

  modifyPinDirect(structure: Uint8Array): Promise<Uint8Array> {
    return this.direct(FEATURE_MODIFY_PIN_DIRECT, 'MODIFY_PIN_DIRECT', structure, 3);
  }

  private async direct(tag: number, name: string, structure: Uint8Array, prompts: number): Promise<Uint8Array> {
    const { codes } = await this.ask();
    const code = codes.get(tag);
    if (code === undefined) throw new NoPinpadError(`The reader ${this.readerName} has no PIN pad (FEATURE_${name} not listed)`);
    let response: Uint8Array;
    try {
      response = await this.control(code, structure, PIN_RESPONSE_MAX, pinEntryWatchdogMs(structure, prompts));
    } catch (error) {
      const typed = toTransportError(error, `FEATURE_${name}`);
      if (isNotSupported(typed)) throw new NoPinpadError(`The reader ${this.readerName} refused FEATURE_${name} (${typed.message})`, typed.pcscCode);
      throw typed;
    }
    if (response.length < 2)
      throw new UnresponsiveCardError(`The reader ${this.readerName} gave no status word (a ${response.length}-byte answer) to FEATURE_${name}`);
    return response;
  }

  /** Asks once; a failure (card gone, service lost) is not remembered, so a later call asks again. */
  private ask(): Promise<{ features: PinpadFeatures; codes: Map<number, number> }> {
    this.asked ??= this.request().then(
      (answer) => {
        this.onAnswer(answer.features.verifyPinDirect);
        return answer;
      },
      (error: unknown) => {
        this.asked = undefined;
        this.onAnswer(null);
        throw error;
      },
    );
    return this.asked;
  }

  private async request(): Promise<{ features: PinpadFeatures; codes: Map<number, number> }> {
    let list: Uint8Array;
    try {
      list = await this.control(getFeatureRequestCode(this.platform), new Uint8Array(), FEATURE_LIST_MAX, FEATURE_REQUEST_WATCHDOG_MS);
    } catch (error) {
      const typed = toTransportError(error, 'GET_FEATURE_REQUEST');
      if (!isNotSupported(typed)) throw typed;
      list = new Uint8Array();
    }
    const parsed = parseFeatureList(list);
    return {
      codes: parsed.controlCodes,
      features: {
        verifyPinDirect: parsed.controlCodes.has(FEATURE_VERIFY_PIN_DIRECT),
        modifyPinDirect: parsed.controlCodes.has(FEATURE_MODIFY_PIN_DIRECT),
        featureTags: [...parsed.controlCodes.keys()].sort((a, b) => a - b),
        listComplete: parsed.complete,
      },
    };
  }
}
