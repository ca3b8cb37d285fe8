import { beforeAll, describe, expect, it } from 'vitest';
import { chooseLoginCertificate } from '../../../electron/pki/login-choice.js';
import { parseCertificate, type CertificateInfo } from '../../../electron/pki/parse.js';
import { checkValidity } from '../../../electron/pki/validity.js';
import {
  mintCertificate,
  mintFunctionCertificate,
  mintNamedCa,
  mintPersonAuthCertificate,
  mintPersonSignatureCertificate,
  mintTeliaCertificate,
  type Minted,
} from '../../fixtures/pki/mint.js';
import { readRealCert } from '../../fixtures/pki/real-certs.js';

const day = 24 * 3600 * 1000;

describe('checkValidity', () => {
  const notBefore = new Date('2024-01-01T00:00:00Z');
  const notAfter = new Date('2025-01-01T00:00:00Z');
  const cert = { notBefore, notAfter };

  it('valid, with whole days left', () => {
    const v = checkValidity(cert, new Date('2024-06-01T00:00:00Z'));
    expect(v).toMatchObject({ status: 'valid', daysLeft: 214, clockSuspect: false, notAfter: '2025-01-01T00:00:00.000Z' });
  });

  it('expires soon within 30 days, not at 31', () => {
    expect(checkValidity(cert, new Date(notAfter.getTime() - 30 * day))).toMatchObject({ status: 'expires-soon', daysLeft: 30 });
    expect(checkValidity(cert, new Date(notAfter.getTime() - 30 * day - 1))).toMatchObject({ status: 'valid' });
    expect(checkValidity(cert, new Date(notAfter.getTime() - 1000))).toMatchObject({ status: 'expires-soon', daysLeft: 0 });
  });

  it('valid at the exact notAfter instant, expired one millisecond later', () => {
    expect(checkValidity(cert, notAfter).status).toBe('expires-soon');
    expect(checkValidity(cert, new Date(notAfter.getTime() + 1))).toMatchObject({ status: 'expired', daysSinceExpiry: 0 });
  });

  it('not yet valid; a clock more than a day behind is suspect, less is not', () => {
    expect(checkValidity(cert, new Date(notBefore.getTime() - 3600 * 1000))).toMatchObject({ status: 'not-yet-valid', clockSuspect: false, daysUntilValid: 1 });
    expect(checkValidity(cert, new Date(notBefore.getTime() - 3 * day))).toMatchObject({ status: 'not-yet-valid', clockSuspect: true, daysUntilValid: 3 });
  });

  it('the real TEST function certificate expired on 2024-09-15', () => {
    const info = parseCertificate(readRealCert('functionCert'));
    const v = checkValidity(info, new Date('2025-09-15T21:58:00Z'));
    expect(v.status).toBe('expired');
    expect(v.notAfter.slice(0, 10)).toBe('2024-09-15');
    expect(v.daysSinceExpiry).toBe(365);
    expect(checkValidity(info, new Date('2024-09-01T00:00:00Z'))).toMatchObject({ status: 'expires-soon', daysLeft: 14 });
  });
});

describe('chooseLoginCertificate', () => {
  const now = new Date();
  let personCa: Minted;
  let testPersonCa: Minted;
  let functionCa: Minted;
  let teliaCa: Minted;
  let auth: Minted;
  let sign: Minted;
  let telia: Minted;
  let func: Minted;
  beforeAll(async () => {
    [personCa, testPersonCa, functionCa, teliaCa] = await Promise.all([
      mintNamedCa('SITHS e-id Person HSA-id 3 CA v1'),
      mintNamedCa('TEST SITHS e-id Person HSA-id 3 CA v1'),
      mintNamedCa('SITHS e-id Function CA v1'),
      mintNamedCa('Telia e-legitimation CA v3', 'Telia'),
    ]);
    [auth, sign, telia, func] = await Promise.all([
      mintPersonAuthCertificate(personCa),
      mintPersonSignatureCertificate(personCa),
      mintTeliaCertificate(teliaCa),
      mintFunctionCertificate(functionCa),
    ]);
  });

  const infos = (...minted: Minted[]): CertificateInfo[] => minted.map((m) => m.info);

  it('picks the SITHS authentication certificate on an older card, whatever the order, and says why not the others', () => {
    const certs = infos(telia, sign, personCa, auth);
    const choice = chooseLoginCertificate(certs, now);
    expect(choice.chosenIndex).toBe(3);
    expect(choice.chosen?.fingerprints.sha256).toBe(auth.info.fingerprints.sha256);
    expect(choice.candidates.map((c) => c.reason)).toEqual(['telia', 'signature', 'ca', undefined]);
    expect(choice.candidates[3]?.chosen).toBe(true);
    const reversed = chooseLoginCertificate([...certs].reverse(), now);
    expect(reversed.chosen?.fingerprints.sha256).toBe(auth.info.fingerprints.sha256);
  });

  it('a function certificate and a foreign certificate are never the one', async () => {
    const other = await mintPersonAuthCertificate(await mintNamedCa('Example CA', 'Example'));
    const choice = chooseLoginCertificate(infos(func, other), now);
    expect(choice.chosenIndex).toBeNull();
    expect(choice.candidates.map((c) => c.reason)).toEqual(['function', 'not-siths']);
  });

  it('an expired authentication certificate is not chosen but reported as the blocked one', async () => {
    const expired = await mintPersonAuthCertificate(personCa, { notBefore: new Date(now.getTime() - 800 * day), notAfter: new Date(now.getTime() - 10 * day) });
    const choice = chooseLoginCertificate(infos(sign, expired), now);
    expect(choice.chosenIndex).toBeNull();
    expect(choice.blockedIndex).toBe(1);
    expect(choice.candidates[1]?.reason).toBe('expired');
  });

  it('a not-yet-valid one likewise', async () => {
    const future = await mintPersonAuthCertificate(personCa, { notBefore: new Date(now.getTime() + 5 * day), notAfter: new Date(now.getTime() + 500 * day) });
    const choice = chooseLoginCertificate(infos(future), now);
    expect(choice.chosenIndex).toBeNull();
    expect(choice.candidates[0]?.reason).toBe('not-yet-valid');
    expect(choice.candidates[0]?.validity.clockSuspect).toBe(true);
  });

  it('prefers production over TEST; with only TEST it still chooses, with a warning', async () => {
    const testAuth = await mintPersonAuthCertificate(testPersonCa, { hsaId: 'TSTNMT2321000156-1025' });
    const both = chooseLoginCertificate(infos(testAuth, auth), now);
    expect(both.chosenIndex).toBe(1);
    expect(both.chosenWarning).toBeUndefined();
    expect(both.candidates[0]?.reason).toBe('test-environment');
    const onlyTest = chooseLoginCertificate(infos(testAuth, sign), now);
    expect(onlyTest.chosenIndex).toBe(0);
    expect(onlyTest.chosenWarning).toBe('test-environment');
  });

  it('prefers HSA-id over personnummer, then the later notAfter', async () => {
    const personId = await mintPersonAuthCertificate(await mintNamedCa('SITHS e-id Person ID 3 CA v1'), { hsaId: '197001011234' });
    expect(personId.info.subject.serialNumber).toBe('197001011234');
    const choice = chooseLoginCertificate(infos(personId, auth), now);
    expect(choice.chosenIndex).toBe(1);
    expect(choice.candidates[0]?.reason).toBe('not-preferred');

    const longer = await mintPersonAuthCertificate(personCa, { notAfter: new Date(now.getTime() + 900 * day) });
    const newer = chooseLoginCertificate(infos(auth, longer), now);
    expect(newer.chosenIndex).toBe(1);
    expect(newer.candidates[0]?.reason).toBe('not-preferred');
  });

  it('an empty card: nothing chosen, nothing blocked', () => {
    expect(chooseLoginCertificate([], now)).toMatchObject({ chosenIndex: null, chosen: null, blockedIndex: null, candidates: [] });
  });

  it('a CA-flagged certificate from a SITHS CA is never chosen', async () => {
    const caLike = await mintCertificate({
      subject: [
        ['CN', 'x'],
        ['serialNumber', 'SE2321000016-1234'],
      ],
      issuer: personCa,
      ca: true,
    });
    expect(chooseLoginCertificate(infos(caLike), now).candidates[0]?.reason).toBe('ca');
  });
});
