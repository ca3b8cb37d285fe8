import { beforeAll, describe, expect, it } from 'vitest';
import { classifyCertificate } from '../../../electron/pki/classify.js';
import { knownRoots } from '../../../electron/pki/known-roots.js';
import { parseCertificate } from '../../../electron/pki/parse.js';
import {
  ekuOids,
  mintCertificate,
  mintFunctionCertificate,
  mintNamedCa,
  mintPersonAuthCertificate,
  mintPersonSignatureCertificate,
  mintTeliaCertificate,
  type Minted,
} from '../../fixtures/pki/mint.js';
import { readRealCert, readmeFingerprints, realCertFiles } from '../../fixtures/pki/real-certs.js';

describe('classification of the real certificates', () => {
  it('the TEST function certificate: SITHS e-id, TEST, function, authentication, valid test HSA-id', () => {
    const c = classifyCertificate(parseCertificate(readRealCert('functionCert')));
    expect(c).toMatchObject({
      family: 'siths-eid',
      isSiths: true,
      environment: 'test',
      environmentEvidence: 'issuer-name',
      subjectKind: 'function',
      purpose: 'authentication',
    });
    expect(c.hsaId).toMatchObject({ value: 'TSTNMT2321000156-B02', valid: true, test: true });
    expect(c.knownRoot).toBeUndefined();
    expect(c.personnummer).toBeUndefined();
  });

  it('recognises the production SITHS Root CA v1 by its fingerprint from the facts', () => {
    const info = parseCertificate(readRealCert('sithsRootV1'));
    const c = classifyCertificate(info);
    expect(c.knownRoot?.name).toBe('SITHS Root CA v1');
    expect(c.knownRoot?.sha256).toBe(info.fingerprints.sha256);
    expect(c).toMatchObject({ family: 'siths-root-v1', environment: 'production', environmentEvidence: 'known-root', subjectKind: 'ca', purpose: 'other' });
  });

  it('recognises the TEST root by the fingerprint in the fixtures README', () => {
    const c = classifyCertificate(parseCertificate(readRealCert('testRoot')));
    expect(c.knownRoot?.name).toBe('TEST SITHS e-id Root CA v2');
    expect(c.knownRoot?.sha256).toBe(readmeFingerprints().get(realCertFiles.testRoot));
    expect(c).toMatchObject({ family: 'siths-eid', environment: 'test', subjectKind: 'ca' });
  });

  it('names no root for the intermediate CA', () => {
    const c = classifyCertificate(parseCertificate(readRealCert('functionCa')));
    expect(c.knownRoot).toBeUndefined();
    expect(c).toMatchObject({ family: 'siths-eid', environment: 'test', subjectKind: 'ca' });
    expect(knownRoots.map((r) => r.name)).not.toContain('TEST SITHS e-id Function CA v1');
  });
});

describe('classification table (minted certificates)', () => {
  const cas = new Map<string, Minted>();
  const ca = async (name: string, organization?: string) => {
    const key = `${name}|${organization ?? ''}`;
    if (!cas.has(key)) cas.set(key, await mintNamedCa(name, organization));
    return cas.get(key) as Minted;
  };
  beforeAll(async () => {
    await ca('SITHS e-id Person HSA-id 3 CA v1');
  });

  it.each([
    ['SITHS e-id Person HSA-id 3 CA v1', undefined, 'siths-eid', 'production'],
    ['TEST SITHS e-id Person HSA-id 3 CA v1', undefined, 'siths-eid', 'test'],
    ['SYSTEMTEST SITHS e-id Person HSA-id 2 CA v1', undefined, 'siths-eid', 'systemtest'],
    ['SITHS Type 1 CA v1', undefined, 'siths-type1', 'production'],
    ['SITHS Type 1 CA v1 PP', undefined, 'siths-type1', 'preproduction'],
    ['SITHS Type 3 CA v1 PP', undefined, 'siths-type3', 'preproduction'],
    ['SITHS CA v3', 'Carelink', 'siths-carelink', 'production'],
    ['SITHS CA TEST v3', 'Carelink', 'siths-carelink', 'test'],
    ['Telia e-legitimation Test PP CA v3', 'Telia Test', 'telia', 'preproduction'],
    ['Some Other CA', 'Example', 'other', 'production'],
  ])('issuer %s (O=%s) → %s, %s', async (issuerName, organization, family, environment) => {
    const leaf = await mintPersonAuthCertificate(await ca(issuerName, organization));
    const c = classifyCertificate(leaf.info);
    expect(c.family).toBe(family);
    expect(c.environment).toBe(environment);
    expect(c.isSiths).toBe(family.startsWith('siths'));
  });

  it('a person with HSA-id, authentication (digitalSignature+keyEncipherment, clientAuth)', async () => {
    const c = classifyCertificate((await mintPersonAuthCertificate(await ca('SITHS e-id Person HSA-id 3 CA v1'))).info);
    expect(c).toMatchObject({ subjectKind: 'person-hsa', purpose: 'authentication', subjectSerialNumberDisplay: 'SE2321000016-1234' });
    expect(c.hsaId?.valid).toBe(true);
  });

  it('the signature certificate (nonRepudiation only)', async () => {
    const c = classifyCertificate((await mintPersonSignatureCertificate(await ca('SITHS e-id Person HSA-id 3 CA v1'))).info);
    expect(c).toMatchObject({ subjectKind: 'person-hsa', purpose: 'signature' });
  });

  it('authentication without any extKeyUsage (older cards) is still authentication', async () => {
    const leaf = await mintPersonAuthCertificate(await ca('SITHS Type 1 CA v1'), { extendedKeyUsage: undefined });
    expect(leaf.info.extendedKeyUsage).toBeNull();
    expect(classifyCertificate(leaf.info).purpose).toBe('authentication');
  });

  it('digitalSignature with only emailProtection is not authentication', async () => {
    const leaf = await mintPersonAuthCertificate(await ca('SITHS Type 1 CA v1'), {
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: [ekuOids.emailProtection],
    });
    expect(classifyCertificate(leaf.info).purpose).toBe('other');
  });

  it('a function certificate, by issuer name and, for other issuers, by having no person name', async () => {
    expect(classifyCertificate((await mintFunctionCertificate(await ca('SITHS e-id Function CA v1'))).info).subjectKind).toBe('function');
    expect(classifyCertificate((await mintFunctionCertificate(await ca('SITHS Type 3 CA v1'))).info).subjectKind).toBe('function');
    expect(classifyCertificate((await mintFunctionCertificate(await ca('SITHS CA v3', 'Carelink'))).info).subjectKind).toBe('function');
  });

  it('a Telia certificate: person with personnummer, masked everywhere it is shown', async () => {
    const leaf = await mintTeliaCertificate(await ca('Telia e-legitimation Test PP CA v3', 'Telia Test'));
    const c = classifyCertificate(leaf.info);
    expect(c).toMatchObject({ family: 'telia', isSiths: false, subjectKind: 'person-personnummer', purpose: 'authentication' });
    expect(c.personnummer).toEqual({ masked: '19700101-****', checksumValid: false });
    expect(c.subjectSerialNumberDisplay).toBe('19700101-****');
    expect(JSON.stringify(c)).not.toContain('197001011234');
  });

  it('environment from the policy when the issuer name says nothing', async () => {
    const leaf = await mintPersonAuthCertificate(await ca('Some Other CA', 'Example'), { policies: ['1.2.752.35.99.2.3'] });
    expect(classifyCertificate(leaf.info)).toMatchObject({ environment: 'preproduction', environmentEvidence: 'policy' });
  });

  it('environment from a TST… HSA-id as the last resort', async () => {
    const leaf = await mintPersonAuthCertificate(await ca('Some Other CA', 'Example'), { hsaId: 'TSTNMT2321000156-1025' });
    expect(classifyCertificate(leaf.info)).toMatchObject({ environment: 'test', environmentEvidence: 'hsa-id-prefix' });
  });

  it('an invalid HSA-id is extracted with its problems', async () => {
    const leaf = await mintPersonAuthCertificate(await ca('SITHS e-id Person HSA-id 3 CA v1'), { hsaId: 'SE2321000016-anna@region' });
    const c = classifyCertificate(leaf.info);
    expect(c.hsaId).toMatchObject({ valid: false, problems: ['bad-characters'] });
  });

  it('a CA certificate is kind ca, purpose other', async () => {
    const intermediate = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Inera AB'],
        ['CN', 'SITHS e-id Function CA v1'],
      ],
      issuer: await ca('SITHS e-id Root CA v2'),
      ca: true,
    });
    expect(classifyCertificate(intermediate.info)).toMatchObject({ subjectKind: 'ca', purpose: 'other', family: 'siths-eid' });
  });

  it('no serialNumber → unknown kind', async () => {
    const leaf = await mintCertificate({ subject: [['CN', 'nobody']], issuer: await ca('SITHS e-id Person HSA-id 3 CA v1'), keyUsage: ['digitalSignature'] });
    expect(classifyCertificate(leaf.info).subjectKind).toBe('unknown');
  });
});
