import { describe, expect, it } from 'vitest';
import {
  allocatedSize,
  encodeCertificateObject,
  encodeDirRecord,
  encodeOdf,
  encodePinObject,
  encodeTokenInfo,
  padWithFF,
} from '../../../native/simulator/pkcs15-encoding.js';
import { fromHex, toHex } from '../../../native/transport.js';

// Expected bytes are written by hand from the PKCS#15 v1.1 ASN.1 module (X.690 DER), not from the encoder.
describe('PKCS#15 DER encoding', () => {
  it('encodes ODF entries as [n] { Path }', () => {
    expect(
      toHex(
        encodeOdf([
          { type: 'certificates', path: { path: fromHex('3F004403') } },
          { type: 'authObjects', path: { path: fromHex('3F004401') } },
        ]),
      ),
    ).toBe('A4' + '08' + '3006' + '04043F004403' + 'A8' + '08' + '3006' + '04043F004401');
  });

  it('encodes a certificate entry whose Path points at a slice (index, [0] length)', () => {
    const der = encodeCertificateObject({ label: 'A', id: fromHex('4503'), authority: true, path: { path: fromHex('3F004313'), index: 0, length: 1249 } });
    expect(toHex(der)).toBe(
      '3021' + // PKCS15Object
        '3003' +
        '0C0141' + // CommonObjectAttributes { label }
        '3007' +
        '04024503' +
        '0101FF' + // CommonCertificateAttributes { iD, authority TRUE }
        'A111' +
        '300F' +
        '300D' +
        '04043F004313' +
        '020100' +
        '800204E1', // [1] { X509CertificateAttributes { Path } }
    );
  });

  it('encodes a PIN entry with flags, type, lengths, [0] reference, pad char and path', () => {
    const der = encodePinObject({
      label: 'P',
      authId: fromHex('01'),
      protectedBy: fromHex('03'),
      objectFlags: ['private', 'modifiable'],
      pinFlags: ['local', 'initialized'],
      pinType: 'ascii-numeric',
      minLength: 6,
      storedLength: 8,
      maxLength: 8,
      reference: 0x81,
      padChar: 0xff,
      path: { path: fromHex('3F005015') },
    });
    expect(toHex(der)).toBe(
      '3034' +
        '300A' +
        '0C0150' +
        '030206C0' +
        '040103' + // label, flags private+modifiable, authId of the PUK
        '3003' +
        '040101' + // CommonAuthenticationObjectAttributes { authId }
        'A121' +
        '301F' +
        '03020348' +
        '0A0101' +
        '020106' +
        '020108' +
        '020108' +
        '80020081' +
        '0401FF' +
        '3006' +
        '04043F005015',
    );
  });

  it('encodes TokenInfo with serial, manufacturer, [0] label and token flags', () => {
    const der = encodeTokenInfo({ serialNumber: fromHex('1234'), manufacturerId: 'M', label: 'L', flags: ['loginRequired', 'prnGeneration'] });
    expect(toHex(der)).toBe('3011' + '020100' + '04021234' + '0C014D' + '80014C' + '03020560');
  });

  it('encodes an EF.DIR application template and pads files with FF', () => {
    expect(toHex(encodeDirRecord({ aid: fromHex('A000000063504B43532D3135'), label: 'X', path: fromHex('3F005015') }))).toBe(
      '6117' + '4F0CA000000063504B43532D3135' + '500158' + '51043F005015',
    );
    expect(toHex(padWithFF(fromHex('0102'), 4))).toBe('0102FFFF');
    expect(() => padWithFF(fromHex('010203'), 2)).toThrow();
    expect(allocatedSize(96)).toBe(128);
    expect(allocatedSize(97)).toBe(256);
  });
});
