/**
 * Small PKCS#15 cards for the read-strategy tests, built with this folder's own DER builder and
 * run by the simulator's APDU engine (its `VirtualCardSpec` data model), plus helpers that check
 * the engine's APDU log.
 */
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { CardBehaviour, DedicatedFileSpec, ElementaryFileSpec, VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { defaultCardBehaviour } from '../../../native/simulator/card-model.js';
import type { ApduLogEntry } from '../../../native/simulator/endpoint.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { fromHex, toHex } from '../../../native/transport.js';
import {
  certificateObject,
  concat,
  dirRecord,
  fakeCertificate,
  keyObject,
  KeyUsageBit,
  odfEntry,
  padFF,
  PinFlagBit,
  pinObject,
  tokenInfo,
} from './pkcs15-builder.js';

export const setcosAtr = fromHex('3B7D96000080318065B0A31100C883009000');
export const unknownAtr = fromHex('3B021450');
export const pkcs15AidHex = 'A000000063504B43532D3135';

export interface TestCardOptions {
  atr?: Uint8Array;
  behaviour?: Partial<CardBehaviour>;
  /** Default true. */
  withPrkdf?: boolean;
  /** Default true: the application DF answers SELECT by the PKCS#15 AID. */
  withAid?: boolean;
  /** Another AID for the application, announced in EF.DIR. */
  otherAid?: string;
  withEfDir?: boolean;
  /** Default true. */
  withTokenInfo?: boolean;
  /** Leave out the authentication certificate's file (the CDF still names it). */
  missingAuthFile?: boolean;
  /** The CDF cannot be read. */
  protectedCdf?: boolean;
  /** The signature and CA certificates share one file, addressed by index and length. Default true. */
  sharedFile?: boolean;
  pinTries?: { auth?: number; sign?: number; puk?: number };
  /** A Telia e-legitimation authentication certificate (file 4314) listed before the SITHS one. */
  teliaFirst?: boolean;
}

export interface TestCard {
  spec: VirtualCardSpec;
  /** DER of the certificates in CDF order: (Telia,) authentication, signature, CA. */
  certificates: Uint8Array[];
}

const app = '3F005015';

export function buildTestCard(options: TestCardOptions = {}): TestCard {
  const auth = fakeCertificate({ serial: 1, size: 700, keyUsageBits: [0, 2] });
  const sign = fakeCertificate({ serial: 2, size: 600, keyUsageBits: [1] });
  const ca = fakeCertificate({ serial: 3, size: 520, keyUsageBits: [5, 6] });
  const shared = options.sharedFile !== false;
  const telia = fakeCertificate({ serial: 4, size: 650, keyUsageBits: [0, 2] });
  const cdf = concat(
    ...(options.teliaFirst ? [certificateObject({ label: 'Test Person, Telia e-legitimation', id: '47', pathHex: `${app}4314` })] : []),
    certificateObject({ label: 'Test Person, Region Test', id: '45', pathHex: `${app}4311` }),
    certificateObject({
      label: 'Test Person, Region Test (sign)',
      id: '46',
      pathHex: `${app}4312`,
      ...(shared ? { slice: { index: 0, length: sign.length } } : {}),
    }),
    certificateObject({
      label: 'Test CA',
      id: '50',
      authority: true,
      pathHex: shared ? `${app}4312` : `${app}4313`,
      ...(shared ? { slice: { index: sign.length, length: ca.length } } : {}),
    }),
  );
  const aodf = concat(
    pinObject({
      label: 'Legitimering',
      authId: '01',
      protectedBy: '03',
      flags: [PinFlagBit.local, PinFlagBit.initialized],
      reference: 0x81,
      maxLength: 8,
      padChar: 0xff,
    }),
    pinObject({
      label: 'Underskrift',
      authId: '02',
      protectedBy: '03',
      flags: [PinFlagBit.local, PinFlagBit.initialized],
      reference: 0x82,
      maxLength: 8,
      padChar: 0xff,
    }),
    pinObject({ label: 'PUK', authId: '03', flags: [PinFlagBit.local, PinFlagBit.initialized, PinFlagBit.unblockingPin], reference: 0x83, minLength: 8 }),
  );
  const prkdf = concat(
    keyObject({ label: 'auth key', id: '45', authId: '01', usage: [KeyUsageBit.sign, KeyUsageBit.decrypt], reference: 1, pathHex: `${app}4B01` }),
    keyObject({ label: 'sign key', id: '46', authId: '02', usage: [KeyUsageBit.nonRepudiation], reference: 2, pathHex: `${app}4B02` }),
    ...(options.teliaFirst
      ? [keyObject({ label: 'Telia key', id: '47', authId: '01', usage: [KeyUsageBit.sign, KeyUsageBit.decrypt], reference: 3, pathHex: `${app}4B03` })]
      : []),
  );
  const withPrkdf = options.withPrkdf !== false;
  const odf = concat(
    ...(withPrkdf ? [odfEntry('privateKeys', `${app}4402`)] : []),
    odfEntry('certificates', `${app}4403`),
    odfEntry('authObjects', `${app}4401`),
  );
  const ef = (fid: number, content: Uint8Array, extra: Partial<ElementaryFileSpec> = {}): ElementaryFileSpec => ({ kind: 'EF', fid, content, ...extra });
  const appChildren: ElementaryFileSpec[] = [
    ef(0x5031, padFF(odf, 64)),
    ...(options.withTokenInfo === false ? [] : [ef(0x5032, padFF(tokenInfo({ serial: '9752269000012345678', manufacturer: 'Test', label: 'Testkort' }), 96))]),
    ef(0x4401, padFF(aodf, 320)),
    ...(withPrkdf ? [ef(0x4402, padFF(prkdf, 192))] : []),
    ef(0x4403, padFF(cdf, 384), options.protectedCdf ? { readAccess: 'never' } : {}),
    ...(options.missingAuthFile ? [] : [ef(0x4311, padFF(auth, 768))]),
    ...(shared ? [ef(0x4312, padFF(concat(sign, ca), 1280))] : [ef(0x4312, padFF(sign, 640)), ef(0x4313, padFF(ca, 640))]),
    ...(options.teliaFirst ? [ef(0x4314, padFF(telia, 768))] : []),
  ];
  const applicationAid = options.otherAid ? fromHex(options.otherAid) : options.withAid === false ? undefined : fromHex(pkcs15AidHex);
  const applicationDf: DedicatedFileSpec = { kind: 'DF', fid: 0x5015, children: appChildren, ...(applicationAid ? { aid: applicationAid } : {}) };
  const mfChildren: (ElementaryFileSpec | DedicatedFileSpec)[] = [applicationDf];
  if (options.withEfDir) mfChildren.unshift(ef(0x2f00, padFF(dirRecord(options.otherAid ?? pkcs15AidHex, 'Test PKCS#15', app), 64)));
  const ascii = (text: string) => new TextEncoder().encode(text);
  const tries = options.pinTries ?? {};
  return {
    spec: {
      name: 'test-card',
      description: 'test card',
      atr: options.atr ?? setcosAtr,
      mf: { kind: 'DF', fid: 0x3f00, children: mfChildren },
      pins: [
        { reference: 0x81, label: 'Legitimering', value: ascii('123456'), triesLeft: tries.auth ?? 3, maxTries: 3, unblockedBy: 0x83 },
        { reference: 0x82, label: 'Underskrift', value: ascii('654321'), triesLeft: tries.sign ?? 3, maxTries: 3, unblockedBy: 0x83 },
        { reference: 0x83, label: 'PUK', value: ascii('12345678'), triesLeft: tries.puk ?? 10, maxTries: 10 },
      ],
      behaviour: { ...defaultCardBehaviour, ...options.behaviour },
    },
    certificates: options.teliaFirst ? [telia, auth, sign, ca] : [auth, sign, ca],
  };
}

export function insert(spec: VirtualCardSpec, options: { removeAfterApdus?: number } = {}): { engine: ApduEngine; transport: InProcessTransport } {
  const engine = new ApduEngine(spec);
  return { engine, transport: new InProcessTransport(engine, { readerName: 'Test Reader 00 00', ...options }) };
}

/**
 * Byte ranges of each file that READ BINARY returned, from an engine's APDU log (files tracked
 * through the SELECTs in the log). Used to check that nothing is read twice.
 */
export function readRangesByFile(log: readonly ApduLogEntry[]): Map<string, [number, number][]> {
  const ranges = new Map<string, [number, number][]>();
  let current = '?';
  for (const entry of log) {
    const [, ins, p1, p2] = entry.command;
    const sw = ((entry.response[entry.response.length - 2] ?? 0) << 8) | (entry.response[entry.response.length - 1] ?? 0);
    if (ins === 0xa4 && (sw === 0x9000 || sw >> 8 === 0x61)) {
      const data = entry.command.subarray(5, 5 + (entry.command[4] ?? 0));
      current = `${p1?.toString(16)}:${toHex(data)}`;
    } else if (ins === 0xb0) {
      const offset = ((p1 ?? 0) << 8) | (p2 ?? 0);
      const length = entry.response.length - 2;
      if (length > 0) ranges.set(current, [...(ranges.get(current) ?? []), [offset, offset + length]]);
    }
  }
  return ranges;
}

/** Pairs of overlapping ranges (a byte read twice), as text; empty when there are none. */
export function overlappingReads(log: readonly ApduLogEntry[]): string[] {
  const problems: string[] = [];
  for (const [file, list] of readRangesByFile(log)) {
    const sorted = [...list].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1] as [number, number];
      const next = sorted[i] as [number, number];
      if (next[0] < previous[1]) problems.push(`${file}: [${previous}] and [${next}]`);
    }
  }
  return problems;
}
