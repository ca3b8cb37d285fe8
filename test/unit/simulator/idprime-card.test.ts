/**
 * The IDPrime virtual cards and the engine switches they need: the file layout decoded from the
 * outside (idprime-test-reader.ts), and the APDUs a reader sends, answered as the facts describe.
 */
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { CardBehaviour, VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { dedicatedFile, defaultCardBehaviour, elementaryFile } from '../../../native/simulator/card-model.js';
import {
  ATRS,
  OPENSC_023_IDPRIME_ATR,
  PKCS15_AID,
  VIRTUAL_CARD_PINS,
  atrMatchesMasked,
  buildVirtualCardSpec,
  createVirtualCard,
  idprimeCardholder,
  reservkortCardholder,
  type VirtualCardName,
} from '../../../native/simulator/cards.js';
import { IDPRIME_APPLET_AID, IDPRIME_FIDS, compressIdprimeFile } from '../../../native/simulator/idprime-card.js';
import { fromHex, toHex } from '../../../native/transport.js';
import { decodeCertificateFile, idprimeSpecCertificates, parseCmapFile, parseIndex, parseKeyReferences, specFile } from './idprime-test-reader.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ascii = (s: string) => new TextEncoder().encode(s);
const hex = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
const send = (card: ApduEngine, apdu: string) => toHex(card.process(fromHex(apdu)));
const sw = (answer: string) => answer.slice(-4);
const data = (answer: string) => answer.slice(0, -4);
const SELECT_APPLET = `00A4040C0B${toHex(IDPRIME_APPLET_AID)}`;
/** A PIN as IDPrime wants it: ASCII, padded to 16 bytes with 00. */
const padded16 = (pin: string) => toHex(Uint8Array.from([...ascii(pin), ...new Uint8Array(16 - pin.length)]));
const verify = (reference: number, pin: string) => `002000${hex(reference)}10${padded16(pin)}`;

function handMadeCard(behaviour: Partial<CardBehaviour>, dataObjects?: VirtualCardSpec['dataObjects']): ApduEngine {
  return new ApduEngine({
    name: 'unit-idprime',
    description: 'hand-made card for the IDPrime engine switches',
    atr: ATRS.idprime940,
    mf: dedicatedFile(
      0x3f00,
      [
        elementaryFile(
          0x0101,
          Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
        ),
      ],
      { aid: IDPRIME_APPLET_AID },
    ),
    pins: [],
    behaviour: { ...defaultCardBehaviour, ...behaviour },
    dataObjects,
  });
}

describe('engine switches for IDPrime', () => {
  it('answers SELECT with P2=00 with an FCP template 62 when told to (default stays FCI 6F)', () => {
    const fcp = send(handMadeCard({ t0GetResponse: false, selectAnswerTemplate: 0x62 }), '00A4080002010100');
    expect(fcp).toBe('620E' + '8002012C' + '820101' + '83020101' + '8A0105' + '9000');
    expect(send(handMadeCard({ t0GetResponse: false }), '00A4080002010100').slice(0, 2)).toBe('6F');
  });

  it('hands the answer to a case-3 command (a T=0 host dropped Le) out through 61 xx when told to', () => {
    const card = handMadeCard({ t0GetResponse: false, getResponseWithoutLe: true, selectAnswerTemplate: 0x62 });
    expect(send(card, '00A40800020101')).toBe('6110');
    expect(send(card, '00C0000010')).toBe('620E8002012C820101830201018A01059000');
    // With Le the same card answers at once.
    expect(sw(send(card, '00A4080002010100'))).toBe('9000');
    // Default: nowhere to put it.
    expect(send(handMadeCard({ t0GetResponse: false }), '00A40800020101')).toBe('9000');
  });

  it('strict end of file: an Le past the end gets 6C xx with the bytes left, never 62 82; offset at the end 6B 00', () => {
    const strict = handMadeCard({ t0GetResponse: false, maxReadBinaryLength: 0x100, strictEndOfFile: true });
    send(strict, '00A4000C020101');
    expect(send(strict, '00B0010000')).toBe('6C2C'); // 300 - 256 = 44 left
    const rest = send(strict, '00B001002C');
    expect(sw(rest)).toBe('9000');
    expect(data(rest)).toHaveLength(44 * 2);
    expect(send(strict, '00B0012C01')).toBe('6B00');
    expect(send(strict, '00B0013001')).toBe('6B00');
    // Without the switch: the short read with 62 82.
    const lenient = handMadeCard({ t0GetResponse: false, maxReadBinaryLength: 0x100 });
    send(lenient, '00A4000C020101');
    expect(sw(send(lenient, '00B0010000'))).toBe('6282');
  });

  it('GET DATA answers the whole TLV when Le covers it; too small an Le gets 6C xx (T=0 style) or 67 00; an unknown tag 6A 88', () => {
    const objects = [
      { tag: 0x9f7f, value: new Uint8Array(42).fill(0x11) },
      { tag: 0xdf30, value: ascii('IDPrime 940 v1.2') },
    ];
    const direct = handMadeCard({ t0GetResponse: false }, objects);
    const cplc = send(direct, '00CA9F7F2D');
    expect(sw(cplc)).toBe('9000');
    expect(data(cplc)).toBe('9F7F2A' + '11'.repeat(42));
    expect(send(direct, '00CADF3013')).toBe(toHex(Uint8Array.from([0xdf, 0x30, 16, ...ascii('IDPrime 940 v1.2')])) + '9000');
    // Le 00 (256) covers the 45 bytes: answered, as OpenSC's Le = 45 for the shorter DF30 is.
    expect(data(send(direct, '00CA9F7F00'))).toBe('9F7F2A' + '11'.repeat(42));
    expect(sw(send(direct, '00CADF302D'))).toBe('9000');
    expect(send(direct, '00CA9F7F10')).toBe('6700');
    expect(send(direct, '00CA9F7F')).toBe('6700');
    expect(send(direct, '00CA01010A')).toBe('6A88');
    const t0 = handMadeCard({ t0GetResponse: true }, objects);
    expect(send(t0, '00CA9F7F10')).toBe('6C2D');
    expect(sw(send(t0, '00CA9F7F2D'))).toBe('9000');
    // A card without data objects does not know GET DATA, as before.
    expect(send(handMadeCard({}), '00CA9F7F2D')).toBe('6D00');
  });
});

describe('the siths-eid-idprime layout', () => {
  it('has an index out of FID order whose entries match the files in the MF', async () => {
    const spec = await buildVirtualCardSpec('siths-eid-idprime', { now: NOW });
    const index = parseIndex(specFile(spec, IDPRIME_FIDS.index));
    expect(specFile(spec, IDPRIME_FIDS.index)).toHaveLength(1 + index.length * 21);
    expect(index.map((entry) => [entry.fileName, entry.directory])).toEqual(
      expect.arrayContaining([
        ['cardid', ''],
        ['cardcf', ''],
        ['cardapps', ''],
        ['cmapfile', 'mscp'],
        ['tinfo', 'p11'],
        ['kxc00', 'mscp'],
        ['ksc01', 'mscp'],
      ]),
    );
    expect(index).toHaveLength(7);
    const fids = index.map((entry) => entry.fid);
    expect(fids).not.toEqual([...fids].sort((a, b) => a - b));
    for (const entry of index) {
      expect(entry.size).toBe(specFile(spec, entry.fid).length);
      expect(entry.flag).toBe(entry.fileName === 'cardid' ? 0x03 : 0x01);
    }
    expect(specFile(spec, IDPRIME_FIDS.cardId)).toHaveLength(16);
    expect(toHex(specFile(spec, IDPRIME_FIDS.cardApps))).toBe('6D73637000000000');
    const tinfo = specFile(spec, IDPRIME_FIDS.tokenInfo);
    expect(tinfo[0]).toBe(0x01);
    expect(new TextDecoder().decode(tinfo.subarray(2, 2 + tinfo[1]!)).replace(/\0+$/, '')).toBe('SITHS eID');
  });

  it('stores both certificates compressed; they inflate to the issued DER (the same as idprime-uncompressed stores)', async () => {
    const spec = await buildVirtualCardSpec('siths-eid-idprime', { now: NOW });
    const certificates = idprimeSpecCertificates(spec);
    expect(certificates.map((c) => [c.fileName, c.container, c.compressed])).toEqual([
      ['kxc00', 0, true],
      ['ksc01', 1, true],
    ]);
    const plain = idprimeSpecCertificates(await buildVirtualCardSpec('idprime-uncompressed', { now: NOW }));
    expect(plain.map((c) => c.compressed)).toEqual([false, false]);
    expect(plain.map((c) => toHex(c.der))).toEqual(certificates.map((c) => toHex(c.der)));
    const [auth, sign] = certificates.map((c) => new pkijs.Certificate({ schema: asn1js.fromBER(c.der).result }));
    const serialOf = (cert: pkijs.Certificate) => cert.subject.typesAndValues.find((tv) => tv.type === '2.5.4.5')?.value.valueBlock.value;
    expect(serialOf(auth!)).toBe(idprimeCardholder.hsaId);
    expect(serialOf(sign!)).toBe(idprimeCardholder.hsaId);
    // Authentication: digitalSignature (+ keyEncipherment); signature: nonRepudiation only.
    const keyUsage = (cert: pkijs.Certificate) => {
      const ext = cert.extensions!.find((e) => e.extnID === '2.5.29.15')!;
      return (asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result as asn1js.BitString).valueBlock.valueHexView[0]!;
    };
    expect(keyUsage(auth!) & 0x80).toBe(0x80);
    expect(keyUsage(sign!)).toBe(0x40);
    // The header is 01 00 + the uncompressed length, little endian.
    const file = specFile(spec, certificates[0]!.fid);
    expect(file[2]! | (file[3]! << 8)).toBe(certificates[0]!.der.length);
    expect(decodeCertificateFile(compressIdprimeFile(certificates[0]!.der)).der).toEqual(certificates[0]!.der);
  });

  it('ties containers, key references and PINs: cmapfile + 0005 (0x81 → PIN 0x11, 0x82 → PIN 0x83)', async () => {
    const spec = await buildVirtualCardSpec('siths-eid-idprime', { now: NOW });
    const cmap = specFile(spec, IDPRIME_FIDS.cmapFile);
    expect(cmap).toHaveLength(15 * 86);
    const records = parseCmapFile(cmap);
    expect(records.map((r) => ({ container: r.container, flags: r.flags, sig: r.signatureKeyBits, kx: r.keyExchangeKeyBits }))).toEqual([
      { container: 0, flags: 0x03, sig: 0, kx: 2048 },
      { container: 1, flags: 0x01, sig: 2048, kx: 0 },
    ]);
    for (const record of records) expect(record.guid).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
    const keyFile = specFile(spec, IDPRIME_FIDS.keyReferences);
    expect(keyFile.length % 8).toBe(0);
    expect(parseKeyReferences(keyFile)).toEqual([
      { keyReference: 0x81, container: 0, pinIndex: 1, pinReference: 0x11 },
      { keyReference: 0x82, container: 1, pinIndex: 2, pinReference: 0x83 },
    ]);
    // Bytes 3–6 of every record are zero.
    for (let i = 0; i < keyFile.length; i += 8) expect(toHex(keyFile.subarray(i + 3, i + 7))).toBe('00000000');
    expect(spec.pins.map((pin) => [pin.reference, pin.triesLeft, pin.maxTries])).toEqual([
      [0x11, 3, 3],
      [0x83, 3, 3],
    ]);
  });

  it('idprime-empty-cmapfile keeps the file, all zero, and the certificates', async () => {
    const spec = await buildVirtualCardSpec('idprime-empty-cmapfile', { now: NOW });
    const cmap = specFile(spec, IDPRIME_FIDS.cmapFile);
    expect(cmap.length).toBeGreaterThan(0);
    expect(cmap.every((byte) => byte === 0)).toBe(true);
    expect(parseCmapFile(cmap)).toEqual([]);
    expect(idprimeSpecCertificates(spec)).toHaveLength(2);
  });

  it('answers GET DATA CPLC (OS release level 4 at byte 11) and DF30 with the applet version', async () => {
    const card = await createVirtualCard('siths-eid-idprime', { now: NOW });
    const cplc = fromHex(data(send(card, '00CA9F7F2D')));
    expect(cplc).toHaveLength(45);
    expect(cplc[11]).toBe(0x04);
    const version = send(card, '00CADF3013');
    expect(sw(version)).toBe('9000');
    expect(new TextDecoder().decode(fromHex(data(version)).subarray(3))).toBe('IDPrime 940 v1.2');
  });
});

describe('the IDPrime cards on the wire', () => {
  it('selects the applet by DF name and the index by path; the FCP gives the size; the index reads in short APDUs', async () => {
    const card = await createVirtualCard('siths-eid-idprime', { now: NOW });
    expect(send(card, SELECT_APPLET)).toBe('9000');
    const fcp = send(card, '00A4080002010100');
    expect(fcp.slice(0, 2)).toBe('62');
    const size = parseInt(/8002([0-9A-F]{4})/.exec(data(fcp))![1]!, 16);
    expect(size).toBe(specFile(card.spec, 0x0101).length);
    const index = send(card, `00B00000${hex(size)}`);
    expect(sw(index)).toBe('9000');
    expect(parseIndex(fromHex(data(index)))).toHaveLength(7);
    // Certificates by FID with P1=00 (OpenSC) and P1=08 alike, read 256 at a time, the last exactly.
    const cert = parseIndex(specFile(card.spec, 0x0101)).find((entry) => entry.fileName === 'kxc00')!;
    for (const p1 of ['00', '08']) expect(sw(send(card, `00A4${p1}0C02${cert.fid.toString(16).padStart(4, '0')}`))).toBe('9000');
    let file = '';
    for (let offset = 0; offset < cert.size; offset += 256) {
      const n = Math.min(256, cert.size - offset);
      const chunk = send(card, `00B0${offset.toString(16).padStart(4, '0')}${hex(n & 0xff)}`);
      expect(sw(chunk)).toBe('9000');
      file += data(chunk);
    }
    expect(decodeCertificateFile(fromHex(file)).der).toEqual(idprimeSpecCertificates(card.spec)[0]!.der);
  });

  it('idprime-strict answers 6C xx past the end where siths-eid-idprime answers 62 82', async () => {
    const strict = await createVirtualCard('idprime-strict', { now: NOW });
    const lenient = await createVirtualCard('siths-eid-idprime', { now: NOW });
    for (const card of [strict, lenient]) send(card, '00A4000C020205'); // tinfo, 12 bytes
    expect(send(strict, '00B0000000')).toBe('6C0C');
    expect(sw(send(lenient, '00B0000000'))).toBe('6282');
    expect(send(strict, '00B0000C01')).toBe('6B00');
  });

  it('idprime-t0 answers every case-4 command through 61 xx + GET RESPONSE', async () => {
    const card = await createVirtualCard('idprime-t0', { now: NOW });
    expect(send(card, '00A4080002010100')).toBe('6110');
    expect(send(card, '00C0000010').slice(0, 2)).toBe('62');
    expect(send(card, '00CA9F7F10')).toBe('6C2D');
    expect(card.behaviour.t0GetResponse).toBe(true);
  });

  it('VERIFY takes the PIN padded to 16 bytes with 00; without data it tells the tries (63 Cx, 69 83)', async () => {
    const card = await createVirtualCard('siths-eid-idprime', { now: NOW });
    const { authentication, signature } = VIRTUAL_CARD_PINS.idprime;
    send(card, SELECT_APPLET);
    expect(send(card, '00200011')).toBe('63C3');
    expect(send(card, verify(authentication.reference, '000000'))).toBe('63C2');
    expect(send(card, '00200011')).toBe('63C2');
    expect(send(card, verify(authentication.reference, authentication.value))).toBe('9000');
    expect(card.pinStatus(0x11)).toMatchObject({ triesLeft: 3, verified: true });
    expect(send(card, '00200011')).toBe('9000');
    expect(send(card, verify(signature.reference, authentication.value))).toBe('63C2');
    expect(send(card, verify(signature.reference, signature.value))).toBe('9000');
    expect(send(card, '0020001200')).toBe('6A88'); // no PUK object

    const blocked = await createVirtualCard('idprime-auth-pin-blocked', { now: NOW });
    expect(send(blocked, '00200011')).toBe('6983');
    expect(send(blocked, verify(0x11, authentication.value))).toBe('6983');
    const oneTry = await createVirtualCard('idprime-auth-pin-one-try', { now: NOW });
    expect(send(oneTry, '00200011')).toBe('63C1');
  });
});

describe('reservkort, unknown-structure and the ATRs', () => {
  it('reservkort: IDPrime structure with its own ATR, one authentication certificate, PIN 0x11, no key-reference file', async () => {
    const spec = await buildVirtualCardSpec('reservkort', { now: NOW });
    expect(toHex(spec.atr)).toBe('3B7F96000080318065B0850400111202F0829000');
    expect(spec.mf.aid).toEqual(IDPRIME_APPLET_AID);
    const certificates = idprimeSpecCertificates(spec);
    expect(certificates.map((c) => c.fileName)).toEqual(['kxc00']);
    const cert = new pkijs.Certificate({ schema: asn1js.fromBER(certificates[0]!.der).result });
    expect(cert.subject.typesAndValues.find((tv) => tv.type === '2.5.4.5')?.value.valueBlock.value).toBe(reservkortCardholder.hsaId);
    expect(() => specFile(spec, IDPRIME_FIDS.keyReferences)).toThrow();
    expect(spec.pins.map((pin) => pin.reference)).toEqual([0x11]);
  });

  it('unknown-structure answers neither probe and still holds PINs', async () => {
    const card = await createVirtualCard('unknown-structure', { now: NOW });
    expect(send(card, SELECT_APPLET)).toBe('6A82');
    expect(send(card, `00A4040C${hex(PKCS15_AID.length)}${toHex(PKCS15_AID)}`)).toBe('6A82');
    expect(send(card, '00A4080C022F00')).toBe('6A82');
    expect(send(card, '00A4080C025015')).toBe('6A82');
    expect(send(card, '00A4080C043F005015')).toBe('6A82');
    expect(send(card, '00A40800020101')).toBe('6A82');
    expect(card.pinStatuses().map((pin) => pin.reference)).toEqual([0x11, 0x81, 0x83]);
    expect(card.spec.mf.children.length).toBeGreaterThan(0);
  });

  it("siths-eid-idprime matches Debian OpenSC 0.23's idprime ATR under its mask; reservkort and unknown-structure do not", async () => {
    expect(atrMatchesMasked(ATRS.idprime940, OPENSC_023_IDPRIME_ATR)).toBe(true);
    expect(atrMatchesMasked(ATRS.reservkort, OPENSC_023_IDPRIME_ATR)).toBe(false);
    expect(atrMatchesMasked(ATRS.unknownIdprimeFamily, OPENSC_023_IDPRIME_ATR)).toBe(false);
    expect(ATRS.idprime).toEqual(ATRS.reservkort);
    expect((await buildVirtualCardSpec('siths-eid-2024', { now: NOW })).atr).toEqual(ATRS.reservkort);
  });

  it.skipIf(!existsSync('/usr/share/pcsc/smartcard_list.txt'))("unknown-structure's ATR is in no entry of pcsc-tools' smartcard_list.txt", () => {
    const atr = toHex(ATRS.unknownIdprimeFamily, ' ');
    const patterns = readFileSync('/usr/share/pcsc/smartcard_list.txt', 'latin1')
      .split('\n')
      .filter((line) => line.startsWith('3B') || line.startsWith('3F'));
    const matching = patterns.filter((pattern) => {
      try {
        return new RegExp(`^${pattern.trim()}$`, 'i').test(atr);
      } catch {
        return false;
      }
    });
    expect(matching).toEqual([]);
  });

  it('builds every IDPrime card with a different cardid per cardholder and the same per card', async () => {
    const names: VirtualCardName[] = [
      'siths-eid-idprime',
      'idprime-auth-pin-blocked',
      'idprime-auth-pin-one-try',
      'idprime-uncompressed',
      'idprime-empty-cmapfile',
      'idprime-strict',
      'idprime-t0',
      'reservkort',
    ];
    const ids = new Set<string>();
    for (const name of names) {
      const spec = await buildVirtualCardSpec(name, { now: NOW });
      expect(spec.atr).toEqual(name === 'reservkort' ? ATRS.reservkort : ATRS.idprime940);
      ids.add(toHex(specFile(spec, IDPRIME_FIDS.cardId)));
    }
    expect(ids.size).toBe(2);
  });
});
