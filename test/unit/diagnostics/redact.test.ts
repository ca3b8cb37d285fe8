import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  apduHeaderOnly,
  maskCardNumber,
  maskDistinguishedName,
  maskHsaId,
  maskName,
  maskPersonnummerIn,
  maskSubjectSerial,
  parseDisplayName,
} from '../../../electron/diagnostics/redact.js';

describe('redaction', () => {
  it('masks names but keeps initials', () => {
    expect(maskName('Anna Andersson')).toBe('A*** A********');
    expect(maskName('Åsa Öberg-Ek')).toBe('Å** Ö*******');
  });
  it('keeps the organisation number of an HSA-id and masks the personal suffix', () => {
    expect(maskHsaId('SE2321000016-1A2B')).toBe('SE2321000016-****');
    expect(maskSubjectSerial('TSTNMT2321000156-1025')).toBe('TSTNMT2321000156-****');
  });
  it('leaves at most the birth year of a personnummer, also of one already masked to its birth date', () => {
    expect(maskPersonnummerIn('pnr 19121212-1212 och 121212-1212')).toBe('pnr 1912****-**** och 12****-****');
    expect(maskPersonnummerIn('19121212-****, 191212121212')).toBe('1912****-****, 1912****-****');
    expect(maskSubjectSerial('191212121212')).toBe('1912****-****');
    expect(maskPersonnummerIn(maskPersonnummerIn('19121212-1212'))).toBe('1912****-****');
  });
  it('keeps only the last four digits of a card number', () => {
    expect(maskCardNumber('9752269999000012345')).toBe('***************2345');
  });
  it('masks personal attributes of a subject DN and keeps the organisation', () => {
    const dn = 'CN=Anna Andersson, GN=Anna, SN=Andersson, serialNumber=SE2321000016-1A2B, O=Region Test, C=SE';
    const masked = maskDistinguishedName(dn);
    expect(masked).not.toContain('Anna');
    expect(masked).not.toContain('1A2B');
    expect(masked).toContain('O=Region Test');
  });
  it('masks e-mail, UID, initials and OU, and a CN written with an escaped comma, whole', () => {
    const dn =
      'CN=Andersson\\, Anna, emailAddress=anna.andersson@region.se, UID=anan01, initials=AKA, OU=Kirurgen, 2.5.4.65=Pseudo, O=Region Test, L=Växjö, C=SE';
    const masked = maskDistinguishedName(dn);
    for (const personal of ['Andersson', 'Anna', 'anna.andersson', 'region.se', 'anan01', 'AKA', 'Kirurgen', 'Pseudo']) expect(masked).not.toContain(personal);
    expect(masked).toMatch(/^CN=A\*+\\, A\*+, /);
    expect(masked).toContain('O=Region Test, L=Växjö, C=SE');
    expect(parseDisplayName(masked).map(([name]) => name)).toEqual(['CN', 'emailAddress', 'UID', 'initials', 'OU', '2.5.4.65', 'O', 'L', 'C']);
  });
  it('keeps the header of an APDU command, not its data', () => {
    expect(apduHeaderOnly('00 A4 04 00 0C A0 00 00 00 63 50 4B 43 53 2D 31 35')).toEqual({ header: '00 A4 04 00', dataBytes: 13 });
    expect(apduHeaderOnly('00 20 00 81')).toEqual({ header: '00 20 00 81', dataBytes: 0 });
  });
  it('never leaves a personnummer readable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2025 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 9999 }),
        (y, m, d, n) => {
          const last = String(n).padStart(4, '0');
          const pnr = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}-${last}`;
          const masked = maskPersonnummerIn(`x ${pnr} y`);
          expect(masked).not.toContain(`-${last}`);
          expect(masked).not.toContain(pnr.slice(0, 8));
        },
      ),
    );
  });
});
