/**
 * A Thales IDPrime card (the minidriver file system, no PKCS#15 application), as OpenSC's idprime
 * driver reads it: the applet by DF name, the index file 0101 (whose FCP gives its size), and from
 * the index the container map, the certificate files `kxcNN`/`kscNN` in `mscp`, the card id and
 * the token label; on the 940 family also the key-reference file 0005. Sizes come from the index,
 * so every READ BINARY asks for exactly what is left of the file (IDPrime is strict about lengths).
 */
import { Ins } from '../apdu.js';
import type { CardApplicationInfo, CardPrivateKey, CardReadNote, CardTokenInfo, StructureProbe } from '../card-read-result.js';
import { ApduError, IdPrimeFormatError, MissingFileError } from '../errors.js';
import { FileReader, type ReadNeed } from '../file-reader.js';
import { toHex } from '../../../native/bytes.js';
import { selectByAid, SelectP2, verifyStatus } from '../iso7816.js';
import {
  certificateFileKind,
  decodeCertificateFile,
  fileSizeFromFcp,
  idPrimeAppletAid,
  idPrimeLimits,
  idPrimePinReferences,
  indexFid,
  keyReferenceFid,
  parseAppletVersion,
  parseContainerMap,
  parseIndexFile,
  parseKeyReferenceFile,
  parseTokenLabel,
  type ContainerRecord,
  type IdPrimeIndexEntry,
  type KeyReferenceRecord,
} from '../idprime/layout.js';
import type { CardSession } from '../session.js';
import type { ApplicationObjects, CardApplication, ListedCertificate, ListedPin, PinCounterReading, ReadCertificate } from './card-application.js';
import { interpretVerifyWithoutData } from './pkcs15-application.js';
import type { ProbeRecorder } from './probe-recorder.js';

const mf = 0x3f00;
const pathOf = (fid: number): Uint8Array => Uint8Array.of(mf >> 8, mf & 0xff, fid >> 8, fid & 0xff);
const exactly =
  (size: number) =>
  (have: Uint8Array): ReadNeed =>
    have.length >= size ? { done: true } : { done: false, end: size, exact: true };

/** The container map up to its first unused record (a record starting 00 ends it), at most its size. */
function containerMapNeed(size: number) {
  return (have: Uint8Array): ReadNeed => {
    for (let offset = 0; offset < Math.min(have.length, size); offset += idPrimeLimits.containerRecordLength) {
      if (have[offset] === 0) return { done: true };
    }
    return have.length >= size ? { done: true } : { done: false, end: size, exact: true };
  };
}

/** The largest index a card can announce: 255 entries of 21 bytes after the count. */
const maxIndexBytes = 1 + 255 * idPrimeLimits.indexEntryLength;

/** Read hints for the IDPrime structure, whatever the ATR suggested: short APDUs of at most 256 bytes. */
const idPrimeReadHints = { maxShortReadLength: 256, extendedLength: 'no', maxExtendedReadLength: 0, selectByPath: true } as const;

/**
 * Probes for the IDPrime applet: SELECT by DF name, then SELECT 0101 by path, which must answer an
 * FCP whose tag 80 gives a size > 0. Both must succeed for the structure to be confirmed.
 */
export async function probeIdPrime(card: CardSession, recorder: ProbeRecorder): Promise<IdPrimeApplication | undefined> {
  const selected = await recorder.step('idprime', 'SELECT IDPrime applet', () => card.exchange(selectByAid(idPrimeAppletAid, SelectP2.noData)));
  if (selected.sw !== 0x9000) return undefined;
  const files = new FileReader(card, { hints: idPrimeReadHints, maxFileBytes: idPrimeLimits.maxFileBytes });
  const indexSize = await recorder.step('idprime', 'SELECT index 0101', async () => {
    try {
      return fileSizeFromFcp(await files.selectWithFcp(pathOf(indexFid)));
    } catch (error) {
      if (error instanceof ApduError) return undefined;
      throw error;
    }
  });
  if (indexSize === undefined || indexSize <= 0 || indexSize > maxIndexBytes) return undefined;
  return new IdPrimeApplication(card, files, indexSize, recorder.probes);
}

interface CertificateFile {
  entry: IdPrimeIndexEntry;
  kind: 'kxc' | 'ksc';
  container: number | null;
}

export class IdPrimeApplication implements CardApplication {
  readonly structure = 'idprime' as const;
  readonly info: CardApplicationInfo = { aid: toHex(idPrimeAppletAid), label: null, path: null, foundBy: 'aid', appletVersion: null };
  readonly probes: StructureProbe[];
  private readonly card: CardSession;
  private readonly files: FileReader;
  private readonly indexSize: number;
  private readonly ownNotes: CardReadNote[] = [];
  private index: IdPrimeIndexEntry[] = [];
  private certificateFiles: CertificateFile[] = [];
  private pins: ListedPin[] = [];

  constructor(card: CardSession, files: FileReader, indexSize: number, probes: StructureProbe[]) {
    this.card = card;
    this.files = files;
    this.indexSize = indexSize;
    this.probes = probes;
  }

  async listObjects(onStage?: (stage: 'object-directory' | 'directories') => void): Promise<ApplicationObjects> {
    onStage?.('object-directory');
    this.index = parseIndexFile(await this.readWhole(pathOf(indexFid), this.indexSize, 'index 0101'), 'index 0101');
    onStage?.('directories');
    const named = (name: string, directory: string) => this.index.find((entry) => entry.name === name && entry.directory === directory);

    // Only the 940 family has it, and the index does not list it: its FCP tells whether it is there.
    // It ties each container's key to its key reference and PIN.
    const keyReferences = await this.readKeyReferenceFile();

    // Without it, the container map is what says which certificates have a key (as OpenSC reads
    // other IDPrime cards). With it, the map would add only key sizes and names, and some 940s
    // leave it empty although their keys exist: it is not read there (two APDUs saved).
    const cmapEntry = named('cmapfile', 'mscp');
    let containers: ContainerRecord[] | null = null;
    if (keyReferences === null) {
      if (cmapEntry) containers = parseContainerMap(await this.readEntry(cmapEntry, containerMapNeed(cmapEntry.size)));
      else this.ownNotes.push({ code: 'idprime-file-missing', message: 'The index lists no mscp/cmapfile (container map)' });
    }

    this.certificateFiles = this.index.flatMap((entry) => {
      const kind = certificateFileKind(entry);
      return kind ? [{ entry, ...kind }] : [];
    });
    if (this.certificateFiles.length > idPrimeLimits.maxCertificateFiles) {
      throw new IdPrimeFormatError(`the index lists ${this.certificateFiles.length} certificate files, more than any real card holds`, { file: 'index 0101' });
    }

    // PINs: the user PIN always; the digital-signature PIN on the 940 family (the card with the
    // key-reference file). The PUK's reference on these cards is not known: listed, never probed.
    const pins: ListedPin[] = [idPrimePin(idPrimePinReferences.user, 'authentication')];
    if (keyReferences !== null) pins.push(idPrimePin(idPrimePinReferences.signature, 'signature'));
    pins.push({
      label: null,
      authId: 'PUK',
      role: 'puk',
      roleEvidence: ['card-type-convention'],
      reference: null,
      pinType: 'ascii-numeric',
      minLength: 8,
      maxLength: null,
      storedLength: 0,
      padChar: null,
      flags: ['unblockingPin'],
      unblockedBy: null,
    });
    this.pins = pins;

    const certificates: ListedCertificate[] = this.certificateFiles.map((file) => {
      const container = file.container === null ? undefined : containers?.find((record) => record.index === file.container);
      const keyReference = file.container === null ? undefined : keyReferences?.find((record) => record.container === file.container);
      const pinReference = keyReference?.pinReference ?? idPrimePinReferences.user;
      const pinIndex = pins.findIndex((pin) => pin.reference === pinReference);
      if (containers !== null && containers.length > 0 && !container?.valid) {
        this.ownNotes.push({
          code: 'idprime-no-container',
          message: `${file.entry.name}: the container map has no key for container ${file.container ?? '?'}`,
        });
      }
      return {
        label: null,
        id: file.container === null ? file.entry.fidHex : String(file.container).padStart(2, '0'),
        authority: false,
        // Decided from the certificate's own key usage once it is read.
        role: 'unknown',
        roleEvidence: ['none'],
        pinIndex: pinIndex >= 0 ? pinIndex : null,
        source: { structure: 'idprime', file: file.entry.fidHex, name: file.entry.name, container: file.container, compressed: false },
      };
    });
    const privateKeys: CardPrivateKey[] = keyReferences
      ? keyReferences.map(describeKeyReference)
      : (containers ?? []).filter((record) => record.valid).map(describeContainerKey);
    return { certificates, pins, privateKeys };
  }

  prepareToReadAllCertificates(): void {
    // Every certificate has a file of its own: nothing to share.
  }

  async readCertificate(index: number): Promise<ReadCertificate> {
    const file = this.certificateFiles[index];
    if (!file) throw new RangeError(`No certificate ${index}`);
    const decoded = decodeCertificateFile(await this.readEntry(file.entry), `${file.entry.name} ${file.entry.fidHex}`);
    return {
      der: decoded.der,
      source: { structure: 'idprime', file: file.entry.fidHex, name: file.entry.name, container: file.container, compressed: decoded.compressed },
    };
  }

  async readPinCounter(index: number): Promise<PinCounterReading> {
    const pin = this.pins[index];
    if (!pin || pin.reference === null) throw new RangeError(`No PIN ${index} with a reference`);
    // The applet is still selected: nothing here selects anything outside it.
    return interpretVerifyWithoutData((await this.card.exchange(verifyStatus(pin.reference))).sw);
  }

  async sendPinCommand(index: number, command: { ins: number; p1: number; data: Uint8Array }): Promise<number> {
    const pin = this.pins[index];
    try {
      if (!pin || pin.reference === null) throw new RangeError(`No PIN ${index} with a reference`);
      // The applet is still selected: nothing here selects anything outside it.
      return (await this.card.exchange({ cla: 0x00, ins: command.ins, p1: command.p1, p2: pin.reference, data: command.data })).sw;
    } finally {
      command.data.fill(0);
    }
  }

  async prepareForReaderPinCommand(index: number): Promise<number> {
    const pin = this.pins[index];
    if (!pin || pin.reference === null) throw new RangeError(`No PIN ${index} with a reference`);
    // The applet is still selected.
    return pin.reference;
  }

  async readTokenInfo(): Promise<CardTokenInfo | null> {
    const cardId = this.index.find((entry) => entry.name === 'cardid');
    const tinfo = this.index.find((entry) => entry.name === 'tinfo' && entry.directory === 'p11');
    const serial = cardId ? await this.readEntry(cardId) : null;
    const label = tinfo ? parseTokenLabel(await this.readEntry(tinfo)) : null;
    if (!serial && label === null) return null;
    this.info.label = label;
    return {
      version: 0,
      // The Windows card id (16 bytes), not the card number printed on the card.
      serialNumber: serial ? toHex(serial) : '',
      serialNumberText: null,
      manufacturer: null,
      label,
      flags: [],
    };
  }

  async readDetails(): Promise<void> {
    // GET DATA DF30: `DF 30 LL <applet version>`. A card that does not answer simply has no version shown.
    const response = await this.card.exchange({ cla: 0x00, ins: Ins.getData, p1: 0xdf, p2: 0x30, le: 0x2d });
    if (response.sw === 0x9000) this.info.appletVersion = parseAppletVersion(response.data) ?? null;
  }

  notes(): CardReadNote[] {
    return [...this.files.observations, ...this.ownNotes];
  }

  private async readEntry(entry: IdPrimeIndexEntry, need?: (have: Uint8Array) => ReadNeed): Promise<Uint8Array> {
    return this.readWhole(pathOf(entry.fid), entry.size, `${entry.directory ? `${entry.directory}/` : ''}${entry.name} ${entry.fidHex}`, need);
  }

  /**
   * The file of known size (or as much of it as `need` wants); a file the index names but the card
   * lacks is a MissingFileError.
   */
  private async readWhole(path: Uint8Array, size: number, name: string, need: (have: Uint8Array) => ReadNeed = exactly(size)): Promise<Uint8Array> {
    if (size === 0) return new Uint8Array(0);
    try {
      const bytes = await this.files.read(path, 0, need);
      if (bytes.length < size && !need(bytes).done)
        throw new IdPrimeFormatError(`the file ends after ${bytes.length} of the ${size} bytes the index states`, { file: name });
      return bytes.subarray(0, Math.min(size, bytes.length));
    } catch (error) {
      if (error instanceof ApduError && error.sw === 0x6a82) throw new MissingFileError(name, error.sw);
      throw error;
    }
  }

  private async readKeyReferenceFile(): Promise<KeyReferenceRecord[] | null> {
    const path = pathOf(keyReferenceFid);
    let size: number | undefined;
    try {
      size = fileSizeFromFcp(await this.files.selectWithFcp(path));
    } catch (error) {
      if (error instanceof ApduError) return null;
      throw error;
    }
    if (size === undefined || size > 0x800) return null;
    return parseKeyReferenceFile(await this.readWhole(path, size, 'key references 0005'));
  }
}

function idPrimePin(reference: number, role: 'authentication' | 'signature'): ListedPin {
  return {
    label: null,
    authId: toHex(Uint8Array.of(reference)),
    role,
    roleEvidence: ['card-type-convention'],
    reference,
    pinType: 'ascii-numeric',
    minLength: 4,
    maxLength: 16,
    // Padded to 16 bytes with 00 (840/940/generic cards).
    storedLength: 16,
    padChar: 0x00,
    flags: ['initialized', 'needs-padding'],
    unblockedBy: null,
  };
}

/** A key as the container map describes it: under the user PIN (the only one OpenSC knows there). */
function describeContainerKey(record: ContainerRecord): CardPrivateKey {
  const exchange = record.keyExchangeKeyBits > 0;
  return {
    label: record.guid || null,
    id: String(record.index).padStart(2, '0'),
    keyType: 'rsa',
    usage: exchange ? ['sign', 'decrypt', 'unwrap'] : ['sign'],
    authId: toHex(Uint8Array.of(idPrimePinReferences.user)),
    keyReference: null,
    modulusLength: exchange ? record.keyExchangeKeyBits : record.signatureKeyBits || null,
  };
}

/** A key as the 940 family's key-reference file describes it: its reference and PIN, no size or usage. */
function describeKeyReference(record: KeyReferenceRecord): CardPrivateKey {
  return {
    label: null,
    id: String(record.container).padStart(2, '0'),
    keyType: 'rsa',
    usage: [],
    authId: toHex(Uint8Array.of(record.pinReference)),
    keyReference: record.keyReference,
    modulusLength: null,
  };
}
