/**
 * A virtual card is plain data: an ATR, a file tree, PIN objects and a few behavioural switches.
 * The APDU engine (apdu-engine.ts) interprets it; the catalogue (cards.ts) builds ready cards.
 */

/** Who may READ BINARY an EF. Absent means 'always'. */
export type FileReadAccess = 'always' | 'never' | { pin: number };

export interface ElementaryFileSpec {
  kind: 'EF';
  /** 16-bit file identifier. */
  fid: number;
  content: Uint8Array;
  /** For logs and the CLI only (e.g. 'EF.ODF'). */
  name?: string;
  /** 'never' models a private-key file; `{ pin }` a file readable after VERIFY of that PIN reference. */
  readAccess?: FileReadAccess;
}

export interface DedicatedFileSpec {
  kind: 'DF';
  /** 16-bit file identifier; the MF is 0x3F00. */
  fid: number;
  /** DF name for SELECT by AID (P1=04). */
  aid?: Uint8Array;
  children: (ElementaryFileSpec | DedicatedFileSpec)[];
  name?: string;
}

export interface PinSpec {
  /** The reference VERIFY / RESET RETRY COUNTER / CHANGE REFERENCE DATA carry in P2. */
  reference: number;
  label: string;
  /** The PIN as the card stores it, without padding (e.g. ASCII digits). */
  value: Uint8Array;
  triesLeft: number;
  maxTries: number;
  /** Reference of the PUK that unblocks this PIN. */
  unblockedBy?: number;
}

export interface CardBehaviour {
  /** Answers of commands that carry data (case 4) come as `61 xx` and need GET RESPONSE (T=0 style). */
  t0GetResponse: boolean;
  /** Largest Ne the card honours in READ BINARY; a larger one gets `wrongLeAnswer`. */
  maxReadBinaryLength: number;
  /** `6Cxx` tells the exact Le to use (only possible up to 256); `6700` just refuses. */
  wrongLeAnswer: '6Cxx' | '6700';
  /** Extended-length APDUs accepted; otherwise they get `67 00`. */
  extendedLength: boolean;
  /** VERIFY without data answers `63 Cx` / `69 83` / `90 00`; otherwise `67 00` (never spends a try). */
  answersVerifyWithoutData: boolean;
  /**
   * A test double: VERIFY without data spends a try, as a comment in OpenSC warns some cards do.
   * Kortkoll's rules must never send it one (its profile is not known to take the probe).
   */
  verifyWithoutDataCountsAsTry?: boolean;
  /**
   * Template of the answer to SELECT with P2=00 ("return FCI"): `6F` FCI (default) or `62` FCP, as
   * Thales IDPrime cards answer (OpenSC reads the file size from tag 80 of either).
   */
  selectAnswerTemplate?: 0x6f | 0x62;
  /**
   * A command carrying data without Le (case 3, which is how a T=0 host sends a case-4 command)
   * gets its answer through `61 xx` + GET RESPONSE instead of losing it. Default false.
   */
  getResponseWithoutLe?: boolean;
  /**
   * Strict end of file (IDPrime "is strict about lengths"): READ BINARY with an Le past the end answers
   * `6C xx` with xx = bytes left instead of the data and `62 82`. Default false.
   */
  strictEndOfFile?: boolean;
  /** Simulated latency, awaited in transmit(). */
  latencyPerApduMs: number;
  latencyPerByteMs: number;
}

/** A data object GET DATA (`00 CA P1 P2`) answers, with P1P2 = tag, as the whole TLV. */
export interface DataObjectSpec {
  /** One- or two-byte tag, e.g. 0x9F7F (CPLC) or 0xDF30. */
  tag: number;
  value: Uint8Array;
  /** For logs and the CLI only. */
  name?: string;
}

export interface VirtualCardSpec {
  name: string;
  description: string;
  atr: Uint8Array;
  mf: DedicatedFileSpec;
  pins: PinSpec[];
  behaviour: CardBehaviour;
  /** Answered by GET DATA; absent means the card does not know the command (`6D 00`). */
  dataObjects?: DataObjectSpec[];
}

export const MF_FID = 0x3f00;

/** A T=0 card of the SetCOS generation: `61 xx` + GET RESPONSE, 255-byte reads, `6C xx` on a wrong Le. */
export const defaultCardBehaviour: Readonly<CardBehaviour> = Object.freeze({
  t0GetResponse: true,
  maxReadBinaryLength: 0xff,
  wrongLeAnswer: '6Cxx',
  extendedLength: false,
  answersVerifyWithoutData: true,
  latencyPerApduMs: 0,
  latencyPerByteMs: 0,
});

export function elementaryFile(fid: number, content: Uint8Array, extra: Omit<ElementaryFileSpec, 'kind' | 'fid' | 'content'> = {}): ElementaryFileSpec {
  return { kind: 'EF', fid, content, ...extra };
}

export function dedicatedFile(
  fid: number,
  children: DedicatedFileSpec['children'],
  extra: Omit<DedicatedFileSpec, 'kind' | 'fid' | 'children'> = {},
): DedicatedFileSpec {
  return { kind: 'DF', fid, children, ...extra };
}

/** Finds a file by its absolute path of FIDs (starting with 3F00). */
export function findFileByPath(mf: DedicatedFileSpec, path: readonly number[]): ElementaryFileSpec | DedicatedFileSpec | undefined {
  if (path[0] !== mf.fid) return undefined;
  let current: ElementaryFileSpec | DedicatedFileSpec = mf;
  for (const fid of path.slice(1)) {
    if (current.kind !== 'DF') return undefined;
    const next: ElementaryFileSpec | DedicatedFileSpec | undefined = current.children.find((child) => child.fid === fid);
    if (!next) return undefined;
    current = next;
  }
  return current;
}

/** Parses a PKCS#15-style path (`3F00 5015 4401` as bytes) into FIDs. */
export function pathToFids(path: Uint8Array): number[] {
  const fids: number[] = [];
  for (let i = 0; i + 1 < path.length; i += 2) fids.push(((path[i] ?? 0) << 8) | (path[i + 1] ?? 0));
  return fids;
}
