/**
 * Reads a SITHS card (any PKCS#15 card) in the order the login needs it, with as few APDUs as the
 * card allows:
 *
 *   1. SELECT the PKCS#15 application by AID (EF.DIR and 3F00/5015 only when that fails);
 *   2. EF.ODF, then the directories it names: AODF (PINs), PrKDF (keys), CDF (certificates);
 *   3. the authentication certificate and its PIN's try counter → progress event `auth-ready`;
 *   4. the other PIN counters, EF.TokenInfo, the other certificates, EF.DIR (application label).
 *
 * The result is a complete `CardSnapshot` or a typed failure; nothing in between. Only typed errors
 * (transport, card, PKCS#15) become failures; anything else is a bug and is rethrown.
 */
import type { Clock } from '../../native/clock.js';
import { systemClock } from '../../native/clock.js';
import { CardRemovedError, fromHex, TransportError, type CardTransport } from '../../native/transport.js';
import { formatStatusWord, sw1Of } from './apdu.js';
import type {
  CardApduRecord,
  CardApplicationInfo,
  CardCertificate,
  CardPin,
  CardPrivateKey,
  CardReadFailure,
  CardReadNote,
  CardReadProgress,
  CardReadResult,
  CardReadStage,
  CardReadStats,
  CardSnapshot,
  CardTokenInfo,
} from './card-read-result.js';
import { certificateKeyUsage, roleFromCertificateKeyUsage } from './certificate-hints.js';
import {
  ApduError,
  ApplicationNotAvailableError,
  CardError,
  MalformedResponseError,
  Pkcs15ParseError,
  ReadLimitError,
} from './errors.js';
import { FileReader, isAbsolute, type ReadNeed } from './file-reader.js';
import { hex } from './hex.js';
import { verifyStatus } from './iso7816.js';
import { scanTlvStream, tlvHeaderLength } from './pkcs15/der.js';
import { extractCertificateDer, parseAodf, parseCdf, parseEfDir, parseOdf, parsePrkdf, parseTokenInfo, pkcs15Limits } from './pkcs15/parse.js';
import { assignCertificateRoles, assignPinRoles, sameBytes, type RoleDecision } from './pkcs15/roles.js';
import type { CertificateObject, DirApplication, PinObject, Pkcs15Path, PrivateKeyObject } from './pkcs15/types.js';
import { identifyCard, type CardProfile } from './profiles.js';
import { describeStatusWord } from './status-words.js';
import { ApplicationSession, CardSession } from './session.js';

export const pkcs15Aid = fromHex('A000000063504B43532D3135');
const efDirPath = fromHex('3F002F00');
const defaultPkcs15DfPath = fromHex('3F005015');
const odfFid = fromHex('5031');
const tokenInfoFid = fromHex('5032');

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
}

/** The card has no PKCS#15 application we could select. */
class NoPkcs15ApplicationError extends CardError {
  readonly attempts: { target: string; statusWord: string | null }[];
  constructor(attempts: { target: string; statusWord: string | null }[]) {
    super('application-not-available', `No PKCS#15 application: ${attempts.map((a) => `${a.target} → ${a.statusWord ?? '?'}`).join(', ')}`);
    this.attempts = attempts;
  }
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

interface OpenedApplication {
  session: ApplicationSession;
  info: CardApplicationInfo;
  /** Absolute DF path when known (found by path or named by EF.DIR). */
  dfPath: Uint8Array | undefined;
  /** EF.DIR content when it was read while looking for the application. */
  dirApplications: DirApplication[] | undefined;
}

interface PinProbe {
  triesLeft: number | 'unknown';
  blocked: boolean | 'unknown';
  verified: boolean | 'unknown';
  statusWord: string | null;
  source: CardPin['counter']['source'];
  unknownReason: CardPin['counter']['unknownReason'];
}

class CardRead {
  private readonly session: CardSession;
  private readonly profile: CardProfile;
  private readonly clock: Clock;
  private readonly options: ReadCardOptions;
  private readonly startedAt: number;
  private stage: CardReadStage = 'select-application';
  private currentFile: string | null = null;
  private readonly notes: CardReadNote[] = [];
  private authReady: CardReadStats['authReady'] = null;
  private authReadyEmitted = false;

  constructor(session: CardSession, profile: CardProfile, clock: Clock, options: ReadCardOptions) {
    this.session = session;
    this.profile = profile;
    this.clock = clock;
    this.options = options;
    this.startedAt = clock.monotonicMs();
  }

  async read(): Promise<CardSnapshot> {
    this.stage = 'select-application';
    const application = await this.openApplication();
    this.emit({ stage: 'application-selected', aid: application.info.aid, elapsedMs: this.elapsed(), apduCount: this.session.stats().apduCount });
    const files = new FileReader(application.session, { hints: this.profile.read });
    const inApplication = (fid: Uint8Array): Uint8Array => (application.dfPath ? concat(application.dfPath, fid) : fid);

    // EF.ODF: where everything else is.
    this.stage = 'object-directory';
    const odfBytes = await this.readPkcs15File(files, { path: inApplication(odfFid) }, 'directory', 'EF.ODF', true);
    const odf = parseOdf(odfBytes, this.currentFile ?? 'EF.ODF');

    this.stage = 'directories';
    const directoryPaths = (kind: string): Pkcs15Path[] => dedupePaths(odf.filter((entry) => entry.kind === kind).map((entry) => entry.path));
    const pins: PinObject[] = [];
    for (const path of directoryPaths('authObjects')) {
      pins.push(...parseAodf(await this.readPkcs15File(files, path, 'directory'), this.currentFile ?? 'EF.AODF'));
    }
    const keys: PrivateKeyObject[] = [];
    for (const path of directoryPaths('privateKeys')) {
      keys.push(...parsePrkdf(await this.readPkcs15File(files, path, 'directory'), this.currentFile ?? 'EF.PrKDF'));
    }
    const certificateObjects: { object: CertificateObject; cdf: string }[] = [];
    for (const kind of ['certificates', 'trustedCertificates', 'usefulCertificates'] as const) {
      for (const path of directoryPaths(kind)) {
        const bytes = await this.readPkcs15File(files, path, 'directory');
        const cdf = this.currentFile ?? 'EF.CDF';
        for (const object of parseCdf(bytes, cdf, kind)) certificateObjects.push({ object, cdf: pathKey(path) });
      }
    }
    if (pins.length > pkcs15Limits.maxDirectoryObjects || keys.length > pkcs15Limits.maxDirectoryObjects || certificateObjects.length > pkcs15Limits.maxDirectoryObjects) {
      throw new ReadLimitError('More PKCS#15 objects than any real card holds');
    }

    const pinRoles = assignPinRoles(pins, keys);
    const certificateRoles = assignCertificateRoles(
      certificateObjects.map((c) => c.object),
      keys,
      pins,
      pinRoles,
    );

    // Certificates as they get read, by position in certificateObjects.
    const certificates: (CardCertificate | undefined)[] = certificateObjects.map(() => undefined);
    const readCertificateAt = async (index: number): Promise<CardCertificate> => {
      const existing = certificates[index];
      if (existing) return existing;
      const entry = certificateObjects[index] as { object: CertificateObject; cdf: string };
      const certificate = await this.readCertificate(files, entry.object, entry.cdf, certificateRoles[index] as RoleDecision<CardCertificate['role']>, keys);
      certificates[index] = certificate;
      return certificate;
    };

    // Which certificate is for login: by the private key's usage; failing that, read the
    // certificates and look at their keyUsage extension.
    this.stage = 'authentication-certificate';
    let authCertificateIndex = preferredLoginCertificate(certificateObjects.map((c, i) => ({ label: c.object.common.label, role: certificateRoles[i]?.role })));
    if (authCertificateIndex < 0) {
      for (let i = 0; i < certificateObjects.length; i++) {
        if (certificateRoles[i]?.role !== 'unknown') continue;
        await readCertificateAt(i);
      }
      authCertificateIndex = preferredLoginCertificate(certificateObjects.map((c, i) => ({ label: c.object.common.label, role: certificates[i]?.role })));
    }
    const authCertificate = authCertificateIndex >= 0 ? await readCertificateAt(authCertificateIndex) : null;

    // The login PIN: the one protecting the login certificate's key, else the one whose role says so.
    let authPinIndex = -1;
    if (authCertificate) {
      const key = keys.find((candidate) => sameBytes(candidate.id, certificateObjects[authCertificateIndex]?.object.id));
      if (key?.common.authId) {
        authPinIndex = pins.findIndex((pin, i) => sameBytes(pin.authId, key.common.authId) && pinRoles[i]?.role !== 'puk');
      }
    }
    if (authPinIndex < 0) authPinIndex = pinRoles.findIndex((role) => role.role === 'authentication');

    this.stage = 'pin-counters';
    const probes = new Map<string, PinProbe>();
    const probeAt = async (index: number): Promise<PinProbe> => {
      const pin = pins[index] as PinObject;
      const key = `${pin.reference}/${pin.path ? pathKey(pin.path) : pin.flags.includes('local') ? 'APP' : 'global'}`;
      const known = probes.get(key);
      if (known) return known;
      const probe = await this.probePin(files, pin);
      probes.set(key, probe);
      return probe;
    };
    const pinResults: (CardPin | undefined)[] = pins.map(() => undefined);
    const pinAt = async (index: number): Promise<CardPin> => {
      const existing = pinResults[index];
      if (existing) return existing;
      const pin = this.describePin(pins[index] as PinObject, pinRoles[index] as RoleDecision<CardPin['role']>, await probeAt(index), pins);
      pinResults[index] = pin;
      return pin;
    };
    const authPin = authPinIndex >= 0 ? await pinAt(authPinIndex) : null;
    if (authCertificate) this.authReady = { atMs: this.elapsed(), apduCount: this.session.stats().apduCount };
    this.emitAuthReady(authCertificate, authPin);

    for (let i = 0; i < pins.length; i++) await pinAt(i);

    this.stage = 'token-info';
    const tokenInfo = await this.readTokenInfo(files, inApplication(tokenInfoFid));

    this.stage = 'certificates';
    for (const { object } of certificateObjects) {
      if (object.value.kind === 'path' && object.value.path.length !== undefined) {
        files.announce(object.value.path.path, (object.value.path.index ?? 0) + object.value.path.length);
      }
    }
    for (let i = 0; i < certificateObjects.length; i++) await readCertificateAt(i);

    this.stage = 'application-directory';
    if (application.dirApplications === undefined && this.options.readApplicationLabel === true) {
      const dir = await this.readEfDirQuietly(files);
      const aid = application.session.aid;
      const mine = dir?.find((app) => (aid ? sameBytes(app.aid, aid) : false));
      if (mine) {
        application.info.label = mine.label ?? null;
        application.info.path = mine.path ? hex(mine.path) : null;
      }
    }

    this.notes.push(...files.observations);
    const finalCertificates = certificates.filter((c): c is CardCertificate => c !== undefined);
    const finalPins = pinResults.filter((p): p is CardPin => p !== undefined);
    if (finalCertificates.length !== certificateObjects.length || finalPins.length !== pins.length) {
      // Cannot happen: every certificate and PIN was read above. Guard the "never partial" promise anyway.
      throw new Error('Internal error: incomplete card read');
    }
    if (authCertificateIndex < 0) this.notes.push({ code: 'no-authentication-certificate', message: 'No certificate on the card could be identified as the login certificate' });
    if (authPinIndex < 0) this.notes.push({ code: 'no-authentication-pin', message: 'No PIN on the card could be identified as the login PIN' });

    return {
      kind: 'snapshot',
      reader: this.session.readerName,
      atr: hex(this.session.atr),
      profile: this.profile,
      application: application.info,
      tokenInfo,
      certificates: finalCertificates,
      pins: finalPins,
      privateKeys: keys.map(describeKey),
      authentication: { certificate: authCertificateIndex >= 0 ? authCertificateIndex : null, pin: authPinIndex >= 0 ? authPinIndex : null },
      stats: this.stats(),
      notes: this.notes,
      apduLog: this.apduLog(),
    };
  }

  // ---- application ------------------------------------------------------------------------------

  private async openApplication(): Promise<OpenedApplication> {
    const attempts: { target: string; statusWord: string | null }[] = [];
    const tryAid = async (aid: Uint8Array): Promise<ApplicationSession | undefined> => {
      try {
        const session = await ApplicationSession.open(this.session, aid);
        attempts.push({ target: `AID ${hex(aid)}`, statusWord: '9000' });
        return session;
      } catch (error) {
        if (error instanceof ApplicationNotAvailableError) {
          attempts.push({ target: `AID ${hex(aid)}`, statusWord: error.sw === undefined ? null : formatStatusWord(error.sw) });
          return undefined;
        }
        throw error;
      }
    };
    const info = (aid: Uint8Array | null, foundBy: CardApplicationInfo['foundBy'], label?: string, path?: Uint8Array): CardApplicationInfo => ({
      aid: aid ? hex(aid) : null,
      label: label ?? null,
      path: path ? hex(path) : null,
      foundBy,
    });

    const direct = await tryAid(pkcs15Aid);
    if (direct) return { session: direct, info: info(pkcs15Aid, 'aid'), dfPath: undefined, dirApplications: undefined };

    // Not under the usual AID: EF.DIR may name another PKCS#15 application.
    const dir = await this.readEfDirForDiscovery(attempts);
    for (const app of dir ?? []) {
      if (sameBytes(app.aid, pkcs15Aid) && !app.path) continue;
      const session = sameBytes(app.aid, pkcs15Aid) ? undefined : await tryAid(app.aid);
      if (session) return { session, info: info(app.aid, 'ef-dir', app.label, app.path), dfPath: app.path && isAbsolute(app.path) ? app.path : undefined, dirApplications: dir };
      if (app.path && isAbsolute(app.path) && app.path.length >= 4) {
        const byPath = await this.tryDfPath(app.path, attempts);
        if (byPath) return { session: byPath, info: info(app.aid, 'ef-dir', app.label, app.path), dfPath: app.path, dirApplications: dir };
      }
    }
    // The classic PKCS#15 DF without an AID.
    const classic = await this.tryDfPath(defaultPkcs15DfPath, attempts);
    if (classic) return { session: classic, info: info(null, 'path', undefined, defaultPkcs15DfPath), dfPath: defaultPkcs15DfPath, dirApplications: dir };
    throw new NoPkcs15ApplicationError(attempts);
  }

  /** SELECT a DF by path; the application session then reselects by AID when asked, so only use it for the DF itself. */
  private async tryDfPath(path: Uint8Array, attempts: { target: string; statusWord: string | null }[]): Promise<ApplicationSession | undefined> {
    const response = await this.session.exchange({ cla: 0x00, ins: 0xa4, p1: 0x08, p2: 0x0c, data: path.subarray(2) });
    attempts.push({ target: `DF ${hex(path)}`, statusWord: formatStatusWord(response.sw) });
    if (response.sw !== 0x9000) return undefined;
    return ApplicationSession.atSelectedDf(this.session, path);
  }

  private async readEfDirForDiscovery(attempts: { target: string; statusWord: string | null }[]): Promise<DirApplication[] | undefined> {
    const select = await this.session.exchange({ cla: 0x00, ins: 0xa4, p1: 0x08, p2: 0x0c, data: efDirPath.subarray(2) });
    attempts.push({ target: 'EF.DIR 3F002F00', statusWord: formatStatusWord(select.sw) });
    if (select.sw !== 0x9000) return undefined;
    try {
      const bytes = await this.readCurrentEfUpTo(0x400);
      return parseEfDir(bytes);
    } catch (error) {
      if (error instanceof Pkcs15ParseError || error instanceof ApduError) return undefined;
      throw error;
    }
  }

  /** READ BINARY of the selected EF in short chunks (discovery only; the FileReader does the real reading). */
  private async readCurrentEfUpTo(limit: number): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const chunkLength = Math.min(256, this.profile.read.maxShortReadLength);
    while (offset < limit) {
      const response = await this.session.exchange({ cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le: chunkLength }, 'short');
      if (response.sw === 0x6b00 || (response.sw !== 0x9000 && response.sw !== 0x6282)) {
        if (offset === 0) throw new ApduError(response.sw, 0xb0, 'READ BINARY EF.DIR');
        break;
      }
      chunks.push(response.data);
      offset += response.data.length;
      const scan = scanTlvStream(concat(...chunks), pkcs15Limits.maxDirApplications);
      if (scan.complete || response.sw === 0x6282 || response.data.length < (response.le ?? chunkLength)) break;
    }
    return concat(...chunks);
  }

  private async readEfDirQuietly(files: FileReader): Promise<DirApplication[] | undefined> {
    try {
      return parseEfDir(await this.readPkcs15File(files, { path: efDirPath }, 'directory', 'EF.DIR'), 'EF.DIR');
    } catch (error) {
      if (error instanceof ApduError && error.sw === 0x6a82) return undefined;
      if (error instanceof Pkcs15ParseError || error instanceof ApduError || error instanceof ReadLimitError) {
        this.notes.push({ code: 'ef-dir-unreadable', message: `EF.DIR: ${error.message}` });
        return undefined;
      }
      throw error;
    } finally {
      this.currentFile = null;
    }
  }

  // ---- files ----------------------------------------------------------------------------------

  /**
   * Reads what a PKCS#15 path designates: a slice when the path has index/length, else a whole
   * directory (up to its padding) or one certificate (up to the end of its DER).
   */
  private async readPkcs15File(files: FileReader, path: Pkcs15Path, content: 'directory' | 'certificate', name?: string, missingMeansNoApplication = false): Promise<Uint8Array> {
    const key = pathKey(path);
    this.currentFile = name ? `${name} ${key}` : key;
    try {
      if (path.length !== undefined) {
        const start = path.index ?? 0;
        const length = path.length;
        const bytes = await files.read(path.path, start, (have) => (have.length >= length ? { done: true } : { done: false, end: start + length, exact: true }));
        if (bytes.length < length) throw new Pkcs15ParseError(`the file ends before the ${length} bytes its directory announces`, { file: this.currentFile });
        return bytes.subarray(0, length);
      }
      const need = content === 'directory' ? directoryNeed : certificateNeed;
      return await files.read(path.path, 0, need);
    } catch (error) {
      if (missingMeansNoApplication && error instanceof ApduError && error.sw === 0x6a82) {
        throw new NoPkcs15ApplicationError([{ target: `EF.ODF ${key}`, statusWord: '6A82' }]);
      }
      throw error;
    }
  }

  private async readCertificate(
    files: FileReader,
    object: CertificateObject,
    cdf: string,
    role: RoleDecision<CardCertificate['role']>,
    keys: PrivateKeyObject[],
  ): Promise<CardCertificate> {
    let der: Uint8Array;
    let source: CardCertificate['source'];
    if (object.value.kind === 'direct') {
      this.currentFile = cdf;
      der = extractCertificateDer(object.value.der, cdf);
      source = { directory: object.directory, cdf, file: null, index: null, length: null };
    } else {
      const path = object.value.path;
      const bytes = await this.readPkcs15File(files, path, 'certificate');
      der = extractCertificateDer(bytes, this.currentFile ?? undefined);
      source = { directory: object.directory, cdf, file: hex(path.path), index: path.index ?? null, length: path.length ?? null };
    }
    let finalRole = role;
    if (role.role === 'unknown') {
      const byExtension = roleFromCertificateKeyUsage(certificateKeyUsage(der));
      if (byExtension) finalRole = { role: byExtension, evidence: ['certificate-key-usage'] };
    }
    const key = keys.find((candidate) => sameBytes(candidate.id, object.id));
    return {
      label: object.common.label ?? null,
      id: hex(object.id),
      authority: object.authority,
      role: finalRole.role,
      roleEvidence: finalRole.evidence,
      pinAuthId: key?.common.authId ? hex(key.common.authId) : null,
      der,
      source,
    };
  }

  private async readTokenInfo(files: FileReader, path: Uint8Array): Promise<CardTokenInfo | null> {
    let bytes: Uint8Array;
    try {
      bytes = await this.readPkcs15File(files, { path }, 'directory', 'EF.TokenInfo');
    } catch (error) {
      if (error instanceof ApduError && error.sw === 0x6a82) {
        this.notes.push({ code: 'token-info-missing', message: 'The application has no EF.TokenInfo (5032)' });
        return null;
      }
      throw error;
    }
    const info = parseTokenInfo(bytes, this.currentFile ?? 'EF.TokenInfo');
    const printable = info.serialNumber.length > 0 && info.serialNumber.every((b) => b >= 0x20 && b < 0x7f);
    return {
      version: info.version,
      serialNumber: hex(info.serialNumber),
      serialNumberText: printable ? String.fromCharCode(...info.serialNumber) : null,
      manufacturer: info.manufacturerId ?? null,
      label: info.label ?? null,
      flags: info.flags,
    };
  }

  // ---- PINs -----------------------------------------------------------------------------------

  private async probePin(files: FileReader, pin: PinObject): Promise<PinProbe> {
    if (!this.profile.pinCounterProbe) {
      return { triesLeft: 'unknown', blocked: 'unknown', verified: 'unknown', statusWord: null, source: 'not-probed', unknownReason: 'card-profile-forbids-probe' };
    }
    // A local PIN belongs to its DF: VERIFY must be sent with that DF current.
    if (pin.path && isAbsolute(pin.path.path)) {
      this.currentFile = `DF ${hex(pin.path.path)} of PIN ${pin.common.label ?? pin.reference}`;
      await files.selectDf(pin.path.path);
    }
    else if (pin.flags.includes('local')) await files.ensureApplicationCurrent();
    const response = await this.session.exchange(verifyStatus(pin.reference));
    const statusWord = formatStatusWord(response.sw);
    const unknown = (): PinProbe => ({ triesLeft: 'unknown', blocked: 'unknown', verified: 'unknown', statusWord, source: 'verify-without-data', unknownReason: 'card-did-not-say' });
    if (response.sw === 0x9000) return { triesLeft: 'unknown', blocked: false, verified: true, statusWord, source: 'verify-without-data', unknownReason: null };
    if (sw1Of(response.sw) === 0x63 && (response.sw & 0xf0) === 0xc0) {
      const tries = response.sw & 0x0f;
      return { triesLeft: tries, blocked: tries === 0, verified: false, statusWord, source: 'verify-without-data', unknownReason: null };
    }
    if (response.sw === 0x6983) return { triesLeft: 0, blocked: true, verified: false, statusWord, source: 'verify-without-data', unknownReason: null };
    this.notes.push({
      code: 'pin-probe-unexpected-status',
      message: `VERIFY without data for PIN reference ${pin.reference} answered ${statusWord} (${describeStatusWord(response.sw, 'en')})`,
    });
    return unknown();
  }

  private describePin(pin: PinObject, role: RoleDecision<CardPin['role']>, probe: PinProbe, pins: PinObject[]): CardPin {
    const limit = this.profile.maxTries ? (role.role === 'puk' ? this.profile.maxTries.puk : this.profile.maxTries.pin) : undefined;
    let maxTries: number | 'unknown' = limit ?? 'unknown';
    if (typeof probe.triesLeft === 'number' && typeof maxTries === 'number' && probe.triesLeft > maxTries) maxTries = 'unknown';
    // Verified in this session: the counter was reset to its maximum by that verification.
    const triesLeft = probe.verified === true && typeof maxTries === 'number' ? maxTries : probe.triesLeft;
    const unblocker = pin.common.authId ? pins.find((other) => other !== pin && sameBytes(other.authId, pin.common.authId)) : undefined;
    return {
      label: pin.common.label ?? null,
      authId: hex(pin.authId),
      role: role.role,
      roleEvidence: role.evidence,
      reference: pin.reference,
      pinType: pin.pinType,
      minLength: pin.minLength,
      maxLength: pin.maxLength ?? null,
      storedLength: pin.storedLength,
      padChar: pin.padChar ?? null,
      flags: pin.flags,
      unblockedBy: unblocker ? hex(unblocker.authId) : null,
      triesLeft,
      maxTries,
      blocked: probe.blocked,
      verified: probe.verified,
      counter: { source: probe.source, statusWord: probe.statusWord, unknownReason: probe.unknownReason },
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

  private emitAuthReady(certificate: CardCertificate | null, pin: CardPin | null): void {
    if (this.authReadyEmitted) return;
    this.authReadyEmitted = true;
    this.emit({ stage: 'auth-ready', elapsedMs: this.elapsed(), apduCount: this.session.stats().apduCount, certificate, pin });
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
      command: hex(exchange.command),
      response: hex(exchange.response),
      statusWord: exchange.response.length >= 2 ? hex(exchange.response.subarray(exchange.response.length - 2)) : '',
      atMs: exchange.atMs,
      durationMs: exchange.durationMs,
    }));
  }

  /** Maps a typed error to its outcome; anything untyped is a bug and is rethrown. */
  toFailure(error: unknown): CardReadFailure {
    const base = {
      reader: this.session.readerName,
      atr: hex(this.session.atr),
      profile: this.profile,
      stage: this.stage,
      stats: this.stats(),
      apduLog: this.apduLog(),
    };
    if (error instanceof CardRemovedError) return { ...base, kind: 'card-removed', message: error.message };
    if (error instanceof TransportError) {
      return { ...base, kind: 'transport-error', message: error.message, code: error.code, pcscCode: error.pcscCode ?? null };
    }
    if (error instanceof NoPkcs15ApplicationError) return { ...base, kind: 'no-pkcs15-application', message: error.message, attempts: error.attempts };
    if (error instanceof Pkcs15ParseError || error instanceof ReadLimitError) {
      const file = error instanceof Pkcs15ParseError && error.file ? error.file : this.currentFile;
      return { ...base, kind: 'malformed-card-data', message: error.message, file, statusWord: null };
    }
    if (error instanceof ApduError) {
      // A file that a directory on the card names, but the card does not have.
      if (error.sw === 0x6a82 && this.stage !== 'select-application') {
        return { ...base, kind: 'malformed-card-data', message: error.message, file: this.currentFile, statusWord: formatStatusWord(error.sw) };
      }
      return { ...base, kind: 'card-error', message: error.message, statusWord: formatStatusWord(error.sw), statusMeaning: describeStatusWord(error.sw, 'en') };
    }
    if (error instanceof ApplicationNotAvailableError) {
      // The application answered once and then no longer did.
      const sw = error.sw;
      return { ...base, kind: 'card-error', message: error.message, statusWord: sw === undefined ? null : formatStatusWord(sw), statusMeaning: sw === undefined ? null : describeStatusWord(sw, 'en') };
    }
    if (error instanceof MalformedResponseError || error instanceof CardError) {
      return { ...base, kind: 'card-error', message: error.message, statusWord: null, statusMeaning: null };
    }
    throw error;
  }
}

// ---- helpers --------------------------------------------------------------------------------------

/**
 * Among the authentication certificates, the one for the staff login: older SITHS cards also hold
 * a private Telia e-legitimation certificate for authentication, the classic wrong pick. Its CDF
 * label names Telia; only a tie-break for the early `auth-ready` event — the PKI layer decides from
 * the certificates themselves.
 */
function preferredLoginCertificate(candidates: { label: string | undefined; role: string | undefined }[]): number {
  const authentication = candidates.map((c, i) => ({ ...c, i })).filter((c) => c.role === 'authentication');
  const notTelia = authentication.find((c) => !/telia/i.test(c.label ?? ''));
  return (notTelia ?? authentication[0])?.i ?? -1;
}

function directoryNeed(have: Uint8Array): ReadNeed {
  const scan = scanTlvStream(have, pkcs15Limits.maxDirectoryObjects + 1);
  return scan.complete ? { done: true } : { done: false, end: scan.needAtLeast, exact: false };
}

function certificateNeed(have: Uint8Array): ReadNeed {
  const header = tlvHeaderLength(have, 0);
  if (header === undefined) return { done: false, end: 8, exact: false };
  if (header === null) return { done: true };
  const total = header.headerLength + header.contentLength;
  return have.length >= total ? { done: true } : { done: false, end: total, exact: true };
}

function pathKey(path: Pkcs15Path): string {
  const base = hex(path.path);
  return path.length === undefined ? base : `${base}[${path.index ?? 0}+${path.length}]`;
}

function dedupePaths(paths: Pkcs15Path[]): Pkcs15Path[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = pathKey(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describeKey(key: PrivateKeyObject): CardPrivateKey {
  return {
    label: key.common.label ?? null,
    id: hex(key.id),
    keyType: key.keyType,
    usage: key.usage,
    authId: key.common.authId ? hex(key.common.authId) : null,
    keyReference: key.keyReference ?? null,
    modulusLength: key.modulusLength ?? null,
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

