/**
 * The PIN operations at the APDU level, on a PKCS#15 (SetCOS, Net iD) and a Thales IDPrime virtual
 * card: what reaches the card for each case (right, wrong, last try, blocked; PUK wrong, right and
 * blocked; policy refusals with nothing sent; the card pulled mid-operation), read from the card's
 * own log. The virtual cards keep real counters, so the counters after each case are the card's.
 */
import { describe, expect, it } from 'vitest';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import { buildVirtualCardSpec, createVirtualCard, type VirtualCardName } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { toHex } from '../../../native/transport.js';
import { performPinOperation, type PinOperationRequest } from '../../../electron/card/pin/pin-operations.js';
import { PinSecret } from '../../../electron/card/pin/pin-secret.js';
import { readCard } from '../../../electron/card/read-card.js';

const secret = (digits: string) => PinSecret.fromText(digits);
const hexOf = (text: string) => toHex(new TextEncoder().encode(text));

/** The PIN commands (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) the card received, as hex. */
function pinCommands(engine: ApduEngine): string[] {
  return engine.apduLog.filter((entry) => [0x20, 0x24, 0x2c].includes(entry.command[1] as number)).map((entry) => toHex(entry.command));
}

async function card(name: VirtualCardName) {
  const engine = await createVirtualCard(name);
  return { engine, transport: (options = {}) => new InProcessTransport(engine, options) };
}

const test = (value: string): PinOperationRequest => ({ kind: 'test', pin: 'authentication', value: secret(value) });
const change = (current: string, next: string, confirmation = next): PinOperationRequest => ({
  kind: 'change',
  pin: 'authentication',
  current: secret(current),
  next: secret(next),
  confirmation: secret(confirmation),
});
const unblock = (puk: string, next: string, confirmation = next): PinOperationRequest => ({
  kind: 'unblock',
  pin: 'authentication',
  puk: secret(puk),
  next: secret(next),
  confirmation: secret(confirmation),
});
const yes = { smartcardListPath: null, confirm: () => true } as const;
const no = { smartcardListPath: null } as const;

describe('PIN operations on a PKCS#15 card (netid-legacy: PIN 0x81, PUK 0x83 from the AODF)', () => {
  it('test, right: counter asked, VERIFY with the PIN as the AODF says (ASCII, no padding flag), counter asked again', async () => {
    const { engine, transport } = await card('netid-legacy');
    const outcome = await performPinOperation(transport(), test('123456'), no);
    expect(outcome).toMatchObject({ kind: 'done', pinCommandSent: true, counterAfter: { triesLeft: 3, verified: true } });
    expect(pinCommands(engine)).toEqual(['00200081', `0020008106${hexOf('123456')}`, '00200081']);
    expect(engine.pinStatus(0x81)).toMatchObject({ triesLeft: 3 });
  });

  it('test, wrong: one try spent, the counter after says so', async () => {
    const { engine, transport } = await card('netid-legacy');
    expect(await performPinOperation(transport(), test('111111'), no)).toMatchObject({
      kind: 'wrong',
      wrongOne: 'pin',
      triesLeft: 2,
      counterAfter: { triesLeft: 2 },
    });
    expect(engine.pinStatus(0x81)?.triesLeft).toBe(2);
  });

  it('test at the last try: nothing but the counter probe without a second yes; with it, the PIN is sent', async () => {
    const { engine, transport } = await card('auth-pin-one-try');
    const asked: string[] = [];
    const refused = await performPinOperation(transport(), test('123456'), {
      smartcardListPath: null,
      confirm: (warning) => (asked.push(warning.kind), false),
    });
    expect(refused).toMatchObject({ kind: 'refused', reason: 'not-confirmed', pinCommandSent: false, counter: { triesLeft: 1 } });
    expect(asked).toEqual(['last-pin-try']);
    expect(pinCommands(engine)).toEqual(['00200081']);
    engine.clearApduLog();
    expect(await performPinOperation(transport(), test('123456'), yes)).toMatchObject({ kind: 'done', counterAfter: { triesLeft: 3 } });
    expect(pinCommands(engine)[1]).toBe(`0020008106${hexOf('123456')}`);
  });

  it('test on a blocked PIN: refused after the counter probe, nothing else sent', async () => {
    const { engine, transport } = await card('auth-pin-blocked');
    expect(await performPinOperation(transport(), test('123456'), yes)).toMatchObject({ kind: 'refused', reason: 'pin-blocked', counter: { blocked: true } });
    expect(pinCommands(engine)).toEqual(['00200081']);
  });

  it('change, right: CHANGE REFERENCE DATA with old || new; the new PIN then verifies', async () => {
    const { engine, transport } = await card('netid-legacy');
    expect(await performPinOperation(transport(), change('123456', '246813'), no)).toMatchObject({ kind: 'done', counterAfter: { triesLeft: 3 } });
    expect(pinCommands(engine)).toContain(`002400810C${hexOf('123456')}${hexOf('246813')}`);
    engine.reset();
    expect(await performPinOperation(transport(), test('246813'), no)).toMatchObject({ kind: 'done' });
  });

  it('change with a wrong old PIN: a try spent, the PIN unchanged', async () => {
    const { engine, transport } = await card('netid-legacy');
    expect(await performPinOperation(transport(), change('999999', '246813'), no)).toMatchObject({ kind: 'wrong', wrongOne: 'pin', triesLeft: 2 });
    engine.reset();
    expect(await performPinOperation(transport(), test('123456'), no)).toMatchObject({ kind: 'done' });
  });

  it('unblock, PUK right: RESET RETRY COUNTER with PUK || new PIN; the PIN is unblocked with the new value', async () => {
    const { engine, transport } = await card('auth-pin-blocked');
    const warnings: string[] = [];
    const outcome = await performPinOperation(transport(), unblock('12345678', '135792'), {
      smartcardListPath: null,
      confirm: (w) => (warnings.push(w.kind), true),
    });
    expect(outcome).toMatchObject({ kind: 'done', counterAfter: { triesLeft: 3, blocked: false } });
    // SetCOS: the PUK's counter may not be asked, so the person is told what a wrong PUK risks.
    expect(warnings).toEqual(['puk-counter-unknown']);
    expect(pinCommands(engine)).toEqual(['00200081', `002C00810E${hexOf('12345678')}${hexOf('135792')}`, '00200081']);
    engine.reset();
    expect(await performPinOperation(transport(), test('135792'), no)).toMatchObject({ kind: 'done' });
  });

  it('unblock, PUK wrong: one PUK try spent, the PIN still blocked', async () => {
    const { engine, transport } = await card('auth-pin-blocked');
    expect(await performPinOperation(transport(), unblock('87654321', '135792'), yes)).toMatchObject({
      kind: 'wrong',
      wrongOne: 'puk',
      triesLeft: 9,
      counterAfter: { blocked: true },
    });
    expect(engine.pinStatus(0x83)?.triesLeft).toBe(9);
  });

  it('unblock, PUK blocked: the card says 69 83 and the outcome says the PUK is blocked', async () => {
    const spec = await buildVirtualCardSpec('puk-blocked');
    const engine = new ApduEngine(spec);
    expect(await performPinOperation(new InProcessTransport(engine), unblock('12345678', '135792'), yes)).toMatchObject({ kind: 'blocked', blockedOne: 'puk' });
    // Without the second yes (the PUK counter cannot be asked here), nothing is sent at all.
    engine.clearApduLog();
    expect(await performPinOperation(new InProcessTransport(engine), unblock('12345678', '135792'), no)).toMatchObject({
      kind: 'refused',
      reason: 'not-confirmed',
    });
    expect(pinCommands(engine)).toEqual(['00200081']);
  });

  it.each([
    ['a five-digit PIN', test('12345'), 'pin-not-six-digits'],
    ['letters', test('12a456'), 'pin-not-six-digits'],
    ['a new PIN that is the old one', change('123456', '123456'), 'new-equals-old'],
    ['a confirmation that differs', change('123456', '246813', '246812'), 'confirmation-differs'],
    ['a seven-digit PUK', unblock('1234567', '246813'), 'puk-not-eight-digits'],
  ] as const)('policy refuses %s before anything reaches the card', async (_what, request, reason) => {
    const { engine, transport } = await card('netid-legacy');
    expect(await performPinOperation(transport(), request, yes)).toMatchObject({ kind: 'refused', reason, pinCommandSent: false });
    expect(engine.apduLog).toHaveLength(0);
  });

  it('warns of a trivial new PIN, and still changes it', async () => {
    const { transport } = await card('netid-legacy');
    expect(await performPinOperation(transport(), change('123456', '111111'), no)).toMatchObject({ kind: 'done', warnings: ['repeated-digit'] });
  });

  it('card pulled with the PIN command in flight: "may or may not have happened"; pulled before it: nothing happened', async () => {
    const { engine } = await card('netid-legacy');
    // Dry run: how many APDUs come before the PIN command.
    await performPinOperation(new InProcessTransport(engine), test('123456'), no);
    const before = engine.apduLog.findIndex((entry) => toHex(entry.command).startsWith('0020008106'));
    engine.powerOn();
    expect(await performPinOperation(new InProcessTransport(engine, { removeAfterApdus: before }), test('123456'), no)).toMatchObject({
      kind: 'card-removed-during',
    });
    engine.powerOn();
    expect(await performPinOperation(new InProcessTransport(engine, { removeAfterApdus: before + 1 }), test('123456'), no)).toMatchObject({
      kind: 'card-removed-during',
    });
    engine.powerOn();
    expect(await performPinOperation(new InProcessTransport(engine, { removeAfterApdus: 1 }), test('123456'), no)).toMatchObject({
      kind: 'card-removed-before',
      pinCommandSent: false,
    });
  });

  it('wipes every secret of the request, whatever the outcome', async () => {
    const { transport } = await card('netid-legacy');
    const request = change('123456', '246813');
    await performPinOperation(transport(), request, no);
    if (request.kind !== 'change') throw new Error('unreachable');
    expect([request.current.wiped, request.next.wiped, request.confirmation.wiped]).toEqual([true, true, true]);
    const refused = test('12');
    await performPinOperation(transport(), refused, no);
    expect(refused.kind === 'test' && refused.value.wiped).toBe(true);
  });
});

describe('PIN operations on a Thales IDPrime card (siths-eid-idprime: PIN 0x11, padded to 16 bytes with 00)', () => {
  const padded = (digits: string) => hexOf(digits) + '00'.repeat(16 - digits.length);

  it('test, right and wrong', async () => {
    const { engine, transport } = await card('siths-eid-idprime');
    expect(await performPinOperation(transport(), test('123456'), no)).toMatchObject({ kind: 'done', counterAfter: { verified: true } });
    expect(pinCommands(engine)).toEqual(['00200011', `0020001110${padded('123456')}`, '00200011']);
    engine.reset();
    expect(await performPinOperation(transport(), test('111111'), no)).toMatchObject({ kind: 'wrong', triesLeft: 2 });
    expect(engine.pinStatus(0x11)?.triesLeft).toBe(2);
  });

  it('last try and blocked', async () => {
    const oneTry = await card('idprime-auth-pin-one-try');
    expect(await performPinOperation(oneTry.transport(), test('123456'), no)).toMatchObject({ kind: 'refused', reason: 'not-confirmed' });
    expect(pinCommands(oneTry.engine)).toEqual(['00200011']);
    const blocked = await card('idprime-auth-pin-blocked');
    expect(await performPinOperation(blocked.transport(), test('123456'), yes)).toMatchObject({ kind: 'refused', reason: 'pin-blocked' });
  });

  it('change: 32 bytes of old || new, each padded', async () => {
    const { engine, transport } = await card('siths-eid-idprime');
    expect(await performPinOperation(transport(), change('123456', '246813'), no)).toMatchObject({ kind: 'done' });
    expect(pinCommands(engine)).toContain(`0024001120${padded('123456')}${padded('246813')}`);
    engine.reset();
    expect(await performPinOperation(transport(), test('246813'), no)).toMatchObject({ kind: 'done' });
  });

  it('unblock is not offered: the PUK of these cards is not known; no PIN command at all', async () => {
    const { engine, transport } = await card('idprime-auth-pin-blocked');
    expect(await performPinOperation(transport(), unblock('12345678', '246813'), yes)).toMatchObject({
      kind: 'refused',
      reason: 'unblock-not-offered',
      structure: 'idprime',
    });
    expect(pinCommands(engine)).toEqual([]);
  });

  it('card pulled with the PIN command in flight', async () => {
    const { engine } = await card('siths-eid-idprime');
    await performPinOperation(new InProcessTransport(engine), test('123456'), no);
    const before = engine.apduLog.findIndex((entry) => toHex(entry.command).startsWith('0020001110'));
    engine.powerOn();
    expect(await performPinOperation(new InProcessTransport(engine, { removeAfterApdus: before }), test('123456'), no)).toMatchObject({
      kind: 'card-removed-during',
    });
  });
});

describe('no PIN command to a card whose structure or profile is unknown', () => {
  it('unknown-structure: refused after the SELECT probes; not one PIN command', async () => {
    const { engine, transport } = await card('unknown-structure');
    expect(await performPinOperation(transport(), test('123456'), yes)).toMatchObject({ kind: 'refused', reason: 'structure-unknown' });
    expect(pinCommands(engine)).toEqual([]);
    expect(engine.apduLog.every((entry) => entry.command[1] === 0xa4)).toBe(true);
  });

  it('the probe-counting double (VERIFY without data spends a try; unknown ATR): never asked, by reads or operations', async () => {
    const spec = await buildVirtualCardSpec('netid-legacy');
    // An ATR no profile knows: the card type is not known to take the probe.
    const engine = new ApduEngine({
      ...spec,
      name: 'probe-counting double',
      atr: Uint8Array.from([0x3b, 0x88, 0x80, 0x01, 0x4b, 0x4f, 0x52, 0x54, 0x4b, 0x4f, 0x4c, 0x4c, 0x19]),
      behaviour: { ...spec.behaviour, verifyWithoutDataCountsAsTry: true },
    });
    for (let read = 0; read < 3; read++) {
      const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
      expect(result.kind === 'snapshot' && result.pins.every((pin) => pin.counter.source === 'not-probed')).toBe(true);
    }
    for (const request of [test('123456'), change('123456', '246813'), unblock('12345678', '246813')]) {
      expect(await performPinOperation(new InProcessTransport(engine), request, yes)).toMatchObject({ kind: 'refused', reason: 'card-type-unknown' });
    }
    expect(pinCommands(engine)).toEqual([]);
    expect(engine.pinStatuses().map((pin) => pin.triesLeft)).toEqual([3, 3, 10]);
  });

  it('the double is a real double: a read that did probe it would spend its tries', async () => {
    const spec = await buildVirtualCardSpec('netid-legacy');
    const engine = new ApduEngine({ ...spec, behaviour: { ...spec.behaviour, verifyWithoutDataCountsAsTry: true } });
    // Its own SetCOS ATR: this profile is allowed the probe, so the double counts it.
    await readCard(new InProcessTransport(engine), { smartcardListPath: null });
    expect(engine.pinStatus(0x81)?.triesLeft).toBe(2);
  });
});
