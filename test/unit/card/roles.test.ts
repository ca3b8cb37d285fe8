import { describe, expect, it } from 'vitest';
import { assignCertificateRoles, assignPinRoles, roleFromLabel } from '../../../electron/card/pkcs15/roles.js';
import type { CertificateObject, KeyUsageFlag, PinFlag, PinObject, PrivateKeyObject } from '../../../electron/card/pkcs15/types.js';
import { certificateKeyUsage, roleFromCertificateKeyUsage } from '../../../electron/card/certificate-hints.js';
import { fakeCertificate } from './pkcs15-builder.js';

function pin(label: string | undefined, authId: number, flags: PinFlag[] = ['initialized'], protectedBy?: number): PinObject {
  return {
    common: { flags: [], ...(label === undefined ? {} : { label }), ...(protectedBy === undefined ? {} : { authId: Uint8Array.of(protectedBy) }) },
    authId: Uint8Array.of(authId),
    flags,
    pinType: 'ascii-numeric',
    minLength: 6,
    storedLength: 8,
    reference: 0x80 + authId,
  };
}

function key(id: number, authId: number, usage: KeyUsageFlag[]): PrivateKeyObject {
  return { common: { flags: ['private'], authId: Uint8Array.of(authId) }, keyType: 'rsa', id: Uint8Array.of(id), usage };
}

function cert(id: number, authority = false): CertificateObject {
  return {
    common: { flags: [] },
    id: Uint8Array.of(id),
    authority,
    value: { kind: 'path', path: { path: Uint8Array.of(0x3f, 0, 0x43, id) } },
    directory: 'certificates',
  };
}

const roles = (decisions: { role: string }[]) => decisions.map((d) => d.role);

describe('PIN roles', () => {
  it('reads the SITHS layout from structure and labels', () => {
    const pins = [pin('Legitimering', 1, ['local', 'initialized'], 3), pin('Underskrift', 2, ['local', 'initialized'], 3), pin('PUK', 3, ['unblockingPin'])];
    const keys = [key(0x45, 1, ['sign', 'decrypt']), key(0x46, 2, ['nonRepudiation'])];
    const decisions = assignPinRoles(pins, keys);
    expect(roles(decisions)).toEqual(['authentication', 'signature', 'puk']);
    expect(decisions[0]!.evidence).toEqual(['key-usage', 'label']);
    expect(decisions[2]!.evidence).toContain('unblocking-flag');
  });

  it('trusts key usage over misleading labels', () => {
    // Labels swapped on purpose: the keys say which PIN does what.
    const pins = [pin('Underskrift', 1), pin('Legitimering', 2)];
    const keys = [key(0x45, 1, ['sign', 'decrypt']), key(0x46, 2, ['nonRepudiation'])];
    expect(roles(assignPinRoles(pins, keys))).toEqual(['authentication', 'signature']);
  });

  it('finds the PUK without the flag, from the PIN that names it as its unblocker', () => {
    const pins = [pin('PIN 1', 1, ['initialized'], 9), pin('Kod 9', 9)];
    const decisions = assignPinRoles(pins, [key(0x45, 1, ['sign'])]);
    expect(roles(decisions)).toEqual(['authentication', 'puk']);
    expect(decisions[1]!.evidence).toEqual(['unblocks-another-pin']);
  });

  it('falls back on labels when there are no keys, and on the only PIN left', () => {
    expect(roles(assignPinRoles([pin('Legitimering', 1), pin('Underskrift', 2), pin('PUK', 3)], []))).toEqual(['authentication', 'signature', 'puk']);
    const single = assignPinRoles([pin('PIN', 1), pin('PUK', 3, ['unblockingPin'])], []);
    expect(roles(single)).toEqual(['authentication', 'puk']);
    expect(single[0]!.evidence).toEqual(['only-remaining-pin']);
    expect(roles(assignPinRoles([pin('A', 1), pin('B', 2)], []))).toEqual(['other', 'other']);
  });

  it('keeps an SO PIN apart', () => {
    expect(roles(assignPinRoles([pin('Admin', 1, ['soPin']), pin('Legitimering', 2)], []))).toEqual(['other', 'authentication']);
  });

  it('reads labels in Swedish and English', () => {
    expect(roleFromLabel('SITHS e-id kort (Legitimering)')).toBe('authentication');
    expect(roleFromLabel('Authentication PIN')).toBe('authentication');
    expect(roleFromLabel('Underskrift')).toBe('signature');
    expect(roleFromLabel('Signature PIN')).toBe('signature');
    expect(roleFromLabel('PUK')).toBe('puk');
    expect(roleFromLabel('PIN')).toBeUndefined();
  });
});

describe('certificate roles', () => {
  it('follows the authority flag and the private key with the same iD', () => {
    const pins = [pin('Legitimering', 1), pin('Underskrift', 2)];
    const keys = [key(0x45, 1, ['sign', 'decrypt']), key(0x46, 2, ['nonRepudiation']), key(0x47, 1, [])];
    const pinRoles = assignPinRoles(pins, keys);
    const decisions = assignCertificateRoles([cert(0x45), cert(0x46), cert(0x50, true), cert(0x51), cert(0x47)], keys, pins, pinRoles);
    expect(roles(decisions)).toEqual(['authentication', 'signature', 'authority', 'unknown', 'authentication']);
  });

  it('reads keyUsage from a certificate when the card has no private-key directory', () => {
    const auth = fakeCertificate({ serial: 1, keyUsageBits: [0, 2] });
    const sign = fakeCertificate({ serial: 2, keyUsageBits: [1] });
    expect(certificateKeyUsage(auth)).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(roleFromCertificateKeyUsage(certificateKeyUsage(auth))).toBe('authentication');
    expect(roleFromCertificateKeyUsage(certificateKeyUsage(sign))).toBe('signature');
    expect(certificateKeyUsage(fakeCertificate({ serial: 3 }))).toBeNull();
    expect(certificateKeyUsage(Uint8Array.of(0x30, 0x03, 0x02))).toBeNull();
  });
});
