/**
 * PIN operations with secure PIN entry: a reader with a keypad (PC/SC part 10) takes the structure
 * Kortkoll builds, "types" the digits into it, and sends the command to the card itself. Here the
 * reader is a small double over a virtual card: it fills the structure's PIN blocks as a CCID
 * pinpad does and passes the APDU on. What Kortkoll hands the reader must hold no PIN digit.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualCard } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import type { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { CardConnection, CardPinpad } from '../../../native/transport.js';
import { performPinpadOperation, pinpadOffers } from '../../../electron/card/pin/pin-operations.js';

const digits = (text: string) => new TextEncoder().encode(text);

/** A pinpad reader over a virtual card; `typed` is what the person types for each prompt. */
function withPinpad(engine: ApduEngine, typed: string[] | 'timeout', handed: Uint8Array[]): CardConnection {
  const transport = new InProcessTransport(engine);
  const pinpad: CardPinpad = {
    features: async () => ({ verifyPinDirect: true, modifyPinDirect: true, featureTags: [0x06, 0x07], listComplete: true }),
    async verifyPinDirect(structure) {
      handed.push(structure.slice());
      if (typed === 'timeout') return Uint8Array.of(0x64, 0x00);
      const apdu = structure.slice(19);
      apdu.set(digits(typed[0] ?? ''), 5);
      return transport.transmit(apdu);
    },
    async modifyPinDirect(structure) {
      handed.push(structure.slice());
      if (typed === 'timeout') return Uint8Array.of(0x64, 0x00);
      const apdu = structure.slice(24);
      const offsetNew = structure[6] as number;
      apdu.set(digits(typed[0] ?? ''), 5);
      apdu.set(digits(typed[1] ?? ''), 5 + offsetNew);
      return transport.transmit(apdu);
    },
  };
  return Object.assign(transport, { pinpad });
}

const noDigitsOf = (structures: Uint8Array[], ...pins: string[]) => {
  const hex = structures.map((s) => Buffer.from(s).toString('hex')).join(' ');
  for (const pin of pins) expect(hex).not.toContain(Buffer.from(pin).toString('hex'));
};

describe('secure PIN entry on a pinpad reader', () => {
  it('is offered where the reader lists the direct PIN features, and not on a reader without them', async () => {
    const engine = await createVirtualCard('netid-legacy');
    expect(await pinpadOffers(withPinpad(engine, [], []), 'test')).toBe(true);
    expect(await pinpadOffers(new InProcessTransport(engine), 'test')).toBe(false);
  });

  it('test on netid-legacy: the reader sends VERIFY with the typed PIN; Kortkoll handed it none', async () => {
    const engine = await createVirtualCard('netid-legacy');
    const handed: Uint8Array[] = [];
    const outcome = await performPinpadOperation(
      withPinpad(engine, ['123456'], handed),
      { kind: 'test', pin: 'authentication', entry: 'pinpad' },
      { smartcardListPath: null },
    );
    expect(outcome).toMatchObject({ kind: 'done', pinCommandSent: true });
    noDigitsOf(handed, '123456');
    // A wrong PIN typed on the reader is counted by the card like any other.
    const wrong = await performPinpadOperation(
      withPinpad(engine, ['111111'], handed),
      { kind: 'test', pin: 'authentication', entry: 'pinpad' },
      { smartcardListPath: null },
    );
    expect(wrong).toMatchObject({ kind: 'wrong', triesLeft: 2 });
  });

  it('change on siths-eid-idprime: MODIFY with both PINs typed on the reader; the new one then verifies', async () => {
    const engine = await createVirtualCard('siths-eid-idprime');
    const handed: Uint8Array[] = [];
    expect(
      await performPinpadOperation(
        withPinpad(engine, ['123456', '246813'], handed),
        { kind: 'change', pin: 'authentication', entry: 'pinpad' },
        { smartcardListPath: null },
      ),
    ).toMatchObject({ kind: 'done' });
    noDigitsOf(handed, '123456', '246813');
    engine.reset();
    expect(
      await performPinpadOperation(
        withPinpad(engine, ['246813'], handed),
        { kind: 'test', pin: 'authentication', entry: 'pinpad' },
        { smartcardListPath: null },
      ),
    ).toMatchObject({ kind: 'done' });
  });

  it('a reader that times out ends the entry: said so, nothing spent', async () => {
    const engine = await createVirtualCard('netid-legacy');
    const outcome = await performPinpadOperation(
      withPinpad(engine, 'timeout', []),
      { kind: 'test', pin: 'authentication', entry: 'pinpad' },
      { smartcardListPath: null },
    );
    expect(outcome).toMatchObject({ kind: 'pinpad-ended', reason: 'timeout', counterAfter: { triesLeft: 3 } });
  });

  it('keeps every safety rule: at the last try nothing goes to the reader without a second yes', async () => {
    const engine = await createVirtualCard('auth-pin-one-try');
    const handed: Uint8Array[] = [];
    expect(
      await performPinpadOperation(
        withPinpad(engine, ['123456'], handed),
        { kind: 'test', pin: 'authentication', entry: 'pinpad' },
        { smartcardListPath: null },
      ),
    ).toMatchObject({ kind: 'refused', reason: 'not-confirmed' });
    expect(handed).toEqual([]);
  });
});
