import { describe, expect, it } from 'vitest';
import { toHex } from '../../../native/transport.js';
import type { CardReadProgress, CardReadResult, CardSnapshot } from '../../../electron/card/card-read-result.js';
import { cardReadResultFromJson, cardReadResultToJson } from '../../../electron/card/card-read-result.js';
import { identifyCard, type CardProfile } from '../../../electron/card/profiles.js';
import { readCard } from '../../../electron/card/read-card.js';
import { describeReadFailure } from '../../../electron/card/read-result-messages.js';
import { buildTestCard, insert, overlappingReads, unknownAtr, type TestCardOptions } from './test-cards.js';

function snapshotOf(result: CardReadResult): CardSnapshot {
  if (result.kind !== 'snapshot') throw new Error(`expected a snapshot, got ${result.kind}: ${result.message}`);
  return result;
}

async function read(options: TestCardOptions = {}, readOptions: Parameters<typeof readCard>[1] = {}) {
  const card = buildTestCard(options);
  const { engine, transport } = insert(card.spec);
  const progress: CardReadProgress[] = [];
  const result = await readCard(transport, { smartcardListPath: null, onProgress: (event) => progress.push(event), ...readOptions });
  return { card, engine, result, progress };
}

const setcosProfile = identifyCard(buildTestCard().spec.atr, { smartcardListPath: null });
const sentIns = (engine: { apduLog: readonly { command: Uint8Array }[] }) => engine.apduLog.map((entry) => entry.command[1]);

describe('readCard on a SITHS-like card', () => {
  it('reads certificates, PINs with counters, token info and statistics', async () => {
    const { card, engine, result } = await read({ pinTries: { auth: 2, sign: 3, puk: 10 } });
    const snapshot = snapshotOf(result);
    expect(snapshot.profile.id).toBe('siths-setcos-netid');
    expect(snapshot.reader).toBe('Test Reader 00 00');
    expect(snapshot.application).toMatchObject({ aid: 'A000000063504B43532D3135', foundBy: 'aid' });
    expect(snapshot.certificates.map((c) => toHex(c.der))).toEqual(card.certificates.map((der) => toHex(der)));
    expect(snapshot.certificates.map((c) => c.role)).toEqual(['authentication', 'signature', 'authority']);
    expect(snapshot.certificates[1]!.source).toMatchObject({ file: '3F0050154312', index: 0, length: card.certificates[1]!.length });
    expect(snapshot.certificates[2]!.source).toMatchObject({ structure: 'pkcs15', index: card.certificates[1]!.length });
    expect(snapshot.pins.map((p) => [p.label, p.role, p.reference, p.triesLeft, p.maxTries, p.blocked])).toEqual([
      ['Legitimering', 'authentication', 0x81, 2, 3, false],
      ['Underskrift', 'signature', 0x82, 3, 3, false],
      // The PUK is never probed on this card type: its counter is not known to be safe to ask.
      ['PUK', 'puk', 0x83, 'unknown', 10, 'unknown'],
    ]);
    expect(snapshot.pins[0]!.unblockedBy).toBe('03');
    expect(snapshot.authentication).toEqual({ certificate: 0, pin: 0 });
    expect(snapshot.tokenInfo).toMatchObject({ serialNumberText: '9752269000012345678', manufacturer: 'Test', label: 'Testkort' });
    expect(snapshot.privateKeys.map((k) => k.usage)).toEqual([['decrypt', 'sign'], ['nonRepudiation']]);
    // The statistics are the card's own count.
    expect(snapshot.stats.apduCount).toBe(engine.apduLog.length);
    expect(snapshot.stats.bytesSent).toBe(engine.apduLog.reduce((sum, e) => sum + e.command.length, 0));
    expect(snapshot.stats.bytesReceived).toBe(engine.apduLog.reduce((sum, e) => sum + e.response.length, 0));
    expect(snapshot.apduLog).toHaveLength(engine.apduLog.length);
    // Probing the counters cost no tries.
    expect(engine.pinStatus(0x81)?.triesLeft).toBe(2);
  });

  it('reads nothing twice and directories once', async () => {
    const { engine, result } = await read();
    snapshotOf(result);
    expect(overlappingReads(engine.apduLog)).toEqual([]);
    const selects = engine.apduLog.filter((e) => e.command[1] === 0xa4).map((e) => toHex(e.command));
    for (const directory of ['4401', '4402', '4403', '5031']) {
      expect(
        selects.filter((s) => s.endsWith(directory)),
        directory,
      ).toHaveLength(1);
    }
  });

  it('knows the login certificate and PIN counter before reading the rest', async () => {
    const { result, progress } = await read();
    const snapshot = snapshotOf(result);
    const authReady = progress.find((p) => p.stage === 'auth-ready');
    expect(progress[0]?.stage).toBe('application-selected');
    expect(authReady).toBeDefined();
    if (authReady?.stage !== 'auth-ready') return;
    expect(authReady.certificate?.label).toBe('Test Person, Region Test');
    expect(toHex(authReady.certificate!.der)).toBe(toHex(snapshot.certificates[0]!.der));
    expect(authReady.pin).toMatchObject({ role: 'authentication', triesLeft: 3 });
    expect(authReady.apduCount).toBeLessThan(snapshot.stats.apduCount);
    expect(snapshot.stats.authReady?.apduCount).toBe(authReady.apduCount);
    // Nothing after the authentication certificate's file was read before the event.
    const commandsBefore = snapshot.apduLog.slice(0, authReady.apduCount).map((a) => a.command);
    expect(commandsBefore.some((c) => c.startsWith('00A4080C0450154312'))).toBe(false);
    expect(commandsBefore.some((c) => c.endsWith('5032'))).toBe(false);
  });

  it('prefers the SITHS login certificate to a Telia one listed before it', async () => {
    const { result, progress } = await read({ teliaFirst: true });
    const snapshot = snapshotOf(result);
    expect(snapshot.certificates.map((c) => c.role)).toEqual(['authentication', 'authentication', 'signature', 'authority']);
    expect(snapshot.authentication.certificate).toBe(1);
    const authReady = progress.find((p) => p.stage === 'auth-ready');
    expect(authReady?.stage === 'auth-ready' && authReady.certificate?.label).toBe('Test Person, Region Test');
  });

  it('reports PIN counters as unknown on a card it does not know, without sending VERIFY', async () => {
    const { engine, result } = await read({ atr: unknownAtr });
    const snapshot = snapshotOf(result);
    expect(snapshot.profile.known).toBe(false);
    expect(sentIns(engine)).not.toContain(0x20);
    for (const pin of snapshot.pins) {
      expect(pin).toMatchObject({ triesLeft: 'unknown', maxTries: 'unknown', blocked: 'unknown', verified: 'unknown' });
      expect(pin.counter).toEqual({ source: 'not-probed', statusWord: null, unknownReason: 'card-profile-forbids-probe' });
    }
    expect(snapshot.certificates).toHaveLength(3);
  });

  it('reports a blocked PIN and one the card would not describe', async () => {
    const { result } = await read({ pinTries: { auth: 0 }, behaviour: {} });
    expect(snapshotOf(result).pins[0]).toMatchObject({ triesLeft: 0, blocked: true, verified: false });
    const silent = await read({ behaviour: { answersVerifyWithoutData: false } });
    const pin = snapshotOf(silent.result).pins[0]!;
    expect(pin).toMatchObject({ triesLeft: 'unknown', blocked: 'unknown' });
    expect(pin.counter).toEqual({ source: 'verify-without-data', statusWord: '6700', unknownReason: 'card-did-not-say' });
    expect(snapshotOf(silent.result).notes.map((n) => n.code)).toContain('pin-probe-unexpected-status');
  });

  it('tells the login certificate by its keyUsage when the card has no private-key directory', async () => {
    const { result } = await read({ withPrkdf: false });
    const snapshot = snapshotOf(result);
    expect(snapshot.privateKeys).toEqual([]);
    expect(snapshot.certificates[0]).toMatchObject({ role: 'authentication', roleEvidence: ['certificate-key-usage'] });
    expect(snapshot.authentication.certificate).toBe(0);
    expect(snapshot.pins.map((p) => p.role)).toEqual(['authentication', 'signature', 'puk']);
  });

  it('finds the application by EF.DIR or by the path 3F00/5015 when the AID does not answer', async () => {
    const viaDir = snapshotOf((await read({ otherAid: 'E82881C11702010000000063', withEfDir: true })).result);
    expect(viaDir.application).toMatchObject({ aid: 'E82881C11702010000000063', label: 'Test PKCS#15', path: '3F005015', foundBy: 'ef-dir' });
    expect(viaDir.certificates).toHaveLength(3);
    const viaPath = snapshotOf((await read({ withAid: false })).result);
    expect(viaPath.application).toMatchObject({ aid: null, path: '3F005015', foundBy: 'path' });
    expect(viaPath.pins.map((p) => p.triesLeft)).toEqual([3, 3, 'unknown']);
    expect(viaPath.tokenInfo?.label).toBe('Testkort');
  });

  it('reads EF.DIR for the label only when asked', async () => {
    const { result } = await read({ withEfDir: true }, { readApplicationLabel: true });
    expect(snapshotOf(result).application.label).toBe('Test PKCS#15');
  });

  it('goes without EF.TokenInfo, with a note', async () => {
    const snapshot = snapshotOf((await read({ withTokenInfo: false })).result);
    expect(snapshot.tokenInfo).toBeNull();
    expect(snapshot.notes.map((n) => n.code)).toContain('token-info-missing');
  });
});

describe('readCard failures', () => {
  it('calls a certificate file the CDF names but the card lacks malformed card data', async () => {
    const { result } = await read({ missingAuthFile: true });
    expect(result).toMatchObject({ kind: 'malformed-card-data', statusWord: '6A82', stage: 'authentication-certificate' });
    expect(result.kind === 'malformed-card-data' && result.file).toContain('3F0050154311');
    expect('certificates' in result).toBe(false);
  });

  it('reports a card error with the status word when a directory cannot be read', async () => {
    const { result } = await read({ protectedCdf: true });
    expect(result).toMatchObject({ kind: 'card-error', statusWord: '6982', stage: 'directories' });
    // The result carries the code only; the words come from the catalogue, in the reader's language.
    expect('statusMeaning' in result).toBe(false);
    expect(result.kind === 'card-error' && describeReadFailure(result, 'sv')).toBe(
      'Kortet svarade med ett fel (läsa kortets kataloger över certifikat, nycklar och PIN-koder): Säkerhetsvillkoren är inte uppfyllda (t.ex. PIN inte angiven).',
    );
    expect(result.kind === 'card-error' && describeReadFailure(result, 'en')).toContain('Security status not satisfied');
  });

  it('reports a card without a PKCS#15 application', async () => {
    const { result } = await read({ withAid: false, sharedFile: true }, {});
    expect(result.kind).toBe('snapshot'); // 3F00/5015 still found by path
    const spec = buildTestCard().spec;
    spec.mf.children = [];
    const { transport } = insert(spec);
    const empty = await readCard(transport, { smartcardListPath: null });
    expect(empty).toMatchObject({ kind: 'unknown-structure', stage: 'select-application' });
    // PKCS#15 first (a SetCOS ATR): AID, EF.DIR, 3F00/5015; then the IDPrime applet.
    expect(empty.kind === 'unknown-structure' && empty.probes.map((p) => `${p.structure} ${p.statusWord}`)).toEqual([
      'pkcs15 6A82',
      'pkcs15 6A82',
      'pkcs15 6A82',
      'idprime 6A82',
    ]);
  });

  it('gives up after its APDU bound with a typed outcome', async () => {
    const { result } = await read({}, { maxApdus: 6 });
    expect(result).toMatchObject({ kind: 'malformed-card-data' });
    expect(result.stats.apduCount).toBe(6);
  });

  it('is not disturbed by a progress listener that throws', async () => {
    const { result } = await read(
      {},
      {
        onProgress: () => {
          throw new Error('listener bug');
        },
      },
    );
    expect(result.kind).toBe('snapshot');
  });
});

describe('read lengths', () => {
  it("learns the card's largest short READ BINARY from 6Cxx once", async () => {
    const profile: CardProfile = { ...setcosProfile, read: { ...setcosProfile.read, maxShortReadLength: 256 } };
    const { engine, result } = await read({ behaviour: { maxReadBinaryLength: 0x80 } }, { profile });
    snapshotOf(result);
    const sixCs = engine.apduLog.filter((e) => e.response.length === 2 && e.response[0] === 0x6c);
    expect(sixCs).toHaveLength(1);
    expect(overlappingReads(engine.apduLog)).toEqual([]);
  });

  it("uses extended length where the card takes it, backing off to the card's buffer size", async () => {
    const profile: CardProfile = {
      ...setcosProfile,
      read: { maxShortReadLength: 256, extendedLength: 'try', maxExtendedReadLength: 4096, selectByPath: true },
    };
    const { card, engine, result } = await read(
      { behaviour: { extendedLength: true, maxReadBinaryLength: 0x400, wrongLeAnswer: '6700', t0GetResponse: false } },
      { profile },
    );
    const snapshot = snapshotOf(result);
    expect(snapshot.certificates.map((c) => toHex(c.der))).toEqual(card.certificates.map((d) => toHex(d)));
    const reads = engine.apduLog.filter((e) => e.command[1] === 0xb0);
    const refused = reads.filter((e) => e.response.length === 2 && e.response[0] === 0x67);
    // 4096 and 2048 are too much for this card; 1024 is what it takes, from then on.
    expect(refused.map((e) => toHex(e.command.subarray(5)))).toEqual(['1000', '0800']);
    // One READ BINARY per file (the shared certificate file of 1.1 KB needs two).
    const successful = reads.filter((e) => e.response.length > 2);
    expect(successful.map((e) => e.response.length - 2).every((n) => n <= 1024)).toBe(true);
    expect(successful).toHaveLength(8);
    expect(overlappingReads(engine.apduLog)).toEqual([]);
  });

  it('falls back to short APDUs when extended length is refused', async () => {
    const profile: CardProfile = {
      ...setcosProfile,
      read: { maxShortReadLength: 256, extendedLength: 'try', maxExtendedReadLength: 2048, selectByPath: true },
    };
    const { engine, result } = await read({ behaviour: { extendedLength: false, maxReadBinaryLength: 256 } }, { profile });
    const snapshot = snapshotOf(result);
    expect(snapshot.notes.map((n) => n.code)).toContain('extended-length-refused');
    const refused = engine.apduLog.filter((e) => e.command[1] === 0xb0 && e.response.length === 2 && e.response[0] === 0x67);
    // 67 00 cannot tell "no extended length" from "not that much": 2 KiB and 1 KiB are tried, then short APDUs.
    expect(refused.map((e) => toHex(e.command.subarray(5)))).toEqual(['0800', '0400']);
    expect(overlappingReads(engine.apduLog)).toEqual([]);
  });
});

describe('JSON form', () => {
  it('carries certificates as base64 and comes back identical', async () => {
    const { result } = await read();
    const json = JSON.parse(JSON.stringify(cardReadResultToJson(result)));
    expect(json.certificates[0].derBase64).toMatch(/^MI/);
    const back = cardReadResultFromJson(json);
    expect(toHex(snapshotOf(back).certificates[2]!.der)).toBe(toHex(snapshotOf(result).certificates[2]!.der));
    expect(JSON.stringify(cardReadResultToJson(back))).toBe(JSON.stringify(cardReadResultToJson(result)));
  });
});
