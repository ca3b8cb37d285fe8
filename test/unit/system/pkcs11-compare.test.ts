import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compareMiddlewareWithCard, comparePinFlags, sha256Hex, type Pkcs11ModuleView, type Pkcs11TokenView } from '../../../native/system/index.js';
import {
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  flagConstants,
  tokenFlagNamesOf,
} from '../../../native/system/pkcs11/constants.js';

const authCert = Uint8Array.from([0x30, 0x82, 0x01, 0x01, 0xaa]);
const signCert = Uint8Array.from([0x30, 0x82, 0x01, 0x01, 0xbb]);
const otherCert = Uint8Array.from([0x30, 0x82, 0x01, 0x01, 0xcc]);

function token(label: string, flags: number, certs: Uint8Array[], serial = '0001'): Pkcs11TokenView {
  return {
    label,
    manufacturerId: 'Test',
    model: 'PKCS#15',
    serialNumber: serial,
    flags,
    flagNames: tokenFlagNamesOf(flags),
    userPin: {
      countLow: (flags & CKF_USER_PIN_COUNT_LOW) !== 0,
      finalTry: (flags & CKF_USER_PIN_FINAL_TRY) !== 0,
      locked: (flags & CKF_USER_PIN_LOCKED) !== 0,
      toBeChanged: false,
    },
    userPinInitialized: true,
    tokenInitialized: true,
    loginRequired: true,
    minPinLength: 4,
    maxPinLength: 8,
    certificates: certs.map((der, i) => ({
      label: `${label} cert ${i}`,
      idHex: `4${i}`,
      derBase64: Buffer.from(der).toString('base64'),
      sha256: sha256Hex(der),
    })),
  };
}

function view(tokens: Pkcs11TokenView[]): Pkcs11ModuleView {
  return {
    modulePath: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
    status: 'ok',
    info: null,
    warnings: [],
    durationMs: 5,
    slots: [
      ...tokens.map((t, i) => ({
        slotId: String(i),
        description: 'Virtual PCD 00 00',
        manufacturerId: '',
        flags: 7,
        flagNames: [],
        tokenPresent: true,
        token: t,
      })),
      { slotId: '9', description: 'Virtual PCD 00 01', manufacturerId: '', flags: 6, flagNames: [], tokenPresent: false, token: null },
    ],
  };
}

describe('compareMiddlewareWithCard', () => {
  it('says the middleware sees the card when every certificate matches, and names its tokens', () => {
    const result = compareMiddlewareWithCard(
      view([token('SITHS (Legitimering)', 0, [authCert]), token('SITHS (Underskrift)', 0, [signCert])]),
      [authCert, signCert],
      [],
    );
    expect(result.seesCard).toBe('sees-card');
    expect(result.matched.map((m) => m.tokenLabel)).toEqual(['SITHS (Legitimering)', 'SITHS (Underskrift)']);
    expect(result.cardTokens).toEqual(['SITHS (Legitimering)', 'SITHS (Underskrift)']);
    expect(result.missingFromMiddleware).toEqual([]);
  });

  it('says it sees part of the card, or not the card at all', () => {
    const part = compareMiddlewareWithCard(view([token('SITHS', 0, [authCert, otherCert])]), [authCert, signCert], []);
    expect(part.seesCard).toBe('sees-part');
    expect(part.missingFromMiddleware).toEqual([sha256Hex(signCert)]);
    expect(part.onlyInMiddleware.map((c) => c.sha256)).toEqual([sha256Hex(otherCert)]);
    const none = compareMiddlewareWithCard(view([token('Other card', 0, [otherCert])]), [authCert], []);
    expect(none.seesCard).toBe('does-not-see-card');
    const empty = compareMiddlewareWithCard(view([]), [authCert], []);
    expect(empty.seesCard).toBe('does-not-see-card');
    expect(empty.tokens).toEqual([]);
  });

  it('cannot compare without card certificates, and reports a failed module plainly', () => {
    expect(compareMiddlewareWithCard(view([token('T', 0, [authCert])]), [], []).seesCard).toBe('no-card-certificates');
    const hung = compareMiddlewareWithCard({ modulePath: '/m.so', status: 'hung', stage: 'initialize', timeoutMs: 10_000, durationMs: 10_000 }, [authCert], []);
    expect(hung).toMatchObject({ seesCard: 'module-failed', moduleStatus: 'hung', missingFromMiddleware: [sha256Hex(authCert)] });
  });

  it('checks PIN flags against the card counters, per PIN token', () => {
    const result = compareMiddlewareWithCard(
      view([token('SITHS (Legitimering)', CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW, [authCert]), token('SITHS (Underskrift)', 0, [signCert])]),
      [authCert, signCert],
      [
        { label: 'Legitimering', triesLeft: 1, maxTries: 3 },
        { label: 'Underskrift', triesLeft: 3, maxTries: 3 },
        { label: 'PUK', triesLeft: 10, maxTries: 10 },
      ],
    );
    expect(result.pins.map((p) => [p.cardPinLabel, p.tokenLabel, p.status])).toEqual([
      ['Legitimering', 'SITHS (Legitimering)', 'agrees'],
      ['Underskrift', 'SITHS (Underskrift)', 'no-counters'],
      ['PUK', null, 'no-token'],
    ]);
    expect(result.pins[0]?.expectedFlags).toEqual(['CKF_USER_PIN_FINAL_TRY']);
  });

  it('says the middleware gives no counters when a token has no PIN flags, whatever the card says', () => {
    const result = compareMiddlewareWithCard(view([token('SITHS e-id kort', 0, [authCert])]), [authCert], [{ label: 'PIN1', triesLeft: 1, maxTries: 3 }]);
    expect(result.pins[0]).toMatchObject({
      tokenLabel: 'SITHS e-id kort',
      status: 'no-counters',
      middlewareFlags: [],
      expectedFlags: ['CKF_USER_PIN_FINAL_TRY'],
    });
  });

  it('matches a PIN-only token of the same card by serial number', () => {
    const result = compareMiddlewareWithCard(
      view([
        token('Card (Legitimering)', 0, [authCert], 'S1'),
        token('Card (Underskrift)', CKF_USER_PIN_LOCKED, [], 'S1'),
        token('Other (PIN)', 0, [otherCert], 'S2'),
      ]),
      [authCert],
      [{ label: 'Underskrift', triesLeft: 0, maxTries: 3 }],
    );
    expect(result.pins[0]).toMatchObject({ tokenLabel: 'Card (Underskrift)', status: 'agrees' });
  });
});

describe('comparePinFlags', () => {
  const t = (flags: number) => token('T', flags, []);
  it('agrees on locked, final try and count low', () => {
    expect(comparePinFlags(t(CKF_USER_PIN_LOCKED), { label: 'x', triesLeft: 0 }).status).toBe('agrees');
    expect(comparePinFlags(t(CKF_USER_PIN_FINAL_TRY), { label: 'x', triesLeft: 1 }).status).toBe('agrees');
    expect(comparePinFlags(t(CKF_USER_PIN_COUNT_LOW), { label: 'x', triesLeft: 2, maxTries: 3 }).status).toBe('agrees');
  });
  it('disagrees when the flags contradict the counter, and says how', () => {
    const noFinal = comparePinFlags(t(CKF_USER_PIN_COUNT_LOW), { label: 'x', triesLeft: 1, maxTries: 3 });
    expect(noFinal.status).toBe('disagrees');
    expect(noFinal.mismatches).toEqual(['the card has one try left, the module does not say final try']);
    const lockedWrongly = comparePinFlags(t(CKF_USER_PIN_LOCKED), { label: 'x', triesLeft: 3, maxTries: 3 });
    expect(lockedWrongly.status).toBe('disagrees');
    const lowAtFull = comparePinFlags(t(CKF_USER_PIN_COUNT_LOW), { label: 'x', triesLeft: 3, maxTries: 3 });
    expect(lowAtFull.mismatches).toEqual(['the module says count low, the card has all 3 tries left']);
  });
  it('has nothing to compare when the card counter is unknown', () => {
    expect(comparePinFlags(t(CKF_USER_PIN_FINAL_TRY), { label: 'x', triesLeft: null }).status).toBe('card-unknown');
  });
});

describe('PKCS#11 constants', () => {
  it('match the values of the pkcs11js binding', () => {
    const binding = createRequire(import.meta.url)('pkcs11js') as Record<string, unknown>;
    for (const [name, value] of Object.entries(flagConstants)) expect([name, binding[name]]).toEqual([name, value]);
  });
});
