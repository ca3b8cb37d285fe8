/**
 * Is the certificate revoked? OCSP to the URL in the certificate's AIA (POST, with a nonce), or the
 * CRL from its CRL distribution point when there is no OCSP URL or OCSP could not answer.
 *
 * Only when asked (`online: true`); offline by default. Never throws, never waits longer than
 * `timeoutMs` in total, and says precisely why it could not check, because "revoked" and "could
 * not check" call for different people (the card's owner vs. the network's).
 *
 * What we accept:
 * - OCSP signed by the issuing CA itself, or by a delegated responder whose certificate is in the
 *   response, is issued (and signed) by that same CA, carries id-kp-OCSPSigning and is valid now.
 * - thisUpdate not in the future and nextUpdate not in the past, both with `clockSkewMs` of slack;
 *   a response without nextUpdate must be at most `maxAgeWithoutNextUpdateMs` old.
 * - The nonce, when the responder echoes one, must be ours. Responders that serve pre-signed
 *   responses do not echo nonces; that is accepted and reported as `nonce: 'not-returned'`.
 * - A response without our nonce only when its thisUpdate is recent (`maxAgeWithoutNonceMs`).
 * - A CRL signed by the issuing CA, with the CA's name, fresh by the same rules, whose scope covers
 *   the certificate (issuing distribution point) and without critical extensions we do not
 *   understand. Delta and indirect CRLs are not followed: those give "could not check".
 *
 * What we download: http and https only; the body is streamed and cut off at 64 KiB (OCSP) or
 * 8 MiB (CRL), all under the one deadline. At most two redirects are followed, never to another
 * scheme nor to a loopback, link-local or private address (every address of the name is checked).
 * The URL in the certificate itself is not restricted that way (an internal CA's responder may
 * well be on a private address).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createHash, randomBytes } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { bytesEqual, concatBytes } from '../../native/bytes.js';
import { cryptoEngine } from './engine.js';
import { crlReasonNames, eku, extensionOids } from './oids.js';
import { pkijsCertificate, type CertificateInfo } from './parse.js';

export type RevocationMethod = 'ocsp' | 'crl';

export type CouldNotCheckReason =
  | 'offline'
  | 'timeout'
  | 'http-error'
  | 'bad-response'
  | 'bad-signature'
  | 'stale'
  | 'nonce-mismatch'
  | 'no-endpoint'
  | 'no-issuer'
  /** The answer was larger than the cap (64 KiB for OCSP, 8 MiB for a CRL) and was cut off. */
  | 'too-large'
  /** A redirect to another scheme, to a loopback, link-local or private address, or a third one. */
  | 'redirect-refused'
  /** A CRL that does not cover the certificate (issuing distribution point, another issuer, a delta CRL). */
  | 'out-of-scope'
  /** A CRL with a critical extension we do not understand. */
  | 'unsupported';

export interface RevocationAttempt {
  method: RevocationMethod;
  url: string;
  outcome: 'good' | 'revoked' | 'unknown' | 'could-not-check';
  reason?: CouldNotCheckReason;
  httpStatus?: number;
  detail?: string;
  durationMs: number;
}

interface Answered {
  method: RevocationMethod;
  url: string;
  /** thisUpdate of the OCSP response or CRL. */
  thisUpdate: string;
  nextUpdate?: string;
  /** OCSP only: who signed the response. */
  responder?: 'issuer' | 'delegated';
  /** OCSP only. */
  nonce?: 'matched' | 'not-returned';
  checkedAt: string;
  attempts: RevocationAttempt[];
}

export interface RevocationGood extends Answered {
  status: 'good';
}
export interface RevocationRevoked extends Answered {
  status: 'revoked';
  revokedAt: string;
  /** CRLReason name (`keyCompromise`, `superseded`, …), when the responder gave one. */
  revocationReason?: string;
}
export interface RevocationUnknown extends Answered {
  status: 'unknown';
}
export interface RevocationNotChecked {
  status: 'not-checked';
  /** Online checks are off (the default). */
  reason: 'offline-mode';
}
export interface RevocationCouldNotCheck {
  status: 'could-not-check';
  reason: CouldNotCheckReason;
  method?: RevocationMethod;
  url?: string;
  httpStatus?: number;
  detail?: string;
  checkedAt: string;
  attempts: RevocationAttempt[];
}

export type RevocationResult = RevocationGood | RevocationRevoked | RevocationUnknown | RevocationNotChecked | RevocationCouldNotCheck;

/** The part of `fetch` we use, so tests and the app can inject their own. */
export type FetchLike = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array; signal: AbortSignal; redirect?: 'manual' },
) => Promise<{
  status: number;
  headers?: { get(name: string): string | null };
  /** Streamed when present (real fetch): read chunk by chunk and cut off at the cap. */
  body?: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export interface RevocationOptions {
  online: boolean;
  /** Budget for the whole check, all requests together. Default 5000 ms. */
  timeoutMs?: number;
  fetch?: FetchLike;
  now?: Date;
  /** Slack for the responder's and our clock. Default 5 minutes. */
  clockSkewMs?: number;
  /** A response without nextUpdate older than this is stale. Default 24 h. */
  maxAgeWithoutNextUpdateMs?: number;
  /** Largest CRL we download; at most (and by default) 8 MiB. */
  maxCrlBytes?: number;
  /** A response without our nonce is accepted only when its thisUpdate is at most this old. Default 48 h. */
  maxAgeWithoutNonceMs?: number;
  /**
   * Tests only: follow redirects to loopback and private addresses (the local test servers run on
   * 127.0.0.1). Redirects to another scheme and the limit of two still apply.
   */
  allowPrivateRedirects?: boolean;
  /** Name resolution for the redirect check; default dns.lookup (all addresses). */
  lookup?: (hostname: string) => Promise<string[]>;
  /** Fall back to the CRL when OCSP could not answer. Default true. */
  crlFallback?: boolean;
}

export const defaultRevocationTimeoutMs = 5000;
/** Hard caps on what we download: an OCSP answer is a few KiB, a large CA's CRL some MiB. */
export const maxOcspBytes = 64 * 1024;
export const maxCrlBytes = 8 * 1024 * 1024;
const maxRedirects = 2;
const issuingDistributionPointOid = '2.5.29.28';

class CheckFailure extends Error {
  constructor(
    readonly reason: CouldNotCheckReason,
    detail: string,
    readonly httpStatus?: number,
  ) {
    super(detail);
  }
}

type Outcome =
  | { status: 'good' | 'unknown'; thisUpdate: Date; nextUpdate?: Date; responder?: 'issuer' | 'delegated'; nonce?: 'matched' | 'not-returned' }
  | {
      status: 'revoked';
      thisUpdate: Date;
      nextUpdate?: Date;
      revokedAt: Date;
      revocationReason?: string;
      responder?: 'issuer' | 'delegated';
      nonce?: 'matched' | 'not-returned';
    };

// ---------------------------------------------------------------------------------------------
// HTTP with a deadline

const offlineCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
]);

function errorCode(e: unknown): string | undefined {
  for (let current: unknown = e, depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && current !== null && 'code' in current && typeof (current as { code: unknown }).code === 'string') {
      return (current as { code: string }).code;
    }
    current = typeof current === 'object' && current !== null && 'cause' in current ? (current as { cause: unknown }).cause : undefined;
  }
  return undefined;
}

interface HttpPolicy {
  allowPrivateRedirects: boolean;
  lookup: (hostname: string) => Promise<string[]>;
}

const blockedAddresses = (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(network, prefix, 'ipv6');
  return list;
})();

/** Loopback, link-local, private, unspecified or multicast (IPv4-mapped IPv6 judged by its IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? (mapped[1] as string) : address;
  const family = isIP(plain);
  if (family === 0) return true;
  return blockedAddresses.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

async function defaultLookup(hostname: string): Promise<string[]> {
  return (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

/** Throws CheckFailure('redirect-refused') unless `target` may be followed. */
async function checkRedirectTarget(target: URL, policy: HttpPolicy): Promise<void> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new CheckFailure('redirect-refused', `redirect to ${target.protocol} refused`);
  if (policy.allowPrivateRedirects) return;
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(hostname) !== 0 ? [hostname] : await policy.lookup(hostname);
  } catch (e) {
    throw new CheckFailure('offline', `${errorCode(e) ?? 'lookup failed'} for ${hostname}`);
  }
  // Every address: a name with one public and one private address is refused too.
  const refused = addresses.length === 0 ? hostname : addresses.find(isNonPublicAddress);
  if (refused !== undefined) throw new CheckFailure('redirect-refused', `redirect to ${hostname} (${refused}) refused: not a public address`);
}

/** The body, read as it arrives and cut off (connection aborted) as soon as it exceeds `maxBytes`. */
async function readCapped(response: Awaited<ReturnType<FetchLike>>, maxBytes: number, controller: AbortController): Promise<Uint8Array> {
  const stream = response.body;
  if (stream && typeof stream.getReader === 'function') {
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        controller.abort();
        void reader.cancel().catch(() => undefined);
        throw new CheckFailure('too-large', `the answer exceeded ${maxBytes} bytes and was cut off`);
      }
      chunks.push(value);
    }
    return concatBytes(...chunks);
  }
  const body = await response.arrayBuffer();
  if (body.byteLength > maxBytes) throw new CheckFailure('too-large', `response of ${body.byteLength} bytes is too large`);
  return new Uint8Array(body);
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

async function httpRequest(
  fetchImpl: FetchLike,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array },
  deadline: number,
  maxBytes: number,
  policy: HttpPolicy,
): Promise<Uint8Array> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new CheckFailure('timeout', 'no time left');
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The race guarantees the deadline even with a fetch that ignores its signal.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckFailure('timeout', `no answer within ${Math.round(remaining)} ms`));
    }, remaining);
  });
  try {
    return await Promise.race([
      (async () => {
        let current = new URL(url);
        let request = init;
        for (let hop = 0; ; hop++) {
          let response: Awaited<ReturnType<FetchLike>>;
          try {
            response = await fetchImpl(current.href, { ...request, signal: controller.signal, redirect: 'manual' });
          } catch (e) {
            if (controller.signal.aborted) throw new CheckFailure('timeout', 'aborted');
            const code = errorCode(e);
            throw new CheckFailure('offline', code && offlineCodes.has(code) ? code : `${code ?? ''} ${e instanceof Error ? e.message : String(e)}`.trim());
          }
          const location = redirectStatuses.has(response.status) ? response.headers?.get('location') : null;
          if (location) {
            void response.body?.cancel().catch(() => undefined);
            if (hop >= maxRedirects) throw new CheckFailure('redirect-refused', `more than ${maxRedirects} redirects`, response.status);
            let target: URL;
            try {
              target = new URL(location, current);
            } catch {
              throw new CheckFailure('redirect-refused', 'the redirect is not a URL', response.status);
            }
            await checkRedirectTarget(target, policy);
            current = target;
            // As fetch does: 303 (and 301/302 after a POST) continue as GET without the body.
            if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST'))
              request = { method: 'GET', headers: init.headers };
            continue;
          }
          if (response.status !== 200) {
            void response.body?.cancel().catch(() => undefined);
            throw new CheckFailure('http-error', `HTTP ${response.status}`, response.status);
          }
          const length = Number(response.headers?.get('content-length') ?? NaN);
          if (Number.isFinite(length) && length > maxBytes) {
            controller.abort();
            throw new CheckFailure('too-large', `response of ${length} bytes is too large`);
          }
          try {
            return await readCapped(response, maxBytes, controller);
          } catch (e) {
            if (e instanceof CheckFailure) throw e;
            if (controller.signal.aborted) throw new CheckFailure('timeout', 'aborted while reading');
            throw new CheckFailure('offline', `reading the response failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    // Whatever happened, no socket stays open reading an answer nobody waits for.
    controller.abort();
  }
}

function httpUrls(urls: readonly string[]): string[] {
  return urls.filter((url) => /^https?:\/\//i.test(url));
}

// ---------------------------------------------------------------------------------------------
// Freshness and small helpers

interface Freshness {
  now: Date;
  skewMs: number;
  maxAgeWithoutNextUpdateMs: number;
  maxAgeWithoutNonceMs: number;
}

function checkFresh(thisUpdate: Date, nextUpdate: Date | undefined, f: Freshness, what: string): void {
  const now = f.now.getTime();
  if (Number.isNaN(thisUpdate.getTime())) throw new CheckFailure('bad-response', `${what}: thisUpdate is not a time`);
  if (thisUpdate.getTime() > now + f.skewMs) throw new CheckFailure('stale', `${what}: thisUpdate ${thisUpdate.toISOString()} is in the future`);
  if (nextUpdate) {
    if (nextUpdate.getTime() < now - f.skewMs) throw new CheckFailure('stale', `${what}: nextUpdate ${nextUpdate.toISOString()} has passed`);
  } else if (now - thisUpdate.getTime() > f.maxAgeWithoutNextUpdateMs + f.skewMs) {
    throw new CheckFailure('stale', `${what}: thisUpdate ${thisUpdate.toISOString()} is too old and there is no nextUpdate`);
  }
}

function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return bytesEqual(new Uint8Array(a.toSchema().toBER(false)), new Uint8Array(b.toSchema().toBER(false)));
}

function sameKey(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return bytesEqual(a.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView, b.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
}

function reasonName(value: number | undefined): string | undefined {
  return value === undefined ? undefined : (crlReasonNames[value] ?? `reason ${value}`);
}

// ---------------------------------------------------------------------------------------------
// OCSP

const responseStatusNames: Readonly<Record<number, string>> = { 1: 'malformedRequest', 2: 'internalError', 3: 'tryLater', 5: 'sigRequired', 6: 'unauthorized' };

async function buildOcspRequest(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
): Promise<{ der: Uint8Array; certId: pkijs.CertID; nonce: Uint8Array }> {
  const crypto = cryptoEngine();
  const request = new pkijs.OCSPRequest();
  // SHA-1 CertIDs are what every responder understands (RFC 5019).
  await request.createForCertificate(certificate, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer }, crypto);
  const nonce = new Uint8Array(randomBytes(16));
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: extensionOids.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) }),
  ];
  const certId = request.tbsRequest.requestList[0]?.reqCert;
  if (!certId) throw new CheckFailure('bad-response', 'could not build the OCSP request');
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), certId, nonce };
}

function parseOcspResponse(body: Uint8Array): pkijs.BasicOCSPResponse {
  const asn1 = asn1js.fromBER(body);
  if (asn1.offset === -1 || asn1.offset !== body.length) throw new CheckFailure('bad-response', 'the answer is not an OCSP response (not DER)');
  let response: pkijs.OCSPResponse;
  try {
    response = new pkijs.OCSPResponse({ schema: asn1.result });
  } catch {
    throw new CheckFailure('bad-response', 'the answer is not an OCSP response');
  }
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new CheckFailure('bad-response', `the responder answered ${responseStatusNames[status] ?? `status ${status}`}`);
  if (!response.responseBytes || response.responseBytes.responseType !== pkijs.id_PKIX_OCSP_Basic) {
    throw new CheckFailure('bad-response', 'the OCSP response is not a basic response');
  }
  const inner = asn1js.fromBER(response.responseBytes.response.valueBlock.valueHexView);
  if (inner.offset === -1) throw new CheckFailure('bad-response', 'the basic OCSP response is not DER');
  try {
    return new pkijs.BasicOCSPResponse({ schema: inner.result });
  } catch {
    throw new CheckFailure('bad-response', 'the basic OCSP response could not be read');
  }
}

function responderIdMatches(basic: pkijs.BasicOCSPResponse, candidate: pkijs.Certificate): boolean {
  const responderId: unknown = basic.tbsResponseData.responderID;
  if (responderId instanceof pkijs.RelativeDistinguishedNames) return responderId.isEqual(candidate.subject);
  if (responderId instanceof asn1js.OctetString) {
    const keyHash = createHash('sha1').update(candidate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    return bytesEqual(new Uint8Array(keyHash), responderId.valueBlock.valueHexView);
  }
  return false;
}

async function signatureValid(basic: pkijs.BasicOCSPResponse, signer: pkijs.Certificate): Promise<boolean> {
  try {
    return await cryptoEngine().verifyWithPublicKey(
      new Uint8Array(basic.tbsResponseData.tbsView),
      basic.signature,
      signer.subjectPublicKeyInfo,
      basic.signatureAlgorithm,
    );
  } catch {
    return false;
  }
}

/** RFC 6960 §4.2.2.2: the CA itself, or a responder the CA delegated to (id-kp-OCSPSigning). */
async function verifyResponder(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, f: Freshness): Promise<'issuer' | 'delegated'> {
  if (responderIdMatches(basic, issuer) || (basic.certs ?? []).some((c) => sameCertificate(c, issuer) && responderIdMatches(basic, c))) {
    if (await signatureValid(basic, issuer)) return 'issuer';
    throw new CheckFailure('bad-signature', 'the response is not signed by the issuing CA’s key');
  }
  const delegates = (basic.certs ?? []).filter((c) => responderIdMatches(basic, c));
  if (delegates.length === 0) throw new CheckFailure('bad-signature', 'the responder is neither the CA nor a responder certificate in the response');
  let lastProblem = 'no authorised responder';
  for (const responder of delegates) {
    if (sameKey(responder, issuer)) {
      // The CA's own key under another certificate (a renewed CA certificate): the CA signed it.
      if (await signatureValid(basic, responder)) return 'issuer';
      lastProblem = 'the response signature does not verify';
      continue;
    }
    if (!responder.issuer.isEqual(issuer.subject)) {
      lastProblem = 'the responder certificate was issued by another CA';
      continue;
    }
    let issuedByCa: boolean;
    try {
      issuedByCa = await responder.verify(issuer, cryptoEngine());
    } catch {
      issuedByCa = false;
    }
    if (!issuedByCa) {
      lastProblem = 'the responder certificate is not signed by the issuing CA';
      continue;
    }
    const ekuExtension = responder.extensions?.find((e) => e.extnID === extensionOids.extKeyUsage);
    const purposes = ekuExtension?.parsedValue instanceof pkijs.ExtKeyUsage ? ekuExtension.parsedValue.keyPurposes : [];
    if (!purposes.includes(eku.ocspSigning)) {
      lastProblem = 'the responder certificate lacks id-kp-OCSPSigning';
      continue;
    }
    const now = f.now.getTime();
    if (responder.notBefore.value.getTime() > now + f.skewMs || responder.notAfter.value.getTime() < now - f.skewMs) {
      lastProblem = 'the responder certificate is not valid now';
      continue;
    }
    if (await signatureValid(basic, responder)) return 'delegated';
    lastProblem = 'the response signature does not verify';
  }
  throw new CheckFailure('bad-signature', lastProblem);
}

function nonceOf(basic: pkijs.BasicOCSPResponse): Uint8Array | undefined {
  const extension = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === extensionOids.ocspNonce);
  return extension ? extension.extnValue.valueBlock.valueHexView : undefined;
}

function nonceMatches(returned: Uint8Array, sent: Uint8Array): boolean {
  // RFC 8954: extnValue holds an OCTET STRING with the nonce; some responders omit that wrapper.
  const wrapped = new Uint8Array(new asn1js.OctetString({ valueHex: sent }).toBER(false));
  return bytesEqual(returned, wrapped) || bytesEqual(returned, sent);
}

function singleStatus(single: pkijs.SingleResponse): Pick<Outcome, 'status'> & { revokedAt?: Date; revocationReason?: string } {
  const status = single.certStatus as { idBlock?: { tagClass: number; tagNumber: number }; valueBlock?: { value?: unknown[] } };
  const tag = status.idBlock?.tagClass === 3 ? status.idBlock.tagNumber : -1;
  if (tag === 0) return { status: 'good' };
  if (tag === 2) return { status: 'unknown' };
  if (tag === 1) {
    const parts = status.valueBlock?.value ?? [];
    const time = parts[0];
    if (!(time instanceof asn1js.GeneralizedTime)) throw new CheckFailure('bad-response', 'revoked without a revocation time');
    const out: { status: 'revoked'; revokedAt: Date; revocationReason?: string } = { status: 'revoked', revokedAt: time.toDate() };
    const reasonBlock = parts[1] as { valueBlock?: { value?: unknown[] } } | undefined;
    const enumerated = reasonBlock?.valueBlock?.value?.[0];
    if (enumerated instanceof asn1js.Enumerated) {
      const name = reasonName(enumerated.valueBlock.valueDec);
      if (name) out.revocationReason = name;
    }
    return out;
  }
  throw new CheckFailure('bad-response', 'unknown certificate status in the response');
}

async function checkOcsp(
  url: string,
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  fetchImpl: FetchLike,
  deadline: number,
  f: Freshness,
  policy: HttpPolicy,
): Promise<Outcome> {
  const { der, certId, nonce } = await buildOcspRequest(certificate, issuer);
  const body = await httpRequest(
    fetchImpl,
    url,
    { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request', Accept: 'application/ocsp-response' }, body: der },
    deadline,
    maxOcspBytes,
    policy,
  );
  const basic = parseOcspResponse(body);
  const responder = await verifyResponder(basic, issuer, f);
  const single = basic.tbsResponseData.responses.find((r) => r.certID.isEqual(certId));
  if (!single) throw new CheckFailure('bad-response', 'the response is about another certificate (CertID does not match)');
  const returnedNonce = nonceOf(basic);
  if (returnedNonce && !nonceMatches(returnedNonce, nonce))
    throw new CheckFailure('nonce-mismatch', 'the response carries another nonce than ours (a replayed answer?)');
  checkFresh(single.thisUpdate, single.nextUpdate, f, 'OCSP');
  // Without our nonce the answer may be a replay: only a recent one is believed.
  if (!returnedNonce && f.now.getTime() - single.thisUpdate.getTime() > f.maxAgeWithoutNonceMs + f.skewMs) {
    throw new CheckFailure(
      'stale',
      `OCSP: no nonce in the answer and thisUpdate ${single.thisUpdate.toISOString()} is older than ${Math.round(f.maxAgeWithoutNonceMs / 3_600_000)} h`,
    );
  }
  const status = singleStatus(single);
  const common = { thisUpdate: single.thisUpdate, responder, nonce: returnedNonce ? ('matched' as const) : ('not-returned' as const) };
  const withNext = single.nextUpdate ? { ...common, nextUpdate: single.nextUpdate } : common;
  if (status.status === 'revoked') {
    const revoked: Outcome = { ...withNext, status: 'revoked', revokedAt: status.revokedAt as Date };
    if (status.revocationReason) revoked.revocationReason = status.revocationReason;
    return revoked;
  }
  return { ...withNext, status: status.status as 'good' | 'unknown' };
}

// ---------------------------------------------------------------------------------------------
// CRL

function parseCrl(body: Uint8Array): pkijs.CertificateRevocationList {
  let der = body;
  const text = new TextDecoder('latin1').decode(body.subarray(0, Math.min(body.length, 64)));
  if (text.trimStart().startsWith('-----BEGIN')) {
    const full = new TextDecoder('latin1').decode(body);
    const match = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(full);
    if (!match) throw new CheckFailure('bad-response', 'the PEM file holds no CRL');
    der = new Uint8Array(Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64'));
  }
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1 || asn1.offset !== der.length) throw new CheckFailure('bad-response', 'the answer is not a CRL (not DER)');
  try {
    return new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch {
    throw new CheckFailure('bad-response', 'the answer is not a CRL');
  }
}

/** CRL extensions we understand; any other critical one means we cannot use the CRL (RFC 5280 §5.2). */
const understoodCrlExtensions = new Set([
  extensionOids.authorityKeyIdentifier,
  '2.5.29.20' /* cRLNumber */,
  issuingDistributionPointOid,
  '2.5.29.46' /* freshestCRL */,
  '1.3.6.1.5.5.7.1.1' /* authorityInfoAccess */,
]);
const understoodEntryExtensions = new Set([extensionOids.crlReason, '2.5.29.24' /* invalidityDate */]);
const deltaCrlIndicatorOid = '2.5.29.27';

function uriNames(names: unknown): string[] | undefined {
  if (!Array.isArray(names)) return undefined;
  return names
    .filter((n): n is pkijs.GeneralName => n instanceof pkijs.GeneralName && n.type === 6 && typeof n.value === 'string')
    .map((n) => n.value as string);
}

/**
 * Does this CRL cover `leaf`? Throws 'out-of-scope' for a delta CRL, an issuing distribution point
 * that names other distribution points or only some reasons or other kinds of certificate, an
 * indirect CRL; 'unsupported' for a critical extension we do not understand.
 */
function checkCrlScope(crl: pkijs.CertificateRevocationList, leaf: { isCA: boolean; crlUrls: readonly string[] }, url: string): void {
  for (const extension of crl.crlExtensions?.extensions ?? []) {
    if (extension.extnID === deltaCrlIndicatorOid) throw new CheckFailure('out-of-scope', 'a delta CRL (not followed)');
    if (extension.extnID === issuingDistributionPointOid) {
      const idp: unknown = extension.parsedValue;
      if (!(idp instanceof pkijs.IssuingDistributionPoint)) throw new CheckFailure('unsupported', 'the issuing distribution point could not be read');
      if (idp.indirectCRL) throw new CheckFailure('out-of-scope', 'an indirect CRL (not followed)');
      if (idp.onlySomeReasons !== undefined) throw new CheckFailure('out-of-scope', 'the CRL lists only some revocation reasons');
      if (idp.onlyContainsAttributeCerts) throw new CheckFailure('out-of-scope', 'the CRL covers attribute certificates only');
      if (idp.onlyContainsCACerts && !leaf.isCA) throw new CheckFailure('out-of-scope', 'the CRL covers CA certificates only');
      if (idp.onlyContainsUserCerts && leaf.isCA) throw new CheckFailure('out-of-scope', 'the CRL covers end-entity certificates only');
      if (idp.distributionPoint !== undefined) {
        const names = uriNames(idp.distributionPoint);
        const wanted = new Set([...leaf.crlUrls, url]);
        if (!names || !names.some((name) => wanted.has(name)))
          throw new CheckFailure('out-of-scope', `the CRL is for another distribution point (${names?.join(', ') || 'a relative name'})`);
      }
      continue;
    }
    if (extension.critical && !understoodCrlExtensions.has(extension.extnID))
      throw new CheckFailure('unsupported', `the CRL has the critical extension ${extension.extnID}`);
  }
  for (const entry of crl.revokedCertificates ?? []) {
    for (const extension of entry.crlEntryExtensions?.extensions ?? []) {
      if (extension.critical && !understoodEntryExtensions.has(extension.extnID))
        throw new CheckFailure('unsupported', `a CRL entry has the critical extension ${extension.extnID}`);
    }
  }
}

async function checkCrl(
  url: string,
  certificate: pkijs.Certificate,
  leaf: CertificateInfo,
  issuer: pkijs.Certificate,
  fetchImpl: FetchLike,
  deadline: number,
  f: Freshness,
  maxBytes: number,
  policy: HttpPolicy,
): Promise<Outcome> {
  const body = await httpRequest(fetchImpl, url, { method: 'GET', headers: { Accept: 'application/pkix-crl' } }, deadline, maxBytes, policy);
  const crl = parseCrl(body);
  if (!crl.issuer.isEqual(issuer.subject)) throw new CheckFailure('out-of-scope', 'the CRL is from another CA');
  // Before the signature: pkijs refuses to verify a CRL with a critical extension it does not know,
  // and "unsupported" says more than "bad signature". Either way the answer is could-not-check.
  checkCrlScope(crl, leaf, url);
  let signed: boolean;
  try {
    signed = await crl.verify({ issuerCertificate: issuer }, cryptoEngine());
  } catch {
    signed = false;
  }
  if (!signed) throw new CheckFailure('bad-signature', 'the CRL is not signed by the issuing CA');
  const thisUpdate = crl.thisUpdate.value;
  const nextUpdate = crl.nextUpdate?.value;
  checkFresh(thisUpdate, nextUpdate, f, 'CRL');
  const entry = crl.revokedCertificates?.find((r) => r.userCertificate.isEqual(certificate.serialNumber));
  const common = nextUpdate ? { thisUpdate, nextUpdate } : { thisUpdate };
  if (!entry) return { ...common, status: 'good' };
  const revoked: Outcome = { ...common, status: 'revoked', revokedAt: entry.revocationDate.value };
  const reasonExtension = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === extensionOids.crlReason);
  if (reasonExtension) {
    const asn1 = asn1js.fromBER(reasonExtension.extnValue.valueBlock.valueHexView);
    if (asn1.result instanceof asn1js.Enumerated) {
      const name = reasonName(asn1.result.valueBlock.valueDec);
      if (name) revoked.revocationReason = name;
    }
  }
  return revoked;
}

// ---------------------------------------------------------------------------------------------

function answered(
  outcome: Outcome,
  method: RevocationMethod,
  url: string,
  checkedAt: string,
  attempts: RevocationAttempt[],
): RevocationGood | RevocationRevoked | RevocationUnknown {
  const base: Answered = { method, url, thisUpdate: outcome.thisUpdate.toISOString(), checkedAt, attempts };
  if (outcome.nextUpdate) base.nextUpdate = outcome.nextUpdate.toISOString();
  if (outcome.responder) base.responder = outcome.responder;
  if (outcome.nonce) base.nonce = outcome.nonce;
  if (outcome.status === 'revoked') {
    const revoked: RevocationRevoked = { ...base, status: 'revoked', revokedAt: outcome.revokedAt.toISOString() };
    if (outcome.revocationReason) revoked.revocationReason = outcome.revocationReason;
    return revoked;
  }
  return { ...base, status: outcome.status };
}

function couldNotCheck(
  reason: CouldNotCheckReason,
  detail: string,
  checkedAt: string,
  attempts: RevocationAttempt[],
  from?: RevocationAttempt,
): RevocationCouldNotCheck {
  const result: RevocationCouldNotCheck = { status: 'could-not-check', reason, detail, checkedAt, attempts };
  if (from) {
    result.method = from.method;
    result.url = from.url;
    if (from.httpStatus !== undefined) result.httpStatus = from.httpStatus;
  }
  return result;
}

/**
 * Revocation status of `leaf`, issued by `issuer`. `issuer` may be undefined when the chain could
 * not find it: then the answer is `could-not-check` / `no-issuer` (OCSP and CRL checks both need it).
 */
export async function checkRevocation(leaf: CertificateInfo, issuer: CertificateInfo | undefined, options: RevocationOptions): Promise<RevocationResult> {
  if (!options.online) return { status: 'not-checked', reason: 'offline-mode' };
  const now = options.now ?? new Date();
  const checkedAt = now.toISOString();
  const attempts: RevocationAttempt[] = [];
  try {
    const ocspUrls = httpUrls(leaf.ocspUrls);
    const crlUrls = httpUrls(leaf.crlUrls);
    if (ocspUrls.length === 0 && crlUrls.length === 0)
      return couldNotCheck('no-endpoint', 'the certificate names no OCSP responder and no CRL', checkedAt, attempts);
    if (!issuer) return couldNotCheck('no-issuer', 'the issuing CA certificate is needed and was not found', checkedAt, attempts);
    const fetchImpl: FetchLike = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    const deadline = Date.now() + (options.timeoutMs ?? defaultRevocationTimeoutMs);
    const freshness: Freshness = {
      now,
      skewMs: options.clockSkewMs ?? 5 * 60 * 1000,
      maxAgeWithoutNextUpdateMs: options.maxAgeWithoutNextUpdateMs ?? 24 * 60 * 60 * 1000,
      maxAgeWithoutNonceMs: options.maxAgeWithoutNonceMs ?? 48 * 60 * 60 * 1000,
    };
    const policy: HttpPolicy = { allowPrivateRedirects: options.allowPrivateRedirects === true, lookup: options.lookup ?? defaultLookup };
    const crlCap = Math.min(options.maxCrlBytes ?? maxCrlBytes, maxCrlBytes);
    const certificate = pkijsCertificate(leaf);
    const issuerCertificate = pkijsCertificate(issuer);

    const plan: { method: RevocationMethod; url: string }[] = [
      ...ocspUrls.slice(0, 1).map((url) => ({ method: 'ocsp' as const, url })),
      ...(ocspUrls.length === 0 || options.crlFallback !== false ? crlUrls.slice(0, 1).map((url) => ({ method: 'crl' as const, url })) : []),
    ];
    for (const step of plan) {
      const started = Date.now();
      try {
        const outcome =
          step.method === 'ocsp'
            ? await checkOcsp(step.url, certificate, issuerCertificate, fetchImpl, deadline, freshness, policy)
            : await checkCrl(step.url, certificate, leaf, issuerCertificate, fetchImpl, deadline, freshness, crlCap, policy);
        attempts.push({ method: step.method, url: step.url, outcome: outcome.status, durationMs: Date.now() - started });
        return answered(outcome, step.method, step.url, checkedAt, attempts);
      } catch (e) {
        const failure = e instanceof CheckFailure ? e : new CheckFailure('bad-response', e instanceof Error ? e.message : String(e));
        const attempt: RevocationAttempt = {
          method: step.method,
          url: step.url,
          outcome: 'could-not-check',
          reason: failure.reason,
          detail: failure.message,
          durationMs: Date.now() - started,
        };
        if (failure.httpStatus !== undefined) attempt.httpStatus = failure.httpStatus;
        attempts.push(attempt);
        if (failure.reason === 'timeout') break;
      }
    }
    // Report the first failure: it is the preferred method's, and the one IT should look at.
    const first = attempts[0] as RevocationAttempt;
    return couldNotCheck(first.reason ?? 'bad-response', first.detail ?? '', checkedAt, attempts, first);
  } catch (e) {
    return couldNotCheck('bad-response', e instanceof Error ? e.message : String(e), checkedAt, attempts);
  }
}
