/**
 * Acceptance (IDPrime issue, "mutations"): 10,000 random mutations of the files an IDPrime read
 * depends on — the index 0101 (entry count, sizes, names, directories, FIDs), the cmapfile, the
 * key-reference file 0005 and the compressed certificate files, including zip bombs (a small zlib
 * or gzip stream that inflates to megabytes, its stated length lying small or large), truncated
 * zlib, gzip instead of zlib, raw deflate, wrong stated lengths and random bytes.
 *
 * Every read ends in a snapshot or a typed failure (nothing untyped is thrown: readCard rethrows
 * those), no PIN command other than VERIFY without data is ever sent and none before IDPrime is
 * confirmed, no try is spent, and memory stays bounded: the inflated output is capped at 16 KiB by
 * the code (the bombs fail with that cap's message), and the process's RSS grows by less than
 * 300 MiB over the whole run. No timing assertion: the test timeout is a hang guard only; the
 * slowest read is printed for information.
 *
 * The card spec (and its RSA keys and certificates) is built once; each run edits copies of file
 * contents and gives them to a new engine.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildVirtualCardSpec } from '../../../native/simulator/cards.js';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { CardBehaviour, ElementaryFileSpec, VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { IDPRIME_FIDS } from '../../../native/simulator/idprime-card.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import type { CardReadResult } from '../../../electron/card/card-read-result.js';
import { IdPrimeFormatError } from '../../../electron/card/errors.js';
import { decodeCertificateFile, idPrimeLimits } from '../../../electron/card/idprime/layout.js';

const runs = Number(process.env.KORTKOLL_MUTATION_RUNS ?? 10_000);
const MiB = 1024 * 1024;
/** CardReadFailure kinds (card-read-result.ts) and the snapshot. */
const outcomeKinds = new Set(['snapshot', 'card-removed', 'unknown-structure', 'malformed-card-data', 'card-error', 'transport-error']);

// ---- the card, built once -----------------------------------------------------------------------

const spec: VirtualCardSpec = await buildVirtualCardSpec('siths-eid-idprime');
const contentOf = (fid: number): Uint8Array => {
  const file = spec.mf.children.find((child): child is ElementaryFileSpec => child.kind === 'EF' && child.fid === fid);
  if (!file) throw new Error(`no file ${fid.toString(16)} on ${spec.name}`);
  return file.content;
};
const fids = {
  index: IDPRIME_FIDS.index,
  cmap: IDPRIME_FIDS.cmapFile,
  keyRefs: IDPRIME_FIDS.keyReferences,
  kxc: IDPRIME_FIDS.firstCertificate,
  ksc: IDPRIME_FIDS.firstCertificate + 1,
};
const original = new Map<number, Uint8Array>(Object.values(fids).map((fid) => [fid, contentOf(fid)]));
/** The certificates as DER (the files hold them compressed). */
const certificateDer = new Map<number, Uint8Array>([fids.kxc, fids.ksc].map((fid) => [fid, decodeCertificateFile(contentOf(fid), 'test').der]));

/** The card as it reads with the behaviour of siths-eid-idprime, idprime-strict (6C xx at the end) or idprime-t0 (61 xx). */
const behaviours: CardBehaviour[] = [
  spec.behaviour,
  { ...spec.behaviour, strictEndOfFile: true },
  { ...spec.behaviour, t0GetResponse: true, wrongLeAnswer: '6Cxx' },
];

/** A card whose files in the MF have these contents (the others shared with the spec). */
function cardWith(files: Map<number, Uint8Array>, behaviour: CardBehaviour = spec.behaviour): ApduEngine {
  const children = spec.mf.children.map((child) =>
    child.kind === 'EF' && files.has(child.fid) ? { ...child, content: files.get(child.fid) as Uint8Array } : child,
  );
  return new ApduEngine({ ...spec, behaviour, mf: { ...spec.mf, children } });
}

// ---- zip bombs, built once ----------------------------------------------------------------------

/** `01 00` + a stated uncompressed length (little endian) + the stream. */
const idPrimeFile = (stated: number, stream: Uint8Array) => Uint8Array.from([0x01, 0x00, stated & 0xff, (stated >> 8) & 0xff, ...stream]);
const zeros = Buffer.alloc(16 * MiB);
/** A DER SEQUENCE header announcing 16 MiB, then zeros: a bomb that starts like a certificate. */
const derShapedBomb = Buffer.concat([Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00]), zeros.subarray(0, 16 * MiB - 6)]);
const bombs: { name: string; stream: Uint8Array; inflatesTo: number }[] = [
  { name: 'zlib 1 MiB of zeros', stream: new Uint8Array(deflateSync(zeros.subarray(0, MiB), { level: 9 })), inflatesTo: MiB },
  { name: 'zlib 16 MiB of zeros', stream: new Uint8Array(deflateSync(zeros, { level: 9 })), inflatesTo: 16 * MiB },
  { name: 'zlib 16 MiB, DER-shaped', stream: new Uint8Array(deflateSync(derShapedBomb, { level: 9 })), inflatesTo: 16 * MiB },
  { name: 'gzip 8 MiB of zeros', stream: new Uint8Array(gzipSync(zeros.subarray(0, 8 * MiB), { level: 9 })), inflatesTo: 8 * MiB },
];
for (const bomb of bombs) if (bomb.stream.length > 0xffff - 4) throw new Error(`${bomb.name}: ${bomb.stream.length} bytes, too large for an IDPrime file`);

// ---- mutations ----------------------------------------------------------------------------------

type ByteChange =
  | { kind: 'flip'; position: number; mask: number }
  | { kind: 'set'; position: number; value: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'delete'; position: number; count: number }
  | { kind: 'insert'; position: number; bytes: Uint8Array };

const interestingByte = fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x11, 0x20, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x83, 0xff);
const byteChange: fc.Arbitrary<ByteChange> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), position: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), position: fc.nat(), value: fc.oneof(interestingByte, fc.nat({ max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ kind: fc.constant('delete' as const), position: fc.nat(), count: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('insert' as const), position: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 30 }) }),
);

function applyBytes(content: Uint8Array, change: ByteChange): Uint8Array {
  const out = content.slice();
  const at = (position: number) => (out.length === 0 ? 0 : position % out.length);
  switch (change.kind) {
    case 'flip':
      if (out.length) out[at(change.position)]! ^= change.mask;
      return out;
    case 'set':
      if (out.length) out[at(change.position)] = change.value;
      return out;
    case 'truncate':
      return out.slice(0, change.keep % (out.length + 1));
    case 'extend':
      return Uint8Array.from([...out, ...change.bytes]);
    case 'delete': {
      const position = at(change.position);
      return Uint8Array.from([...out.subarray(0, position), ...out.subarray(position + change.count)]);
    }
    case 'insert': {
      const position = at(change.position);
      return Uint8Array.from([...out.subarray(0, position), ...change.bytes, ...out.subarray(position)]);
    }
  }
}

const ENTRY = idPrimeLimits.indexEntryLength;
const fileNames = [
  'cardid',
  'cardcf',
  'cardapps',
  'cmapfile',
  'tinfo',
  'kxc00',
  'ksc01',
  'kxc01',
  'ksc00',
  'kxc99',
  'kxc',
  'ksc7',
  'kxc0A',
  'KXC00',
  '',
  'kxc00kxc',
  'mscp',
];
const directoryNames = ['', 'mscp', 'p11', 'MSCP', 'mscp/', 'p11p11p1'];
const fidValue = fc.oneof(
  fc.constantFrom(0x0201, 0x0202, 0x0203, 0x0204, 0x0205, 0x0206, 0x0207, 0x0005, 0x0101, 0x3f00, 0x0000, 0xffff),
  fc.nat({ max: 0xffff }),
);
const sizeValue = fc.oneof(
  fc.constantFrom(0, 1, 2, 16, 0x55, 0x56, 0xff, 0x100, 0x101, 0x800, 0x4000, 0xffff),
  fc.nat({ max: 0xffff }),
  fc.integer({ min: -8, max: 8 }).map((d) => ({ delta: d })),
);
const text8 = fc.oneof(
  fc.constantFrom(...fileNames, ...directoryNames).map((t) => ({ text: t })),
  fc.uint8Array({ minLength: 8, maxLength: 8 }).map((bytes) => ({ bytes })),
  fc.string({ maxLength: 8 }).map((t) => ({ text: t })),
);

type IndexChange =
  | { kind: 'count'; value: number }
  | { kind: 'fid'; entry: number; value: number }
  | { kind: 'size'; entry: number; value: number | { delta: number } }
  | { kind: 'name' | 'directory'; entry: number; value: { text: string } | { bytes: Uint8Array } }
  | { kind: 'flag'; entry: number; value: number }
  | { kind: 'duplicate'; entry: number; recount: boolean }
  | { kind: 'remove'; entry: number; recount: boolean }
  | { kind: 'bytes'; change: ByteChange };

const indexChange: fc.Arbitrary<IndexChange> = fc.oneof(
  fc.record({ kind: fc.constant('count' as const), value: fc.oneof(fc.nat({ max: 255 }), fc.constantFrom(0, 1, 6, 7, 8, 255)) }),
  fc.record({ kind: fc.constant('fid' as const), entry: fc.nat(), value: fidValue }),
  fc.record({ kind: fc.constant('size' as const), entry: fc.nat(), value: sizeValue }),
  fc.record({ kind: fc.constantFrom('name' as const, 'directory' as const), entry: fc.nat(), value: text8 }),
  fc.record({ kind: fc.constant('flag' as const), entry: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constantFrom('duplicate' as const, 'remove' as const), entry: fc.nat(), recount: fc.boolean() }),
  fc.record({ kind: fc.constant('bytes' as const), change: byteChange }),
);

function entryCount(index: Uint8Array): number {
  return Math.min(index[0] ?? 0, Math.floor(Math.max(0, index.length - 1) / ENTRY));
}

function applyIndex(index: Uint8Array, change: IndexChange): Uint8Array {
  if (change.kind === 'bytes') return applyBytes(index, change.change);
  const out = index.slice();
  if (change.kind === 'count') {
    if (out.length) out[0] = change.value;
    return out;
  }
  const count = entryCount(out);
  if (count === 0) return out;
  const entry = change.entry % count;
  const start = 1 + entry * ENTRY;
  switch (change.kind) {
    case 'fid':
      out.set([change.value >> 8, change.value & 0xff], start);
      return out;
    case 'size': {
      const current = ((out[start + 2] as number) << 8) | (out[start + 3] as number);
      const value = typeof change.value === 'number' ? change.value : Math.max(0, Math.min(0xffff, current + change.value.delta));
      out.set([value >> 8, value & 0xff], start + 2);
      return out;
    }
    case 'name':
    case 'directory': {
      const field = new Uint8Array(8);
      if ('bytes' in change.value) field.set(change.value.bytes);
      else {
        const encoded = new TextEncoder().encode(change.value.text).subarray(0, 8);
        field.set(encoded);
      }
      out.set(field, start + (change.kind === 'name' ? 4 : 12));
      return out;
    }
    case 'flag':
      out[start + 20] = change.value;
      return out;
    case 'duplicate': {
      const copy = out.subarray(start, start + ENTRY);
      const grown = Uint8Array.from([...out.subarray(0, start + ENTRY), ...copy, ...out.subarray(start + ENTRY)]);
      if (change.recount) grown[0] = Math.min(255, count + 1);
      return grown;
    }
    case 'remove': {
      const shrunk = Uint8Array.from([...out.subarray(0, start), ...out.subarray(start + ENTRY)]);
      if (change.recount) shrunk[0] = count - 1;
      return shrunk;
    }
  }
}

/** Records of fixed length (cmapfile 86, key references 8): one byte of one record, a record zeroed, or raw bytes. */
type RecordChange = { kind: 'field'; record: number; offset: number; value: number } | { kind: 'zero'; record: number } | { kind: 'bytes'; change: ByteChange };
const recordChange = (length: number, values: fc.Arbitrary<number>): fc.Arbitrary<RecordChange> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('field' as const), record: fc.nat({ max: 15 }), offset: fc.nat({ max: length - 1 }), value: values }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('zero' as const), record: fc.nat({ max: 15 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), change: byteChange }) },
  );
const cmapChange = recordChange(idPrimeLimits.containerRecordLength, fc.oneof(interestingByte, fc.nat({ max: 255 })));
// Key-reference bytes: used flag, key reference, container index (also out of range), PIN index.
const keyRefChange = recordChange(
  idPrimeLimits.keyReferenceRecordLength,
  fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x0e, 0x0f, 0x10, 0x81, 0x82, 0x83, 0xff), fc.nat({ max: 255 })),
);

function applyRecords(content: Uint8Array, length: number, change: RecordChange): Uint8Array {
  if (change.kind === 'bytes') return applyBytes(content, change.change);
  const out = content.slice();
  const records = Math.floor(out.length / length);
  if (records === 0) return out;
  const start = (change.record % records) * length;
  if (change.kind === 'zero') out.fill(0, start, start + length);
  else out[start + change.offset] = change.value;
  return out;
}

/** What a certificate file becomes. `stated`: the uncompressed length the `01 00` header states. */
type CertificateChange =
  | { kind: 'bomb'; bomb: number; stated: number | 'true-size' | 'der-size' }
  | { kind: 'truncated-zlib'; keep: number }
  | { kind: 'gzip' | 'raw-deflate' | 'zlib-of-mutated-der' | 'plain-der'; change: ByteChange | null; stated: number | null }
  | { kind: 'stated'; value: number }
  | { kind: 'random'; bytes: Uint8Array; header: boolean }
  | { kind: 'bytes'; change: ByteChange };

const statedValue = fc.oneof(fc.constantFrom(0, 1, 16, 0x3fff, 0x4000, 0x4001, 0xffff), fc.nat({ max: 0xffff }));
const certificateChange: fc.Arbitrary<CertificateChange> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bomb' as const),
      bomb: fc.nat({ max: bombs.length - 1 }),
      stated: fc.oneof(statedValue, fc.constantFrom('true-size' as const, 'der-size' as const)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncated-zlib' as const), keep: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('gzip' as const, 'raw-deflate' as const, 'zlib-of-mutated-der' as const, 'plain-der' as const),
      change: fc.option(byteChange, { freq: 2 }),
      stated: fc.option(statedValue, { freq: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stated' as const), value: statedValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 2000 }), header: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('bytes' as const), change: byteChange }) },
);

function applyCertificate(content: Uint8Array, der: Uint8Array, change: CertificateChange): Uint8Array {
  switch (change.kind) {
    case 'bomb': {
      const bomb = bombs[change.bomb]!;
      const stated = change.stated === 'true-size' ? bomb.inflatesTo & 0xffff : change.stated === 'der-size' ? der.length : change.stated;
      return idPrimeFile(stated, bomb.stream);
    }
    case 'truncated-zlib': {
      const stream = content.subarray(4);
      return idPrimeFile(der.length, stream.subarray(0, change.keep % Math.max(1, stream.length)));
    }
    case 'gzip':
    case 'raw-deflate':
    case 'zlib-of-mutated-der':
    case 'plain-der': {
      const source = change.change ? applyBytes(der, change.change) : der;
      if (change.kind === 'plain-der') return source;
      const stream = change.kind === 'gzip' ? gzipSync(source) : change.kind === 'raw-deflate' ? deflateRawSync(source) : deflateSync(source);
      return idPrimeFile(change.stated ?? source.length, new Uint8Array(stream));
    }
    case 'stated': {
      // The header's length field, on a file at least as long as the header.
      const out = content.length >= 4 ? content.slice() : Uint8Array.from([0x01, 0x00, 0, 0]);
      out.set([change.value & 0xff, change.value >> 8], 2);
      return out;
    }
    case 'random':
      return change.header ? Uint8Array.from([0x01, 0x00, ...change.bytes]) : change.bytes;
    case 'bytes':
      return applyBytes(content, change.change);
  }
}

type Edit =
  | { file: 'index'; changes: IndexChange[] }
  | { file: 'cmap' | 'keyRefs'; changes: RecordChange[] }
  // `syncIndex`: the index states the new size of the file, so that the read gets to decoding it.
  | { file: 'kxc' | 'ksc'; change: CertificateChange; syncIndex: boolean };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ file: fc.constant('index' as const), changes: fc.array(indexChange, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ file: fc.constant('cmap' as const), changes: fc.array(cmapChange, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ file: fc.constant('keyRefs' as const), changes: fc.array(keyRefChange, { minLength: 1, maxLength: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ file: fc.constantFrom('kxc' as const, 'ksc' as const), change: certificateChange, syncIndex: fc.boolean() }) },
);

/** Sets the size of every index entry for `fid` to `size`. */
function syncIndexSize(index: Uint8Array, fid: number, size: number): Uint8Array {
  const out = index.slice();
  for (let i = 0; i < entryCount(out); i++) {
    const start = 1 + i * ENTRY;
    if ((((out[start] as number) << 8) | (out[start + 1] as number)) === fid) out.set([(size >> 8) & 0xff, size & 0xff], start + 2);
  }
  return out;
}

function applyEdits(edits: Edit[]): Map<number, Uint8Array> {
  const files = new Map(original);
  const resized: number[] = [];
  for (const e of edits) {
    const fid = fids[e.file];
    let content = files.get(fid)!;
    if (e.file === 'index') for (const change of e.changes) content = applyIndex(content, change);
    else if (!('change' in e)) {
      const length = e.file === 'cmap' ? idPrimeLimits.containerRecordLength : idPrimeLimits.keyReferenceRecordLength;
      for (const change of e.changes) content = applyRecords(content, length, change);
    } else {
      content = applyCertificate(content, certificateDer.get(fid)!, e.change);
      if (e.syncIndex) resized.push(fid);
    }
    // A file's size field is 2 bytes: keep within what a card can hold.
    files.set(fid, content.subarray(0, 0xffff));
  }
  for (const fid of resized) files.set(fids.index, syncIndexSize(files.get(fids.index)!, fid, files.get(fid)!.length));
  return files;
}

// ---- invariants of every read -------------------------------------------------------------------

const ins = (command: Uint8Array) => command[1];
/** SW1 of a response (90 done, 61 more data follows). */
const sw1 = (response: Uint8Array) => (response.length >= 2 ? response[response.length - 2] : undefined);

function checkRead(result: CardReadResult, engine: ApduEngine): void {
  expect(outcomeKinds.has(result.kind), result.kind).toBe(true);
  // The transport is in process and the card never leaves it.
  expect(result.kind).not.toBe('card-removed');
  expect(result.kind).not.toBe('transport-error');
  if (result.kind !== 'snapshot') expect(typeof result.message).toBe('string');
  if (result.kind === 'snapshot') {
    for (const certificate of result.certificates) {
      expect(certificate.der.length).toBeLessThanOrEqual(idPrimeLimits.maxCertificateBytes);
      expect(certificate.der[0]).toBe(0x30);
    }
  }
  // PIN commands: only VERIFY without data (4 bytes), never CHANGE / RESET RETRY COUNTER, never a
  // try spent, and never before the applet and the index SELECT both succeeded.
  const log = engine.apduLog;
  const firstVerify = log.findIndex((entry) => ins(entry.command) === 0x20);
  for (const entry of log) {
    expect(ins(entry.command) === 0x24 || ins(entry.command) === 0x2c).toBe(false);
    if (ins(entry.command) === 0x20) expect(entry.command.length).toBe(4);
  }
  if (firstVerify >= 0) {
    const before = log.slice(0, firstVerify);
    expect(before.some((e) => toHex(e.command) === '00A4040C0BA000000018800000000662' && sw1(e.response) === 0x90)).toBe(true);
    expect(before.some((e) => toHex(e.command) === '00A4080002010100' && (sw1(e.response) === 0x90 || sw1(e.response) === 0x61))).toBe(true);
  }
  for (const pin of engine.pinStatuses()) expect(pin.triesLeft).toBe(3);
}

// ---- the tests ----------------------------------------------------------------------------------

describe('IDPrime with mutated files', () => {
  it('the unmutated card reads, and the bombs really are bombs', async () => {
    const engine = cardWith(original);
    const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
    expect(result.kind).toBe('snapshot');
    checkRead(result, engine);
    for (const bomb of bombs) {
      expect(bomb.stream.length).toBeLessThan(20 * 1024);
      expect(bomb.inflatesTo / bomb.stream.length).toBeGreaterThan(500);
    }
  });

  it('caps inflating at 16 KiB: every bomb fails with the cap, whatever length it states', async () => {
    expect(idPrimeLimits.maxCertificateBytes).toBe(16 * 1024);
    for (const bomb of bombs) {
      for (const stated of [1, 0x0400, 0x4000]) {
        // Stated within the cap: inflating starts and stops at 16 KiB (more would be a RangeError
        // only if the cap was passed to zlib; without it the message would give the full size).
        expect(() => decodeCertificateFile(idPrimeFile(stated, bomb.stream), 'kxc00')).toThrow(/inflates to more than 16384 bytes/);
      }
      // Stated beyond the cap, or 0: refused before inflating.
      for (const stated of [0, 0x4001, 0xffff]) expect(() => decodeCertificateFile(idPrimeFile(stated, bomb.stream), 'kxc00')).toThrow(IdPrimeFormatError);
    }
    // On the card: the bomb instead of the authentication certificate, the index stating its size.
    for (const bomb of bombs) {
      const files = applyEdits([{ file: 'kxc', change: { kind: 'bomb', bomb: bombs.indexOf(bomb), stated: 'der-size' }, syncIndex: true }]);
      const engine = cardWith(files);
      const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
      expect(result).toMatchObject({ kind: 'malformed-card-data', file: 'kxc00 0206', message: expect.stringMatching(/inflates to more than 16384 bytes/) });
      checkRead(result, engine);
    }
  });

  it('reads gzip instead of zlib; refuses truncated zlib, raw deflate and a stated length that lies', async () => {
    const read = async (change: CertificateChange) => {
      const engine = cardWith(applyEdits([{ file: 'kxc', change, syncIndex: true }]));
      const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
      checkRead(result, engine);
      return result;
    };
    const gzip = await read({ kind: 'gzip', change: null, stated: null });
    expect(gzip.kind).toBe('snapshot');
    if (gzip.kind === 'snapshot') expect(toHex(gzip.certificates[0]!.der)).toBe(toHex(certificateDer.get(fids.kxc)!));
    for (const keep of [0, 1, 10, 200, 1000]) {
      expect(await read({ kind: 'truncated-zlib', keep })).toMatchObject({
        kind: 'malformed-card-data',
        message: expect.stringMatching(/not a zlib or gzip stream/),
      });
    }
    expect(await read({ kind: 'raw-deflate', change: null, stated: null })).toMatchObject({
      kind: 'malformed-card-data',
      message: expect.stringMatching(/not a zlib or gzip stream/),
    });
    const size = certificateDer.get(fids.kxc)!.length;
    for (const stated of [size - 1, size + 1, 16]) {
      expect(await read({ kind: 'zlib-of-mutated-der', change: null, stated })).toMatchObject({
        kind: 'malformed-card-data',
        message: expect.stringMatching(/inflates to \d+ bytes, not the/),
      });
    }
  });

  it(`ends every one of ${runs} mutated reads in a snapshot or a typed failure, with bounded memory`, async () => {
    const kinds = new Map<string, number>();
    const byFile = new Map<string, number>();
    let slowest = 0;
    let slowestApdus = 0;
    let mostApdus = 0;
    let capHits = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;

    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 2 }), fc.nat({ max: behaviours.length - 1 }), async (edits, behaviour) => {
        const engine = cardWith(applyEdits(edits), behaviours[behaviour]);
        const started = performance.now();
        const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
        const elapsed = performance.now() - started;
        if (elapsed > slowest) {
          slowest = elapsed;
          slowestApdus = result.stats.apduCount;
        }
        mostApdus = Math.max(mostApdus, result.stats.apduCount);
        kinds.set(result.kind, (kinds.get(result.kind) ?? 0) + 1);
        for (const e of edits) byFile.set(e.file, (byFile.get(e.file) ?? 0) + 1);
        if (result.kind === 'malformed-card-data' && /inflates to more than/.test(result.message)) capHits++;
        checkRead(result, engine);
        if (++run % 500 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }),
      { numRuns: runs },
    );
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const growthMiB = (rssPeak - rssBefore) / MiB;

    // The mutations reached both ends, and the bombs reached the inflater.
    expect(kinds.get('snapshot') ?? 0).toBeGreaterThan(0);
    expect(kinds.get('malformed-card-data') ?? 0).toBeGreaterThan(0);
    if (runs >= 1000) expect(capHits).toBeGreaterThan(0);
    expect(growthMiB).toBeLessThan(300);
    console.info(
      `IDPrime mutations: ${runs} reads (edits per file ${JSON.stringify(Object.fromEntries(byFile))}), ` +
        `outcomes ${JSON.stringify(Object.fromEntries(kinds))}, ${capHits} stopped at the 16 KiB inflate cap, ` +
        `slowest read ${slowest.toFixed(1)} ms (${slowestApdus} APDUs), most APDUs ${mostApdus}, RSS growth ${growthMiB.toFixed(1)} MiB`,
    );
  }, 300_000);
});
