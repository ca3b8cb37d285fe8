/**
 * The card layer's typed errors (yubikey-manager style). Transport errors (native/transport.ts)
 * are not wrapped: they pass through the session unchanged, so `CardRemovedError` stays a
 * `CardRemovedError` all the way up.
 */
import { toHex } from '../../native/bytes.js';
import type { StructureProbe } from './card-read-result.js';
import { describeStatusWord, formatStatusWord } from './status-words.js';

export type CardErrorCode =
  'apdu' | 'application-not-available' | 'malformed-response' | 'pkcs15-parse' | 'idprime-format' | 'missing-file' | 'unknown-structure' | 'read-limit';

/** Base of every error the card layer raises itself. `code` is what callers switch on. */
export class CardError extends Error {
  readonly code: CardErrorCode;
  constructor(code: CardErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The card answered a command with a status word other than success. */
export class ApduError extends CardError {
  readonly sw: number;
  /** Instruction byte of the command that failed (e.g. 0xA4 SELECT). */
  readonly ins: number | undefined;
  constructor(sw: number, ins?: number, context?: string) {
    const where = context ?? (ins === undefined ? 'command' : `INS ${toHex(Uint8Array.of(ins))}`);
    super('apdu', `${where}: card answered ${formatStatusWord(sw)} (${describeStatusWord(sw, 'en')})`);
    this.sw = sw;
    this.ins = ins;
  }
  get statusWord(): string {
    return formatStatusWord(this.sw);
  }
}

/** SELECT of an application (by AID) failed: the card does not have it, or refuses it. */
export class ApplicationNotAvailableError extends CardError {
  readonly aid: Uint8Array;
  readonly sw: number | undefined;
  constructor(aid: Uint8Array, sw?: number) {
    super(
      'application-not-available',
      `Application ${toHex(aid)} is not available` + (sw === undefined ? '' : ` (${formatStatusWord(sw)} ${describeStatusWord(sw, 'en')})`),
    );
    this.aid = aid;
    this.sw = sw;
  }
}

/** The card (or reader) returned something that is not a response APDU, or a response chain that never ends. */
export class MalformedResponseError extends CardError {
  constructor(message: string) {
    super('malformed-response', message);
  }
}

/** PKCS#15 data on the card could not be understood. `file` names where it was read from, when known. */
export class Pkcs15ParseError extends CardError {
  readonly file: string | undefined;
  readonly offset: number | undefined;
  constructor(message: string, options: { file?: string; offset?: number } = {}) {
    super('pkcs15-parse', options.file ? `${options.file}: ${message}` : message);
    this.file = options.file;
    this.offset = options.offset;
  }
}

/** IDPrime minidriver data (index, cmapfile, key references, certificate file) could not be understood. */
export class IdPrimeFormatError extends CardError {
  readonly file: string | undefined;
  constructor(message: string, options: { file?: string } = {}) {
    super('idprime-format', options.file ? `${options.file}: ${message}` : message);
    this.file = options.file;
  }
}

/** A file that the card's own directory names is not on the card (SELECT answered `sw`). */
export class MissingFileError extends CardError {
  readonly file: string;
  readonly sw: number;
  constructor(file: string, sw: number) {
    super('missing-file', `${file}: named by the card's directory, but SELECT answered ${formatStatusWord(sw)} (${describeStatusWord(sw, 'en')})`);
    this.file = file;
    this.sw = sw;
  }
}

/** The card answered neither the IDPrime nor the PKCS#15 probes. */
export class UnknownStructureError extends CardError {
  readonly probes: StructureProbe[];
  constructor(probes: StructureProbe[]) {
    super('unknown-structure', `No known card structure: ${probes.map((p) => `${p.target} → ${p.statusWord ?? '?'}`).join(', ')}`);
    this.probes = probes;
  }
}

/** A read bound was hit (file size, number of APDUs or objects): the card's data cannot be right. */
export class ReadLimitError extends CardError {
  readonly file: string | undefined;
  constructor(message: string, options: { file?: string } = {}) {
    super('read-limit', message);
    this.file = options.file;
  }
}

export function isCardError(error: unknown): error is CardError {
  return error instanceof CardError;
}
