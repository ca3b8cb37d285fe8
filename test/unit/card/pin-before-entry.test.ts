/** inspectPinBeforeEntry: the counter (and the refusals) before the person types, with no PIN command sent. */
import { describe, expect, it } from 'vitest';
import { inspectPinBeforeEntry } from '../../../electron/card/pin/pin-operations.js';
import { createVirtualCard, type VirtualCardName } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';

async function inspect(name: VirtualCardName, wanted: Parameters<typeof inspectPinBeforeEntry>[1]) {
  const engine = await createVirtualCard(name);
  const result = await inspectPinBeforeEntry(new InProcessTransport(engine), wanted);
  // Only VERIFY without data (Lc absent) may reach the card; never 20 with data, 24 or 2C.
  const pinCommands = engine.apduLog.filter(({ command }) => (command[1] === 0x20 && command.length > 5) || command[1] === 0x24 || command[1] === 0x2c);
  return { result, pinCommands, engine };
}

describe('inspectPinBeforeEntry', () => {
  it('netid-legacy: ready, 3 of 3 tries, no PIN command', async () => {
    const { result, pinCommands } = await inspect('netid-legacy', { kind: 'test', pin: 'authentication' });
    expect(result).toMatchObject({ kind: 'ready', structure: 'pkcs15', counter: { triesLeft: 3, maxTries: 3, blocked: false }, pukCounter: null });
    expect(pinCommands).toEqual([]);
  });

  it('auth-pin-one-try: ready with one try left; auth-pin-blocked: refused for a test, ready for an unblock', async () => {
    expect((await inspect('auth-pin-one-try', { kind: 'test', pin: 'authentication' })).result).toMatchObject({ kind: 'ready', counter: { triesLeft: 1 } });
    expect((await inspect('auth-pin-blocked', { kind: 'test', pin: 'authentication' })).result).toMatchObject({ kind: 'refused', reason: 'pin-blocked' });
    const unblock = await inspect('auth-pin-blocked', { kind: 'unblock', pin: 'authentication' });
    expect(unblock.result).toMatchObject({ kind: 'ready', counter: { blocked: true }, pukCounter: null });
    expect(unblock.pinCommands).toEqual([]);
  });

  it('IDPrime unblock is not offered; unknown structure is refused', async () => {
    expect((await inspect('siths-eid-idprime', { kind: 'unblock', pin: 'authentication' })).result).toMatchObject({
      kind: 'refused',
      reason: 'unblock-not-offered',
      structure: 'idprime',
    });
    expect((await inspect('unknown-structure', { kind: 'test', pin: 'authentication' })).result).toMatchObject({
      kind: 'refused',
      reason: 'structure-unknown',
    });
  });
});
