/**
 * PC/SC part 10 structures for a pinpad reader. The expected bytes are worked out by hand from
 * the layouts in pcsc-lite's reader.h (PIN_VERIFY_STRUCTURE, PIN_MODIFY_STRUCTURE: packed, 16-
 * and 32-bit fields little endian) and the CCID field meanings; each line says why.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../native/transport.js';
import {
  FEATURE_MODIFY_PIN_DIRECT,
  FEATURE_VERIFY_PIN_DIRECT,
  IDPRIME_PIN_FORMAT,
  PinpadStructureError,
  SITHS_PKCS15_PIN_FORMAT,
  buildPinModifyStructure,
  buildPinVerifyStructure,
  describePinStructure,
  getFeatureRequestCode,
  parseFeatureList,
  pinpadOutcome,
  type PinFormat,
} from '../../../electron/card/pinpad.js';

const bytes = (...parts: string[]) => fromHex(parts.join(''));

describe('parseFeatureList', () => {
  it('reads what a CCID pinpad reader lists under pcsc-lite (control codes big endian)', () => {
    // libccid answers GET_FEATURE_REQUEST with SCARD_CTL_CODE(3500 + n) = 0x42000000 + 0x0DAC + n.
    const list = bytes(
      '06',
      '04',
      '42330006', // FEATURE_VERIFY_PIN_DIRECT -> 0x42330006
      '07',
      '04',
      '42330007', // FEATURE_MODIFY_PIN_DIRECT -> 0x42330007
      '0A',
      '04',
      '4233000A', // FEATURE_IFD_PIN_PROPERTIES
      '12',
      '04',
      '42330012', // FEATURE_GET_TLV_PROPERTIES
    );
    const parsed = parseFeatureList(list);
    expect(parsed.complete).toBe(true);
    expect(parsed.problem).toBeUndefined();
    expect(parsed.controlCodes.get(FEATURE_VERIFY_PIN_DIRECT)).toBe(0x42330006);
    expect(parsed.controlCodes.get(FEATURE_MODIFY_PIN_DIRECT)).toBe(0x42330007);
    expect([...parsed.controlCodes.keys()]).toEqual([0x06, 0x07, 0x0a, 0x12]);
  });

  it('reads control codes with the top bit set as unsigned numbers', () => {
    expect(parseFeatureList(bytes('06', '04', 'FFFFFFFE')).controlCodes.get(6)).toBe(0xfffffffe);
  });

  it('says an empty list is a complete list of nothing (a reader without a pinpad)', () => {
    expect(parseFeatureList(new Uint8Array())).toEqual({ controlCodes: new Map(), complete: true });
  });

  it('keeps what it read before a truncated entry, and says why it stopped', () => {
    const parsed = parseFeatureList(bytes('06', '04', '42330006', '07', '04', '4233'));
    expect([...parsed.controlCodes]).toEqual([[6, 0x42330006]]);
    expect(parsed.complete).toBe(false);
    expect(parsed.problem).toMatch(/runs past the end/);
    expect(parseFeatureList(bytes('06')).problem).toMatch(/truncated/);
  });

  it('skips an entry of another length and keeps the first of a repeated tag', () => {
    const parsed = parseFeatureList(bytes('13', '02', 'AAAA', '06', '04', '00000001', '06', '04', '00000002'));
    expect([...parsed.controlCodes]).toEqual([[6, 1]]);
    expect(parsed.complete).toBe(false);
    expect(parsed.problem).toMatch(/length 2/);
  });

  it('never throws, never reads past the input, and only keeps 4-byte entries (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (tlv) => {
        const parsed = parseFeatureList(tlv);
        expect(parsed.controlCodes.size).toBeLessThanOrEqual(Math.floor(tlv.length / 6));
        for (const [tag, code] of parsed.controlCodes) {
          expect(tag).toBeGreaterThanOrEqual(0);
          expect(tag).toBeLessThanOrEqual(0xff);
          expect(code).toBeGreaterThanOrEqual(0);
          expect(code).toBeLessThanOrEqual(0xffffffff);
        }
        if (parsed.complete) expect(parsed.problem).toBeUndefined();
        else expect(parsed.problem).toBeTypeOf('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any list of well-formed entries exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffffffff })), { selector: ([tag]) => tag, maxLength: 40 }),
        (entries) => {
          const tlv = new Uint8Array(entries.length * 6);
          entries.forEach(([tag, code], i) => {
            tlv[i * 6] = tag;
            tlv[i * 6 + 1] = 4;
            new DataView(tlv.buffer).setUint32(i * 6 + 2, code, false);
          });
          const parsed = parseFeatureList(tlv);
          expect(parsed.complete).toBe(true);
          expect([...parsed.controlCodes]).toEqual(entries);
        },
      ),
    );
  });
});

describe('GET_FEATURE_REQUEST control code', () => {
  it("is SCARD_CTL_CODE(3400) in pcsc-lite's form and in Windows' form", () => {
    expect(getFeatureRequestCode('linux')).toBe(0x42000000 + 3400);
    expect(getFeatureRequestCode('darwin')).toBe(0x42000d48);
    // Windows: CTL_CODE(FILE_DEVICE_SMARTCARD = 0x31, 3400, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x31 << 16 | 3400 << 2.
    expect(getFeatureRequestCode('win32')).toBe((0x31 << 16) | (3400 << 2));
    expect(getFeatureRequestCode('win32')).toBe(0x00313520);
  });
});

describe('buildPinVerifyStructure', () => {
  it('builds the block for a SITHS PKCS#15 PIN (ASCII, 6–8 digits, 8 bytes padded with FF)', () => {
    const structure = buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('00200001'));
    expect(toHex(structure, ' ')).toBe(
      toHex(
        bytes(
          '1E', // bTimerOut: 30 s for the first key (a person may take that long)
          '1E', // bTimerOut2: 30 s after the first key
          '82', // bmFormatString: 1000 0010 = units bytes, PIN at position 0 of the data, left-justified, ASCII
          '08', // bmPINBlockString: no PIN length field (0 bits), PIN block 8 bytes
          '00', // bmPINLengthFormat: no length to insert
          '0806', // wPINMaxExtraDigit 0x0608 (min 6, max 8), little endian
          '02', // bEntryValidationCondition: the OK key
          '00', // bNumberMessage: no messages (no display known)
          '0904', // wLangId 0x0409, little endian
          '00', // bMsgIndex
          '000000', // bTeoPrologue: the reader builds T=1 blocks
          '0D000000', // ulDataLength 13, little endian: 4 header + Lc + 8 placeholder bytes
          '00200001', // VERIFY, reference 01
          '08', // Lc: the stored length
          'FFFFFFFFFFFFFFFF', // placeholders; the digits overwrite them from the left, the rest stays padding
        ),
        ' ',
      ),
    );
    expect(structure.length).toBe(32);
  });

  it('builds the block for an IDPrime PIN (ASCII, 4–16 digits, 16 bytes padded with 00)', () => {
    const structure = buildPinVerifyStructure(IDPRIME_PIN_FORMAT, fromHex('00200011'));
    expect(toHex(structure)).toBe(
      toHex(
        bytes(
          '1E',
          '1E',
          '82',
          '00', // bmPINBlockString: 16 does not fit in the 4-bit block size, so 0 = no block formatting
          '00',
          '1004', // wPINMaxExtraDigit 0x0410 (min 4, max 16), little endian
          '02',
          '00',
          '0904',
          '00',
          '000000',
          '15000000', // ulDataLength 21 = 4 + 1 + 16
          '00200011',
          '10',
          '00000000000000000000000000000000',
        ),
      ),
    );
  });

  it('marks a BCD PIN as BCD and lets two digits go in a byte', () => {
    const format: PinFormat = { encoding: 'bcd', minLength: 4, maxLength: 8, storedLength: 4, padChar: 0xff };
    const fields = describePinStructure('verify', buildPinVerifyStructure(format, fromHex('00200002')));
    expect(fields.formatString).toBe(0x81); // units bytes, position 0, left-justified, BCD (01)
    expect(fields.pinBlockString).toBe(0x04);
    expect(toHex(fields.apdu)).toBe('0020000204FFFFFFFF');
  });

  it('treats a UTF-8 PIN as ASCII (a keypad types digits, the same bytes in both)', () => {
    const fields = describePinStructure('verify', buildPinVerifyStructure({ ...SITHS_PKCS15_PIN_FORMAT, encoding: 'utf8' }, fromHex('00200001')));
    expect(fields.formatString & 0x03).toBe(0x02);
  });

  it('takes timeouts, the display flag and the language', () => {
    const fields = describePinStructure(
      'verify',
      buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('00200001'), {
        timeoutSeconds: 60,
        timeoutAfterFirstKeySeconds: 15,
        readerHasDisplay: true,
        langId: 0x041d,
      }),
    );
    expect(fields).toMatchObject({ timerOut: 60, timerOut2: 15, numberMessage: 0xff, langId: 0x041d });
  });

  it('refuses formats and headers it cannot express', () => {
    const header = fromHex('00200001');
    expect(() => buildPinVerifyStructure({ ...SITHS_PKCS15_PIN_FORMAT, minLength: 9 }, header)).toThrow(PinpadStructureError);
    expect(() => buildPinVerifyStructure({ ...SITHS_PKCS15_PIN_FORMAT, maxLength: 9 }, header)).toThrow(/do not fit/);
    expect(() => buildPinVerifyStructure({ ...SITHS_PKCS15_PIN_FORMAT, minLength: 0 }, header)).toThrow(PinpadStructureError);
    expect(() => buildPinVerifyStructure({ ...SITHS_PKCS15_PIN_FORMAT, storedLength: 200, maxLength: 200 }, header)).toThrow(/short APDU/);
    expect(() => buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('002000'))).toThrow(/4 bytes/);
    expect(() => buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, header, { timeoutSeconds: 300 })).toThrow(/0–255/);
  });
});

describe('buildPinModifyStructure', () => {
  it('builds CHANGE REFERENCE DATA for a SITHS PIN: current PIN, new PIN twice', () => {
    const structure = buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('00240001'));
    expect(toHex(structure, ' ')).toBe(
      toHex(
        bytes(
          '1E',
          '1E', // bTimerOut, bTimerOut2: 30 s each
          '82', // bmFormatString: bytes, position 0, left, ASCII
          '08', // bmPINBlockString: block 8 bytes, no length field
          '00', // bmPINLengthFormat
          '00', // bInsertionOffsetOld: the current PIN opens the data field
          '08', // bInsertionOffsetNew: the new PIN follows its 8 bytes
          '0806', // wPINMaxExtraDigit 0x0608 little endian
          '03', // bConfirmPIN: 01 confirm the new PIN | 02 ask for the current PIN
          '02', // bEntryValidationCondition: OK key
          '00', // bNumberMessage: none (no display known)
          '0904', // wLangId 0x0409 little endian
          '00',
          '01',
          '02', // bMsgIndex1..3: enter current, enter new, confirm new
          '000000', // bTeoPrologue
          '15000000', // ulDataLength 21 = 4 + 1 + 16, little endian
          '00240001',
          '10', // CHANGE REFERENCE DATA, reference 01, Lc 16 = old || new
          'FFFFFFFFFFFFFFFF',
          'FFFFFFFFFFFFFFFF', // two 8-byte placeholder blocks
        ),
        ' ',
      ),
    );
    expect(structure.length).toBe(45);
  });

  it('builds RESET RETRY COUNTER with the PUK as the current PIN, and a new PIN alone', () => {
    const puk: PinFormat = { ...SITHS_PKCS15_PIN_FORMAT, minLength: 8, maxLength: 8 };
    const withPuk = describePinStructure('modify', buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('002C0001'), {}, puk));
    expect(withPuk).toMatchObject({ minLength: 6, maxLength: 8, insertionOffsetOld: 0, insertionOffsetNew: 8, confirmPin: 0x03 });

    const newOnly = buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('002C0201'), { askCurrentPin: false, readerHasDisplay: true });
    expect(toHex(newOnly)).toBe(
      toHex(
        bytes(
          '1E1E8208',
          '00',
          '00',
          '00', // both insertion offsets 0: only the new PIN is in the data
          '0806',
          '01', // bConfirmPIN: confirm the new PIN, no current PIN
          '02',
          '02', // bNumberMessage: two prompts (enter new, confirm new)
          '0904',
          '01',
          '02',
          '02', // bMsgIndex1..3: the first prompt is "enter new"
          '000000',
          '0D000000',
          '002C0201',
          '08',
          'FFFFFFFFFFFFFFFF',
        ),
      ),
    );
  });

  it('refuses a current PIN whose blocks cannot share one structure', () => {
    expect(() => buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, fromHex('002C0001'), {}, IDPRIME_PIN_FORMAT)).toThrow(PinpadStructureError);
  });
});

const formatArbitrary: fc.Arbitrary<PinFormat> = fc
  .record({
    encoding: fc.constantFrom('ascii-numeric' as const, 'bcd' as const, 'utf8' as const),
    storedLength: fc.integer({ min: 1, max: 127 }),
    padChar: fc.integer({ min: 0, max: 255 }),
    a: fc.integer({ min: 1, max: 254 }),
    b: fc.integer({ min: 1, max: 254 }),
  })
  .map(({ encoding, storedLength, padChar, a, b }) => {
    const capacity = Math.min(255, storedLength * (encoding === 'bcd' ? 2 : 1));
    const max = 1 + (Math.max(a, b) % capacity);
    const min = 1 + (Math.min(a, b) % max);
    return { encoding, storedLength, padChar, minLength: Math.min(min, max), maxLength: max };
  });
const headerArbitrary = fc.uint8Array({ minLength: 4, maxLength: 4 });

describe('structure properties', () => {
  it('verify: lengths, fields and the APDU template agree with the format (property)', () => {
    fc.assert(
      fc.property(formatArbitrary, headerArbitrary, (format, header) => {
        const structure = buildPinVerifyStructure(format, header);
        const fields = describePinStructure('verify', structure);
        expect(structure.length).toBe(19 + 5 + format.storedLength);
        expect(fields.dataLength).toBe(fields.apdu.length);
        expect([...fields.apdu.subarray(0, 4)]).toEqual([...header]);
        expect(fields.apdu[4]).toBe(format.storedLength);
        expect(fields.apdu.subarray(5).every((b) => b === format.padChar)).toBe(true);
        expect([fields.minLength, fields.maxLength]).toEqual([format.minLength, format.maxLength]);
        expect(fields.formatString & 0x80).toBe(0x80);
        expect(fields.pinBlockString & 0x0f).toBe(format.storedLength <= 15 ? format.storedLength : 0);
      }),
    );
  });

  it('modify: two blocks, offsets and confirmation flags agree (property)', () => {
    fc.assert(
      fc.property(formatArbitrary, headerArbitrary, fc.boolean(), fc.boolean(), (format, header, askCurrentPin, confirmNewPin) => {
        const structure = buildPinModifyStructure(format, header, { askCurrentPin, confirmNewPin });
        const fields = describePinStructure('modify', structure);
        const data = format.storedLength * (askCurrentPin ? 2 : 1);
        expect(structure.length).toBe(24 + 5 + data);
        expect(fields.dataLength).toBe(5 + data);
        expect(fields.apdu[4]).toBe(data);
        expect(fields.insertionOffsetNew).toBe(askCurrentPin ? format.storedLength : 0);
        expect(fields.confirmPin).toBe((confirmNewPin ? 1 : 0) | (askCurrentPin ? 2 : 0));
      }),
    );
  });
});

describe('pinpadOutcome', () => {
  it("tells the reader's own answers from the card's", () => {
    expect(pinpadOutcome(fromHex('6400'))).toBe('timeout');
    expect(pinpadOutcome(fromHex('6401'))).toBe('cancelled');
    expect(pinpadOutcome(fromHex('6402'))).toBe('new-pins-differ');
    expect(pinpadOutcome(fromHex('6403'))).toBe('wrong-length');
    expect(pinpadOutcome(fromHex('6B80'))).toBe('invalid-structure');
    expect(pinpadOutcome(fromHex('9000'))).toBe('card-answer');
    expect(pinpadOutcome(fromHex('63C2'))).toBe('card-answer');
  });
});
