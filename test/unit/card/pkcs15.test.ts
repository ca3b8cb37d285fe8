import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../native/transport.js';
import { Pkcs15ParseError } from '../../../electron/card/errors.js';
import { scanTlvStream } from '../../../electron/card/pkcs15/der.js';
import { extractCertificateDer, parseAodf, parseCdf, parseEfDir, parseOdf, parsePrkdf, parseTokenInfo } from '../../../electron/card/pkcs15/parse.js';
import {
  bits,
  certificateObject,
  concat,
  ctxConstructed,
  dirRecord,
  fakeCertificate,
  int,
  keyObject,
  KeyUsageBit,
  octets,
  odfEntry,
  padFF,
  PinFlagBit,
  pinObject,
  seq,
  tokenInfo,
  utf8,
} from './pkcs15-builder.js';

const sithsPins = concat(
  pinObject({
    label: 'Legitimering',
    authId: '01',
    protectedBy: '03',
    flags: [PinFlagBit.local, PinFlagBit.initialized],
    reference: 0x81,
    maxLength: 8,
    padChar: 0xff,
    pathHex: '3F005015',
  }),
  pinObject({ label: 'Underskrift', authId: '02', protectedBy: '03', flags: [PinFlagBit.local, PinFlagBit.initialized], reference: 0x82, maxLength: 8 }),
  pinObject({ label: 'PUK', authId: '03', flags: [PinFlagBit.local, PinFlagBit.initialized, PinFlagBit.unblockingPin], reference: 0x83, minLength: 8 }),
);

describe('EF.DIR', () => {
  it('reads application templates up to the padding', () => {
    const bytes = padFF(concat(dirRecord('A000000063504B43532D3135', 'SITHS e-id kort', '3F005015'), dirRecord('A0000000035350')), 128);
    const apps = parseEfDir(bytes);
    expect(apps).toHaveLength(2);
    expect(toHex(apps[0]!.aid)).toBe('A000000063504B43532D3135');
    expect(apps[0]!.label).toBe('SITHS e-id kort');
    expect(toHex(apps[0]!.path!)).toBe('3F005015');
    expect(apps[1]!.label).toBeUndefined();
  });
  it('rejects a record without an AID', () => {
    expect(() => parseEfDir(fromHex('61035001 41'.replace(' ', '')))).toThrow(Pkcs15ParseError);
  });
});

describe('EF.ODF', () => {
  it('lists the directories and stops at 00 or FF padding', () => {
    const odf = concat(odfEntry('privateKeys', '3F004402'), odfEntry('certificates', '3F004403'), odfEntry('authObjects', '3F004401'));
    for (const pad of [0x00, 0xff]) {
      const entries = parseOdf(concat(odf, new Uint8Array(40).fill(pad)));
      expect(entries.map((e) => `${e.kind}:${toHex(e.path.path)}`)).toEqual(['privateKeys:3F004402', 'certificates:3F004403', 'authObjects:3F004401']);
    }
  });
  it('rejects unknown entries and odd paths', () => {
    expect(() => parseOdf(ctxConstructed(12, seq(octets('3F004401'))))).toThrow(Pkcs15ParseError);
    expect(() => parseOdf(ctxConstructed(4, seq(octets('3F0044'))))).toThrow(/not a file path/);
  });
});

describe('EF.TokenInfo', () => {
  it('reads version, serial, manufacturer, label and flags', () => {
    const info = parseTokenInfo(padFF(tokenInfo({ serial: '9752269000012345678', manufacturer: 'SetCOS', label: 'SITHS e-id kort', flags: [1, 2] }), 96));
    expect(info.version).toBe(0);
    expect(new TextDecoder().decode(info.serialNumber)).toBe('9752269000012345678');
    expect(info.manufacturerId).toBe('SetCOS');
    expect(info.label).toBe('SITHS e-id kort');
    expect(info.flags).toEqual(['loginRequired', 'prnGeneration']);
  });
  it('requires the flags', () => {
    expect(() => parseTokenInfo(seq(int(0), octets('01')))).toThrow(/tokenflags/);
  });
});

describe('CDF', () => {
  it('reads labels, iDs, the authority flag and paths with index and length', () => {
    const cdf = concat(
      certificateObject({ label: 'Åsa Lindström, Region Stockholm', id: '45', pathHex: '3F004311' }),
      certificateObject({ label: 'Telia', id: '46', pathHex: '3F004313', slice: { index: 0, length: 1261 } }),
      certificateObject({ label: 'Telia sign', id: '47', pathHex: '3F004313', slice: { index: 1261, length: 1230 } }),
      certificateObject({ label: 'SITHS CA', id: '50', authority: true, pathHex: '3F004314' }),
    );
    const certificates = parseCdf(padFF(cdf, 512));
    expect(certificates.map((c) => c.common.label)).toEqual(['Åsa Lindström, Region Stockholm', 'Telia', 'Telia sign', 'SITHS CA']);
    expect(certificates.map((c) => c.authority)).toEqual([false, false, false, true]);
    expect(certificates[2]!.value).toMatchObject({ kind: 'path', path: { index: 1261, length: 1230 } });
    expect(toHex(certificates[3]!.id)).toBe('50');
  });
  it('keeps a certificate stored in the CDF itself', () => {
    const der = fakeCertificate({ serial: 7, size: 200 });
    const [certificate] = parseCdf(certificateObject({ label: 'inline', id: '01', direct: der }));
    expect(certificate!.value.kind).toBe('direct');
    expect(toHex(extractCertificateDer((certificate!.value as { der: Uint8Array }).der))).toBe(toHex(der));
  });
  it('skips certificate types other than X.509', () => {
    const cdf = concat(ctxConstructed(1, seq(utf8('spki'))), certificateObject({ label: 'x509', id: '01' }));
    expect(parseCdf(cdf).map((c) => c.common.label)).toEqual(['x509']);
  });
});

describe('AODF', () => {
  it('reads PIN objects: label, authId, flags, type, lengths, reference, pad char, path', () => {
    const pins = parseAodf(padFF(sithsPins, 256));
    expect(pins.map((p) => p.common.label)).toEqual(['Legitimering', 'Underskrift', 'PUK']);
    expect(pins.map((p) => p.reference)).toEqual([0x81, 0x82, 0x83]);
    expect(pins[0]).toMatchObject({ pinType: 'ascii-numeric', minLength: 6, storedLength: 8, maxLength: 8, padChar: 0xff, flags: ['local', 'initialized'] });
    expect(toHex(pins[0]!.path!.path)).toBe('3F005015');
    expect(toHex(pins[0]!.common.authId!)).toBe('03');
    expect(pins[2]!.flags).toContain('unblockingPin');
  });
});

describe('PrKDF', () => {
  it('reads iD, usage, authId, key reference and modulus length', () => {
    const keys = parsePrkdf(
      concat(
        keyObject({
          label: 'auth',
          id: '45',
          authId: '01',
          usage: [KeyUsageBit.sign, KeyUsageBit.decrypt, KeyUsageBit.unwrap],
          reference: 1,
          pathHex: '3F004B01',
        }),
        keyObject({ label: 'sign', id: '46', authId: '02', usage: [KeyUsageBit.nonRepudiation], reference: 2, pathHex: '3F004B02', modulus: 3072 }),
      ),
    );
    expect(keys[0]).toMatchObject({ keyType: 'rsa', usage: ['decrypt', 'sign', 'unwrap'], keyReference: 1, modulusLength: 2048 });
    expect(keys[1]).toMatchObject({ usage: ['nonRepudiation'], modulusLength: 3072 });
    expect(toHex(keys[1]!.common.authId!)).toBe('02');
  });
});

describe('DER scanning', () => {
  it('knows when a directory is complete and how much is missing', () => {
    const object = seq(utf8('x'.repeat(300)));
    expect(scanTlvStream(object.subarray(0, 10), 10)).toEqual({ complete: false, needAtLeast: object.length });
    expect(scanTlvStream(concat(object, [0xff]), 10)).toEqual({ complete: true, length: object.length });
    expect(scanTlvStream(object, 10)).toEqual({ complete: false, needAtLeast: object.length + 1 });
  });
  it('cuts a certificate out of a padded file', () => {
    const der = fakeCertificate({ serial: 1, size: 1200 });
    expect(toHex(extractCertificateDer(padFF(der, 1408)))).toBe(toHex(der));
    expect(() => extractCertificateDer(der.subarray(0, 900))).toThrow(Pkcs15ParseError);
    expect(() => extractCertificateDer(octets('0102'))).toThrow(/not a DER SEQUENCE/);
  });
});

describe('garbage', () => {
  const parsers = { parseEfDir, parseOdf, parseTokenInfo, parseCdf, parseAodf, parsePrkdf, extractCertificateDer } as const;

  it('gives Pkcs15ParseError for truncated, flipped and random input, never anything else', () => {
    const samples = [sithsPins, concat(odfEntry('certificates', '3F004403')), tokenInfo({ serial: '1' }), certificateObject({ label: 'a', id: '01' })];
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 64 }),
        (sample, flips, cut, tail) => {
          const mutated = concat(sample, tail);
          for (const [position, value] of flips) mutated[position % mutated.length] = value;
          const input = mutated.subarray(0, 1 + (cut % mutated.length));
          for (const parse of Object.values(parsers)) {
            try {
              parse(input);
            } catch (error) {
              expect(error).toBeInstanceOf(Pkcs15ParseError);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('bounds nesting and object counts', () => {
    let deep: Uint8Array = octets('01');
    for (let i = 0; i < 40; i++) deep = seq(deep);
    expect(() => parseCdf(deep)).toThrow(/depth/i);
    const many = concat(...Array.from({ length: 70 }, (_, i) => certificateObject({ label: `c${i}`, id: '01' })));
    expect(() => parseCdf(many)).toThrow(/more than 64 objects/);
    expect(() => parseOdf(concat(...Array.from({ length: 40 }, () => odfEntry('certificates', '3F004403'))))).toThrow(/more than 32/);
  });

  it('rejects indefinite lengths and lengths beyond the data', () => {
    expect(() => parseOdf(fromHex('A480300404023F000000'))).toThrow(Pkcs15ParseError);
    expect(() => parseOdf(fromHex('A4820FFF3004'))).toThrow(Pkcs15ParseError);
  });

  it('reads a BIT STRING without any set bits', () => {
    const info = parseTokenInfo(seq(int(0), octets('01'), bits()));
    expect(info.flags).toEqual([]);
  });
});
