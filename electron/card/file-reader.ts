/**
 * Reads elementary files of a PKCS#15 application with as few APDUs as the card allows:
 * SELECT by path (P1=08) where the card takes it, the largest READ BINARY it accepts (extended
 * length when the profile says so, falling back on 67 00), and a cache so that no byte of a file
 * is read twice (a file shared by several certificates is read once). Reads stop as soon as the
 * caller has what it needs (a complete directory, a complete certificate), so the padding that
 * cards leave after their objects is not transferred.
 */
import { concatBytes, toHex } from '../../native/bytes.js';
import { formatStatusWord, Ins, maxExtendedLe, maxShortLe, sw1Of } from './apdu.js';
import { ApduError, ReadLimitError } from './errors.js';
import { maxReadBinaryOffset, readBinary, selectByFid, selectByPathFromMf } from './iso7816.js';
import type { CardReadHints } from './profiles.js';
import type { ApplicationSession, CardSession } from './session.js';

/** What the caller still needs: nothing more, or at least `end` bytes (`exact` when the end is known). */
export type ReadNeed = { done: true } | { done: false; end: number; exact: boolean };

export interface FileReaderOptions {
  hints: CardReadHints;
  /** Largest file this reader will read (a bound against corrupted directories). */
  maxFileBytes?: number;
}

export interface ReaderObservation {
  code: 'select-by-path-refused' | 'extended-length-refused' | 'read-length-reduced';
  message: string;
}

/** Select-by-path status words that mean "this card does not do P1=08". */
const pathSelectUnsupported = new Set([0x6a86, 0x6a81, 0x6d00, 0x6b00, 0x6a87, 0x6e00]);

/** One EF's bytes read so far: contiguous ranges from arbitrary offsets, and its size once known. */
class CachedFile {
  readonly ranges: { start: number; bytes: Uint8Array }[] = [];
  /** Set once the end of the file was met. */
  size: number | undefined;

  /** Bytes available contiguously from `start`. */
  contiguousFrom(start: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let position = start;
    for (;;) {
      const range = this.ranges.find((r) => r.start <= position && r.start + r.bytes.length > position);
      if (!range) break;
      parts.push(range.bytes.subarray(position - range.start));
      position = range.start + range.bytes.length;
    }
    if (parts.length === 1) return parts[0] as Uint8Array;
    return concatBytes(...parts);
  }

  add(start: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.ranges.push({ start, bytes });
    this.ranges.sort((a, b) => a.start - b.start);
  }
}

export class FileReader {
  private readonly card: CardSession;
  /** The application relative paths are relative to; unset while a card is still being probed. */
  private application: ApplicationSession | undefined;
  private readonly cache = new Map<string, CachedFile>();
  private readonly announcedEnds = new Map<string, number>();
  private readonly maxFileBytes: number;
  private selectByPath: boolean;
  private extended: 'yes' | 'no' | 'try';
  private maxShort: number;
  private maxExtended: number;
  /** Key of the EF currently selected, if we know it. */
  private selectedEf: string | undefined;
  /** Absolute path (hex) of the current DF when known; 'APP' for the application DF selected by AID; undefined: not known. */
  private currentDf: string | undefined;
  /** Absolute path (hex) of the application DF, when known. */
  private applicationDf: string | undefined;
  /** What the reader learnt about the card, for the report. */
  readonly observations: ReaderObservation[] = [];

  /**
   * A reader for files of `application` (just selected), or, given a bare card session, for
   * absolute paths only until `enterApplication` (probing a card for its structure).
   */
  constructor(target: ApplicationSession | CardSession, options: FileReaderOptions) {
    if ('card' in target) {
      this.card = target.card;
      this.enterApplication(target);
    } else {
      this.card = target;
    }
    this.maxFileBytes = Math.min(options.maxFileBytes ?? maxReadBinaryOffset + 1, maxReadBinaryOffset + 1);
    this.selectByPath = options.hints.selectByPath;
    this.extended = options.hints.extendedLength;
    this.maxShort = Math.max(1, Math.min(maxShortLe, options.hints.maxShortReadLength));
    this.maxExtended = Math.max(maxShortLe + 1, Math.min(maxExtendedLe, options.hints.maxExtendedReadLength || maxExtendedLe));
  }

  /** The application is now selected (by AID or by its DF's path): relative paths are relative to it. */
  enterApplication(application: ApplicationSession): void {
    this.application = application;
    this.applicationDf = application.dfPath ? toHex(application.dfPath) : undefined;
    this.currentDf = this.applicationDf ?? 'APP';
    this.selectedEf = undefined;
  }

  /** The caller has just selected this EF itself (a probe that needed its FCP): no second SELECT. */
  markSelected(path: Uint8Array): void {
    if (!isAbsolute(path) || path.length < 4) return;
    this.selectedEf = FileReader.keyOf(path);
    this.currentDf = toHex(path.subarray(0, path.length - 2));
  }

  /**
   * SELECT by path from the MF asking for the FCP (P2 = 00), for a card whose files have no other
   * size record; the EF is then current. Throws ApduError when the card does not select it.
   */
  async selectWithFcp(path: Uint8Array): Promise<Uint8Array> {
    const key = FileReader.keyOf(path);
    this.selectedEf = undefined;
    const response = await this.card.exchange({ ...selectByPathFromMf(path.subarray(2)), p2: 0x00, le: 256 }, 'short');
    if (response.sw !== 0x9000) throw new ApduError(response.sw, Ins.select, `SELECT ${key}`);
    this.markSelected(path);
    return response.data;
  }

  /** Whether SELECT by path / extended length turned out to work, as far as tried. */
  get capabilities(): { selectByPath: boolean; extendedLength: 'yes' | 'no' | 'try'; maxShortReadLength: number; maxExtendedReadLength: number } {
    return { selectByPath: this.selectByPath, extendedLength: this.extended, maxShortReadLength: this.maxShort, maxExtendedReadLength: this.maxExtended };
  }

  /** Whether the application DF is the current DF (relative FIDs and local PINs depend on it). */
  get applicationDfIsCurrent(): boolean {
    if (!this.application || this.currentDf === undefined) return false;
    return this.currentDf === 'APP' || this.currentDf === this.applicationDf;
  }

  /** Makes the application DF current again (one SELECT) if something else was selected. */
  async ensureApplicationCurrent(): Promise<void> {
    if (this.applicationDfIsCurrent) return;
    if (!this.application) throw new Error('Internal error: a relative path before any application was selected');
    await this.application.reselect();
    this.currentDf = this.applicationDf ?? 'APP';
    this.selectedEf = undefined;
  }

  /** Makes the DF at this absolute path current (for VERIFY of a PIN that lives there). */
  async selectDf(path: Uint8Array): Promise<void> {
    const key = toHex(path);
    if (key === this.currentDf || (this.currentDf === 'APP' && key === this.applicationDf)) return;
    this.selectedEf = undefined;
    if (path.length === 2) {
      await this.selectFids([path], key);
    } else if (this.selectByPath) {
      const response = await this.card.exchange(selectByPathFromMf(path.subarray(2)));
      if (response.sw !== 0x9000) {
        if (!pathSelectUnsupported.has(response.sw)) throw new ApduError(response.sw, Ins.select, `SELECT ${key}`);
        this.refuseSelectByPath(response.sw);
        await this.selectFids([Uint8Array.of(0x3f, 0x00), ...splitFids(path.subarray(2))], key);
      }
    } else {
      await this.selectFids([Uint8Array.of(0x3f, 0x00), ...splitFids(path.subarray(2))], key);
    }
    this.currentDf = key;
  }

  /**
   * Says that bytes up to `end` of this file will be needed (several certificates in one file), so
   * that reads of one slice can take the next ones along instead of stopping at the slice's end.
   */
  announce(path: Uint8Array, end: number): void {
    const key = FileReader.keyOf(path);
    this.announcedEnds.set(key, Math.max(end, this.announcedEnds.get(key) ?? 0));
  }

  static keyOf(path: Uint8Array): string {
    return isAbsolute(path) ? toHex(path) : `APP/${toHex(path)}`;
  }

  /**
   * Bytes of the file from `start`, read until `need` says done (or the file ends). Returns what is
   * available from `start`; the caller decides whether that is enough.
   */
  async read(path: Uint8Array, start: number, need: (bytes: Uint8Array, atEnd: boolean) => ReadNeed, maxBytes = this.maxFileBytes): Promise<Uint8Array> {
    const key = FileReader.keyOf(path);
    let file = this.cache.get(key);
    if (!file) {
      file = new CachedFile();
      this.cache.set(key, file);
    }
    for (;;) {
      const have = file.contiguousFrom(start);
      const atEnd = file.size !== undefined && start + have.length >= file.size;
      const wanted = need(have, atEnd);
      if (wanted.done || atEnd) return have;
      const offset = start + have.length;
      // A caller's own bound (discovery reads) ends the read quietly; the file bound is a fault.
      if (offset >= maxBytes && maxBytes < this.maxFileBytes) return have;
      if (offset >= this.maxFileBytes) {
        throw new ReadLimitError(`${key}: file larger than ${this.maxFileBytes} bytes`, { file: key });
      }
      // Exact needs stretch to the end of other slices of this file that will be read too.
      const end = wanted.exact ? Math.max(wanted.end, this.announcedEnds.get(key) ?? 0) : wanted.end;
      const remainingWanted = Math.max(1, end - offset);
      // Stop at bytes already cached further on (another slice of the same file).
      const nextCached = file.ranges.find((range) => range.start > offset)?.start;
      const limit = Math.min(this.maxFileBytes, maxBytes, nextCached ?? Number.POSITIVE_INFINITY) - offset;
      if (this.selectedEf !== key) await this.select(path, key);
      const chunk = await this.readChunk(offset, wanted.exact ? Math.min(remainingWanted, limit) : limit, key);
      if (chunk.endOfFile) file.size = offset + chunk.data.length;
      file.add(offset, chunk.data);
      if (chunk.data.length === 0 && file.size === undefined) file.size = offset;
    }
  }

  private async select(path: Uint8Array, key: string): Promise<void> {
    this.selectedEf = undefined;
    if (isAbsolute(path)) {
      if (path.length === 2) throw new ApduError(0x6981, Ins.select, `SELECT ${key}: the MF is not an EF`);
      let selected = false;
      if (this.selectByPath) {
        const response = await this.card.exchange(selectByPathFromMf(path.subarray(2)));
        if (response.sw === 0x9000) selected = true;
        else if (!pathSelectUnsupported.has(response.sw)) throw new ApduError(response.sw, Ins.select, `SELECT ${key}`);
        else this.refuseSelectByPath(response.sw);
      }
      if (!selected) await this.selectFids([Uint8Array.of(0x3f, 0x00), ...splitFids(path.subarray(2))], key);
      // An EF's parent becomes the current DF.
      this.currentDf = toHex(path.subarray(0, path.length - 2));
      this.selectedEf = key;
      return;
    }
    await this.ensureApplicationCurrent();
    await this.selectFids(splitFids(path), key);
    // Selecting an EF keeps its parent current; a deeper relative path leaves the application DF.
    if (path.length > 2) this.currentDf = `APP/${toHex(path.subarray(0, path.length - 2))}`;
    this.selectedEf = key;
  }

  private refuseSelectByPath(sw: number): void {
    this.selectByPath = false;
    this.observations.push({ code: 'select-by-path-refused', message: `SELECT by path refused (${formatStatusWord(sw)}); selecting FID by FID` });
  }

  private async selectFids(fids: Uint8Array[], key: string): Promise<void> {
    for (const fid of fids) {
      const response = await this.card.exchange(selectByFid(fid));
      if (response.sw !== 0x9000) throw new ApduError(response.sw, Ins.select, `SELECT ${key} (FID ${toHex(fid)})`);
    }
  }

  private async readChunk(offset: number, wanted: number, key: string): Promise<{ data: Uint8Array; endOfFile: boolean }> {
    // Never ask past the last offset READ BINARY can address.
    const room = maxReadBinaryOffset + 1 - offset;
    const length = Math.max(1, Math.min(wanted, room));
    for (let attempt = 0; attempt < 6; attempt++) {
      const useExtended = this.extended !== 'no' && length > this.maxShort;
      const le = useExtended ? Math.min(length, this.maxExtended) : Math.min(length, this.maxShort);
      const response = await this.card.exchange(readBinary(offset, le), useExtended ? 'extended' : 'short');
      if (useExtended && response.sw === 0x6700) {
        // Too large for the card's buffer, or no extended length at all: smaller (down to 1 KiB while
        // untried, 512 bytes once extended length worked), then short APDUs.
        const floor = this.extended === 'yes' ? 2 * maxShortLe : 1024;
        if (le > floor) {
          this.maxExtended = le > 2048 ? 2048 : Math.max(floor, Math.floor(le / 2));
        } else {
          this.extended = 'no';
          this.observations.push({
            code: 'extended-length-refused',
            message: `extended-length READ BINARY refused (${formatStatusWord(response.sw)}); using short APDUs`,
          });
        }
        continue;
      }
      if (useExtended && (response.sw === 0x6d00 || response.sw === 0x6e00 || response.sw === 0x6a86) && this.extended === 'try') {
        this.extended = 'no';
        this.observations.push({
          code: 'extended-length-refused',
          message: `extended-length READ BINARY refused (${formatStatusWord(response.sw)}); using short APDUs`,
        });
        continue;
      }
      if (useExtended && this.extended === 'try' && (response.sw === 0x9000 || response.sw === 0x6282)) this.extended = 'yes';
      if (!useExtended && response.sw === 0x6700 && this.maxShort === maxShortLe && le === maxShortLe) {
        // Some cards refuse Le = 00 (256); 255 is what they take.
        this.maxShort = 0xff;
        this.observations.push({ code: 'read-length-reduced', message: 'READ BINARY with Le 00 refused; reading 255 bytes at a time' });
        continue;
      }
      // After a 6Cxx the session asked again with the card's own Le: that is what counts.
      const sentLe = response.le ?? le;
      // Learn it when it cannot have meant "only xx bytes left": the file ended before xx, or a
      // full xx came back and xx is a plausible buffer size.
      if (sentLe < le && !useExtended && (response.sw === 0x6282 || (response.sw === 0x9000 && response.data.length === sentLe && sentLe >= 128))) {
        this.maxShort = sentLe;
      }
      const data = response.data.length > sentLe ? response.data.subarray(0, sentLe) : response.data;
      if (response.sw === 0x9000) return { data, endOfFile: data.length < sentLe || data.length === 0 };
      if (response.sw === 0x6282) return { data, endOfFile: true };
      if (response.sw === 0x6b00 && offset > 0) return { data: new Uint8Array(0), endOfFile: true };
      if (sw1Of(response.sw) === 0x62 && data.length > 0) return { data, endOfFile: data.length < sentLe };
      throw new ApduError(response.sw, Ins.readBinary, `READ BINARY ${key} at ${offset}`);
    }
    throw new ApduError(0x6700, Ins.readBinary, `READ BINARY ${key} at ${offset}`);
  }
}

export function isAbsolute(path: Uint8Array): boolean {
  return path.length >= 2 && path[0] === 0x3f && path[1] === 0x00;
}

function splitFids(path: Uint8Array): Uint8Array[] {
  const fids: Uint8Array[] = [];
  for (let i = 0; i + 1 < path.length; i += 2) fids.push(path.subarray(i, i + 2));
  return fids;
}
