/**
 * A PKCS#15 card (the Net iD layout of `netid-legacy`) built from certificates the caller brings:
 * for tests that need a card our test PKI did not make, e.g. an openssl-made chain up to a
 * self-signed "SITHS e-id Root CA v2" (a card must not be able to vouch for itself), or random
 * cardholders. The first end-entity certificate is the authentication certificate with its key
 * behind the authentication PIN; a second one is the signature certificate; CA certificates are
 * stored as authorities.
 */
import type { VirtualCardSpec } from './card-model.js';
import { defaultCardBehaviour } from './card-model.js';
import { ATRS, buildPkcs15Card, netIdPins } from './cards.js';

export interface CustomCardCertificate {
  der: Uint8Array;
  /** CDF label, e.g. "<full name>, <organisation>". */
  label: string;
  /** A CA certificate (stored as an authority, no private key). */
  authority?: boolean;
}

export interface CustomCardOptions {
  name?: string;
  description?: string;
  certificates: readonly CustomCardCertificate[];
  /** Token serial number digits (the card number, BCD-packed); default all zeros. */
  cardNumber?: string;
}

type Plan = Parameters<typeof buildPkcs15Card>[0];

function bcd(digits: string): Uint8Array {
  const padded = digits.length % 2 === 0 ? digits : `${digits}F`;
  return Uint8Array.from(padded.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function buildCustomPkcs15Card(options: CustomCardOptions): VirtualCardSpec {
  const pins: Plan['pins'] = netIdPins(3, 10);
  let endEntities = 0;
  const certificates: Plan['certificates'] = options.certificates.map((cert, index) => {
    const id = Uint8Array.of(0x45, index + 1);
    const file = 0x4311 + index;
    if (cert.authority) return { label: cert.label, id, der: cert.der, authority: true, file };
    const signature = endEntities++ > 0;
    return {
      label: cert.label,
      id,
      der: cert.der,
      file,
      key: signature
        ? { label: 'Underskrift', pin: 'signature', usage: ['nonRepudiation'], reference: 0x01 + index, file: 0x4b01 + index }
        : { label: 'Legitimering', pin: 'authentication', usage: ['sign', 'decrypt', 'unwrap'], reference: 0x01 + index, file: 0x4b01 + index },
    };
  });
  const name = options.name ?? 'custom-card';
  const description = options.description ?? 'A PKCS#15 card carrying certificates given by a test';
  // The plan's name is typed as one of the ready cards; this card is none of them, so the spec
  // gets its own name afterwards.
  const spec = buildPkcs15Card({
    name: 'netid-legacy',
    description,
    atr: ATRS.setcos,
    behaviour: { ...defaultCardBehaviour },
    directoryFilesInMf: true,
    applicationLabel: 'SITHS e-id kort',
    token: { label: 'SITHS e-id kort', serialNumber: bcd(options.cardNumber ?? '0000000000000000000'), manufacturerId: 'Kortkoll simulator' },
    pins,
    certificates,
  });
  return { ...spec, name, description };
}
