/**
 * Reads a SITHS card in the order the login needs it, with as few APDUs as the card allows:
 *
 *   1. find the card's structure by probing (applications/): Thales IDPrime (applet + index file)
 *      or PKCS#15 (AID, EF.DIR, 3F00/5015); the ATR only decides which probe goes first;
 *   2. what the structure lists: certificates, PIN objects, keys;
 *   3. the authentication certificate and its PIN's try counter → progress event `auth-ready`;
 *   4. the other PIN counters, the token's label and serial, the other certificates, details.
 *
 * The login order is the same for every structure; the card mechanics live in the applications.
 * The result is a complete `CardSnapshot` or a typed failure; nothing in between. Only typed errors
 * (transport, card) become failures; anything else is a bug and is rethrown.
 */
import type { Clock } from '../../native/clock.js';
import { systemClock } from '../../native/clock.js';
import { CardRemovedError, TransportError, type CardTransport } from '../../native/transport.js';
import { formatStatusWord } from './apdu.js';
import type { CardApplication, ListedCertificate, ListedPin, PinCounterReading } from './applications/card-application.js';

export type { PinCounterReading } from './applications/card-application.js';
import { probeIdPrime } from './applications/idprime-application.js';
import { probePkcs15 } from './applications/pkcs15-application.js';
import { ProbeRecorder } from './applications/probe-recorder.js';
import type {
  CardApduRecord,
  CardCertificate,
  CardPin,
  CardReadFailure,
  CardReadNote,
  CardReadProgress,
  CardReadResult,
  CardReadStage,
  CardReadStats,
  CardSnapshot,
  CardStructure,
  PinCounterUnknownReason,
} from './card-read-result.js';
import { certificateKeyUsage, roleFromCertificateKeyUsage } from './certificate-hints.js';
import {
  ApduError,
  ApplicationNotAvailableError,
  CardError,
  IdPrimeFormatError,
  MalformedResponseError,
  MissingFileError,
  Pkcs15ParseError,
  ReadLimitError,
  UnknownStructureError,
} from './errors.js';
import { FileReader } from './file-reader.js';
import { toHex } from '../../native/bytes.js';
import { pinCounterProbeDecision } from './pin-probe-policy.js';
import { identifyCard, type CardProfile } from './profiles.js';
import { CardSession, commandHexForLog } from './session.js';
import { describeStatusWord } from './status-words.js';

export { pkcs15Aid } from './applications/pkcs15-application.js';

export interface ReadCardOptions {
  clock?: Clock;
  /** Called at `application-selected` and once at `auth-ready`. Errors thrown by it are ignored. */
  onProgress?: (event: CardReadProgress) => void;
  /** The card's profile; identified from the ATR when absent. */
  profile?: CardProfile;
  /** For identifying unknown ATRs (see profiles.ts); null: do not look. */
  smartcardListPath?: string | null;
  /** Bound on the APDUs of one read (a corrupted card must not keep us busy). Default 400. */
  maxApdus?: number;
  /**
   * Read EF.DIR at the end for the application's label (2 more APDUs). Default false: the token
   * label (EF.TokenInfo) names the card already; EF.DIR is read anyway when the application is not
   * found under the PKCS#15 AID.
   */
  readApplicationLabel?: boolean;
  /**
   * PIN counters already asked during this insertion: reused instead of asking again, and filled
   * with what this read asks. The caller keeps one per insertion (asking can count as a try on
   * some cards, so re-runs must not ask again unless the person wants it).
   */
  pinCounters?: PinCounterMemory;
}

/** What a Map<string, PinCounterReading> gives; keys are opaque to the caller. */
export interface PinCounterMemory {
  get(key: string): PinCounterReading | undefined;
  set(key: string, reading: PinCounterReading): void;
}

export async function readCard(transport: CardTransport, options: ReadCardOptions = {}): Promise<CardReadResult> {
  const clock = options.clock ?? systemClock;
  const profile = options.profile ?? identifyCard(transport.atr, { smartcardListPath: options.smartcardListPath });
  const session = new CardSession(transport, { clock, maxApdus: options.maxApdus ?? 400 });
  const run = new CardRead(session, profile, clock, options);
  try {
    return await run.read();
  } catch (error) {
    return run.toFailure(error);
  }
}

/**
 * Probes the structures in the order the ATR suggests; the first one confirmed is opened.
 * UnknownStructureError (with every probe) when neither is there.
 */
export async function openCardApplication(
  session: CardSession,
  profile: CardProfile,
  options: { recorder?: ProbeRecorder; readApplicationLabel?: boolean } = {},
): Promise<CardApplication> {
  const recorder = options.recorder ?? new ProbeRecorder(session);
  const files = new FileReader(session, { hints: profile.read });
  for (const structure of probeOrder(profile)) {
    const application =
      structure === 'idprime'
        ? await probeIdPrime(session, recorder)
        : await probePkcs15(session, files, recorder, { readApplicationLabel: options.readApplicationLabel === true });
    if (application) return application;
  }
  throw new UnknownStructureError(recorder.probes);
}

/** The order of the probes: the family the ATR suggests first. */
export function probeOrder(profile: CardProfile): CardStructure[] {
  return profile.family === 'idprime' ? ['idprime', 'pkcs15'] : ['pkcs15', 'idprime'];
}

class CardRead {
  private readonly session: CardSession;
  private readonly profile: CardProfile;
  private readonly clock: Clock;
  private readonly options: ReadCardOptions;
  private readonly startedAt: number;
  private readonly recorder: ProbeRecorder;
  private stage: CardReadStage = 'select-application';
  private readonly notes: CardReadNote[] = [];
  private authReady: CardReadStats['authReady'] = null;

  constructor(session: CardSession, profile: CardProfile, clock: Clock, options: ReadCardOptions) {
    this.session = session;
    this.profile = profile;
    this.clock = clock;
    this.options = options;
    this.startedAt = clock.monotonicMs();
    this.recorder = new ProbeRecorder(session);
  }

  async read(): Promise<CardSnapshot> {
    this.stage = 'select-application';
    const application = await this.openApplication();
    this.emit({ stage: 'application-selected', aid: application.info.aid, elapsedMs: this.elapsed(), apduCount: this.session.stats().apduCount });

    const objects = await application.listObjects((stage) => (this.stage = stage));
    const listed = objects.certificates;
    const pins = objects.pins;

    // Certificates as they get read, by position in `listed`.
    const certificates: (CardCertificate | undefined)[] = listed.map(() => undefined);
    const certificateAt = async (index: number): Promise<CardCertificate> => {
      const existing = certificates[index];
      if (existing) return existing;
      const certificate = this.describeCertificate(listed[index] as ListedCertificate, await application.readCertificate(index), pins);
      certificates[index] = certificate;
      return certificate;
    };

    // Which certificate is for login: by the structure's key usage; failing that, read the
    // certificates (those behind the authentication PIN first) and look at their keyUsage.
    this.stage = 'authentication-certificate';
    let authCertificateIndex = preferredLoginCertificate(listed.map((c) => ({ label: c.label, role: c.role })));
    if (authCertificateIndex < 0) {
      for (const i of readOrderForUnknownRoles(listed, pins)) {
        const certificate = await certificateAt(i);
        if (certificate.role === 'authentication' && !namesTelia(certificate.label)) break;
      }
      authCertificateIndex = preferredLoginCertificate(listed.map((c, i) => ({ label: c.label, role: certificates[i]?.role })));
    }
    const authCertificate = authCertificateIndex >= 0 ? await certificateAt(authCertificateIndex) : null;

    // The login PIN: the one protecting the login certificate's key, else the one whose role says so.
    let authPinIndex = -1;
    const linkedPin = authCertificate ? listed[authCertificateIndex]?.pinIndex : null;
    if (linkedPin !== null && linkedPin !== undefined && pins[linkedPin]?.role !== 'puk') authPinIndex = linkedPin;
    if (authPinIndex < 0) authPinIndex = pins.findIndex((pin) => pin.role === 'authentication');

    this.stage = 'pin-counters';
    const pinResults: (CardPin | undefined)[] = pins.map(() => undefined);
    const pinAt = async (index: number): Promise<CardPin> => {
      const existing = pinResults[index];
      if (existing) return existing;
      const pin = await this.readPin(application, pins[index] as ListedPin, index);
      pinResults[index] = pin;
      return pin;
    };
    const authPin = authPinIndex >= 0 ? await pinAt(authPinIndex) : null;
    if (authCertificate) this.authReady = { atMs: this.elapsed(), apduCount: this.session.stats().apduCount };
    this.emit({ stage: 'auth-ready', elapsedMs: this.elapsed(), apduCount: this.session.stats().apduCount, certificate: authCertificate, pin: authPin });

    for (let i = 0; i < pins.length; i++) await pinAt(i);

    this.stage = 'token-info';
    const tokenInfo = await application.readTokenInfo();

    this.stage = 'certificates';
    application.prepareToReadAllCertificates();
    for (let i = 0; i < listed.length; i++) await certificateAt(i);

    this.stage = 'application-directory';
    await application.readDetails();

    this.notes.push(...application.notes());
    const finalCertificates = certificates.filter((c): c is CardCertificate => c !== undefined);
    const finalPins = pinResults.filter((p): p is CardPin => p !== undefined);
    if (finalCertificates.length !== listed.length || finalPins.length !== pins.length) {
      // Cannot happen: every certificate and PIN was read above. Guard the "never partial" promise anyway.
      throw new Error('Internal error: incomplete card read');
    }
    if (authCertificateIndex < 0)
      this.notes.push({ code: 'no-authentication-certificate', message: 'No certificate on the card could be identified as the login certificate' });
    if (authPinIndex < 0) this.notes.push({ code: 'no-authentication-pin', message: 'No PIN on the card could be identified as the login PIN' });

    return {
      kind: 'snapshot',
      reader: this.session.readerName,
      atr: toHex(this.session.atr),
      profile: this.profile,
      structure: application.structure,
      probes: application.probes,
      application: application.info,
      tokenInfo,
      certificates: finalCertificates,
      pins: finalPins,
      privateKeys: objects.privateKeys,
      authentication: { certificate: authCertificateIndex >= 0 ? authCertificateIndex : null, pin: authPinIndex >= 0 ? authPinIndex : null },
      stats: this.stats(),
      notes: this.notes,
      apduLog: this.apduLog(),
    };
  }

  private openApplication(): Promise<CardApplication> {
    return openCardApplication(this.session, this.profile, { recorder: this.recorder, readApplicationLabel: this.options.readApplicationLabel === true });
  }

  private describeCertificate(entry: ListedCertificate, read: { der: Uint8Array; source: CardCertificate['source'] }, pins: ListedPin[]): CardCertificate {
    let role = entry.role;
    let roleEvidence = entry.roleEvidence;
    if (role === 'unknown') {
      const byExtension = roleFromCertificateKeyUsage(certificateKeyUsage(read.der));
      if (byExtension) {
        role = byExtension;
        roleEvidence = ['certificate-key-usage'];
      }
    }
    return {
      label: entry.label,
      id: entry.id,
      authority: entry.authority,
      role,
      roleEvidence,
      pinAuthId: entry.pinIndex === null ? null : (pins[entry.pinIndex]?.authId ?? null),
      der: read.der,
      source: read.source,
    };
  }

  /** The PIN with its try counter: asked when the probe policy allows it, else unknown and why. */
  private async readPin(application: CardApplication, pin: ListedPin, index: number): Promise<CardPin> {
    const decision = pinCounterProbeDecision(this.profile, application.structure, pin);
    let reading: PinCounterReading = { triesLeft: 'unknown', blocked: 'unknown', verified: 'unknown', statusWord: null };
    let unknownReason: PinCounterUnknownReason | null = null;
    const memoryKey = `${application.structure}:${pin.authId}:${pin.reference}`;
    const remembered = decision.probe ? this.options.pinCounters?.get(memoryKey) : undefined;
    if (remembered) {
      reading = remembered;
      if (reading.triesLeft === 'unknown' && reading.verified !== true) unknownReason = 'card-did-not-say';
    } else if (decision.probe) {
      reading = await application.readPinCounter(index);
      this.options.pinCounters?.set(memoryKey, reading);
      if (reading.triesLeft === 'unknown' && reading.verified !== true) {
        unknownReason = 'card-did-not-say';
        const sw = reading.statusWord ? parseInt(reading.statusWord, 16) : 0;
        this.notes.push({
          code: 'pin-probe-unexpected-status',
          message: `VERIFY without data for PIN reference ${pin.reference} answered ${reading.statusWord ?? '?'} (${describeStatusWord(sw, 'en')})`,
        });
      }
    } else {
      unknownReason = decision.reason;
    }
    const limit = this.profile.maxTries ? (pin.role === 'puk' ? this.profile.maxTries.puk : this.profile.maxTries.pin) : undefined;
    let maxTries: number | 'unknown' = limit ?? 'unknown';
    if (typeof reading.triesLeft === 'number' && typeof maxTries === 'number' && reading.triesLeft > maxTries) maxTries = 'unknown';
    // Verified in this session: the counter was reset to its maximum by that verification.
    const triesLeft = reading.verified === true && typeof maxTries === 'number' ? maxTries : reading.triesLeft;
    return {
      ...pin,
      triesLeft,
      maxTries,
      blocked: reading.blocked,
      verified: reading.verified,
      counter: {
        source: remembered ? 'earlier-this-insertion' : decision.probe ? 'verify-without-data' : 'not-probed',
        statusWord: reading.statusWord,
        unknownReason,
      },
    };
  }

  // ---- results --------------------------------------------------------------------------------

  private emit(event: CardReadProgress): void {
    try {
      this.options.onProgress?.(event);
    } catch {
      // A listener's problem must not change what the card read gives.
    }
  }

  private elapsed(): number {
    return this.clock.monotonicMs() - this.startedAt;
  }

  private stats(): CardReadStats {
    const stats = this.session.stats();
    return {
      apduCount: stats.apduCount,
      bytesSent: stats.bytesSent,
      bytesReceived: stats.bytesReceived,
      durationMs: this.elapsed(),
      authReady: this.authReady,
    };
  }

  private apduLog(): CardApduRecord[] {
    return this.session.exchanges().map((exchange) => ({
      command: commandHexForLog(exchange),
      response: toHex(exchange.response),
      statusWord: exchange.response.length >= 2 ? toHex(exchange.response.subarray(exchange.response.length - 2)) : '',
      atMs: exchange.atMs,
      durationMs: exchange.durationMs,
    }));
  }

  /** Maps a typed error to its outcome; anything untyped is a bug and is rethrown. */
  toFailure(error: unknown): CardReadFailure {
    const base = {
      reader: this.session.readerName,
      atr: toHex(this.session.atr),
      profile: this.profile,
      stage: this.stage,
      stats: this.stats(),
      apduLog: this.apduLog(),
    };
    if (error instanceof CardRemovedError) return { ...base, kind: 'card-removed', message: error.message };
    if (error instanceof TransportError) {
      return { ...base, kind: 'transport-error', message: error.message, code: error.code, pcscCode: error.pcscCode ?? null };
    }
    if (error instanceof UnknownStructureError) return { ...base, kind: 'unknown-structure', message: error.message, probes: error.probes };
    if (error instanceof MissingFileError)
      return { ...base, kind: 'malformed-card-data', message: error.message, file: error.file, statusWord: formatStatusWord(error.sw) };
    if (error instanceof Pkcs15ParseError || error instanceof IdPrimeFormatError || error instanceof ReadLimitError) {
      return { ...base, kind: 'malformed-card-data', message: error.message, file: error.file ?? null, statusWord: null };
    }
    if (error instanceof ApduError) {
      if (error.sw === 0x6a82 && this.stage !== 'select-application') {
        return { ...base, kind: 'malformed-card-data', message: error.message, file: null, statusWord: formatStatusWord(error.sw) };
      }
      return { ...base, kind: 'card-error', message: error.message, statusWord: formatStatusWord(error.sw) };
    }
    if (error instanceof ApplicationNotAvailableError) {
      // The application answered once and then no longer did.
      const sw = error.sw;
      return {
        ...base,
        kind: 'card-error',
        message: error.message,
        statusWord: sw === undefined ? null : formatStatusWord(sw),
      };
    }
    if (error instanceof MalformedResponseError || error instanceof CardError) {
      return { ...base, kind: 'card-error', message: error.message, statusWord: null };
    }
    throw error;
  }
}

// ---- helpers --------------------------------------------------------------------------------------

const teliaLabel = /telia/i;
function namesTelia(label: string | null | undefined): boolean {
  return teliaLabel.test(label ?? '');
}

/**
 * Among the authentication certificates, the one for the staff login: older SITHS cards also hold
 * a private Telia e-legitimation certificate for authentication, the classic wrong pick. Its label
 * names Telia; only a tie-break for the early `auth-ready` event — the PKI layer decides from the
 * certificates themselves.
 */
function preferredLoginCertificate(candidates: { label: string | null | undefined; role: string | undefined }[]): number {
  const authentication = candidates.map((c, i) => ({ ...c, i })).filter((c) => c.role === 'authentication');
  const notTelia = authentication.find((c) => !namesTelia(c.label));
  return (notTelia ?? authentication[0])?.i ?? -1;
}

/** Certificates whose role only their own key usage can tell: those behind the authentication PIN first. */
function readOrderForUnknownRoles(listed: ListedCertificate[], pins: ListedPin[]): number[] {
  const unknown = listed.map((c, i) => ({ c, i })).filter(({ c }) => c.role === 'unknown');
  const behindAuthPin = ({ c }: { c: ListedCertificate }) => (c.pinIndex !== null && pins[c.pinIndex]?.role === 'authentication' ? 0 : 1);
  return unknown.sort((a, b) => behindAuthPin(a) - behindAuthPin(b) || a.i - b.i).map(({ i }) => i);
}
