/**
 * Acceptance (issue 3): 10,000 random mutations of the netid-legacy card's files — bytes flipped,
 * lengths changed, files truncated or extended. Every read ends in a snapshot or a typed failure,
 * nothing untyped is thrown, and no read takes longer than 1 s (card without latency).
 * The card is built once; each run mutates copies of one or two of its files.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildVirtualCardSpec } from '../../../native/simulator/cards.js';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { DedicatedFileSpec, ElementaryFileSpec, VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import { tlvHeaderLength } from '../../../electron/card/pkcs15/der.js';

const runs = Number(process.env.KORTKOLL_MUTATION_RUNS ?? 10_000);
const outcomeKinds = new Set(['snapshot', 'card-removed', 'no-pkcs15-application', 'malformed-card-data', 'card-error', 'transport-error']);

/** Every EF of the card with its FID path. */
function elementaryFiles(df: DedicatedFileSpec, path: number[] = [df.fid]): { path: number[]; file: ElementaryFileSpec }[] {
  return df.children.flatMap((child) => (child.kind === 'EF' ? [{ path: [...path, child.fid], file: child }] : elementaryFiles(child, [...path, child.fid])));
}

/** A copy of the DF tree with the EF at `path` holding `content` (untouched branches are shared). */
function withContent(df: DedicatedFileSpec, path: number[], content: Uint8Array): DedicatedFileSpec {
  const [, next, ...rest] = path;
  return {
    ...df,
    children: df.children.map((child) => {
      if (child.fid !== next) return child;
      if (child.kind === 'EF') return rest.length === 0 ? { ...child, content } : child;
      return withContent(child, [next, ...rest], content);
    }),
  };
}

/** Offsets of the length fields of every TLV in the content (nested ones too), as far as they parse. */
function lengthFieldOffsets(content: Uint8Array): { offset: number; size: number }[] {
  const found: { offset: number; size: number }[] = [];
  const walk = (start: number, end: number, depth: number) => {
    let position = start;
    while (position < end && found.length < 400 && depth < 8) {
      if (content[position] === 0xff || content[position] === 0x00) return;
      const header = tlvHeaderLength(content, position);
      if (!header) return;
      const tagSize = (content[position]! & 0x1f) === 0x1f ? 2 : 1;
      found.push({ offset: position + tagSize, size: header.headerLength - tagSize });
      const contentStart = position + header.headerLength;
      if (content[position]! & 0x20) walk(contentStart, Math.min(end, contentStart + header.contentLength), depth + 1);
      position = contentStart + header.contentLength;
    }
  };
  walk(0, content.length, 0);
  return found;
}

type Mutation =
  | { kind: 'flip'; position: number; mask: number }
  | { kind: 'set'; position: number; value: number }
  | { kind: 'length'; which: number; value: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'delete'; position: number; count: number }
  | { kind: 'insert'; position: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), position: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    position: fc.nat(),
    value: fc.constantFrom(0x00, 0x01, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xa0, 0xff),
  }),
  fc.record({ kind: fc.constant('length' as const), which: fc.nat(), value: fc.nat({ max: 0xffff }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ kind: fc.constant('delete' as const), position: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('insert' as const), position: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

function mutate(content: Uint8Array, change: Mutation): Uint8Array {
  const out = content.slice();
  const at = (position: number) => (out.length === 0 ? 0 : position % out.length);
  switch (change.kind) {
    case 'flip':
      if (out.length) out[at(change.position)]! ^= change.mask;
      return out;
    case 'set':
      if (out.length) out[at(change.position)] = change.value;
      return out;
    case 'length': {
      const fields = lengthFieldOffsets(out);
      const field = fields[change.which % Math.max(1, fields.length)];
      if (!field) return out;
      // Keep the field's size: short form gets a new short length, long form new length bytes.
      if (field.size === 1) out[field.offset] = change.value & 0x7f;
      else for (let i = 1; i < field.size; i++) out[field.offset + i] = (change.value >> (8 * (field.size - 1 - i))) & 0xff;
      return out;
    }
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

describe('netid-legacy with mutated files', () => {
  it(`ends every one of ${runs} reads in a snapshot or a typed failure, each within 1 s`, async () => {
    const spec: VirtualCardSpec = await buildVirtualCardSpec('netid-legacy');
    const files = elementaryFiles(spec.mf).filter(({ file }) => file.content.length > 0);
    // The PKCS#15 structure is where a reader can go wrong; weight those files up.
    const directoryNames = /ODF|TokenInfo|AODF|PrKDF|CDF|DIR/;
    const weighted = [...files, ...files.filter(({ file }) => directoryNames.test(file.name ?? '')).flatMap((f) => [f, f, f])];
    const kinds = new Map<string, number>();
    let slowest = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ file: fc.nat({ max: weighted.length - 1 }), changes: fc.array(mutation, { minLength: 1, maxLength: 4 }) }), {
          minLength: 1,
          maxLength: 2,
        }),
        async (edits) => {
          let mf = spec.mf;
          for (const edit of edits) {
            const { path, file } = weighted[edit.file]!;
            let content = file.content;
            for (const change of edit.changes) content = mutate(content, change);
            mf = withContent(mf, path, content);
          }
          const transport = new InProcessTransport(new ApduEngine({ ...spec, mf }));
          const started = performance.now();
          const result = await readCard(transport, { smartcardListPath: null });
          const elapsed = performance.now() - started;
          slowest = Math.max(slowest, elapsed);
          kinds.set(result.kind, (kinds.get(result.kind) ?? 0) + 1);
          expect(outcomeKinds.has(result.kind)).toBe(true);
          if (result.kind !== 'snapshot') expect(typeof result.message).toBe('string');
          expect(elapsed).toBeLessThan(1000);
        },
      ),
      { numRuns: runs },
    );
    // The mutations reached both ends: cards that still read, and cards that do not.
    expect(kinds.get('snapshot') ?? 0).toBeGreaterThan(0);
    expect(kinds.get('malformed-card-data') ?? 0).toBeGreaterThan(0);
    console.info(`netid-legacy mutations: ${runs} reads, slowest ${slowest.toFixed(1)} ms, outcomes ${JSON.stringify(Object.fromEntries(kinds))}`);
  }, 600_000);
});
