import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskCardNumber, maskDistinguishedName, maskHsaId, maskName, maskPersonnummerIn, maskSubjectSerial } from '../../../electron/diagnostics/redact.js';

describe('redaction', () => {
  it('masks names but keeps initials', () => {
    expect(maskName('Anna Andersson')).toBe('A*** A********');
    expect(maskName('Åsa Öberg-Ek')).toBe('Å** Ö*******');
  });
  it('keeps the organisation number of an HSA-id and masks the personal suffix', () => {
    expect(maskHsaId('SE2321000016-1A2B')).toBe('SE2321000016-****');
    expect(maskSubjectSerial('TSTNMT2321000156-1025')).toBe('TSTNMT2321000156-****');
  });
  it('masks the last four digits of a personnummer', () => {
    expect(maskPersonnummerIn('pnr 19121212-1212 och 121212-1212')).toBe('pnr 19121212-**** och 121212-****');
    expect(maskSubjectSerial('191212121212')).toBe('19121212-****');
  });
  it('keeps only the last four digits of a card number', () => {
    expect(maskCardNumber('9752269999000012345')).toBe('***************2345');
  });
  it('masks personal attributes of a subject DN and keeps the organisation', () => {
    const dn = 'CN=Anna Andersson, GN=Anna, SN=Andersson, serialNumber=SE2321000016-1A2B, O=Region Test, C=SE';
    const masked = maskDistinguishedName(dn, { serial: 'SE2321000016-1A2B' });
    expect(masked).not.toContain('Anna');
    expect(masked).not.toContain('1A2B');
    expect(masked).toContain('O=Region Test');
  });
  it('never leaves a personnummer readable', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2025 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 9999 }), (y, m, d, n) => {
        const last = String(n).padStart(4, '0');
        const pnr = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}-${last}`;
        expect(maskPersonnummerIn(`x ${pnr} y`)).not.toContain(`-${last}`);
      }),
    );
  });
});
