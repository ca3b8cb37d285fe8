import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateParseError } from '../../../electron/pki/errors.js';
import {
  certificateInfoToJson,
  certificateSummary,
  parseCertificate,
  parseCertificates,
  pkijsCertificate,
  toPem,
  type CertificateInfo,
} from '../../../electron/pki/parse.js';
import { mintCertificate, type Minted } from '../../fixtures/pki/mint.js';
import { pemToDer, readRealCert, readmeFingerprints, realCertFiles, type RealCertName } from '../../fixtures/pki/real-certs.js';

function expectParseError(work: () => unknown, code?: string): CertificateParseError {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(CertificateParseError);
    if (code) expect((e as CertificateParseError).code).toBe(code);
    return e as CertificateParseError;
  }
  throw new Error('expected a CertificateParseError');
}

/** openssl-style hex of Node's own X509Certificate, an independent reader of the same bytes. */
function nodeView(pem: string) {
  const x509 = new X509Certificate(pem);
  return { x509, serial: x509.serialNumber.toUpperCase().replace(/^0+(?=..)/, '') };
}

describe('parseCertificate on the real SITHS certificates', () => {
  const names = Object.keys(realCertFiles) as RealCertName[];

  it.each(names)('%s: fingerprints match the README and Node; serial and dates match Node', (name) => {
    const pem = readRealCert(name);
    const info = parseCertificate(pem);
    const { x509 } = nodeView(pem);
    expect(info.fingerprints.sha256).toBe(readmeFingerprints().get(realCertFiles[name]));
    expect(info.fingerprints.sha256).toBe(x509.fingerprint256);
    expect(info.fingerprints.sha1).toBe(x509.fingerprint);
    // Node prints the serial with its leading zero bytes; ours drops only the sign byte.
    expect(BigInt(`0x${info.serialNumber}`)).toBe(BigInt(`0x${x509.serialNumber}`));
    expect(info.notBefore.getTime()).toBe(new Date(x509.validFrom).getTime());
    expect(info.notAfter.getTime()).toBe(new Date(x509.validTo).getTime());
    expect(info.isCA).toBe(x509.ca);
  });

  it('reads every field of the TEST function certificate', () => {
    const info = parseCertificate(readRealCert('functionCert'));
    expect(info.version).toBe(3);
    expect(info.subject.serialNumber).toBe('TSTNMT2321000156-B02');
    expect(info.subject.commonName).toBe('test.nordicmedtest.se');
    expect(info.subject.organization).toBe('Nordic Medtest AB');
    expect(info.subject.locality).toBe('Karlstad');
    expect(info.subject.country).toBe('SE');
    expect(info.subject.attributes.map((a) => a.name)).toEqual(['C', 'L', 'O', 'CN', 'serialNumber']);
    expect(info.subject.display).toBe('serialNumber=TSTNMT2321000156-B02, CN=test.nordicmedtest.se, O=Nordic Medtest AB, L=Karlstad, C=SE');
    expect(info.issuer.commonName).toBe('TEST SITHS e-id Function CA v1');
    expect(info.issuer.organization).toBe('Inera AB');
    expect(info.notAfter.toISOString()).toBe('2024-09-15T21:58:00.000Z');
    expect(info.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(info.extendedKeyUsage).toEqual([
      { oid: '1.3.6.1.5.5.7.3.1', name: 'serverAuth' },
      { oid: '1.3.6.1.5.5.7.3.2', name: 'clientAuth' },
    ]);
    expect(info.policies).toEqual(['2.23.140.1.2.2', '1.2.752.74.8.505']);
    expect(info.ocspUrls).toEqual(['http://ocsp1pp.siths.se']);
    expect(info.caIssuersUrls).toEqual(['http://aiapp.siths.se/testsithseidfunctioncav1.cer']);
    expect(info.crlUrls).toEqual(['http://crl1pp.siths.se/testsithseidfunctioncav1.crl']);
    expect(info.subjectAltNames).toEqual(['DNS:test.nordicmedtest.se']);
    expect(info.basicConstraints).toBeNull();
    expect(info.isCA).toBe(false);
    expect(info.selfIssued).toBe(false);
    expect(info.cardNumber).toBeUndefined();
    expect(info.publicKey).toEqual({ algorithm: 'RSA', oid: '1.2.840.113549.1.1.1', bits: 4096 });
    expect(info.signatureAlgorithm).toEqual({ oid: '1.2.840.113549.1.1.13', name: 'sha512WithRSAEncryption' });
    expect(info.authorityKeyIdentifier).toBe('2A:BA:93:C1:D1:4D:67:C4:96:5C:CF:C1:ED:E3:C3:09:39:18:14:1F');
    const ca = parseCertificate(readRealCert('functionCa'));
    expect(ca.subjectKeyIdentifier).toBe(info.authorityKeyIdentifier);
    expect(ca.basicConstraints).toEqual({ isCA: true, pathLength: 0 });
    expect(ca.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(info.unparsedCriticalExtensions).toEqual([]);
  });

  it('reads the production root as self-issued, SHA-1 signed, 4096-bit', () => {
    const info = parseCertificate(readRealCert('sithsRootV1'));
    expect(info.selfIssued).toBe(true);
    expect(info.signatureAlgorithm.name).toBe('sha1WithRSAEncryption');
    expect(info.publicKey.bits).toBe(4096);
    expect(info.policies).toEqual(['1.2.752.74.8.1.2.1.1']);
  });

  it('gives the same result for PEM text, PEM bytes, DER and bare base64', () => {
    const pem = readRealCert('functionCa');
    const der = pemToDer(pem);
    const fromPem = parseCertificate(pem);
    for (const other of [parseCertificate(new TextEncoder().encode(pem)), parseCertificate(der), parseCertificate(Buffer.from(der).toString('base64'))]) {
      expect(certificateInfoToJson(other)).toEqual(certificateInfoToJson(fromPem));
    }
    expect(fromPem.der).toEqual(der);
    expect(parseCertificate(toPem(der)).fingerprints).toEqual(fromPem.fingerprints);
  });

  it('reads a PEM bundle with parseCertificates and refuses it in parseCertificate', () => {
    const bundle = ['functionCert', 'functionCa', 'testRoot'].map((n) => readRealCert(n as RealCertName)).join('\n');
    const all = parseCertificates(`some text before\n${bundle}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`);
    expect(all.map((c) => c.subject.commonName)).toEqual(['test.nordicmedtest.se', 'TEST SITHS e-id Function CA v1', 'TEST SITHS e-id Root CA v2']);
    expectParseError(() => parseCertificate(bundle), 'several-certificates');
  });

  it('reads concatenated DER and a PKCS#7 certs-only bundle (a Windows .p7b export)', () => {
    const ders = (['functionCert', 'functionCa'] as RealCertName[]).map((n) => pemToDer(readRealCert(n)));
    const concatenated = new Uint8Array([...(ders[0] as Uint8Array), ...(ders[1] as Uint8Array)]);
    expect(parseCertificates(concatenated).map((c) => c.fingerprints.sha256)).toEqual(ders.map((d) => parseCertificate(d).fingerprints.sha256));

    const signedData = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
      certificates: ders.map((d) => new pkijs.Certificate({ schema: asn1js.fromBER(d).result })),
    });
    const p7 = new Uint8Array(
      new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) }).toSchema().toBER(false),
    );
    const fromP7 = parseCertificates(p7);
    expect(fromP7.map((c) => c.fingerprints.sha256)).toEqual(ders.map((d) => parseCertificate(d).fingerprints.sha256));
    const p7Pem = `-----BEGIN PKCS7-----\n${Buffer.from(p7).toString('base64')}\n-----END PKCS7-----\n`;
    expect(parseCertificates(p7Pem)).toHaveLength(2);
  });

  it('keeps the pkijs certificate aside and decodes it again for an info that crossed IPC', () => {
    const info = parseCertificate(readRealCert('functionCa'));
    const cloned = structuredClone(info) as CertificateInfo;
    expect(pkijsCertificate(cloned).subject.isEqual(pkijsCertificate(info).subject)).toBe(true);
  });
});

describe('parseCertificate on minted certificates', () => {
  let minted: Minted;
  beforeAll(async () => {
    minted = await mintCertificate({
      subject: [
        ['C', 'SE'],
        ['O', 'Telia Test'],
        ['givenName', 'Anna'],
        ['surname', 'Andersson'],
        ['CN', 'Anna Andersson 197001011234'],
        ['serialNumber', '197001011234'],
        ['title', 'Läkare'],
        ['emailAddress', 'anna@example.se'],
      ],
      keyUsage: ['nonRepudiation'],
      cardNumber: '9752269000000012345',
      policies: ['1.2.752.74.8.512'],
    });
  });

  it('reads the SEIS card number, names, title, e-mail and an EC key', () => {
    const info = minted.info;
    expect(info.cardNumber).toBe('9752269000000012345');
    expect(info.subject.givenName).toBe('Anna');
    expect(info.subject.surname).toBe('Andersson');
    expect(info.subject.title).toBe('Läkare');
    expect(info.subject.emailAddress).toBe('anna@example.se');
    expect(info.keyUsage).toEqual(['nonRepudiation']);
    expect(info.extendedKeyUsage).toBeNull();
    expect(info.publicKey).toEqual({ algorithm: 'EC', oid: '1.2.840.10045.2.1', curve: 'P-256', bits: 256 });
    expect(info.signatureAlgorithm.name).toBe('ecdsa-with-SHA256');
  });

  it('masks the personnummer in display strings and summaries, keeps it in the raw attribute', () => {
    const info = minted.info;
    expect(info.subject.serialNumber).toBe('197001011234');
    expect(info.subject.display).toContain('serialNumber=19700101-****');
    expect(info.subject.display).toContain('CN=Anna Andersson 19700101-****');
    expect(info.subject.display).not.toContain('1234');
    const summary = JSON.stringify(certificateSummary(info));
    expect(summary).not.toContain('197001011234');
    expect(summary).toContain('19700101-****');
    expect(summary).not.toContain('"der"');
  });
});

describe('parseCertificate on garbage', () => {
  const der = pemToDer(readRealCert('functionCa'));
  const cases: [string, string, Uint8Array | string][] = [
    ['empty bytes', 'empty', new Uint8Array()],
    ['empty text', 'empty', '   \n'],
    ['plain words', 'not-pem', 'hello, certificate'],
    ['a PEM block that is not base64', 'bad-base64', '-----BEGIN CERTIFICATE-----\n*** not base64 ***\n-----END CERTIFICATE-----'],
    ['mismatched PEM armour', 'not-pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END PKCS7-----'],
    ['only a private key', 'not-a-certificate', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'],
    ['truncated DER', 'bad-der', der.subarray(0, 200)],
    ['DER that is not a certificate', 'not-a-certificate', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])],
    ['a lone NULL', 'not-a-certificate', new Uint8Array([0x05, 0x00])],
    ['a huge declared length', 'bad-der', new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00])],
  ];
  it.each(cases)('%s → CertificateParseError(%s)', (_name, code, input) => {
    const error = expectParseError(() => parseCertificate(input), code);
    expect(error.toJSON().code).toBe(code);
  });

  it('reports a certificate with trailing bytes in a PEM block', () => {
    const withTrailer = new Uint8Array([...der, 0x00, 0x00]);
    expectParseError(() => parseCertificate(toPem(withTrailer)), 'trailing-data');
  });

  it('rejects non-bytes passed from untyped callers with the typed error', () => {
    expectParseError(() => parseCertificate(42 as unknown as Uint8Array));
  });
});
