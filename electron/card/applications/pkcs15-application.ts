/**
 * A PKCS#15 (ISO/IEC 7816-15) application, such as Net iD's on SITHS cards of the SetCOS era:
 * found by AID, through EF.DIR or at 3F00/5015; EF.ODF names the directories (AODF: PINs, PrKDF:
 * keys, CDF: certificates) and every path is read from them, never hard-coded.
 */
import { formatStatusWord, sw1Of } from '../apdu.js';
import type {
  CardApplicationInfo,
  CardPrivateKey,
  CardReadNote,
  CardTokenInfo,
  CertificateRole,
  CertificateSource,
  StructureProbe,
} from '../card-read-result.js';
import { ApduError, ApplicationNotAvailableError, MissingFileError, Pkcs15ParseError, ReadLimitError } from '../errors.js';
import { FileReader, isAbsolute, type ReadNeed } from '../file-reader.js';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../../native/bytes.js';
import { verifyStatus } from '../iso7816.js';
import { scanTlvStream, tlvHeaderLength } from '../pkcs15/der.js';
import { extractCertificateDer, parseAodf, parseCdf, parseEfDir, parseOdf, parsePrkdf, parseTokenInfo, pkcs15Limits } from '../pkcs15/parse.js';
import { assignCertificateRoles, assignPinRoles, sameIdentifier, type RoleDecision } from '../pkcs15/roles.js';
import type { CertificateObject, DirApplication, OdfEntry, PinObject, Pkcs15Path, PrivateKeyObject } from '../pkcs15/types.js';
import { ApplicationSession, type CardSession } from '../session.js';
import type { ApplicationObjects, CardApplication, ListedCertificate, ListedPin, PinCounterReading, ReadCertificate } from './card-application.js';
import type { ProbeRecorder } from './probe-recorder.js';

export const pkcs15Aid = fromHex('A000000063504B43532D3135');
const efDirPath = fromHex('3F002F00');
const defaultPkcs15DfPath = fromHex('3F005015');
const odfFid = fromHex('5031');
const tokenInfoFid = fromHex('5032');

export interface Pkcs15ProbeOptions {
  /** Read EF.DIR at the end for the application's label (2 more APDUs). */
  readApplicationLabel?: boolean;
}

interface OpenedApplication {
  session: ApplicationSession;
  info: CardApplicationInfo;
  /** EF.DIR content when it was read while looking for the application. */
  dirApplications: DirApplication[] | undefined;
}

/**
 * Looks for a PKCS#15 application: its AID, then the applications EF.DIR names, then the classic
 * DF 3F00/5015. The structure is confirmed when the application's EF.ODF is there; undefined when
 * it is not (every APDU is in `recorder`).
 */
export async function probePkcs15(
  card: CardSession,
  files: FileReader,
  recorder: ProbeRecorder,
  options: Pkcs15ProbeOptions = {},
): Promise<Pkcs15Application | undefined> {
  const opened = await findApplication(card, files, recorder);
  if (!opened) return undefined;
  files.enterApplication(opened.session);
  const odfPath = opened.session.dfPath ? concatBytes(opened.session.dfPath, odfFid) : odfFid;
  let odf: Uint8Array;
  try {
    odf = await recorder.step('pkcs15', 'EF.ODF', () => files.read(odfPath, 0, directoryNeed));
  } catch (error) {
    // An application without its object directory is not a PKCS#15 application after all.
    if (error instanceof ApduError && error.sw === 0x6a82) return undefined;
    throw error;
  }
  return new Pkcs15Application(card, files, opened, { bytes: odf, file: `EF.ODF ${toHex(odfPath)}` }, recorder.probes, options);
}

async function findApplication(card: CardSession, files: FileReader, recorder: ProbeRecorder): Promise<OpenedApplication | undefined> {
  const info = (aid: Uint8Array | null, foundBy: CardApplicationInfo['foundBy'], label?: string, path?: Uint8Array): CardApplicationInfo => ({
    aid: aid ? toHex(aid) : null,
    label: label ?? null,
    path: path ? toHex(path) : null,
    foundBy,
    appletVersion: null,
  });
  const tryAid = (aid: Uint8Array) =>
    recorder.step('pkcs15', `SELECT AID ${toHex(aid)}`, async () => {
      try {
        return await ApplicationSession.open(card, aid);
      } catch (error) {
        if (error instanceof ApplicationNotAvailableError) return undefined;
        throw error;
      }
    });
  const tryDfPath = (path: Uint8Array) =>
    recorder.step('pkcs15', `SELECT DF ${toHex(path)}`, async () => {
      try {
        await files.selectDf(path);
        return ApplicationSession.atSelectedDf(card, path);
      } catch (error) {
        if (error instanceof ApduError) return undefined;
        throw error;
      }
    });

  const direct = await tryAid(pkcs15Aid);
  if (direct) return { session: direct, info: info(pkcs15Aid, 'aid'), dirApplications: undefined };

  // Not under the usual AID: EF.DIR may name another PKCS#15 application.
  const dir = await recorder.step('pkcs15', 'EF.DIR 3F002F00', () => readEfDir(files));
  for (const app of dir ?? []) {
    if (bytesEqual(app.aid, pkcs15Aid) && !app.path) continue;
    const session = bytesEqual(app.aid, pkcs15Aid) ? undefined : await tryAid(app.aid);
    if (session) return { session, info: info(app.aid, 'ef-dir', app.label, app.path), dirApplications: dir };
    if (app.path && isAbsolute(app.path) && app.path.length >= 4) {
      const byPath = await tryDfPath(app.path);
      if (byPath) return { session: byPath, info: info(app.aid, 'ef-dir', app.label, app.path), dirApplications: dir };
    }
  }
  // The classic PKCS#15 DF without an AID.
  const classic = await tryDfPath(defaultPkcs15DfPath);
  if (classic) return { session: classic, info: info(null, 'path', undefined, defaultPkcs15DfPath), dirApplications: dir };
  return undefined;
}

/** EF.DIR, or undefined when the card has none or it cannot be understood. */
async function readEfDir(files: FileReader): Promise<DirApplication[] | undefined> {
  try {
    return parseEfDir(await files.read(efDirPath, 0, directoryNeed, 0x400), 'EF.DIR');
  } catch (error) {
    if (error instanceof Pkcs15ParseError || error instanceof ApduError || error instanceof ReadLimitError) return undefined;
    throw error;
  }
}

export class Pkcs15Application implements CardApplication {
  readonly structure = 'pkcs15' as const;
  readonly info: CardApplicationInfo;
  readonly probes: StructureProbe[];
  private readonly card: CardSession;
  private readonly files: FileReader;
  private readonly session: ApplicationSession;
  private readonly odf: { bytes: Uint8Array; file: string };
  private readonly dirApplications: DirApplication[] | undefined;
  private readonly options: Pkcs15ProbeOptions;
  private readonly ownNotes: CardReadNote[] = [];
  private certificateObjects: { object: CertificateObject; cdf: string }[] = [];
  private pinObjects: PinObject[] = [];
  private keys: PrivateKeyObject[] = [];
  /** Counters already asked, by reference and DF (two AODF entries may name one PIN). */
  private readonly counters = new Map<string, PinCounterReading>();

  constructor(
    card: CardSession,
    files: FileReader,
    opened: OpenedApplication,
    odf: { bytes: Uint8Array; file: string },
    probes: StructureProbe[],
    options: Pkcs15ProbeOptions,
  ) {
    this.card = card;
    this.files = files;
    this.session = opened.session;
    this.info = opened.info;
    this.dirApplications = opened.dirApplications;
    this.odf = odf;
    this.probes = probes;
    this.options = options;
  }

  async listObjects(onStage?: (stage: 'object-directory' | 'directories') => void): Promise<ApplicationObjects> {
    onStage?.('object-directory');
    const odf: OdfEntry[] = parseOdf(this.odf.bytes, this.odf.file);
    onStage?.('directories');
    const directoryPaths = (kind: string): Pkcs15Path[] => dedupePaths(odf.filter((entry) => entry.kind === kind).map((entry) => entry.path));
    const pins: PinObject[] = [];
    for (const path of directoryPaths('authObjects')) pins.push(...parseAodf(await this.readFile(path, 'directory'), pathKey(path)));
    const keys: PrivateKeyObject[] = [];
    for (const path of directoryPaths('privateKeys')) keys.push(...parsePrkdf(await this.readFile(path, 'directory'), pathKey(path)));
    const certificateObjects: { object: CertificateObject; cdf: string }[] = [];
    for (const kind of ['certificates', 'trustedCertificates', 'usefulCertificates'] as const) {
      for (const path of directoryPaths(kind)) {
        const bytes = await this.readFile(path, 'directory');
        for (const object of parseCdf(bytes, pathKey(path), kind)) certificateObjects.push({ object, cdf: pathKey(path) });
      }
    }
    if (
      pins.length > pkcs15Limits.maxDirectoryObjects ||
      keys.length > pkcs15Limits.maxDirectoryObjects ||
      certificateObjects.length > pkcs15Limits.maxDirectoryObjects
    ) {
      throw new ReadLimitError('More PKCS#15 objects than any real card holds');
    }
    this.pinObjects = pins;
    this.keys = keys;
    this.certificateObjects = certificateObjects;

    const pinRoles = assignPinRoles(pins, keys);
    const certificateRoles = assignCertificateRoles(
      certificateObjects.map((c) => c.object),
      keys,
      pins,
      pinRoles,
    );
    const listedPins: ListedPin[] = pins.map((pin, i) => describePin(pin, pinRoles[i] as RoleDecision<ListedPin['role']>, pins));
    const certificates: ListedCertificate[] = certificateObjects.map(({ object, cdf }, i) => {
      const role = certificateRoles[i] as RoleDecision<CertificateRole>;
      const key = keys.find((candidate) => sameIdentifier(candidate.id, object.id));
      const pinIndex = key?.common.authId ? pins.findIndex((pin, p) => sameIdentifier(pin.authId, key.common.authId) && pinRoles[p]?.role !== 'puk') : -1;
      return {
        label: object.common.label ?? null,
        id: toHex(object.id),
        authority: object.authority,
        role: role.role,
        roleEvidence: role.evidence,
        pinIndex: pinIndex >= 0 ? pinIndex : null,
        source: sourceOf(object, cdf),
      };
    });
    return { certificates, pins: listedPins, privateKeys: keys.map(describeKey) };
  }

  prepareToReadAllCertificates(): void {
    for (const { object } of this.certificateObjects) {
      if (object.value.kind === 'path' && object.value.path.length !== undefined) {
        this.files.announce(object.value.path.path, (object.value.path.index ?? 0) + object.value.path.length);
      }
    }
  }

  async readCertificate(index: number): Promise<ReadCertificate> {
    const entry = this.certificateObjects[index];
    if (!entry) throw new RangeError(`No certificate ${index}`);
    const { object, cdf } = entry;
    const source = sourceOf(object, cdf);
    if (object.value.kind === 'direct') return { der: extractCertificateDer(object.value.der, cdf), source };
    const path = object.value.path;
    return { der: extractCertificateDer(await this.readFile(path, 'certificate'), pathKey(path)), source };
  }

  async readPinCounter(index: number): Promise<PinCounterReading> {
    const pin = this.pinObjects[index];
    if (!pin) throw new RangeError(`No PIN ${index}`);
    const key = `${pin.reference}/${pin.path ? pathKey(pin.path) : pin.flags.includes('local') ? 'APP' : 'global'}`;
    const known = this.counters.get(key);
    if (known) return known;
    await this.makePinDfCurrent(pin);
    const reading = interpretVerifyWithoutData((await this.card.exchange(verifyStatus(pin.reference))).sw);
    this.counters.set(key, reading);
    return reading;
  }

  async sendPinCommand(index: number, command: { ins: number; p1: number; data: Uint8Array }): Promise<number> {
    const pin = this.pinObjects[index];
    if (!pin) throw new RangeError(`No PIN ${index}`);
    try {
      await this.makePinDfCurrent(pin);
      // The counter changes with this command: ask the card again next time.
      this.counters.clear();
      return (await this.card.exchange({ cla: 0x00, ins: command.ins, p1: command.p1, p2: pin.reference, data: command.data })).sw;
    } finally {
      command.data.fill(0);
    }
  }

  async prepareForReaderPinCommand(index: number): Promise<number> {
    const pin = this.pinObjects[index];
    if (!pin) throw new RangeError(`No PIN ${index}`);
    await this.makePinDfCurrent(pin);
    this.counters.clear();
    return pin.reference;
  }

  /** A local PIN belongs to its DF: PIN commands must be sent with that DF current. */
  private async makePinDfCurrent(pin: PinObject): Promise<void> {
    if (pin.path && isAbsolute(pin.path.path)) {
      const where = `DF ${toHex(pin.path.path)} of PIN ${pin.common.label ?? pin.reference}`;
      try {
        await this.files.selectDf(pin.path.path);
      } catch (error) {
        if (error instanceof ApduError && error.sw === 0x6a82) throw new MissingFileError(where, error.sw);
        throw error;
      }
    } else if (pin.flags.includes('local')) await this.files.ensureApplicationCurrent();
  }

  async readTokenInfo(): Promise<CardTokenInfo | null> {
    const path = this.session.dfPath ? concatBytes(this.session.dfPath, tokenInfoFid) : tokenInfoFid;
    let bytes: Uint8Array;
    try {
      bytes = await this.readFile({ path }, 'directory', 'EF.TokenInfo');
    } catch (error) {
      if (error instanceof MissingFileError) {
        this.ownNotes.push({ code: 'token-info-missing', message: 'The application has no EF.TokenInfo (5032)' });
        return null;
      }
      throw error;
    }
    const info = parseTokenInfo(bytes, `EF.TokenInfo ${toHex(path)}`);
    const printable = info.serialNumber.length > 0 && info.serialNumber.every((b) => b >= 0x20 && b < 0x7f);
    return {
      version: info.version,
      serialNumber: toHex(info.serialNumber),
      serialNumberText: printable ? String.fromCharCode(...info.serialNumber) : null,
      manufacturer: info.manufacturerId ?? null,
      label: info.label ?? null,
      flags: info.flags,
    };
  }

  async readDetails(): Promise<void> {
    if (this.dirApplications !== undefined || this.options.readApplicationLabel !== true) return;
    let dir: DirApplication[] | undefined;
    try {
      dir = parseEfDir(await this.readFile({ path: efDirPath }, 'directory', 'EF.DIR'), 'EF.DIR');
    } catch (error) {
      if (error instanceof MissingFileError) return;
      if (error instanceof Pkcs15ParseError || error instanceof ApduError || error instanceof ReadLimitError) {
        this.ownNotes.push({ code: 'ef-dir-unreadable', message: `EF.DIR: ${error.message}` });
        return;
      }
      throw error;
    }
    const aid = this.session.aid;
    const mine = dir.find((app) => (aid ? bytesEqual(app.aid, aid) : false));
    if (mine) {
      this.info.label = mine.label ?? null;
      this.info.path = mine.path ? toHex(mine.path) : null;
    }
  }

  notes(): CardReadNote[] {
    return [...this.files.observations, ...this.ownNotes];
  }

  /**
   * Reads what a PKCS#15 path designates: a slice when the path has index/length, else a whole
   * directory (up to its padding) or one certificate (up to the end of its DER). A file the card's
   * directory names but the card does not have is a MissingFileError.
   */
  private async readFile(path: Pkcs15Path, content: 'directory' | 'certificate', name?: string): Promise<Uint8Array> {
    const file = name ? `${name} ${pathKey(path)}` : pathKey(path);
    try {
      if (path.length !== undefined) {
        const start = path.index ?? 0;
        const length = path.length;
        const bytes = await this.files.read(path.path, start, (have) =>
          have.length >= length ? { done: true } : { done: false, end: start + length, exact: true },
        );
        if (bytes.length < length) throw new Pkcs15ParseError(`the file ends before the ${length} bytes its directory announces`, { file });
        return bytes.subarray(0, length);
      }
      return await this.files.read(path.path, 0, content === 'directory' ? directoryNeed : certificateNeed);
    } catch (error) {
      if (error instanceof ApduError && error.sw === 0x6a82) throw new MissingFileError(file, error.sw);
      if (error instanceof ReadLimitError && error.file === undefined) throw new ReadLimitError(error.message, { file });
      throw error;
    }
  }
}

/** `63 Cx` x tries left, `69 83` blocked, `90 00` verified in this session; anything else says nothing. */
export function interpretVerifyWithoutData(sw: number): PinCounterReading {
  const statusWord = formatStatusWord(sw);
  if (sw === 0x9000) return { triesLeft: 'unknown', blocked: false, verified: true, statusWord };
  if (sw1Of(sw) === 0x63 && (sw & 0xf0) === 0xc0) {
    const tries = sw & 0x0f;
    return { triesLeft: tries, blocked: tries === 0, verified: false, statusWord };
  }
  if (sw === 0x6983) return { triesLeft: 0, blocked: true, verified: false, statusWord };
  return { triesLeft: 'unknown', blocked: 'unknown', verified: 'unknown', statusWord };
}

function sourceOf(object: CertificateObject, cdf: string): CertificateSource {
  const path = object.value.kind === 'path' ? object.value.path : undefined;
  return {
    structure: 'pkcs15',
    directory: object.directory,
    cdf,
    file: path ? toHex(path.path) : null,
    index: path?.index ?? null,
    length: path?.length ?? null,
  };
}

function describePin(pin: PinObject, role: RoleDecision<ListedPin['role']>, pins: PinObject[]): ListedPin {
  const unblocker = pin.common.authId ? pins.find((other) => other !== pin && sameIdentifier(other.authId, pin.common.authId)) : undefined;
  return {
    label: pin.common.label ?? null,
    authId: toHex(pin.authId),
    role: role.role,
    roleEvidence: role.evidence,
    reference: pin.reference,
    pinType: pin.pinType,
    minLength: pin.minLength,
    maxLength: pin.maxLength ?? null,
    storedLength: pin.storedLength,
    padChar: pin.padChar ?? null,
    flags: pin.flags,
    unblockedBy: unblocker ? toHex(unblocker.authId) : null,
  };
}

function describeKey(key: PrivateKeyObject): CardPrivateKey {
  return {
    label: key.common.label ?? null,
    id: toHex(key.id),
    keyType: key.keyType,
    usage: key.usage,
    authId: key.common.authId ? toHex(key.common.authId) : null,
    keyReference: key.keyReference ?? null,
    modulusLength: key.modulusLength ?? null,
  };
}

export function directoryNeed(have: Uint8Array): ReadNeed {
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
  const base = toHex(path.path);
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
