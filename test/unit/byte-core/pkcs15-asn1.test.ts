/**
 * The PKCS#15 numbering both the card layer's parser and the simulator's encoder use
 * (native/pkcs15-asn1.ts). Since the two share one list, they can no longer disagree with each
 * other, only both with the standard: so the numbers are checked here against the PKCS#15 v1.1
 * ASN.1 module, written out by hand.
 */
import { describe, expect, it } from 'vitest';
import * as pkcs15 from '../../../native/pkcs15-asn1.js';

/**
 * Position in the list = tag, bit or enumeration value, and how many the module defines; from the
 * ASN.1 module, not from the lists.
 */
const fromTheModule: [readonly string[], Record<string, number>, number][] = [
  [pkcs15.odfKinds, { privateKeys: 0, certificates: 4, usefulCertificates: 6, authObjects: 8 }, 9],
  [pkcs15.tokenFlagBits, { readonly: 0, loginRequired: 1, eidCompliant: 3 }, 4],
  [pkcs15.commonObjectFlagBits, { private: 0, modifiable: 1 }, 2],
  [pkcs15.keyUsageFlagBits, { encrypt: 0, sign: 2, unwrap: 5, nonRepudiation: 9 }, 10],
  [pkcs15.keyAccessFlagBits, { sensitive: 0, neverExtractable: 3, local: 4 }, 5],
  [pkcs15.pinFlagBits, { 'case-sensitive': 0, local: 1, initialized: 4, 'needs-padding': 5, unblockingPin: 6, soPin: 7, exchangeRefData: 11 }, 12],
  [pkcs15.pinTypes, { bcd: 0, 'ascii-numeric': 1, utf8: 2, 'half-nibble-bcd': 3, 'iso9564-1': 4 }, 5],
];

describe('PKCS#15 numbering', () => {
  it('gives each name the number the ASN.1 module gives it', () => {
    for (const [list, numbers] of fromTheModule) {
      for (const [name, number] of Object.entries(numbers)) expect(list.indexOf(name), name).toBe(number);
    }
  });

  it('has each name once and no more names than the module (a name too many would be read from bits nobody set)', () => {
    for (const [list, , count] of fromTheModule) {
      expect(new Set(list).size).toBe(list.length);
      expect(list.length).toBe(count);
    }
  });
});
