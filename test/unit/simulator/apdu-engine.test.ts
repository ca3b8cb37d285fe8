import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApduEngine, parseCommandApdu } from '../../../native/simulator/apdu-engine.js';
import type { CardBehaviour, VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { dedicatedFile, defaultCardBehaviour, elementaryFile } from '../../../native/simulator/card-model.js';
import { fromHex, toHex } from '../../../native/transport.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const AID = fromHex('A000000063504B43532D3135');
/** 300 bytes 00 01 02 … so that every offset is recognisable. */
const DIR_CONTENT = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
const ODF_CONTENT = fromHex('A8063004040244010203');

function spec(behaviour: Partial<CardBehaviour> = {}): VirtualCardSpec {
  return {
    name: 'unit-card',
    description: 'hand-made card for engine tests',
    atr: fromHex('3B8080010101'),
    mf: dedicatedFile(0x3f00, [
      elementaryFile(0x2f00, DIR_CONTENT),
      dedicatedFile(
        0x5015,
        [
          elementaryFile(0x5031, ODF_CONTENT),
          elementaryFile(0x4b01, fromHex('0102030405060708'), { readAccess: 'never' }),
          elementaryFile(0x4b02, fromHex('CAFEBABE'), { readAccess: { pin: 0x81 } }),
        ],
        { aid: AID },
      ),
      elementaryFile(0x4403, fromHex('3003040100')),
    ]),
    pins: [
      { reference: 0x81, label: 'Legitimering', value: ascii('123456'), triesLeft: 3, maxTries: 3, unblockedBy: 0x83 },
      { reference: 0x82, label: 'Underskrift', value: ascii('654321'), triesLeft: 3, maxTries: 3, unblockedBy: 0x83 },
      { reference: 0x83, label: 'PUK', value: ascii('12345678'), triesLeft: 10, maxTries: 10 },
    ],
    behaviour: { ...defaultCardBehaviour, ...behaviour },
  };
}

/** Sends a hex APDU, returns the hex answer (data + SW). */
async function send(engine: ApduEngine, apdu: string): Promise<string> {
  return toHex(await engine.transmit(fromHex(apdu)));
}
const sw = (answer: string) => answer.slice(-4);
const data = (answer: string) => answer.slice(0, -4);

function apdu(header: string, body: Uint8Array, le?: string): string {
  return `${header}${body.length.toString(16).padStart(2, '0')}${toHex(body)}${le ?? ''}`;
}
const verifyPin = (ref: number, pin: string) => apdu(`002000${ref.toString(16)}`, ascii(pin));

describe('command APDU parsing', () => {
  it('recognises the four cases, short and extended', () => {
    expect(parseCommandApdu(fromHex('00A40000'))).toMatchObject({ ne: 0, hasLe: false, data: new Uint8Array(0) });
    expect(parseCommandApdu(fromHex('00B0000000'))).toMatchObject({ ne: 256, hasLe: true });
    expect(parseCommandApdu(fromHex('00A40000023F00'))).toMatchObject({ ne: 0, data: fromHex('3F00') });
    expect(parseCommandApdu(fromHex('00A40000023F0010'))).toMatchObject({ ne: 16, data: fromHex('3F00') });
    expect(parseCommandApdu(fromHex('00B00000000000'))).toMatchObject({ ne: 65536, extended: true });
    expect(parseCommandApdu(fromHex('00B00000000200'))).toMatchObject({ ne: 512, extended: true });
    expect(parseCommandApdu(fromHex('00A4000000000230010000'))).toMatchObject({ data: fromHex('3001'), ne: 65536, extended: true });
    expect(parseCommandApdu(fromHex('00A400'))).toBeUndefined();
    expect(parseCommandApdu(fromHex('00A40000033F00'))).toBeUndefined();
  });
});

describe('SELECT', () => {
  it('selects the application by AID; a T=0 card answers 61xx and GET RESPONSE gives the FCI', async () => {
    const card = new ApduEngine(spec());
    const answer = await send(card, apdu('00A40400', AID));
    expect(sw(answer)).toMatch(/^61/);
    const available = answer.slice(2, 4);
    const fci = await send(card, `00C00000${available}`);
    expect(sw(fci)).toBe('9000');
    expect(data(fci).slice(0, 2)).toBe('6F');
    expect(data(fci)).toContain(`84${'0C'}${toHex(AID)}`);
    expect(parseInt(available, 16)).toBe(data(fci).length / 2);
    expect(card.currentPath).toEqual([0x3f00, 0x5015]);
  });

  it('selects by a right-truncated AID and answers 6A 82 for an unknown one', async () => {
    const card = new ApduEngine(spec());
    expect(sw(await send(card, apdu('00A4040C', AID.slice(0, 8))))).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x5015]);
    expect(await send(card, apdu('00A4040C', fromHex('A0000000031010')))).toBe('6A82');
  });

  it('selects by FID: the MF, an EF of the current DF, a sibling through the parent, and DFs/EFs explicitly', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00A4000C023F00')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00]);
    expect(await send(card, '00A4010C025015')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x5015]);
    expect(await send(card, '00A4020C025031')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x5015, 0x5031]);
    // 4403 lives in the MF, next to DF 5015: found through the parent DF (how SITHS readers use 3F00xxxx paths).
    expect(await send(card, '00A4000C024403')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x4403]);
    expect(await send(card, '00A4020C025015')).toBe('6A82'); // P1=02 only selects EFs
    expect(await send(card, '00A4000C024B99')).toBe('6A82');
    await send(card, '00A4010C025015');
    expect(await send(card, '00A4030C')).toBe('9000'); // the parent DF
    expect(card.currentPath).toEqual([0x3f00]);
  });

  it('answers 6A 82 for the parent of the MF and leaves the selection as it was after a failed SELECT', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4080C0450155031');
    expect(await send(card, '00A4000C02ABCD')).toBe('6A82');
    expect(card.currentPath).toEqual([0x3f00, 0x5015, 0x5031]);
    await send(card, '00A4000C023F00');
    expect(await send(card, '00A4030C')).toBe('6A82');
  });

  it('selects by path from the MF (with or without a leading 3F00) and from the current DF', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00A4080C0450155031')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x5015, 0x5031]);
    expect(await send(card, '00A4080C063F0050154B01')).toBe('9000');
    expect(card.currentPath).toEqual([0x3f00, 0x5015, 0x4b01]);
    expect(await send(card, '00A4080C0444035031')).toBe('6A82');
    expect(await send(card, '00A4090C025031')).toBe('9000'); // current DF is 5015
    expect(card.currentPath).toEqual([0x3f00, 0x5015, 0x5031]);
    expect(await send(card, '00A4080C03501550')).toBe('6A87');
  });

  it('returns FCP (62) or FCI (6F) with the file size, or nothing for P2=0C', async () => {
    const card = new ApduEngine(spec({ t0GetResponse: false }));
    const fcp = await send(card, '00A40804022F0000');
    expect(sw(fcp)).toBe('9000');
    expect(data(fcp)).toBe('620E' + '8002012C' + '820101' + '83022F00' + '8A0105');
    const fci = await send(card, '00A40800022F0000');
    expect(data(fci)).toBe('6F0E' + data(fcp).slice(4));
    expect(await send(card, '00A4080C022F00')).toBe('9000');
    // Without Le a card not using GET RESPONSE has nowhere to put the FCI.
    expect(await send(card, '00A40800022F00')).toBe('9000');
  });

  it('answers 6A 86 for undefined P1/P2 and 6A 81 for functions the card lacks', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00A40510022F00')).toBe('6A86');
    expect(await send(card, '00A40500022F00')).toBe('6A86');
    expect(await send(card, '00A40002022F00')).toBe('6A81'); // next occurrence
    expect(await send(card, '00A40008022F00')).toBe('6A81'); // FMD
    expect(await send(card, '00A4000C032F0000')).toBe('6A87');
  });
});

describe('READ BINARY', () => {
  it('reads at an offset (15-bit P1P2)', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4000C022F00');
    expect(await send(card, '00B0000010')).toBe(toHex(DIR_CONTENT.slice(0, 16)) + '9000');
    expect(await send(card, '00B0010020')).toBe(toHex(DIR_CONTENT.slice(256, 288)) + '9000');
  });

  it('returns the remaining bytes with 62 82 when fewer than Le are left', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4000C022F00');
    expect(await send(card, '00B0012220')).toBe(toHex(DIR_CONTENT.slice(290)) + '6282');
  });

  it('answers 6B 00 at and after the end of the file', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4000C022F00');
    expect(await send(card, '00B0012C01')).toBe('6B00'); // offset 300 = size
    expect(await send(card, '00B0020001')).toBe('6B00');
  });

  it('answers 6C FF to Le=00 (256) on a card that reads at most 255 bytes, and 67 00 on one that does not say', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4000C022F00');
    expect(await send(card, '00B0000000')).toBe('6CFF');
    expect(sw(await send(card, '00B00000FF'))).toBe('9000');
    const strict = new ApduEngine(spec({ wrongLeAnswer: '6700' }));
    await send(strict, '00A4000C022F00');
    expect(await send(strict, '00B0000000')).toBe('6700');
  });

  it('treats Le=00 as 256 where the card allows it', async () => {
    const card = new ApduEngine(spec({ maxReadBinaryLength: 0x100 }));
    await send(card, '00A4000C022F00');
    expect(await send(card, '00B0000000')).toBe(toHex(DIR_CONTENT.slice(0, 256)) + '9000');
  });

  it('refuses extended Le on a short-length card and honours it on an extended-length card', async () => {
    const short = new ApduEngine(spec());
    await send(short, '00A4000C022F00');
    expect(await send(short, '00B00000000100')).toBe('6700');
    const extended = new ApduEngine(spec({ extendedLength: true, maxReadBinaryLength: 0x800, wrongLeAnswer: '6700' }));
    await send(extended, '00A4000C022F00');
    expect(await send(extended, '00B0000000012C')).toBe(toHex(DIR_CONTENT) + '9000');
    expect(await send(extended, '00B00000000000')).toBe('6700'); // 65536 > 0x800
  });

  it('answers 69 86 with no EF selected, 69 82 for protected EFs, 6A 86 for the short-EF form, 67 00 without Le', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00B0000010')).toBe('6986');
    await send(card, '00A4040C' + '0C' + toHex(AID));
    expect(await send(card, '00B0000010')).toBe('6986');
    await send(card, '00A4020C024B01');
    expect(await send(card, '00B0000008')).toBe('6982');
    await send(card, '00A4020C024B02');
    expect(await send(card, '00B0000004')).toBe('6982');
    expect(await send(card, verifyPin(0x81, '123456'))).toBe('9000');
    expect(await send(card, '00B0000004')).toBe('CAFEBABE9000');
    expect(await send(card, '00B0810004')).toBe('6A86');
    expect(await send(card, '00B00000')).toBe('6700');
  });
});

describe('GET RESPONSE', () => {
  it('answers 6C xx to a wrong Le and keeps the data for the right one', async () => {
    const card = new ApduEngine(spec());
    const first = await send(card, '00A40800022F00');
    const available = parseInt(first.slice(2), 16);
    expect(sw(first)).toMatch(/^61/);
    expect(await send(card, '00C0000000')).toBe(`6C${available.toString(16).toUpperCase().padStart(2, '0')}`);
    const full = await send(card, `00C00000${available.toString(16).padStart(2, '0')}`);
    expect(sw(full)).toBe('9000');
    expect(data(full).length / 2).toBe(available);
  });

  it('hands out the data in parts with 61 xx for the rest', async () => {
    const card = new ApduEngine(spec());
    const first = await send(card, '00A40800022F00');
    const available = parseInt(first.slice(2), 16);
    const part = await send(card, '00C0000004');
    expect(sw(part)).toBe(`61${(available - 4).toString(16).toUpperCase().padStart(2, '0')}`);
    const rest = await send(card, `00C00000${(available - 4).toString(16).padStart(2, '0')}`);
    expect(sw(rest)).toBe('9000');
    expect(data(part) + data(rest)).toMatch(/^6F/);
  });

  it('answers 69 85 with nothing pending, also after another command dropped the pending data', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00C0000010')).toBe('6985');
    await send(card, '00A40800022F00');
    await send(card, '00B0000001');
    expect(await send(card, '00C0000010')).toBe('6985');
    expect(await send(card, '00C0010010')).toBe('6A86');
  });

  it('gives the FCI at once on a card without GET RESPONSE, and chains with 61 xx when Le is short', async () => {
    const card = new ApduEngine(spec({ t0GetResponse: false }));
    const whole = await send(card, '00A40800022F0000');
    expect(sw(whole)).toBe('9000');
    const part = await send(card, '00A40800022F0005');
    expect(data(part)).toBe(data(whole).slice(0, 10));
    expect(sw(part)).toMatch(/^61/);
    expect(data(await send(card, '00C0000000'))).toBe(data(whole).slice(10));
  });
});

describe('VERIFY', () => {
  it('reports tries left without data (63 Cx), counts a wrong PIN down and a right one back to max', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00200081')).toBe('63C3');
    expect(await send(card, verifyPin(0x81, '000000'))).toBe('63C2');
    expect(card.pinStatus(0x81)).toMatchObject({ triesLeft: 2, verified: false });
    expect(await send(card, '00200081')).toBe('63C2');
    expect(await send(card, verifyPin(0x81, '123456'))).toBe('9000');
    expect(card.pinStatus(0x81)).toMatchObject({ triesLeft: 3, verified: true });
    expect(await send(card, '00200081')).toBe('9000');
  });

  it('blocks the PIN after the last wrong try (63 C0, then 69 83 even for the right PIN)', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, verifyPin(0x81, '111111'))).toBe('63C2');
    expect(await send(card, verifyPin(0x81, '111111'))).toBe('63C1');
    expect(await send(card, verifyPin(0x81, '111111'))).toBe('63C0');
    expect(await send(card, verifyPin(0x81, '123456'))).toBe('6983');
    expect(await send(card, '00200081')).toBe('6983');
    expect(card.pinStatus(0x81)).toMatchObject({ triesLeft: 0, blocked: true });
    expect(card.pinStatus(0x82)).toMatchObject({ triesLeft: 3, blocked: false });
  });

  it('accepts a PIN padded with FF to its stored length', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, apdu('00200081', fromHex('313233343536FFFF')))).toBe('9000');
  });

  it('answers 67 00 to VERIFY without data on a card that does not support it, spending nothing', async () => {
    const card = new ApduEngine(spec({ answersVerifyWithoutData: false }));
    expect(await send(card, '00200081')).toBe('6700');
    expect(card.pinStatus(0x81)?.triesLeft).toBe(3);
  });

  it('answers 6A 88 for an unknown reference, 6A 86 for a bad P1, and P1=FF drops the verification', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00200091')).toBe('6A88');
    expect(await send(card, '00200181')).toBe('6A86');
    await send(card, verifyPin(0x81, '123456'));
    expect(await send(card, '0020FF81')).toBe('9000');
    expect(await send(card, '00200081')).toBe('63C3');
  });
});

describe('RESET RETRY COUNTER', () => {
  async function blockAuthPin(card: ApduEngine) {
    for (let i = 0; i < 3; i++) await send(card, verifyPin(0x81, '999999'));
    expect(card.pinStatus(0x81)?.blocked).toBe(true);
  }

  it('P1=01: the PUK alone unblocks the PIN, which keeps its value', async () => {
    const card = new ApduEngine(spec());
    await blockAuthPin(card);
    expect(await send(card, apdu('002C0181', ascii('12345678')))).toBe('9000');
    expect(card.pinStatus(0x81)).toMatchObject({ triesLeft: 3, blocked: false });
    expect(await send(card, verifyPin(0x81, '123456'))).toBe('9000');
  });

  it('P1=00: PUK and new PIN unblock and replace the PIN', async () => {
    const card = new ApduEngine(spec());
    await blockAuthPin(card);
    expect(await send(card, apdu('002C0081', ascii('12345678' + '24680'.padEnd(6, '1'))))).toBe('9000');
    expect(await send(card, verifyPin(0x81, '123456'))).toBe('63C2');
    expect(await send(card, verifyPin(0x81, '246801'))).toBe('9000');
  });

  it('a wrong PUK spends a PUK try; the tenth blocks the PUK for good', async () => {
    const card = new ApduEngine(spec());
    await blockAuthPin(card);
    expect(await send(card, apdu('002C0181', ascii('00000000')))).toBe('63C9');
    expect(card.pinStatus(0x83)?.triesLeft).toBe(9);
    for (let i = 8; i >= 0; i--) expect(await send(card, apdu('002C0181', ascii('00000000')))).toBe(`63C${i}`);
    expect(card.pinStatus(0x83)).toMatchObject({ triesLeft: 0, blocked: true });
    expect(await send(card, apdu('002C0181', ascii('12345678')))).toBe('6983');
    expect(await send(card, '00200083')).toBe('6983');
    expect(card.pinStatus(0x81)?.blocked).toBe(true);
  });

  it('a right PUK resets the PUK counter; a PIN without a PUK and bad P1 are refused', async () => {
    const card = new ApduEngine(spec());
    await send(card, apdu('002C0181', ascii('00000000')));
    expect(await send(card, apdu('002C0181', ascii('12345678')))).toBe('9000');
    expect(card.pinStatus(0x83)?.triesLeft).toBe(10);
    expect(await send(card, apdu('002C0183', ascii('12345678')))).toBe('6A88');
    expect(await send(card, apdu('002C0281', ascii('12345678')))).toBe('6A86');
    expect(await send(card, '002C0181')).toBe('6700');
  });
});

describe('CHANGE REFERENCE DATA', () => {
  it('changes the PIN with old + new, and counts a wrong old PIN', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, apdu('00240082', ascii('000000' + '111111')))).toBe('63C2');
    expect(await send(card, apdu('00240082', ascii('654321' + '111111')))).toBe('9000');
    expect(card.pinStatus(0x82)?.triesLeft).toBe(3);
    expect(await send(card, verifyPin(0x82, '654321'))).toBe('63C2');
    expect(await send(card, verifyPin(0x82, '111111'))).toBe('9000');
  });

  it('P1=01 needs a verified PIN; the PUK cannot be changed', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, apdu('00240181', ascii('222222')))).toBe('6982');
    await send(card, verifyPin(0x81, '123456'));
    expect(await send(card, apdu('00240181', ascii('222222')))).toBe('9000');
    expect(await send(card, verifyPin(0x81, '222222'))).toBe('9000');
    expect(await send(card, apdu('00240083', ascii('12345678' + '87654321')))).toBe('6985');
  });
});

describe('everything else', () => {
  it('answers 6D 00 to an unknown INS and 6E 00 to an unknown class', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00D6000001FF')).toBe('6D00');
    expect(await send(card, '80CA9F7F00')).toBe('6E00');
    expect(await send(card, '0CB0000010')).toBe('6882');
    expect(await send(card, '01B0000010')).toBe('6881');
  });

  it('answers 67 00 to malformed APDUs', async () => {
    const card = new ApduEngine(spec());
    expect(await send(card, '00A4')).toBe('6700');
    expect(await send(card, '00A4000C053F00')).toBe('6700');
    expect(await send(card, '00A4000C023F00AABB')).toBe('6700');
  });

  it('never throws: any byte string gets an answer ending in a status word', async () => {
    const card = new ApduEngine(spec({ extendedLength: true }));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 300 }), async (bytes) => {
        const answer = await card.transmit(bytes);
        expect(answer.length).toBeGreaterThanOrEqual(2);
        card.reset();
      }),
      { numRuns: 500 },
    );
  });
});

describe('power, reset and the APDU log', () => {
  afterEach(() => vi.useRealTimers());

  it('reset() clears the selection and verified PINs but keeps the counters', async () => {
    const card = new ApduEngine(spec());
    await send(card, verifyPin(0x82, '000000'));
    await send(card, verifyPin(0x81, '123456'));
    await send(card, '00A4080C0450155031');
    card.reset();
    expect(card.currentPath).toEqual([0x3f00]);
    expect(card.pinStatus(0x81)).toMatchObject({ verified: false, triesLeft: 3 });
    expect(card.pinStatus(0x82)?.triesLeft).toBe(2);
    expect(await send(card, '00B0000001')).toBe('6986');
  });

  it('rejects transmit() while powered off and works again after powerOn()', async () => {
    const card = new ApduEngine(spec());
    await send(card, verifyPin(0x81, '000000'));
    card.powerOff();
    await expect(card.transmit(fromHex('00A4000C023F00'))).rejects.toThrow(/powered off/);
    card.powerOn();
    expect(await send(card, '00A4000C023F00')).toBe('9000');
    expect(card.pinStatus(0x81)?.triesLeft).toBe(2);
  });

  it('records every exchange with command, response and time; clearApduLog empties it', async () => {
    const card = new ApduEngine(spec());
    await send(card, '00A4000C022F00');
    await send(card, '00B0000004');
    expect(card.apduLog.map((entry) => [toHex(entry.command), toHex(entry.response)])).toEqual([
      ['00A4000C022F00', '9000'],
      ['00B0000004', '000102039000'],
    ]);
    expect(card.apduLog[1]!.atMs).toBeGreaterThanOrEqual(card.apduLog[0]!.atMs);
    expect(card.apduLog.every((entry) => entry.latencyMs === 0)).toBe(true);
    card.clearApduLog();
    expect(card.apduLog).toHaveLength(0);
  });

  it('applies the simulated latency per APDU and per byte before answering', async () => {
    vi.useFakeTimers();
    const card = new ApduEngine(spec({ latencyPerApduMs: 20, latencyPerByteMs: 1 }));
    let answered = false;
    const answer = card.transmit(fromHex('00A4000C022F00')).then((r) => {
      answered = true;
      return r;
    });
    const expected = 20 + 1 * (7 + 2);
    await vi.advanceTimersByTimeAsync(expected - 1);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(true);
    expect(toHex(await answer)).toBe('9000');
    expect(card.apduLog[0]!.latencyMs).toBe(expected);
  });
});
