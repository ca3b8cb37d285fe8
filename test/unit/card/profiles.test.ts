import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../native/transport.js';
import { parseAtr } from '../../../electron/card/atr.js';
import { identifyCard, knownCards } from '../../../electron/card/profiles.js';
import { defaultSmartcardListPath, loadSmartcardList, lookUpAtr, parseSmartcardList } from '../../../electron/card/smartcard-list.js';

const noList = { smartcardListPath: null };

describe('card profiles', () => {
  it('knows the SITHS SetCOS cards of the facts and allows the PIN-counter probe on them', () => {
    for (const atr of ['3B7D96000080318065B0A31100C883009000', '3B7D96000080318065B0A31101F383009000']) {
      const profile = identifyCard(fromHex(atr), noList);
      expect(profile).toMatchObject({ id: 'siths-setcos-netid', family: 'setcos', known: true, pinCounterProbe: true });
      expect(profile.displayName.sv).toContain('SITHS');
      expect(profile.read.maxShortReadLength).toBe(0xff);
    }
    expect(identifyCard(fromHex('3B7D96000080318065B0A30201F383009000'), noList).id).toBe('setcos-2048-eid');
  });

  it('knows the reservkort, and names other IDPrime-family cards without probing their PINs', () => {
    expect(identifyCard(fromHex('3B7F96000080318065B0850400111202F0829000'), noList)).toMatchObject({ id: 'siths-idprime-reservkort', pinCounterProbe: true });
    // The Swedish national ID card of smartcard_list.txt: same family, not a SITHS card as far as we know.
    expect(identifyCard(fromHex('3B7F96000080318065B08504001112 0FFF 829000'), noList)).toMatchObject({ id: 'thales-idprime-family', pinCounterProbe: false });
    // Gemalto Classic V4 (3B 7F 94 …): another speed byte, not in the pattern.
    expect(identifyCard(fromHex('3B7F94000080318065B0850300EF120FFF829000'), noList).id).toBe('unknown');
  });

  it('treats any other card as unknown: PKCS#15 is still tried, PIN counters are not probed', () => {
    const profile = identifyCard(fromHex('3B6700007D2040343B9000'), noList);
    expect(profile).toMatchObject({ id: 'unknown', known: false, pinCounterProbe: false });
    expect(profile.smartcardListName).toBeUndefined();
  });

  it('has no ATR twice in the table', () => {
    const atrs = knownCards.flatMap((entry) => entry.atrs.filter((a) => !a.mask).map((a) => Buffer.from(a.value).toString('hex')));
    expect(new Set(atrs).size).toBe(atrs.length);
  });
});

describe('ATR parsing', () => {
  it('finds protocols and historical bytes', () => {
    const setcos = parseAtr(fromHex('3B7D96000080318065B0A31100C883009000'));
    expect(setcos.protocols).toEqual([0]);
    expect(setcos.wellFormed).toBe(true);
    expect(setcos.historicalBytes.length).toBe(13);
    expect(setcos.cardCapabilities).toBeUndefined();
  });
  it('reads the extended-length bit of the card capabilities', () => {
    // T=0/T=1 card whose historical bytes are 80 73 00 00 C0 (card capabilities: chaining + extended length).
    const bytes = fromHex('3B858001807300 00C037');
    const atr = parseAtr(bytes);
    expect(atr.protocols).toEqual([0, 1]);
    expect(atr.wellFormed).toBe(true);
    expect(atr.cardCapabilities).toEqual({ extendedLength: true, commandChaining: true });
    expect(identifyCard(bytes, noList).read.extendedLength).toBe('try');
  });
  it('survives garbage', () => {
    expect(parseAtr(new Uint8Array(0)).wellFormed).toBe(false);
    expect(parseAtr(fromHex('3BFF')).wellFormed).toBe(false);
    expect(identifyCard(fromHex('00'), noList).id).toBe('unknown');
  });
});

describe('smartcard_list.txt', () => {
  const sample = [
    '# comment',
    '3B 67 00 00 7D 20 40 34 3B 90 00',
    '\tNordea Visa Sweden',
    '\thttps://example.invalid/',
    '',
    '3B 7D 96 00 00 80 31 80 65 B0 .. .. .. .. 83 00 90 00',
    '\tSome family pattern',
    '',
    '3B ((( broken',
    '\tnever used',
    '',
    '3B 11 22',
    '',
  ].join('\n');

  it('parses entries, skips broken patterns and entries without text', () => {
    const entries = parseSmartcardList(sample);
    expect(entries.map((e) => e.descriptions[0])).toEqual(['Nordea Visa Sweden', 'Some family pattern']);
    expect(lookUpAtr(fromHex('3B6700007D2040343B9000'), entries)).toEqual(['Nordea Visa Sweden', 'https://example.invalid/']);
    expect(lookUpAtr(fromHex('3B7D96000080318065B0A30201F383009000'), entries)?.[0]).toBe('Some family pattern');
    expect(lookUpAtr(fromHex('3B00'), entries)).toBeUndefined();
  });

  it('names an unknown ATR from an injected file, and copes with a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kortkoll-list-'));
    const file = join(dir, 'smartcard_list.txt');
    writeFileSync(file, sample);
    const profile = identifyCard(fromHex('3B6700007D2040343B9000'), { smartcardListPath: file });
    expect(profile).toMatchObject({ id: 'unknown', smartcardListName: 'Nordea Visa Sweden', pinCounterProbe: false });
    expect(profile.displayName.en).toBe('Unknown card (Nordea Visa Sweden)');
    expect(loadSmartcardList(join(dir, 'missing.txt'))).toBeUndefined();
    expect(identifyCard(fromHex('3B6700007D2040343B9000'), { smartcardListPath: join(dir, 'missing.txt') }).smartcardListName).toBeUndefined();
  });

  it.skipIf(!existsSync(defaultSmartcardListPath))('reads the installed pcsc-tools list', () => {
    const entries = loadSmartcardList();
    expect(entries && entries.length).toBeGreaterThan(1000);
    expect(identifyCard(fromHex('3B6700007D2040343B9000')).smartcardListName).toBe('Nordea Visa Sweden');
  });
});
