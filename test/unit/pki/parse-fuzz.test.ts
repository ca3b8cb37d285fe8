import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertificateParseError } from '../../../electron/pki/errors.js';
import { parseCertificate, parseCertificates, toPem } from '../../../electron/pki/parse.js';
import { pemToDer, readRealCert } from '../../fixtures/pki/real-certs.js';

/** Generous: one parse of a 2 KB certificate takes about a millisecond; a hang would take forever. */
const perRunBoundMs = 2000;

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(original: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = Array.from(original);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    switch (m.kind) {
      case 'set':
        bytes[at] = m.value;
        break;
      case 'flip':
        bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit);
        break;
      case 'insert':
        bytes.splice(at, 0, ...m.bytes);
        break;
      case 'delete':
        bytes.splice(at, m.count);
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
    }
  }
  return new Uint8Array(bytes);
}

/** Parses once; returns whether it parsed. Anything but a CertificateParseError fails the property. */
function parsesOrFailsTyped(input: Uint8Array | string, parse: (i: Uint8Array | string) => unknown): boolean {
  const started = performance.now();
  let ok = false;
  try {
    parse(input);
    ok = true;
  } catch (e) {
    if (!(e instanceof CertificateParseError)) throw new Error(`untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  expect(performance.now() - started).toBeLessThan(perRunBoundMs);
  return ok;
}

describe('parser robustness (property)', () => {
  const der = pemToDer(readRealCert('functionCert'));

  it('random byte mutations of a real certificate never crash parseCertificate', () => {
    let typedErrors = 0;
    let parsed = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 8 }), (mutations) => {
        if (parsesOrFailsTyped(apply(der, mutations), parseCertificate)) parsed++;
        else typedErrors++;
      }),
      { numRuns: 1500 },
    );
    // Both outcomes occur: mutations inside signature bytes still parse, structural ones fail typed.
    expect(parsed).toBeGreaterThan(0);
    expect(typedErrors).toBeGreaterThan(0);
  });

  it('random mutations of the PEM text never crash parseCertificates', () => {
    const pem = toPem(der);
    fc.assert(
      fc.property(fc.nat(), fc.string({ minLength: 0, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), (at, text, deleteCount) => {
        const position = at % pem.length;
        const mutated = pem.slice(0, position) + text + pem.slice(position + deleteCount);
        parsesOrFailsTyped(mutated, parseCertificates);
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary bytes never crash parseCertificates', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes) => {
        parsesOrFailsTyped(bytes, parseCertificates);
      }),
      { numRuns: 1000 },
    );
  });
});
