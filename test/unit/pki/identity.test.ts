import { describe, expect, it } from 'vitest';
import { checkHsaId, looksLikeHsaId } from '../../../electron/pki/hsa-id.js';
import { isPersonnummer, maskPersonnummer, maskPersonnummerInText, personnummerChecksumValid } from '../../../electron/pki/personnummer.js';

describe('HSA-id format', () => {
  it('accepts production and test identities', () => {
    expect(checkHsaId('SE2321000016-1234')).toMatchObject({
      valid: true,
      test: false,
      prefix: 'SE',
      organisationNumber: '2321000016',
      suffix: '1234',
      problems: [],
      warnings: [],
    });
    expect(checkHsaId('TSTNMT2321000156-1025')).toMatchObject({ valid: true, test: true, prefix: 'TSTNMT', organisationNumber: '2321000156' });
    expect(checkHsaId('SE2321000016-aB9')).toMatchObject({ valid: true });
  });

  it.each([
    ['SE2321000016-1234567890123456789', ['too-long']],
    ['SE2321000016-Åsa', ['bad-characters']],
    ['SE2321000016-anna@region', ['bad-characters']],
    ['SE2321000016 1234', ['whitespace', 'missing-dash', 'bad-organisation-number']],
    ['SE23210000161234', ['missing-dash', 'bad-organisation-number']],
    ['SE232100001-1234', ['bad-organisation-number']],
    ['NO2321000016-1234', ['bad-prefix']],
    ['SE2321000016-', ['empty-suffix']],
    ['SE2321000016-12-34', ['bad-characters']],
    ['', ['empty']],
  ])('%s → %j', (value, problems) => {
    const check = checkHsaId(value);
    expect(check.valid).toBe(false);
    expect([...check.problems].sort()).toEqual([...problems].sort());
  });

  it('is exactly at the 31-character limit valid', () => {
    const atLimit = 'SE2321000016-' + 'A'.repeat(31 - 13);
    expect(atLimit).toHaveLength(31);
    expect(checkHsaId(atLimit).valid).toBe(true);
    expect(checkHsaId(atLimit + 'B').problems).toEqual(['too-long']);
  });

  it('warns (does not fail) when the organisation number fails its check digit', () => {
    const check = checkHsaId('SE2321000017-1234');
    expect(check.valid).toBe(true);
    expect(check.warnings).toEqual(['organisation-number-checksum']);
  });

  it('tells HSA-ids from other serial numbers', () => {
    expect(looksLikeHsaId('SE2321000016-1234')).toBe(true);
    expect(looksLikeHsaId('TSTNMT2321000156-B02')).toBe(true);
    expect(looksLikeHsaId('197001011234')).toBe(false);
    expect(looksLikeHsaId('SERIAL-1')).toBe(false);
  });
});

describe('personnummer', () => {
  it('recognises the usual forms and samordningsnummer', () => {
    for (const value of ['197001011234', '19700101-1234', '700101-1234', '7001011234', '19700161-1234', '121212+1212']) {
      expect(isPersonnummer(value)).toBe(true);
    }
    for (const value of ['197013011234', '19700132-1234', '2321000016', 'SE2321000016-1234', '12345', '9752269000000012345']) {
      expect(isPersonnummer(value)).toBe(false);
    }
  });

  it('checks the Luhn digit over YYMMDDNNNC', () => {
    expect(personnummerChecksumValid('19121212-1212')).toBe(true);
    expect(personnummerChecksumValid('19121212-1213')).toBe(false);
  });

  it('masks the last four digits, keeps the birth date', () => {
    expect(maskPersonnummer('197001011234')).toBe('19700101-****');
    expect(maskPersonnummer('700101-1234')).toBe('700101-****');
    expect(maskPersonnummer('121212+1212')).toBe('121212+****');
    expect(maskPersonnummer('SE2321000016-1234')).toBe('SE2321000016-1234');
  });

  it('masks personnummer inside text but leaves HSA-ids and card numbers alone', () => {
    const text = 'CN=Anna Andersson (197001011234), serialNumber=19700101-1234, hsa=SE2321000016-1234, card=9752269000000012345';
    const masked = maskPersonnummerInText(text);
    expect(masked).toBe('CN=Anna Andersson (19700101-****), serialNumber=19700101-****, hsa=SE2321000016-1234, card=9752269000000012345');
  });
});
