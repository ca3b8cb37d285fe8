/**
 * An ISO/IEC 7816-4 card operating system for one VirtualCardSpec: file selection, READ BINARY,
 * GET RESPONSE and the PIN commands, with the status words a real card answers. It never throws for
 * a bad command APDU; it answers it. Only transmit() on a powered-off card rejects (plain Error),
 * because that is a bug in whatever plugs the card in, not something a card could answer.
 */
import type { ApduLogEntry, VirtualCardEndpoint } from './endpoint.js';
import type { CardBehaviour, DedicatedFileSpec, ElementaryFileSpec, VirtualCardSpec } from './card-model.js';
import { MF_FID } from './card-model.js';
import { encodeResponseApdu, tryDecodeCommandApdu, type DecodedCommandApdu } from '../apdu-codec.js';
import { bytesEqual, concatBytes } from '../bytes.js';
import { encodeLength, tlv, uint16 } from './tlv.js';

/** Status words the engine answers, named as in ISO/IEC 7816-4. */
export const SW = {
  OK: 0x9000,
  END_OF_FILE_BEFORE_NE: 0x6282,
  WRONG_LENGTH: 0x6700,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  CHAINING_NOT_SUPPORTED: 0x6884,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_OF_USE_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  NC_INCONSISTENT_WITH_P1P2: 0x6a87,
  REFERENCE_NOT_FOUND: 0x6a88,
  OFFSET_OUTSIDE_EF: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

/**
 * A command as the engine reads it: the shared decoding (native/apdu-codec.ts, the codec the card
 * layer encodes with), with Ne as a number that is 0 when there is no Le field.
 */
export interface CommandApdu extends DecodedCommandApdu {
  /** Ne: the number of response bytes expected; 0 when the Le field is absent. Short Le 00 = 256, extended 0000 = 65536. */
  ne: number;
  hasLe: boolean;
}

/** Splits a command APDU into its fields (ISO 7816-4 §5.1, cases 1–4 short and extended); undefined when malformed. */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu | undefined {
  const decoded = tryDecodeCommandApdu(bytes);
  return decoded && { ...decoded, ne: decoded.le ?? 0, hasLe: decoded.le !== undefined };
}

export interface PinStatus {
  reference: number;
  label: string;
  triesLeft: number;
  maxTries: number;
  verified: boolean;
  blocked: boolean;
  unblockedBy: number | undefined;
}

interface PinState {
  reference: number;
  label: string;
  value: Uint8Array;
  triesLeft: number;
  maxTries: number;
  unblockedBy: number | undefined;
}

interface DfNode {
  kind: 'DF';
  spec: DedicatedFileSpec;
  parent: DfNode | undefined;
  children: FileNode[];
}
interface EfNode {
  kind: 'EF';
  spec: ElementaryFileSpec;
  parent: DfNode;
}
type FileNode = DfNode | EfNode;

function buildTree(spec: DedicatedFileSpec, parent: DfNode | undefined): DfNode {
  const node: DfNode = { kind: 'DF', spec, parent, children: [] };
  for (const child of spec.children) {
    node.children.push(child.kind === 'DF' ? buildTree(child, node) : { kind: 'EF', spec: child, parent: node });
  }
  return node;
}

/** The engine's answer: the response data (if any), then SW1 SW2. */
const statusWord = encodeResponseApdu;

/** PINs arrive unpadded or padded with FF/00 up to a stored length; the card compares the PIN itself. */
function stripPinPadding(data: Uint8Array): Uint8Array {
  let end = data.length;
  while (end > 0 && (data[end - 1] === 0xff || data[end - 1] === 0x00)) end--;
  return data.slice(0, end);
}

const MAX_PIN_LENGTH = 16;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ApduEngine implements VirtualCardEndpoint {
  readonly name: string;
  readonly atr: Uint8Array;
  readonly spec: VirtualCardSpec;
  readonly behaviour: CardBehaviour;

  private readonly mf: DfNode;
  private readonly pins = new Map<number, PinState>();
  private readonly log: ApduLogEntry[] = [];
  private powered = true;
  private poweredAtMs = performance.now();
  private currentDf: DfNode;
  private currentEf: EfNode | undefined;
  private pendingResponse: Uint8Array | undefined;
  private readonly verified = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();

  /** The card starts powered (as if just inserted and reset). */
  constructor(spec: VirtualCardSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.atr = spec.atr.slice();
    this.behaviour = { ...spec.behaviour };
    this.mf = buildTree(spec.mf, undefined);
    this.currentDf = this.mf;
    for (const pin of spec.pins) this.pins.set(pin.reference, { ...pin, value: pin.value.slice(), unblockedBy: pin.unblockedBy });
  }

  get apduLog(): readonly ApduLogEntry[] {
    return this.log;
  }

  clearApduLog(): void {
    this.log.length = 0;
  }

  /** Cold reset: power, volatile state cleared, the APDU clock restarts. */
  powerOn(): void {
    this.powered = true;
    this.poweredAtMs = performance.now();
    this.clearVolatileState();
  }

  /** After power-off, transmit() rejects until powerOn(); PIN counters stay as they are. */
  powerOff(): void {
    this.powered = false;
    this.clearVolatileState();
  }

  /** Warm reset: selection, pending response and verified PINs are cleared; PIN counters are not. */
  reset(): void {
    this.clearVolatileState();
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** The state of one PIN (for tests and the CLI); undefined for an unknown reference. */
  pinStatus(reference: number): PinStatus | undefined {
    const pin = this.pins.get(reference);
    if (!pin) return undefined;
    return {
      reference: pin.reference,
      label: pin.label,
      triesLeft: pin.triesLeft,
      maxTries: pin.maxTries,
      verified: this.verified.has(reference),
      blocked: pin.triesLeft === 0,
      unblockedBy: pin.unblockedBy,
    };
  }

  pinStatuses(): PinStatus[] {
    return [...this.pins.keys()].map((reference) => this.pinStatus(reference)!);
  }

  /** Absolute FID path of the current file (EF if one is selected, else the current DF). */
  get currentPath(): number[] {
    const path: number[] = [];
    for (let node: FileNode | undefined = this.currentEf ?? this.currentDf; node; node = node.parent) path.unshift(node.spec.fid);
    return path;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    // Exchanges are serialised, as on a real card: one command at a time.
    const exchange = this.queue.then(() => this.exchange(command));
    this.queue = exchange.catch(() => undefined);
    return exchange;
  }

  private async exchange(command: Uint8Array): Promise<Uint8Array> {
    if (!this.powered) throw new Error(`Virtual card ${this.name} is powered off; power it on before transmitting`);
    const atMs = performance.now() - this.poweredAtMs;
    const commandCopy = command.slice();
    const response = this.process(commandCopy);
    const latencyMs = this.behaviour.latencyPerApduMs + this.behaviour.latencyPerByteMs * (command.length + response.length);
    this.log.push({ atMs, command: commandCopy, response: response.slice(), latencyMs });
    if (latencyMs > 0) await sleep(latencyMs);
    return response;
  }

  private clearVolatileState(): void {
    this.currentDf = this.mf;
    this.currentEf = undefined;
    this.pendingResponse = undefined;
    this.verified.clear();
  }

  /** One command in, one response (data + SW1 SW2) out. Public for synchronous tests and tools. */
  process(bytes: Uint8Array): Uint8Array {
    const apdu = parseCommandApdu(bytes);
    if (!apdu) {
      this.pendingResponse = undefined;
      return statusWord(SW.WRONG_LENGTH);
    }
    const claProblem = this.checkClass(apdu.cla);
    if (claProblem !== undefined) {
      this.pendingResponse = undefined;
      return statusWord(claProblem);
    }
    if (apdu.extended && !this.behaviour.extendedLength) {
      this.pendingResponse = undefined;
      return statusWord(SW.WRONG_LENGTH);
    }
    if (apdu.ins === 0xc0) return this.getResponse(apdu);
    this.pendingResponse = undefined;
    switch (apdu.ins) {
      case 0xa4:
        return this.select(apdu);
      case 0xb0:
        return this.readBinary(apdu);
      case 0x20:
        return this.verify(apdu);
      case 0x2c:
        return this.resetRetryCounter(apdu);
      case 0x24:
        return this.changeReferenceData(apdu);
      case 0xca:
        return this.getData(apdu);
      default:
        return statusWord(SW.INS_NOT_SUPPORTED);
    }
  }

  private checkClass(cla: number): number | undefined {
    if (cla === 0x00) return undefined;
    if ((cla & 0xe0) !== 0x00) return SW.CLA_NOT_SUPPORTED; // proprietary and reserved classes
    if (cla & 0x10) return SW.CHAINING_NOT_SUPPORTED;
    if (cla & 0x0c) return SW.SECURE_MESSAGING_NOT_SUPPORTED;
    return SW.LOGICAL_CHANNEL_NOT_SUPPORTED;
  }

  /**
   * Answers with response data. A T=0 card sends the data of a command that carried data (case 4) only
   * through GET RESPONSE (`61 xx`); otherwise the data comes at once, up to Ne, and the rest through `61 xx`.
   */
  private answerWithData(apdu: CommandApdu, data: Uint8Array): Uint8Array {
    if (data.length === 0) return statusWord(SW.OK);
    if (this.behaviour.t0GetResponse && apdu.data.length > 0) {
      this.pendingResponse = data;
      return statusWord(0x6100 | (Math.min(data.length, 256) & 0xff));
    }
    if (!apdu.hasLe) {
      if (!this.behaviour.getResponseWithoutLe || apdu.data.length === 0) return statusWord(SW.OK);
      this.pendingResponse = data;
      return statusWord(0x6100 | (Math.min(data.length, 256) & 0xff));
    }
    if (apdu.ne >= data.length) return statusWord(SW.OK, data);
    this.pendingResponse = data.slice(apdu.ne);
    return statusWord(0x6100 | (Math.min(this.pendingResponse.length, 256) & 0xff), data.slice(0, apdu.ne));
  }

  private getResponse(apdu: CommandApdu): Uint8Array {
    const pending = this.pendingResponse;
    if (apdu.p1 !== 0 || apdu.p2 !== 0) {
      this.pendingResponse = undefined;
      return statusWord(SW.WRONG_P1P2);
    }
    if (!pending) return statusWord(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
    if (apdu.data.length > 0 || !apdu.hasLe) return statusWord(SW.WRONG_LENGTH);
    if (apdu.ne > pending.length) {
      if (this.behaviour.t0GetResponse) return statusWord(0x6c00 | (Math.min(pending.length, 256) & 0xff));
      this.pendingResponse = undefined;
      return statusWord(SW.OK, pending);
    }
    const chunk = pending.slice(0, apdu.ne);
    const rest = pending.slice(apdu.ne);
    if (rest.length === 0) {
      this.pendingResponse = undefined;
      return statusWord(SW.OK, chunk);
    }
    this.pendingResponse = rest;
    return statusWord(0x6100 | (Math.min(rest.length, 256) & 0xff), chunk);
  }

  // ---- SELECT ---------------------------------------------------------------------------------

  private select(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if ((p2 & 0xf0) !== 0) return statusWord(SW.WRONG_P1P2);
    if ((p2 & 0x03) !== 0) return statusWord(SW.FUNCTION_NOT_SUPPORTED); // "next occurrence"
    const responseKind = p2 & 0x0c; // 00 FCI, 04 FCP, 08 FMD, 0C none
    if (responseKind === 0x08) return statusWord(SW.FUNCTION_NOT_SUPPORTED);

    let found: FileNode | undefined;
    switch (p1) {
      case 0x00:
        if (data.length === 0) found = this.mf;
        else if (data.length !== 2) return statusWord(SW.NC_INCONSISTENT_WITH_P1P2);
        else found = this.findByFid((data[0]! << 8) | data[1]!);
        break;
      case 0x01:
      case 0x02: {
        if (data.length !== 2) return statusWord(SW.NC_INCONSISTENT_WITH_P1P2);
        const fid = (data[0]! << 8) | data[1]!;
        found = this.currentDf.children.find((child) => child.spec.fid === fid && child.kind === (p1 === 0x01 ? 'DF' : 'EF'));
        break;
      }
      case 0x03:
        if (data.length !== 0) return statusWord(SW.NC_INCONSISTENT_WITH_P1P2);
        found = this.currentDf.parent;
        break;
      case 0x04:
        if (data.length === 0) found = this.mf;
        else if (data.length > 16) return statusWord(SW.NC_INCONSISTENT_WITH_P1P2);
        else found = this.findByAid(this.mf, data);
        break;
      case 0x08:
      case 0x09: {
        if (data.length === 0 || data.length % 2 !== 0) return statusWord(SW.NC_INCONSISTENT_WITH_P1P2);
        const fids: number[] = [];
        for (let i = 0; i < data.length; i += 2) fids.push((data[i]! << 8) | data[i + 1]!);
        // Tolerate hosts that include the MF in a path from the MF.
        if (p1 === 0x08 && fids[0] === MF_FID) fids.shift();
        found = this.walk(p1 === 0x08 ? this.mf : this.currentDf, fids);
        break;
      }
      default:
        return statusWord(SW.WRONG_P1P2);
    }
    if (!found) return statusWord(SW.FILE_NOT_FOUND);

    if (found.kind === 'DF') {
      this.currentDf = found;
      this.currentEf = undefined;
    } else {
      this.currentDf = found.parent;
      this.currentEf = found;
    }
    if (responseKind === 0x0c) return statusWord(SW.OK);
    const fcp = this.fileControlParameters(found);
    const fciTemplate = this.behaviour.selectAnswerTemplate ?? 0x6f;
    return this.answerWithData(apdu, tlv(responseKind === 0x04 ? 0x62 : fciTemplate, fcp));
  }

  /** FID search as ISO 7816-4 allows for P1=00: children of the current DF, the current DF, its parent and the parent's children. */
  private findByFid(fid: number): FileNode | undefined {
    if (fid === MF_FID) return this.mf;
    const df = this.currentDf;
    const child = df.children.find((node) => node.spec.fid === fid);
    if (child) return child;
    if (df.spec.fid === fid) return df;
    const parent = df.parent;
    if (!parent) return undefined;
    if (parent.spec.fid === fid) return parent;
    return parent.children.find((node) => node.spec.fid === fid);
  }

  private findByAid(df: DfNode, aid: Uint8Array): DfNode | undefined {
    // Right-truncated DF names select too (ISO 7816-4, P2 first occurrence).
    const name = df.spec.aid;
    if (name && name.length >= aid.length && bytesEqual(name.slice(0, aid.length), aid)) return df;
    for (const child of df.children) {
      if (child.kind !== 'DF') continue;
      const hit = this.findByAid(child, aid);
      if (hit) return hit;
    }
    return undefined;
  }

  private walk(start: DfNode, fids: number[]): FileNode | undefined {
    let node: FileNode = start;
    for (const fid of fids) {
      if (node.kind !== 'DF') return undefined;
      const next: FileNode | undefined = node.children.find((child) => child.spec.fid === fid);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private fileControlParameters(node: FileNode): Uint8Array {
    if (node.kind === 'EF') {
      return concatBytes(
        tlv(0x80, uint16(node.spec.content.length)), // data bytes in the file
        tlv(0x82, Uint8Array.of(0x01)), // working EF, transparent
        tlv(0x83, uint16(node.spec.fid)),
        tlv(0x8a, Uint8Array.of(0x05)), // operational, activated
      );
    }
    return concatBytes(
      tlv(0x82, Uint8Array.of(0x38)), // DF
      tlv(0x83, uint16(node.spec.fid)),
      node.spec.aid ? tlv(0x84, node.spec.aid) : new Uint8Array(0),
      tlv(0x8a, Uint8Array.of(0x05)),
    );
  }

  // ---- READ BINARY ----------------------------------------------------------------------------

  private readBinary(apdu: CommandApdu): Uint8Array {
    // P1 b8 = 1 is the short-EF-identifier form, which this card does not offer.
    if (apdu.p1 & 0x80) return statusWord(SW.WRONG_P1P2);
    if (apdu.data.length > 0 || !apdu.hasLe) return statusWord(SW.WRONG_LENGTH);
    const ef = this.currentEf;
    if (!ef) return statusWord(SW.NO_CURRENT_EF);
    const access = ef.spec.readAccess ?? 'always';
    if (access === 'never' || (typeof access === 'object' && !this.verified.has(access.pin))) {
      return statusWord(SW.SECURITY_STATUS_NOT_SATISFIED);
    }
    const max = this.behaviour.maxReadBinaryLength;
    if (apdu.ne > max) {
      if (this.behaviour.wrongLeAnswer === '6Cxx' && max <= 256) return statusWord(0x6c00 | (max & 0xff));
      return statusWord(SW.WRONG_LENGTH);
    }
    const offset = (apdu.p1 << 8) | apdu.p2;
    const content = ef.spec.content;
    if (offset >= content.length) return statusWord(SW.OFFSET_OUTSIDE_EF);
    const left = content.length - offset;
    if (this.behaviour.strictEndOfFile && apdu.ne > left) {
      // Strict cards never hand out a short read: they say how much is left, the host asks again.
      return statusWord(left <= 256 ? 0x6c00 | (left & 0xff) : SW.WRONG_LENGTH);
    }
    const chunk = content.slice(offset, offset + apdu.ne);
    return statusWord(chunk.length < apdu.ne ? SW.END_OF_FILE_BEFORE_NE : SW.OK, chunk);
  }

  // ---- GET DATA -------------------------------------------------------------------------------

  /**
   * GET DATA `00 CA P1 P2 Le` with P1P2 the tag: the whole TLV (tag, length, value), as IDPrime
   * answers CPLC (9F7F) and its applet version (DF30). Le must be the exact length: otherwise `6C xx`
   * on a T=0-style card, `67 00` elsewhere.
   */
  private getData(apdu: CommandApdu): Uint8Array {
    const objects = this.spec.dataObjects;
    if (!objects) return statusWord(SW.INS_NOT_SUPPORTED);
    if (apdu.data.length > 0) return statusWord(SW.WRONG_LENGTH);
    const tag = (apdu.p1 << 8) | apdu.p2;
    const object = objects.find((candidate) => candidate.tag === tag);
    if (!object) return statusWord(SW.REFERENCE_NOT_FOUND);
    const tagBytes = object.tag > 0xff ? uint16(object.tag) : Uint8Array.of(object.tag);
    const answer = concatBytes(tagBytes, encodeLength(object.value.length), object.value);
    // Like READ BINARY with Ne larger than the data: the card answers what it has (OpenSC asks DF30
    // with Le = 45 and takes any answer of 10 bytes or more). Too small an Le is refused.
    if (!apdu.hasLe || apdu.ne < answer.length) {
      if (this.behaviour.t0GetResponse && answer.length <= 256) return statusWord(0x6c00 | (answer.length & 0xff));
      return statusWord(SW.WRONG_LENGTH);
    }
    return statusWord(SW.OK, answer);
  }

  // ---- PIN commands ---------------------------------------------------------------------------

  private triesLeftWord(pin: PinState): number {
    return 0x63c0 | Math.min(pin.triesLeft, 15);
  }

  /** A wrong PIN spends a try; the last one blocks it. */
  private spendTry(pin: PinState): Uint8Array {
    pin.triesLeft = Math.max(0, pin.triesLeft - 1);
    this.verified.delete(pin.reference);
    return statusWord(this.triesLeftWord(pin));
  }

  private verify(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00 && p1 !== 0xff) return statusWord(SW.WRONG_P1P2);
    const pin = this.pins.get(p2);
    if (!pin) return statusWord(SW.REFERENCE_NOT_FOUND);
    if (p1 === 0xff) {
      // ISO 7816-4:2013: reset the verification status.
      if (data.length > 0) return statusWord(SW.WRONG_LENGTH);
      this.verified.delete(pin.reference);
      return statusWord(SW.OK);
    }
    if (data.length === 0) {
      if (!this.behaviour.answersVerifyWithoutData) return statusWord(SW.WRONG_LENGTH);
      if (this.behaviour.verifyWithoutDataCountsAsTry) {
        if (pin.triesLeft === 0) return statusWord(SW.AUTH_METHOD_BLOCKED);
        return this.spendTry(pin);
      }
      if (this.verified.has(pin.reference)) return statusWord(SW.OK);
      if (pin.triesLeft === 0) return statusWord(SW.AUTH_METHOD_BLOCKED);
      return statusWord(this.triesLeftWord(pin));
    }
    if (pin.triesLeft === 0) return statusWord(SW.AUTH_METHOD_BLOCKED);
    if (!bytesEqual(stripPinPadding(data), pin.value)) return this.spendTry(pin);
    pin.triesLeft = pin.maxTries;
    this.verified.add(pin.reference);
    return statusWord(SW.OK);
  }

  private isUnblockingPin(reference: number): boolean {
    for (const pin of this.pins.values()) if (pin.unblockedBy === reference) return true;
    return false;
  }

  private resetRetryCounter(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00 && p1 !== 0x01) return statusWord(SW.WRONG_P1P2);
    const pin = this.pins.get(p2);
    if (!pin || pin.unblockedBy === undefined) return statusWord(SW.REFERENCE_NOT_FOUND);
    const puk = this.pins.get(pin.unblockedBy);
    if (!puk) return statusWord(SW.REFERENCE_NOT_FOUND);
    if (data.length === 0) return statusWord(SW.WRONG_LENGTH);
    if (puk.triesLeft === 0) return statusWord(SW.AUTH_METHOD_BLOCKED);

    // The PUK has a fixed length (8 digits on SITHS cards); with P1=00 the new PIN follows it.
    const pukLength = puk.value.length;
    const pukPart = p1 === 0x00 ? data.slice(0, pukLength) : stripPinPadding(data);
    if (p1 === 0x00 && data.length <= pukLength) return statusWord(SW.WRONG_LENGTH);
    if (!bytesEqual(pukPart, puk.value)) return this.spendTry(puk);
    puk.triesLeft = puk.maxTries;
    if (p1 === 0x00) {
      const newPin = stripPinPadding(data.slice(pukLength));
      if (newPin.length === 0 || newPin.length > MAX_PIN_LENGTH) return statusWord(SW.WRONG_DATA);
      pin.value = newPin;
    }
    pin.triesLeft = pin.maxTries;
    this.verified.delete(pin.reference);
    return statusWord(SW.OK);
  }

  private changeReferenceData(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00 && p1 !== 0x01) return statusWord(SW.WRONG_P1P2);
    const pin = this.pins.get(p2);
    if (!pin) return statusWord(SW.REFERENCE_NOT_FOUND);
    // A PUK cannot be changed (SITHS cards, regional IT support FAQs).
    if (this.isUnblockingPin(pin.reference)) return statusWord(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
    if (data.length === 0) return statusWord(SW.WRONG_LENGTH);
    if (pin.triesLeft === 0) return statusWord(SW.AUTH_METHOD_BLOCKED);

    let newPin: Uint8Array;
    if (p1 === 0x00) {
      // Old PIN followed by the new one: two padded blocks of one stored length (IDPrime, PKCS#15
      // PINs with needs-padding, pinpad readers), or the old PIN as stored, unpadded, then the new.
      const half = data.length / 2;
      const paddedBlocks = data.length % 2 === 0 && half > pin.value.length && bytesEqual(stripPinPadding(data.slice(0, half)), pin.value);
      const oldLength = paddedBlocks ? half : pin.value.length;
      if (data.length <= oldLength) return statusWord(SW.WRONG_LENGTH);
      if (!bytesEqual(stripPinPadding(data.slice(0, oldLength)), pin.value)) return this.spendTry(pin);
      newPin = stripPinPadding(data.slice(oldLength));
    } else {
      if (!this.verified.has(pin.reference)) return statusWord(SW.SECURITY_STATUS_NOT_SATISFIED);
      newPin = stripPinPadding(data);
    }
    if (newPin.length === 0 || newPin.length > MAX_PIN_LENGTH) return statusWord(SW.WRONG_DATA);
    pin.value = newPin;
    pin.triesLeft = pin.maxTries;
    this.verified.add(pin.reference);
    return statusWord(SW.OK);
  }
}
