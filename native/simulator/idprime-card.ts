/**
 * Thales (Gemalto) IDPrime virtual cards: the Microsoft-minidriver file layout that OpenSC's `idprime`
 * driver reads (../shared/docs/siths-facts.md, "Thales IDPrime cards"). No PKCS#15 application: the
 * applet is the MF itself (DF name IDPRIME_APPLET_AID), and every file lives directly in it:
 *
 *   0101 index      N, then N × 21 bytes: FID, size, file name, directory name, 1 byte (03 cardid, 01 rest)
 *   0201 cardid     16 bytes (a Windows card id, not the printed card number)
 *   0202 cardcf     6 bytes (minidriver cache freshness counters)
 *   0203 cardapps   8 bytes, "mscp" NUL padded
 *   0204 cmapfile   15 × 86-byte CONTAINER_MAP_RECORDs; record index = container index
 *   0205 tinfo      `01 LEN label NUL` in directory p11 (LEN counts the NUL: OpenSC 0.23 cuts the last byte)
 *   0206… kxcNN / kscNN certificates in directory mscp, NN = container index; compressed
 *                   (`01 00`, uncompressed length little endian, zlib) or plain DER
 *   0005 key refs   (940 family) 8 × 8-byte records: used, key reference, container, 0 0 0 0, PIN index
 *
 * The index lists its entries out of FID order, as a real dump does, so a reader must use the index.
 * Key references are the simulator's own choice (real SITHS values are unknown): container 0 → 0x81
 * (PIN index 1 → PIN 0x11), container 1 → 0x82 (PIN index 2 → PIN 0x83).
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { CardBehaviour, DataObjectSpec, ElementaryFileSpec, PinSpec, VirtualCardSpec } from './card-model.js';
import { dedicatedFile, defaultCardBehaviour, elementaryFile, MF_FID } from './card-model.js';
import { concatBytes, fromHex } from '../bytes.js';
import { uint16 } from './tlv.js';

/** DF name of the IDPrime applet (SELECT `00 A4 04 0C 0B …`). */
export const IDPRIME_APPLET_AID = fromHex('A000000018800000000662');

/** FIDs of the fixed minidriver files on the simulated IDPrime cards. */
export const IDPRIME_FIDS = Object.freeze({
  keyReferences: 0x0005,
  index: 0x0101,
  cardId: 0x0201,
  cardCf: 0x0202,
  cardApps: 0x0203,
  cmapFile: 0x0204,
  tokenInfo: 0x0205,
  /** The first certificate file; further certificates take the following FIDs. */
  firstCertificate: 0x0206,
});

/** PIN references of IDPrime cards: PIN index 1 in the key-reference file → 0x11, otherwise 0x83. */
export const IDPRIME_PIN_REFERENCES = Object.freeze({ authentication: 0x11, signature: 0x83 });

export const IDPRIME_INDEX_ENTRY_LENGTH = 21;
export const IDPRIME_CMAP_RECORD_LENGTH = 86;
export const IDPRIME_CMAP_RECORDS = 15;
export const IDPRIME_KEYREF_RECORD_LENGTH = 8;
export const IDPRIME_KEYREF_RECORDS = 8;
/** cmapfile record flags (Microsoft CONTAINER_MAP_RECORD bFlags). */
export const CMAP_FLAG_VALID = 0x01;
export const CMAP_FLAG_DEFAULT = 0x02;

/** A card of the IDPrime family that reads like a current T=1-less Thales card under pcscd. */
export const idprimeCardBehaviour: Readonly<CardBehaviour> = Object.freeze({
  ...defaultCardBehaviour,
  // Answers at once when the host sends Le; a T=0 host (OpenSC, pcscd with this T=0-only ATR) sends
  // case 4 without Le and then gets `61 xx`.
  t0GetResponse: false,
  getResponseWithoutLe: true,
  maxReadBinaryLength: 0x100,
  wrongLeAnswer: '6700' as const,
  selectAnswerTemplate: 0x62 as const,
});

export interface IdprimeCertificatePlan {
  /** `kxc` key-exchange (authentication) or `ksc` signature certificate file. */
  kind: 'kxc' | 'ksc';
  /** Container (cmapfile record) index: the two digits of the file name. */
  container: number;
  der: Uint8Array;
  /** Store `01 00 <len LE> zlib` (true) or plain DER (false). */
  compressed: boolean;
  /** Key reference in the key-reference file 0005. */
  keyReference: number;
  /** Which PIN guards the key: PIN index 1 (0x11) or 2 (0x83). */
  pin: 'authentication' | 'signature';
  keySizeBits: number;
}

export interface IdprimeCardPlan {
  name: string;
  description: string;
  atr: Uint8Array;
  behaviour: CardBehaviour;
  /** 16 bytes. */
  cardId: Uint8Array;
  /** Token label in p11/tinfo. */
  label: string;
  certificates: IdprimeCertificatePlan[];
  pins: PinSpec[];
  /** The 940 family's key-reference file 0005. */
  keyReferenceFile: boolean;
  /** cmapfile present but all records zero (seen on some 940s although keys exist). */
  emptyCmapFile?: boolean;
  /** CPLC OS release level (byte 11 of the GET DATA 9F7F answer); OpenSC 0.23 names 1–4 "OSvN". */
  osReleaseLevel: number;
  /** ASCII applet version answered by GET DATA DF30. */
  appletVersion: string;
}

const ascii = (text: string) => new TextEncoder().encode(text);

function nulPadded(text: string, length: number): Uint8Array {
  const bytes = ascii(text);
  if (bytes.length > length) throw new Error(`"${text}" does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(bytes);
  return out;
}

/** `01 00`, the uncompressed length (2 bytes, little endian), then a zlib stream: how IDPrime stores certificates. */
export function compressIdprimeFile(der: Uint8Array): Uint8Array {
  if (der.length > 0xffff) throw new Error('IDPrime compressed files hold at most 65535 bytes');
  return concatBytes(Uint8Array.of(0x01, 0x00, der.length & 0xff, der.length >> 8), new Uint8Array(deflateSync(der)));
}

/** The certificate file name, e.g. `kxc00`. */
export function idprimeCertificateFileName(certificate: Pick<IdprimeCertificatePlan, 'kind' | 'container'>): string {
  return `${certificate.kind}${certificate.container.toString().padStart(2, '0')}`;
}

/** 42 bytes of Card Production Life Cycle data; only the OS release level (bytes 8–9) matters to readers. */
export function idprimeCplc(osReleaseLevel: number): Uint8Array {
  return concatBytes(
    fromHex('4790'), // IC fabricator
    fromHex('5175'), // IC type
    fromHex('1291'), // operating system identifier
    fromHex('8211'), // operating system release date
    Uint8Array.of(osReleaseLevel, 0x00), // operating system release level
    new Uint8Array(32), // fabrication, serial, batch, module, personalisation fields
  );
}

/** A GUID-shaped container name, stable for a card name and container. */
function containerGuid(cardName: string, container: number): string {
  const hex = createHash('sha256').update(`${cardName}/${container}`).digest('hex').toUpperCase();
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}}`;
}

function utf16le(text: string, characters: number): Uint8Array {
  const out = new Uint8Array(characters * 2);
  for (let i = 0; i < text.length && i < characters; i++) {
    const code = text.charCodeAt(i);
    out[2 * i] = code & 0xff;
    out[2 * i + 1] = code >> 8;
  }
  return out;
}

function cmapRecord(cardName: string, certificate: IdprimeCertificatePlan, isDefault: boolean): Uint8Array {
  const record = new Uint8Array(IDPRIME_CMAP_RECORD_LENGTH);
  record.set(utf16le(containerGuid(cardName, certificate.container), 40), 0);
  record[80] = CMAP_FLAG_VALID | (isDefault ? CMAP_FLAG_DEFAULT : 0);
  const signatureBits = certificate.kind === 'ksc' ? certificate.keySizeBits : 0;
  const keyExchangeBits = certificate.kind === 'kxc' ? certificate.keySizeBits : 0;
  record.set(Uint8Array.of(signatureBits & 0xff, signatureBits >> 8, keyExchangeBits & 0xff, keyExchangeBits >> 8), 82);
  return record;
}

function indexEntry(file: ElementaryFileSpec, fileName: string, directory: string): Uint8Array {
  return concatBytes(
    uint16(file.fid),
    uint16(file.content.length),
    nulPadded(fileName, 8),
    nulPadded(directory, 8),
    Uint8Array.of(fileName === 'cardid' ? 0x03 : 0x01),
  );
}

/** Builds the spec of an IDPrime card from its plan. */
export function buildIdprimeCard(plan: IdprimeCardPlan): VirtualCardSpec {
  if (plan.cardId.length !== 16) throw new Error(`${plan.name}: cardid must be 16 bytes`);
  const containers = new Set(plan.certificates.map((certificate) => certificate.container));
  if (containers.size !== plan.certificates.length) throw new Error(`${plan.name}: one certificate per container`);

  const cardId = elementaryFile(IDPRIME_FIDS.cardId, plan.cardId.slice(), { name: 'cardid' });
  const cardCf = elementaryFile(IDPRIME_FIDS.cardCf, fromHex('000001000100'), { name: 'cardcf' });
  const cardApps = elementaryFile(IDPRIME_FIDS.cardApps, nulPadded('mscp', 8), { name: 'cardapps' });

  const cmap = new Uint8Array(IDPRIME_CMAP_RECORDS * IDPRIME_CMAP_RECORD_LENGTH);
  if (!plan.emptyCmapFile) {
    const first = Math.min(...plan.certificates.map((certificate) => certificate.container));
    for (const certificate of plan.certificates) {
      cmap.set(cmapRecord(plan.name, certificate, certificate.container === first), certificate.container * IDPRIME_CMAP_RECORD_LENGTH);
    }
  }
  const cmapFile = elementaryFile(IDPRIME_FIDS.cmapFile, cmap, { name: 'cmapfile' });

  const label = ascii(plan.label);
  if (label.length + 1 > 0xff) throw new Error(`${plan.name}: label too long`);
  const tokenInfo = elementaryFile(IDPRIME_FIDS.tokenInfo, concatBytes(Uint8Array.of(0x01, label.length + 1), label, Uint8Array.of(0x00)), {
    name: 'p11/tinfo',
  });

  const certificateFiles = plan.certificates.map((certificate, i) =>
    elementaryFile(IDPRIME_FIDS.firstCertificate + i, certificate.compressed ? compressIdprimeFile(certificate.der) : certificate.der.slice(), {
      name: `mscp/${idprimeCertificateFileName(certificate)}${certificate.compressed ? ' (compressed)' : ''}`,
    }),
  );

  const files: ElementaryFileSpec[] = [cardId, cardCf, cardApps, cmapFile, tokenInfo, ...certificateFiles];
  if (plan.keyReferenceFile) {
    const references = new Uint8Array(IDPRIME_KEYREF_RECORDS * IDPRIME_KEYREF_RECORD_LENGTH);
    plan.certificates.forEach((certificate, i) => {
      const pinIndex = certificate.pin === 'authentication' ? 1 : 2;
      references.set(Uint8Array.of(0x01, certificate.keyReference, certificate.container, 0, 0, 0, 0, pinIndex), i * IDPRIME_KEYREF_RECORD_LENGTH);
    });
    files.push(elementaryFile(IDPRIME_FIDS.keyReferences, references, { name: 'key references' }));
  }

  // Out of FID order on purpose, as on the real dump: readers must go by the index.
  const entries = [
    indexEntry(cardId, 'cardid', ''),
    indexEntry(cardApps, 'cardapps', ''),
    indexEntry(cardCf, 'cardcf', ''),
    indexEntry(cmapFile, 'cmapfile', 'mscp'),
    ...plan.certificates.slice(0, 1).map((certificate, i) => indexEntry(certificateFiles[i]!, idprimeCertificateFileName(certificate), 'mscp')),
    indexEntry(tokenInfo, 'tinfo', 'p11'),
    ...plan.certificates.slice(1).map((certificate, i) => indexEntry(certificateFiles[i + 1]!, idprimeCertificateFileName(certificate), 'mscp')),
  ];
  const index = elementaryFile(IDPRIME_FIDS.index, concatBytes(Uint8Array.of(entries.length), ...entries), { name: 'index' });

  const dataObjects: DataObjectSpec[] = [
    { tag: 0x9f7f, value: idprimeCplc(plan.osReleaseLevel), name: 'CPLC' },
    { tag: 0xdf30, value: ascii(plan.appletVersion), name: 'applet version' },
  ];
  return {
    name: plan.name,
    description: plan.description,
    atr: plan.atr,
    mf: dedicatedFile(MF_FID, [index, ...files], { aid: IDPRIME_APPLET_AID, name: 'MF (IDPrime applet)' }),
    pins: plan.pins,
    behaviour: plan.behaviour,
    dataObjects,
  };
}
