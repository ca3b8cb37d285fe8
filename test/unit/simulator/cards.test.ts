import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import { findFileByPath, pathToFids } from '../../../native/simulator/card-model.js';
import {
  ATRS,
  PKCS15_AID,
  REAL_TEST_CHAIN_FILES,
  VIRTUAL_CARD_PINS,
  buildVirtualCardSpec,
  createVirtualCard,
  defaultCardholder,
  isVirtualCardName,
  pemToDer,
  realCertsDirectory,
  testPkiCardholder,
  virtualCardNames,
  type VirtualCardName,
} from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { fromHex, toHex } from '../../../native/transport.js';
import { TestPkcs15Reader, decodeAodf, decodeCdf, topLevelObjects, type CdfEntry } from './pkcs15-test-reader.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

interface ReadCard {
  card: ApduEngine;
  appPath: Uint8Array;
  odf: Map<number, { path: Uint8Array; index?: number; length?: number }>;
  cdf: CdfEntry[];
  certificates: pkijs.Certificate[];
  certificateBytes: Uint8Array[];
  aodf: ReturnType<typeof decodeAodf>;
}

/** Reads a card the way a PKCS#15 host does, through APDUs only. */
async function readCard(name: VirtualCardName): Promise<ReadCard> {
  const card = await createVirtualCard(name, { now: NOW });
  const reader = new TestPkcs15Reader(new InProcessTransport(card));
  expect(await reader.selectAid(PKCS15_AID)).toBe(0x9000);
  const appPath = await reader.applicationPath();
  const odf = await reader.odf(appPath);
  const cdf = decodeCdf(await reader.readPath(odf.get(4)!));
  const aodf = decodeAodf(await reader.readPath(odf.get(8)!));
  const certificateBytes: Uint8Array[] = [];
  for (const entry of cdf) certificateBytes.push(await reader.readPath(entry.path));
  // A certificate read from a whole (padded) file is the first DER object in it.
  const certificates = certificateBytes.map((bytes) => new pkijs.Certificate({ schema: topLevelObjects(bytes)[0]! }));
  return { card, appPath, odf, cdf, certificates, certificateBytes, aodf };
}

function attribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const found = name.typesAndValues.find((tv) => tv.type === oid);
  return found ? String((found.value as asn1js.Utf8String).valueBlock.value) : undefined;
}
const CN = '2.5.4.3';
const SERIAL = '2.5.4.5';

function keyUsage(cert: pkijs.Certificate): string[] {
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  const bits = new Uint8Array((asn1js.fromBER(ext!.extnValue.valueBlock.valueHexView).result as asn1js.BitString).valueBlock.valueHexView);
  const names = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
  return names.filter((_, i) => (bits[i >> 3] ?? 0) & (0x80 >> (i & 7)));
}

function extensionValue(cert: pkijs.Certificate, oid: string): asn1js.BaseBlock | undefined {
  const ext = cert.extensions?.find((e) => e.extnID === oid);
  return ext ? asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result : undefined;
}

describe('the card catalogue', () => {
  it('names every card and recognises names', () => {
    expect(virtualCardNames).toHaveLength(21);
    expect(isVirtualCardName('netid-legacy')).toBe(true);
    expect(isVirtualCardName('netid')).toBe(false);
  });

  it('builds every card', async () => {
    for (const name of virtualCardNames) {
      const spec = await buildVirtualCardSpec(name, { now: NOW });
      expect(spec.name).toBe(name);
      expect(spec.mf.fid).toBe(0x3f00);
      expect(spec.atr.length).toBeGreaterThan(2);
    }
  });

  it('gives the ready cards the ATRs from the facts', async () => {
    expect(toHex((await buildVirtualCardSpec('netid-legacy', { now: NOW })).atr)).toBe('3B7D96000080318065B0A31100C883009000');
    expect(toHex((await buildVirtualCardSpec('siths-eid-2024', { now: NOW })).atr)).toBe('3B7F96000080318065B0850400111202F0829000');
    expect((await buildVirtualCardSpec('bank-card', { now: NOW })).atr).toEqual(ATRS.visa);
  });

  it('is a pure function of `now` within a process (keys are cached), and honours behaviour overrides', async () => {
    const a = await buildVirtualCardSpec('netid-legacy', { now: NOW });
    const b = await buildVirtualCardSpec('netid-legacy', { now: NOW });
    expect(b).toEqual(a);
    const slow = await buildVirtualCardSpec('netid-legacy', { now: NOW, behaviour: { latencyPerApduMs: 5 } });
    expect(slow.behaviour).toMatchObject({ latencyPerApduMs: 5, t0GetResponse: true, maxReadBinaryLength: 0xff, wrongLeAnswer: '6Cxx' });
  });
});

describe('netid-legacy', () => {
  let read: ReadCard;
  beforeAll(async () => {
    read = await readCard('netid-legacy');
  });

  it('has EF.DIR pointing at the PKCS#15 DF, and ODF paths of 4 bytes 3F00xxxx', () => {
    expect(toHex(read.appPath)).toBe('3F005015');
    expect([...read.odf.keys()].sort()).toEqual([0, 4, 8]);
    for (const path of read.odf.values()) expect(toHex(path.path)).toMatch(/^3F00[0-9A-F]{4}$/);
  });

  it('lists five certificates, one of them in a slice of a shared file', () => {
    expect(read.cdf).toHaveLength(5);
    const sliced = read.cdf.filter((entry) => entry.path.index !== undefined && entry.path.length !== undefined);
    expect(sliced.length).toBeGreaterThanOrEqual(1);
    const shared = sliced.filter((entry) => sliced.some((other) => other !== entry && toHex(other.path.path) === toHex(entry.path.path)));
    expect(shared.length).toBeGreaterThanOrEqual(2);
    // A slice holds exactly one certificate, nothing more.
    for (const entry of sliced) {
      const bytes = read.certificateBytes[read.cdf.indexOf(entry)]!;
      expect(bytes.length).toBe(entry.path.length);
      expect(asn1js.fromBER(bytes).offset).toBe(bytes.length);
    }
    for (const entry of read.cdf) expect(toHex(entry.path.path)).toMatch(/^3F00[0-9A-F]{4}$/);
  });

  it('carries SITHS authentication and signature certificates shaped like the real ones', () => {
    const siths = read.certificates.filter((c) => attribute(c.issuer, CN) === 'SITHS e-id Person HSA-id 3 CA v1');
    expect(siths).toHaveLength(2);
    const usages = siths.map(keyUsage);
    expect(usages).toContainEqual(['digitalSignature', 'keyEncipherment']);
    expect(usages).toContainEqual(['nonRepudiation']);
    for (const cert of siths) {
      expect(attribute(cert.subject, SERIAL)).toBe(defaultCardholder.hsaId);
      expect(attribute(cert.subject, '2.5.4.42')).toBe('Åsa');
      expect(attribute(cert.subject, '2.5.4.4')).toBe('Lindström');
      expect(attribute(cert.subject, CN)).toBe('Åsa Lindström');
      expect(attribute(cert.subject, '2.5.4.6')).toBe('SE');
      expect(attribute(cert.issuer, '2.5.4.10')).toBe('Inera AB');
      const cardNumber = extensionValue(cert, '1.2.752.34.2.1');
      expect(cardNumber).toBeInstanceOf(asn1js.PrintableString);
      expect((cardNumber as asn1js.PrintableString).getValue()).toMatch(/^\d{19}$/);
      const aia = new pkijs.InfoAccess({ schema: extensionValue(cert, '1.3.6.1.5.5.7.1.1') });
      const urls = aia.accessDescriptions.map((d) => `${d.accessMethod} ${d.accessLocation.value}`);
      expect(urls).toContain('1.3.6.1.5.5.7.48.1 http://ocsp1.siths.se');
      expect(urls.some((u) => /^1\.3\.6\.1\.5\.5\.7\.48\.2 http:\/\/aia1\.siths\.se\/.+\.cer$/.test(u))).toBe(true);
      const crl = new pkijs.CRLDistributionPoints({ schema: extensionValue(cert, '2.5.29.31') });
      const crlName = (crl.distributionPoints[0]!.distributionPoint as pkijs.GeneralName[])[0]!;
      expect(String(crlName.value)).toMatch(/^http:\/\/crl1\.siths\.se\/.+\.crl$/);
      expect(extensionValue(cert, '2.5.29.32')).toBeDefined();
    }
  });

  it('carries Telia certificates whose subject serialNumber is a personnummer, and a CA certificate flagged as authority', () => {
    const telia = read.certificates.filter((c) => attribute(c.issuer, CN)?.startsWith('Telia e-legitimation'));
    expect(telia).toHaveLength(2);
    for (const cert of telia) expect(attribute(cert.subject, SERIAL)).toMatch(/^\d{12}$/);
    const authorities = read.cdf.filter((entry) => entry.authority);
    expect(authorities).toHaveLength(1);
    const ca = read.certificates[read.cdf.indexOf(authorities[0]!)]!;
    expect(attribute(ca.subject, CN)).toBe('SITHS e-id Person HSA-id 3 CA v1');
    const basicConstraints = new pkijs.BasicConstraints({ schema: extensionValue(ca, '2.5.29.19') });
    expect(basicConstraints.cA).toBe(true);
  });

  it('signs the person certificates with the CA certificate on the card', async () => {
    const ca = read.certificates[read.cdf.findIndex((entry) => entry.authority)]!;
    const siths = read.certificates.filter((c) => attribute(c.issuer, CN) === 'SITHS e-id Person HSA-id 3 CA v1');
    for (const cert of siths) expect(await cert.verify(ca)).toBe(true);
    const telia = read.certificates.find((c) => attribute(c.issuer, CN)?.startsWith('Telia'))!;
    expect(await telia.verify(ca)).toBe(false);
  });

  it('has an AODF with the authentication PIN, the signature PIN and the PUK, with the references VERIFY uses', () => {
    expect(read.aodf.map((pin) => pin.label)).toEqual(['Legitimering', 'Underskrift', 'PUK']);
    const [auth, sign, puk] = read.aodf;
    expect(auth!.reference).toBe(VIRTUAL_CARD_PINS.netid.authentication.reference);
    expect(sign!.reference).toBe(VIRTUAL_CARD_PINS.netid.signature.reference);
    expect(puk!.reference).toBe(VIRTUAL_CARD_PINS.netid.puk.reference);
    expect(puk!.pinFlags.has(6)).toBe(true); // unblockingPin
    expect(auth!.pinFlags.has(6)).toBe(false);
    expect(auth!.protectedBy).toBe(puk!.authId);
    expect(read.card.spec.pins.map((pin) => pin.reference)).toEqual(read.aodf.map((pin) => pin.reference));
  });

  it('pads its files with FF after the last object', () => {
    for (const path of read.odf.values()) {
      const file = findFileByPath(read.card.spec.mf, pathToFids(path.path));
      expect(file?.kind).toBe('EF');
      const content = file!.kind === 'EF' ? file!.content : new Uint8Array(0);
      expect(content[content.length - 1]).toBe(0xff);
    }
  });

  it('answers VERIFY of the PINs as the AODF says', async () => {
    const transport = new InProcessTransport(read.card);
    const verify = async (ref: number, pin?: string) => {
      const body = pin ? [pin.length, ...new TextEncoder().encode(pin)] : [];
      return toHex(await transport.transmit(Uint8Array.from([0x00, 0x20, 0x00, ref, ...body])));
    };
    expect(await verify(VIRTUAL_CARD_PINS.netid.authentication.reference)).toBe('63C3');
    expect(await verify(VIRTUAL_CARD_PINS.netid.puk.reference)).toBe('63CA');
    expect(await verify(VIRTUAL_CARD_PINS.netid.signature.reference, VIRTUAL_CARD_PINS.netid.signature.value)).toBe('9000');
  });
});

describe('siths-eid-2024', () => {
  it('has one SITHS authentication certificate, no Telia and no signature certificate, under 6-byte paths', async () => {
    const read = await readCard('siths-eid-2024');
    expect(read.cdf).toHaveLength(1);
    expect(keyUsage(read.certificates[0]!)).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(attribute(read.certificates[0]!.issuer, CN)).toBe('SITHS e-id Person HSA-id 3 CA v1');
    expect(toHex(read.cdf[0]!.path.path)).toMatch(/^3F005015[0-9A-F]{4}$/);
    expect(read.aodf.map((pin) => pin.reference)).toEqual([
      VIRTUAL_CARD_PINS.sithsEid2024.authentication.reference,
      VIRTUAL_CARD_PINS.sithsEid2024.puk.reference,
    ]);
    expect(read.card.behaviour).toMatchObject({ extendedLength: true, t0GetResponse: true });
    expect(read.card.behaviour.maxReadBinaryLength).toBeGreaterThan(0xff);
  });
});

describe('the variants', () => {
  async function verifyWithoutData(name: VirtualCardName, reference: number): Promise<string> {
    const card = await createVirtualCard(name, { now: NOW });
    return toHex(await card.transmit(Uint8Array.of(0x00, 0x20, 0x00, reference)));
  }

  it('blocks or nearly blocks the PINs as named', async () => {
    const refs = VIRTUAL_CARD_PINS.netid;
    expect(await verifyWithoutData('auth-pin-blocked', refs.authentication.reference)).toBe('6983');
    expect(await verifyWithoutData('auth-pin-one-try', refs.authentication.reference)).toBe('63C1');
    expect(await verifyWithoutData('puk-blocked', refs.puk.reference)).toBe('6983');
    expect(await verifyWithoutData('puk-blocked', refs.authentication.reference)).toBe('63C3');
  });

  it('dates the expired and the expiring authentication certificates relative to `now`', async () => {
    const expired = await readCard('auth-cert-expired');
    const expiredAuth = expired.certificates.find((c) => keyUsage(c).includes('digitalSignature') && attribute(c.issuer, CN)?.startsWith('SITHS'))!;
    expect(expiredAuth.notAfter.value.getTime()).toBeLessThan(NOW.getTime());
    const expiring = await readCard('auth-cert-expiring');
    const expiringAuth = expiring.certificates.find((c) => keyUsage(c).includes('digitalSignature') && attribute(c.issuer, CN)?.startsWith('SITHS'))!;
    expect(expiringAuth.notAfter.value.getTime() - NOW.getTime()).toBe(10 * DAY);
    const later = new Date(NOW.getTime() + 3 * DAY);
    const shifted = await buildVirtualCardSpec('auth-cert-expiring', { now: later });
    expect(shifted.mf).not.toEqual((await buildVirtualCardSpec('auth-cert-expiring', { now: NOW })).mf);
  });

  it('telia-only carries only Telia certificates', async () => {
    const read = await readCard('telia-only');
    expect(read.certificates.length).toBeGreaterThanOrEqual(1);
    for (const cert of read.certificates) expect(attribute(cert.issuer, CN)).toMatch(/^Telia e-legitimation/);
  });

  it('bank-card has no PKCS#15 application', async () => {
    const card = await createVirtualCard('bank-card', { now: NOW });
    expect(toHex(await card.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00, PKCS15_AID.length, ...PKCS15_AID])))).toBe('6A82');
  });

  it('corrupt-cdf has a CDF no DER parser accepts, while ODF, TokenInfo and AODF are fine', async () => {
    const card = await createVirtualCard('corrupt-cdf', { now: NOW });
    const reader = new TestPkcs15Reader(new InProcessTransport(card));
    const appPath = await reader.applicationPath();
    const odf = await reader.odf(appPath);
    expect(decodeAodf(await reader.readPath(odf.get(8)!))).toHaveLength(3);
    expect((await reader.tokenInfo(appPath)).valueBlock.value.length).toBeGreaterThan(2);
    const cdf = await reader.readPath(odf.get(4)!);
    expect(() => decodeCdf(cdf)).toThrow();
    expect(asn1js.fromBER(cdf).offset).toBe(-1);
  });

  it('test-pki uses the TEST names and a test HSA-id', async () => {
    const read = await readCard('test-pki');
    const siths = read.certificates.filter((c) => attribute(c.issuer, CN) === 'TEST SITHS e-id Person HSA-id 3 CA v1');
    expect(siths).toHaveLength(2);
    for (const cert of siths) expect(attribute(cert.subject, SERIAL)).toBe(testPkiCardholder.hsaId);
    const ca = read.certificates[read.cdf.findIndex((entry) => entry.authority)]!;
    expect(attribute(ca.issuer, CN)).toBe('TEST SITHS e-id Root CA v2');
  });
});

describe('real-test-chain', () => {
  const saved = process.env.KORTKOLL_REAL_CERTS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.KORTKOLL_REAL_CERTS_DIR;
    else process.env.KORTKOLL_REAL_CERTS_DIR = saved;
  });

  it('carries the real public TEST chain byte for byte', async () => {
    const read = await readCard('real-test-chain');
    const expected = Object.values(REAL_TEST_CHAIN_FILES).map((file) => toHex(pemToDer(readFileSync(join(realCertsDirectory(), file), 'utf8'))));
    expect(read.certificateBytes.map((bytes) => toHex(topLevelObjects(bytes)[0]!.valueBeforeDecodeView))).toEqual(expected);
    expect(attribute(read.certificates[0]!.subject, SERIAL)).toBe('TSTNMT2321000156-B02');
    expect(await read.certificates[0]!.verify(read.certificates[1]!)).toBe(true);
  });

  it('says clearly where the certificates are missing', async () => {
    process.env.KORTKOLL_REAL_CERTS_DIR = join(realCertsDirectory(), 'no-such-folder');
    await expect(buildVirtualCardSpec('real-test-chain')).rejects.toThrow(/no-such-folder.*missing/);
  });
});

describe('PIN values published for tests', () => {
  it('match the card data', async () => {
    const spec = await buildVirtualCardSpec('netid-legacy', { now: NOW });
    const auth = spec.pins.find((pin) => pin.reference === VIRTUAL_CARD_PINS.netid.authentication.reference)!;
    expect(new TextDecoder().decode(auth.value)).toBe(VIRTUAL_CARD_PINS.netid.authentication.value);
    expect(auth.unblockedBy).toBe(VIRTUAL_CARD_PINS.netid.puk.reference);
    expect(fromHex('A000000063504B43532D3135')).toEqual(PKCS15_AID);
  });
});
