/**
 * What `readCard` sends to a SITHS card of the SetCOS generation, APDU by APDU. These scripts are
 * the documentation of the read strategy: if the order or number of commands changes, they fail.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import type { CardReadProgress } from '../../../electron/card/card-read-result.js';
import { apduScript } from './apdu-script.js';
import { certificateObject, concat, fakeCertificate, keyObject, KeyUsageBit, odfEntry, padFF, PinFlagBit, pinObject, tokenInfo } from './pkcs15-builder.js';

const setcosAtr = '3B7D96000080318065B0A31100C883009000';
const hex = (bytes: Uint8Array) => toHex(bytes);
const byte = (value: number) => toHex(Uint8Array.of(value));
/** A directory file: its objects, then 16 bytes of FF padding. */
const directory = (...objects: Uint8Array[]) => padFF(concat(...objects), concat(...objects).length + 16);

const auth = fakeCertificate({ serial: 1, size: 400, keyUsageBits: [0, 2] });
const sign = fakeCertificate({ serial: 2, size: 300, keyUsageBits: [1] });
const ca = fakeCertificate({ serial: 3, size: 200, keyUsageBits: [5] });

const odf = directory(odfEntry('privateKeys', '3F0050154402'), odfEntry('certificates', '3F0050154403'), odfEntry('authObjects', '3F0050154401'));
const aodf = directory(
  pinObject({ label: 'Legitimering', authId: '01', protectedBy: '03', flags: [PinFlagBit.local, PinFlagBit.initialized], reference: 0x81 }),
  pinObject({ label: 'Underskrift', authId: '02', protectedBy: '03', flags: [PinFlagBit.local, PinFlagBit.initialized], reference: 0x82 }),
  pinObject({ label: 'PUK', authId: '03', flags: [PinFlagBit.local, PinFlagBit.initialized, PinFlagBit.unblockingPin], reference: 0x83 }),
);
const prkdf = directory(
  keyObject({ label: 'Legitimering', id: '45', authId: '01', usage: [KeyUsageBit.sign, KeyUsageBit.decrypt], reference: 1, pathHex: '3F0050154B01' }),
  keyObject({ label: 'Underskrift', id: '46', authId: '02', usage: [KeyUsageBit.nonRepudiation], reference: 2, pathHex: '3F0050154B02' }),
);
const cdf = directory(
  certificateObject({ label: 'Test Person, Region Test', id: '45', pathHex: '3F0050154311' }),
  certificateObject({ label: 'Test Person, Region Test', id: '46', pathHex: '3F0050154312', slice: { index: 0, length: sign.length } }),
  certificateObject({ label: 'Test CA', id: '50', authority: true, pathHex: '3F0050154312', slice: { index: sign.length, length: ca.length } }),
);
const token = directory(tokenInfo({ serial: '9752269000012345678', label: 'SITHS e-id kort' }));
const shared = concat(sign, ca);

describe('read strategy, APDU by APDU', () => {
  it('reads a SetCOS SITHS card in login order', async () => {
    const transport = apduScript(
      `
      # The PKCS#15 application by AID, asking for no FCI: one APDU, also on T=0 cards.
      => 00A4040C0CA000000063504B43532D3135
      <= 9000
      # EF.ODF (5031) in the application DF. SetCOS cards read at most 255 bytes at a time.
      => 00A4000C025031
      <= 9000
      => 00B00000FF
      <= ${hex(odf)} 6282
      # The directories it names, each selected by its path from the MF (P1 = 08) and read once.
      => 00A4080C0450154401
      <= 9000
      => 00B00000FF
      <= ${hex(aodf)} 6282
      => 00A4080C0450154402
      <= 9000
      => 00B00000FF
      <= ${hex(prkdf)} 6282
      => 00A4080C0450154403
      <= 9000
      => 00B00000FF
      <= ${hex(cdf)} 6282
      # The login certificate (its key is used for sign + decrypt): a first chunk tells its DER
      # length, the second asks for exactly the rest.
      => 00A4080C0450154311
      <= 9000
      => 00B00000FF
      <= ${hex(auth.subarray(0, 255))} 9000
      => 00B000FF${byte(auth.length - 255)}
      <= ${hex(auth.subarray(255))} 9000
      # Its PIN's try counter: VERIFY without data. The PIN is local to the application DF, which
      # is no longer the current DF, so the application is selected again first.
      => 00A4040C0CA000000063504B43532D3135
      <= 9000
      => 00200081
      <= 63C3
      # ---- auth-ready: the login certificate and its PIN counter are known ----
      => 00200082
      <= 63C2
      # Not the PUK (83): VERIFY without data is not known to be harmless for it on SetCOS cards.
      => 00A4000C025032
      <= 9000
      => 00B00000FF
      <= ${hex(token)} 6282
      # Two certificates in one file: read once, from the first slice through the second.
      => 00A4080C0450154312
      <= 9000
      => 00B00000FF
      <= ${hex(shared.subarray(0, 255))} 9000
      => 00B000FF${byte(shared.length - 255)}
      <= ${hex(shared.subarray(255))} 9000
      `,
      { atr: setcosAtr, readerName: 'Script Reader' },
    );
    const progress: CardReadProgress[] = [];
    const result = await readCard(transport, { smartcardListPath: null, onProgress: (event) => progress.push(event) });
    expect(result.kind).toBe('snapshot');
    if (result.kind !== 'snapshot') return;
    expect(result.stats.apduCount).toBe(transport.played);
    expect(result.stats.authReady?.apduCount).toBe(14);
    expect(progress.map((p) => p.stage)).toEqual(['application-selected', 'auth-ready']);
    expect(result.certificates.map((c) => hex(c.der))).toEqual([auth, sign, ca].map(hex));
    expect(result.pins.map((p) => [p.role, p.triesLeft, p.maxTries])).toEqual([
      ['authentication', 3, 3],
      ['signature', 2, 3],
      ['puk', 'unknown', 10],
    ]);
    expect(result.tokenInfo?.label).toBe('SITHS e-id kort');
  });

  it('selects FID by FID when the card refuses SELECT by path, and stops cleanly when the card is pulled', async () => {
    const transport = apduScript(
      `
      => 00A4040C0CA000000063504B43532D3135
      <= 9000
      => 00A4000C025031
      <= 9000
      => 00B00000FF
      <= ${hex(odf)} 6282
      # P1 = 08 refused: from now on MF, DF, EF one SELECT each.
      => 00A4080C0450154401
      <= 6A86
      => 00A4000C023F00
      <= 9000
      => 00A4000C025015
      <= 9000
      => 00A4000C024401
      <= 9000
      => 00B00000FF
      <= ${hex(aodf)} 6282
      => 00A4000C023F00
      <= 9000
      => 00A4000C025015
      <= !card-removed
      `,
      { atr: setcosAtr },
    );
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result).toMatchObject({ kind: 'card-removed', stage: 'directories' });
    expect('certificates' in result).toBe(false);
    expect(result.stats.apduCount).toBe(10);
    expect(result.apduLog.at(-1)).toMatchObject({ command: '00A4000C025015', response: '', statusWord: '' });
  });

  it('tries EF.DIR, the PKCS#15 DF and the IDPrime applet before saying the structure is unknown, and sends no PIN command', async () => {
    const transport = apduScript(`
      # An unknown ATR: PKCS#15 first, then IDPrime.
      => 00A4040C0CA000000063504B43532D3135
      <= 6A82
      => 00A4080C022F00
      <= 6A82
      => 00A4080C025015
      <= 6A82
      => 00A4040C0BA000000018800000000662
      <= 6A82
    `);
    const result = await readCard(transport, { smartcardListPath: null });
    expect(result).toMatchObject({ kind: 'unknown-structure', profile: { id: 'unknown' } });
    expect(result.kind === 'unknown-structure' && result.probes.map((p) => [p.structure, p.target, p.statusWord])).toEqual([
      ['pkcs15', 'SELECT AID A000000063504B43532D3135', '6A82'],
      ['pkcs15', 'EF.DIR 3F002F00', '6A82'],
      ['pkcs15', 'SELECT DF 3F005015', '6A82'],
      ['idprime', 'SELECT IDPrime applet', '6A82'],
    ]);
    expect(fromHex(result.atr)).toEqual(transport.atr);
  });
});
