/**
 * What `readCard` sends to a Thales IDPrime card, APDU by APDU (docs: ../shared/docs/siths-facts.md,
 * "Thales IDPrime cards"). The card is built by hand here, byte by byte, independent of the
 * simulator's builder, so that a misreading shared by the simulator and the reader would show up.
 * These scripts document the IDPrime read strategy: if the order or number of commands changes,
 * they fail (an unexpected command fails at once, a scripted one never sent fails after the test).
 *
 *   1. probe by the ATR's family: IDPrime first for an IDPrime-family ATR, PKCS#15 first otherwise;
 *   2. IDPrime is confirmed only by both the applet SELECT and the index SELECT (FCP, tag 80 > 0);
 *      until then no PIN command is sent;
 *   3. index → key references 0005 (FCP for the size); only a card without them (not a 940) has
 *      its container map read, up to its first unused record;
 *   4. the certificate behind PIN 0x11, then VERIFY without data 00200011 → `auth-ready`;
 *   5. VERIFY 00200083, cardid, tinfo, the other certificates, GET DATA DF30.
 * Every READ BINARY asks at most 256 bytes, the last of a file exactly what is left.
 */
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import type { CardReadProgress } from '../../../electron/card/card-read-result.js';
import { apduScript } from './apdu-script.js';
import { concat, fakeCertificate } from './pkcs15-builder.js';

/** An IDPrime 940 ATR as newer OpenSC lists it: profile family `idprime` (probe IDPrime first). */
const idPrimeAtr = '3B7F96000080318065B0855956FB120FFE829000';
/** A SetCOS SITHS ATR: profile family `setcos` (probe PKCS#15 first). */
const setcosAtr = '3B7D96000080318065B0A31100C883009000';

const hex = (bytes: Uint8Array) => toHex(bytes);
const byte = (value: number) => toHex(Uint8Array.of(value));
const ascii = (text: string) => new TextEncoder().encode(text);
const nulPadded = (text: string, length: number) => {
  const out = new Uint8Array(length);
  out.set(ascii(text));
  return out;
};

/**
 * A certificate-shaped SEQUENCE whose signature bytes are noise, so that it does not compress to a
 * few bytes and its compressed file still takes several READ BINARYs.
 */
function noisyCertificate(serial: number, size: number, keyUsageBits: number[]): Uint8Array {
  const der = fakeCertificate({ serial, size, keyUsageBits });
  let noise: Uint8Array = new Uint8Array(0);
  for (let i = 0; noise.length < 600; i++) noise = concat(noise, createHash('sha256').update(`${serial}/${i}`).digest());
  // The signature BIT STRING is the last element: its last 600 bytes are signature content.
  der.set(noise.subarray(0, 600), der.length - 600);
  return der;
}

/** `01 00` + uncompressed length (little endian) + zlib: how IDPrime stores certificates. */
const compressed = (der: Uint8Array) => concat([0x01, 0x00, der.length & 0xff, der.length >> 8], new Uint8Array(deflateSync(der)));

// ---- the card ------------------------------------------------------------------------------------

// digitalSignature + keyEncipherment: the login certificate; nonRepudiation: the signature one.
const authDer = noisyCertificate(1, 800, [0, 2]);
const signDer = noisyCertificate(2, 780, [1]);
const kxc00 = compressed(authDer);
const ksc01 = compressed(signDer);

const cardId = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const tinfo = concat([0x01, 0x0d], ascii('Kortkoll IDP'), [0x00]);

/** Container map: 4 records of 86 bytes, containers 0 and 1 used, then an unused one (ends the list). */
function containerRecord(guid: string, keyExchangeBits: number, signatureBits: number): Uint8Array {
  const record = new Uint8Array(86);
  for (let i = 0; i < guid.length; i++) record[2 * i] = guid.charCodeAt(i);
  record[80] = 0x01;
  record.set([signatureBits & 0xff, signatureBits >> 8, keyExchangeBits & 0xff, keyExchangeBits >> 8], 82);
  return record;
}
const cmapfile = concat(containerRecord('{AUTH-0000}', 2048, 0), containerRecord('{SIGN-0001}', 0, 2048), new Uint8Array(86 * 2));

/** Key references 0005: 8 records of 8 bytes; container 0 behind PIN index 1 (0x11), container 1 behind 2 (0x83). */
const keyReferences = concat([0x01, 0x81, 0x00, 0, 0, 0, 0, 0x01], [0x01, 0x82, 0x01, 0, 0, 0, 0, 0x02], new Uint8Array(6 * 8));

function indexEntry(fid: number, size: number, name: string, directory: string): Uint8Array {
  return concat([fid >> 8, fid & 0xff, size >> 8, size & 0xff], nulPadded(name, 8), nulPadded(directory, 8), [name === 'cardid' ? 0x03 : 0x01]);
}
/** Out of FID order, as a real dump is; cardcf is listed but never read. */
const index = concat(
  [6],
  indexEntry(0x0201, cardId.length, 'cardid', ''),
  indexEntry(0x0202, 6, 'cardcf', ''),
  indexEntry(0x0204, cmapfile.length, 'cmapfile', 'mscp'),
  indexEntry(0x0206, kxc00.length, 'kxc00', 'mscp'),
  indexEntry(0x0205, tinfo.length, 'tinfo', 'p11'),
  indexEntry(0x0207, ksc01.length, 'ksc01', 'mscp'),
);

/** The FCP an IDPrime card answers to SELECT with P2 = 00: tag 80 = size. */
const fcp = (fid: number, size: number) =>
  concat([0x62, 0x0e, 0x80, 0x02, size >> 8, size & 0xff, 0x82, 0x01, 0x01, 0x83, 0x02, fid >> 8, fid & 0xff, 0x8a, 0x01, 0x05]);
const appletVersion = concat([0xdf, 0x30, 0x10], ascii('IDPrime 940 v1.2'));

/** READ BINARY at `offset` asking `le` bytes (00 = 256). */
const readBinary = (offset: number, le: number) => `00B0${toHex(Uint8Array.of(offset >> 8, offset & 0xff))}${byte(le & 0xff)}`;
const at = (file: Uint8Array, offset: number, length: number) => hex(file.subarray(offset, offset + length));

/** The applet, then the index, then what the index lists: the part every IDPrime script shares. */
const probeAndList = `
  # The IDPrime applet by DF name, no FCI asked (one APDU also on T=0 cards).
  => 00A4040C0BA000000018800000000662
  <= 9000
  # The index file 0101 by path from the MF, asking for its FCP (P2 = 00): tag 80 gives its size.
  # Only now is the structure confirmed as IDPrime.
  => 00A4080002010100
  <= ${hex(fcp(0x0101, index.length))} 9000
  # The index, exactly its size (${index.length} bytes).
  => ${readBinary(0, index.length)}
  <= ${hex(index)} 9000
  # The key-reference file 0005 is not in the index: SELECT with FCP tells whether it is there, and its size.
  => 00A4080002000500
  <= ${hex(fcp(0x0005, keyReferences.length))} 9000
  => ${readBinary(0, keyReferences.length)}
  <= ${hex(keyReferences)} 9000
  # It ties keys to references and PINs: the cmapfile would add only key sizes and names, so it is not read.
`;

describe('IDPrime read strategy, APDU by APDU', () => {
  it('has compressed certificate files of three reads each (256, 256, the rest)', () => {
    for (const file of [kxc00, ksc01]) {
      expect(file.length).toBeGreaterThan(512);
      expect(file.length).toBeLessThan(765);
    }
  });

  it('probes IDPrime first for an IDPrime-family ATR and reads in login order', async () => {
    const transport = apduScript(
      `
      ${probeAndList}
      # The roles are not in any file: the certificate behind PIN 0x11 (key references: container 0,
      # PIN index 1) is read first, and its keyUsage (digitalSignature) makes it the login certificate.
      # Each READ BINARY asks at most 256 bytes; the last asks exactly what is left of the ${kxc00.length}.
      => 00A4080C020206
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(kxc00, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(kxc00, 256, 256)} 9000
      => ${readBinary(512, kxc00.length - 512)}
      <= ${at(kxc00, 512, 256)} 9000
      # Its PIN's try counter: VERIFY without data, the applet still selected.
      => 00200011
      <= 63C3
      # ---- auth-ready: the login certificate and its PIN counter are known ----
      # The digital-signature PIN (940 family: the card has the key-reference file).
      => 00200083
      <= 63C2
      # The PUK has no known reference on IDPrime: never asked.
      # Serial (cardid, 16 bytes) and label (p11/tinfo).
      => 00A4080C020201
      <= 9000
      => ${readBinary(0, 16)}
      <= ${hex(cardId)} 9000
      => 00A4080C020205
      <= 9000
      => ${readBinary(0, tinfo.length)}
      <= ${hex(tinfo)} 9000
      # The other certificate.
      => 00A4080C020207
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(ksc01, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(ksc01, 256, 256)} 9000
      => ${readBinary(512, ksc01.length - 512)}
      <= ${at(ksc01, 512, 256)} 9000
      # The applet version, Le 2D as OpenSC asks it.
      => 00CADF302D
      <= ${hex(appletVersion)} 9000
      `,
      { atr: idPrimeAtr },
    );
    const progress: CardReadProgress[] = [];
    const result = await readCard(transport, { smartcardListPath: null, onProgress: (event) => progress.push(event) });
    expect(result.kind).toBe('snapshot');
    if (result.kind !== 'snapshot') return;
    expect(result.profile.family).toBe('idprime');
    expect(result.structure).toBe('idprime');
    expect(result.stats.apduCount).toBe(transport.played);
    expect(result.stats.apduCount).toBe(20);
    // auth-ready right after VERIFY 00200011, the 10th APDU.
    expect(result.stats.authReady?.apduCount).toBe(10);
    expect(result.apduLog[9]?.command).toBe('00200011');
    expect(progress.map((p) => p.stage)).toEqual(['application-selected', 'auth-ready']);
    const authReady = progress[1];
    expect(authReady?.stage === 'auth-ready' && hex(authReady.certificate?.der ?? new Uint8Array())).toBe(hex(authDer));
    expect(authReady?.stage === 'auth-ready' && [authReady.pin?.reference, authReady.pin?.triesLeft]).toEqual([0x11, 3]);

    expect(result.certificates.map((c) => [hex(c.der), c.role, c.source])).toEqual([
      [hex(authDer), 'authentication', { structure: 'idprime', file: '0206', name: 'kxc00', container: 0, compressed: true }],
      [hex(signDer), 'signature', { structure: 'idprime', file: '0207', name: 'ksc01', container: 1, compressed: true }],
    ]);
    expect(result.pins.map((p) => [p.reference, p.role, p.triesLeft])).toEqual([
      [0x11, 'authentication', 3],
      [0x83, 'signature', 2],
      [null, 'puk', 'unknown'],
    ]);
    // From the key-reference file: container, key reference, PIN.
    expect(result.privateKeys.map((k) => [k.id, k.keyReference, k.authId])).toEqual([
      ['00', 0x81, '11'],
      ['01', 0x82, '83'],
    ]);
    expect(result.tokenInfo).toMatchObject({ serialNumber: hex(cardId), label: 'Kortkoll IDP' });
    expect(result.application.appletVersion).toBe('IDPrime 940 v1.2');
  });

  it('follows 61 xx with GET RESPONSE and resends with the Le of a 6C xx', async () => {
    const transport = apduScript(
      `
      => 00A4040C0BA000000018800000000662
      <= 9000
      # A T=0 card: the FCP comes through 61 xx + GET RESPONSE.
      => 00A4080002010100
      <= 6110
      => 00C0000010
      <= ${hex(fcp(0x0101, index.length))} 9000
      => ${readBinary(0, index.length)}
      <= ${hex(index)} 9000
      => 00A4080002000500
      <= 6110
      => 00C0000010
      <= ${hex(fcp(0x0005, keyReferences.length))} 9000
      => ${readBinary(0, keyReferences.length)}
      <= ${hex(keyReferences)} 9000
      # This card refuses Le 00 (256) and says 255 (6C FF): the read is sent again with Le FF, and
      # 255 becomes the longest read for the rest of the session; the last asks exactly what is left.
      => 00A4080C020206
      <= 9000
      => ${readBinary(0, 256)}
      <= 6CFF
      => ${readBinary(0, 255)}
      <= ${at(kxc00, 0, 255)} 9000
      => ${readBinary(255, 255)}
      <= ${at(kxc00, 255, 255)} 9000
      => ${readBinary(510, kxc00.length - 510)}
      <= ${at(kxc00, 510, 255)} 9000
      => 00200011
      <= 63C1
      # ---- auth-ready ----
      => 00200083
      <= 6983
      => 00A4080C020201
      <= 9000
      => ${readBinary(0, 16)}
      <= ${hex(cardId)} 9000
      => 00A4080C020205
      <= 9000
      => ${readBinary(0, tinfo.length)}
      <= ${hex(tinfo)} 9000
      => 00A4080C020207
      <= 9000
      => ${readBinary(0, 255)}
      <= ${at(ksc01, 0, 255)} 9000
      => ${readBinary(255, 255)}
      <= ${at(ksc01, 255, 255)} 9000
      => ${readBinary(510, ksc01.length - 510)}
      <= ${at(ksc01, 510, 255)} 9000
      # GET DATA with Le 2D: the card says the exact length (6C 13) and gets asked again.
      => 00CADF302D
      <= 6C13
      => 00CADF3013
      <= ${hex(appletVersion)} 9000
      `,
      { atr: idPrimeAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('snapshot');
    if (result.kind !== 'snapshot') return;
    expect(result.stats.apduCount).toBe(transport.played);
    // GET RESPONSE and the resent commands are APDUs of their own.
    expect(result.stats.authReady?.apduCount).toBe(13);
    expect(result.certificates.map((c) => hex(c.der))).toEqual([hex(authDer), hex(signDer)]);
    expect(result.pins.map((p) => [p.reference, p.triesLeft, p.blocked])).toEqual([
      [0x11, 1, false],
      [0x83, 0, true],
      [null, 'unknown', 'unknown'],
    ]);
    expect(result.application.appletVersion).toBe('IDPrime 940 v1.2');
  });

  it('probes PKCS#15 first for a SetCOS ATR, then finds the IDPrime applet', async () => {
    const transport = apduScript(
      `
      # A SetCOS ATR: the PKCS#15 application by AID, EF.DIR, the DF 5015 by path. None is there.
      => 00A4040C0CA000000063504B43532D3135
      <= 6A82
      => 00A4080C022F00
      <= 6A82
      => 00A4080C025015
      <= 6A82
      # Then IDPrime, read as on any IDPrime card.
      ${probeAndList}
      => 00A4080C020206
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(kxc00, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(kxc00, 256, 256)} 9000
      => ${readBinary(512, kxc00.length - 512)}
      <= ${at(kxc00, 512, 256)} 9000
      => 00200011
      <= 63C3
      # ---- auth-ready ----
      => 00200083
      <= 63C3
      => 00A4080C020201
      <= 9000
      => ${readBinary(0, 16)}
      <= ${hex(cardId)} 9000
      => 00A4080C020205
      <= 9000
      => ${readBinary(0, tinfo.length)}
      <= ${hex(tinfo)} 9000
      => 00A4080C020207
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(ksc01, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(ksc01, 256, 256)} 9000
      => ${readBinary(512, ksc01.length - 512)}
      <= ${at(ksc01, 512, 256)} 9000
      # A card that does not know GET DATA DF30: no applet version, not a failure.
      => 00CADF302D
      <= 6A88
      `,
      { atr: setcosAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('snapshot');
    if (result.kind !== 'snapshot') return;
    expect(result.profile.family).toBe('setcos');
    expect(result.structure).toBe('idprime');
    expect(result.probes.map((p) => [p.structure, p.target, p.statusWord])).toEqual([
      ['pkcs15', 'SELECT AID A000000063504B43532D3135', '6A82'],
      ['pkcs15', 'EF.DIR 3F002F00', '6A82'],
      ['pkcs15', 'SELECT DF 3F005015', '6A82'],
      ['idprime', 'SELECT IDPrime applet', '9000'],
      ['idprime', 'SELECT index 0101', '9000'],
    ]);
    expect(result.stats.authReady?.apduCount).toBe(13);
    expect(result.certificates.map((c) => c.role)).toEqual(['authentication', 'signature']);
    expect(result.application.appletVersion).toBeNull();
  });
});

describe('an IDPrime card without the key-reference file (not of the 940 family)', () => {
  it('reads the container map up to its first unused record, and knows only the user PIN 0x11', async () => {
    const transport = apduScript(
      `
      => 00A4040C0BA000000018800000000662
      <= 9000
      => 00A4080002010100
      <= ${hex(fcp(0x0101, index.length))} 9000
      => ${readBinary(0, index.length)}
      <= ${hex(index)} 9000
      # No key-reference file: not a 940, so no digital-signature PIN 0x83 either.
      => 00A4080002000500
      <= 6A82
      # The container map says which containers hold keys. 256 bytes hold its first unused record
      # (at 172), so it takes one read of its ${cmapfile.length} bytes.
      => 00A4080C020204
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(cmapfile, 0, 256)} 9000
      # Every key is behind the user PIN on these cards (as OpenSC reads them).
      => 00A4080C020206
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(kxc00, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(kxc00, 256, 256)} 9000
      => ${readBinary(512, kxc00.length - 512)}
      <= ${at(kxc00, 512, 256)} 9000
      => 00200011
      <= 63C3
      # ---- auth-ready ----
      => 00A4080C020201
      <= 9000
      => ${readBinary(0, 16)}
      <= ${hex(cardId)} 9000
      => 00A4080C020205
      <= 9000
      => ${readBinary(0, tinfo.length)}
      <= ${hex(tinfo)} 9000
      => 00A4080C020207
      <= 9000
      => ${readBinary(0, 256)}
      <= ${at(ksc01, 0, 256)} 9000
      => ${readBinary(256, 256)}
      <= ${at(ksc01, 256, 256)} 9000
      => ${readBinary(512, ksc01.length - 512)}
      <= ${at(ksc01, 512, 256)} 9000
      => 00CADF302D
      <= 6A88
      `,
      { atr: idPrimeAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('snapshot');
    if (result.kind !== 'snapshot') return;
    expect(result.stats.apduCount).toBe(transport.played);
    expect(result.pins.map((p) => [p.reference, p.role])).toEqual([
      [0x11, 'authentication'],
      [null, 'puk'],
    ]);
    expect(result.certificates.map((c) => [c.role, c.pinAuthId])).toEqual([
      ['authentication', '11'],
      ['signature', '11'],
    ]);
    // Keys as the container map describes them: names and sizes, behind the user PIN.
    expect(result.privateKeys.map((k) => [k.label, k.modulusLength, k.authId])).toEqual([
      ['{AUTH-0000}', 2048, '11'],
      ['{SIGN-0001}', 2048, '11'],
    ]);
  });
});

describe('IDPrime is confirmed by two SELECTs before any PIN command', () => {
  const pkcs15Fails = `
    => 00A4040C0CA000000063504B43532D3135
    <= 6A82
    => 00A4080C022F00
    <= 6A82
    => 00A4080C025015
    <= 6A82
  `;
  const cases: { name: string; index: string }[] = [
    { name: 'SELECT 0101 answers 6A82', index: '<= 6A82' },
    { name: 'the FCP has no size (no tag 80)', index: '<= 62 07 82 01 01 83 02 01 01 9000' },
    { name: 'the FCP says size 0', index: `<= ${hex(fcp(0x0101, 0))} 9000` },
    { name: 'the answer is no FCP at all', index: '<= 0102 9000' },
  ];

  it.each(cases)('IDPrime-family ATR: applet found, but $name → PKCS#15 probe → unknown-structure, no VERIFY', async ({ index }) => {
    const transport = apduScript(
      `
      # The applet answers …
      => 00A4040C0BA000000018800000000662
      <= 9000
      # … but the index does not confirm IDPrime: not IDPrime, whatever the ATR says.
      => 00A4080002010100
      ${index}
      # The other structure: PKCS#15. Not there either.
      ${pkcs15Fails}
      # The end: no VERIFY (00 20), no RESET RETRY COUNTER, no CHANGE REFERENCE DATA, nothing more.
      `,
      { atr: idPrimeAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('unknown-structure');
    if (result.kind !== 'unknown-structure') return;
    expect(result.probes.map((p) => [p.structure, p.target])).toEqual([
      ['idprime', 'SELECT IDPrime applet'],
      ['idprime', 'SELECT index 0101'],
      ['pkcs15', 'SELECT AID A000000063504B43532D3135'],
      ['pkcs15', 'EF.DIR 3F002F00'],
      ['pkcs15', 'SELECT DF 3F005015'],
    ]);
    expect(transport.received.some((command) => command[1] === 0x20 || command[1] === 0x24 || command[1] === 0x2c)).toBe(false);
  });

  it('SetCOS ATR: PKCS#15 fails, the applet answers, SELECT 0101 answers 6A82 → unknown-structure, no VERIFY', async () => {
    const transport = apduScript(
      `
      ${pkcs15Fails}
      => 00A4040C0BA000000018800000000662
      <= 9000
      => 00A4080002010100
      <= 6A82
      `,
      { atr: setcosAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('unknown-structure');
    if (result.kind !== 'unknown-structure') return;
    expect(result.probes.map((p) => [p.structure, p.target, p.statusWord])).toEqual([
      ['pkcs15', 'SELECT AID A000000063504B43532D3135', '6A82'],
      ['pkcs15', 'EF.DIR 3F002F00', '6A82'],
      ['pkcs15', 'SELECT DF 3F005015', '6A82'],
      ['idprime', 'SELECT IDPrime applet', '9000'],
      ['idprime', 'SELECT index 0101', '6A82'],
    ]);
    expect(transport.received.some((command) => command[1] === 0x20)).toBe(false);
  });

  it('the applet answers 6A82: the index is not even asked for', async () => {
    const transport = apduScript(
      `
      => 00A4040C0BA000000018800000000662
      <= 6A82
      ${pkcs15Fails}
      `,
      { atr: idPrimeAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result.kind).toBe('unknown-structure');
    expect(transport.received.some((command) => command[1] === 0x20)).toBe(false);
  });
});
