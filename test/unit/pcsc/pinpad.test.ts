/**
 * The pinpad capability of a PC/SC connection, through the fake binding: GET_FEATURE_REQUEST,
 * the direct PIN operations, "no pinpad" as an answer rather than a crash, and the watchdog.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PcscReaderMonitor } from '../../../native/pcsc/monitor.js';
import { ReaderSession } from '../../../native/pcsc/connection.js';
import { pinEntryWatchdogMs } from '../../../native/pcsc/pinpad.js';
import { CardRemovedError, NoPinpadError, PcscError, TransportTimeoutError, toHex } from '../../../native/transport.js';
import { SITHS_PKCS15_PIN_FORMAT, buildPinModifyStructure, buildPinVerifyStructure } from '../../../electron/card/pinpad.js';
import { CHANGED, FakeBinding, FakeReader, PRESENT, featureList } from './fake-binding.js';

const ATR = [0x3b, 0x02, 0x14, 0x50];
const GET_FEATURE_REQUEST = process.platform === 'win32' ? 0x00313520 : 0x42000d48;
const VERIFY_CODE = 0x42330006;
const MODIFY_CODE = 0x42330007;

async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

const monitors: PcscReaderMonitor[] = [];
afterEach(async () => {
  for (const monitor of monitors.splice(0)) await monitor.close();
});

async function withCard(configure: (reader: FakeReader) => void = () => {}) {
  const binding = new FakeBinding();
  const monitor = new PcscReaderMonitor({ binding: binding.create, watchServiceSocket: null, firstStatusTimeoutMs: 50 });
  monitors.push(monitor);
  monitor.start();
  await settle();
  const reader = binding.reader();
  configure(reader);
  reader.status(PRESENT | CHANGED, 1, ATR);
  return { monitor, reader, state: () => monitor.readers().find((r) => r.name === 'Reader A') };
}

function pinpadReader(reader: FakeReader, answer: (code: number, data: Buffer) => Buffer = () => Buffer.from([0x90, 0x00])): void {
  reader.controlAnswer = (code, data) => {
    if (code === GET_FEATURE_REQUEST)
      return {
        value: featureList([
          [0x06, VERIFY_CODE],
          [0x07, MODIFY_CODE],
          [0x12, 0x42330012],
        ]),
      };
    return { value: answer(code, data) };
  };
}

describe('pinpad on a PC/SC connection', () => {
  it('a reader that refuses SCardControl (as pcscd + vpcd do) has no pinpad, and says so without an error', async () => {
    const { monitor, reader, state } = await withCard();
    expect(state()?.pinpad).toBeUndefined(); // never asked yet
    const connection = await monitor.connect('Reader A');
    expect(connection.pinpad).toBeDefined();
    expect(await connection.pinpad!.features()).toEqual({ verifyPinDirect: false, modifyPinDirect: false, featureTags: [], listComplete: true });
    expect(reader.controlled).toEqual([{ code: GET_FEATURE_REQUEST, data: '' }]);
    expect(state()?.pinpad).toBe(false);
    const structure = buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0x00, 0x20, 0x00, 0x01));
    await expect(connection.pinpad!.verifyPinDirect(structure)).rejects.toBeInstanceOf(NoPinpadError);
    await expect(connection.pinpad!.modifyPinDirect(structure)).rejects.toMatchObject({ code: 'no-pinpad' });
    // Asked once per card connection: the refusals above did not ask again.
    expect(reader.controlled).toHaveLength(1);
    await connection.disconnect();
  });

  it("a pinpad reader lists its features; VERIFY and CHANGE go to their control codes and return the card's answer", async () => {
    const { monitor, reader, state } = await withCard((r) => pinpadReader(r, (code) => Buffer.from(code === VERIFY_CODE ? [0x63, 0xc2] : [0x90, 0x00])));
    const connection = await monitor.connect('Reader A');
    expect(await connection.pinpad!.features()).toEqual({ verifyPinDirect: true, modifyPinDirect: true, featureTags: [0x06, 0x07, 0x12], listComplete: true });
    expect(state()?.pinpad).toBe(true);

    const verify = buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0x00, 0x20, 0x00, 0x01));
    expect(toHex(await connection.pinpad!.verifyPinDirect(verify))).toBe('63C2');
    const modify = buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0x00, 0x24, 0x00, 0x01));
    expect(toHex(await connection.pinpad!.modifyPinDirect(modify))).toBe('9000');
    expect(reader.controlled.map((c) => c.code)).toEqual([GET_FEATURE_REQUEST, VERIFY_CODE, MODIFY_CODE]);
    expect(reader.controlled[1]?.data).toBe(toHex(verify));
    expect(reader.controlled[2]?.data).toBe(toHex(modify));
    // The structure's placeholders only: no PIN passes through the computer.
    expect(reader.controlled[1]?.data.endsWith('FFFFFFFFFFFFFFFF')).toBe(true);
  });

  it('keeps what it could read of a malformed feature list', async () => {
    const { monitor } = await withCard((r) => {
      r.controlAnswer = () => ({ value: Buffer.concat([featureList([[0x06, VERIFY_CODE]]), Buffer.from([0x07, 0x04, 0x42])]) });
    });
    const connection = await monitor.connect('Reader A');
    expect(await connection.pinpad!.features()).toEqual({ verifyPinDirect: true, modifyPinDirect: false, featureTags: [0x06], listComplete: false });
  });

  it('a card pulled while asking is an error (could not be asked: pinpad null), and the next call asks again', async () => {
    let fail = true;
    const { monitor, reader, state } = await withCard((r) => {
      r.controlAnswer = () => (fail ? { error: new Error('SCardControl error: Card was removed.(0x80100069)') } : { value: Buffer.alloc(0) });
    });
    const connection = await monitor.connect('Reader A');
    await expect(connection.pinpad!.features()).rejects.toBeInstanceOf(CardRemovedError);
    expect(state()?.pinpad).toBeNull();
    // The session is dead; a new connection to the card asks anew.
    fail = false;
    await settle();
    const again = await monitor.connect('Reader A');
    expect((await again.pinpad!.features()).verifyPinDirect).toBe(false);
    expect(state()?.pinpad).toBe(false);
    expect(reader.controlled).toHaveLength(2);
  });

  it('a binding without control() offers no pinpad at all', async () => {
    const { monitor } = await withCard((r) => {
      r.controlAnswer = undefined;
    });
    const connection = await monitor.connect('Reader A');
    expect(connection.pinpad).toBeUndefined();
  });

  it('a closed connection refuses pinpad calls', async () => {
    const { monitor } = await withCard();
    const connection = await monitor.connect('Reader A');
    const pinpad = connection.pinpad!;
    await connection.disconnect();
    await expect(connection.pinpad!.features()).rejects.toBeInstanceOf(PcscError);
    await expect(pinpad.features()).rejects.toBeInstanceOf(PcscError);
  });

  it('refuses a direct operation the reader lists but then rejects as unsupported, as no pinpad', async () => {
    const { monitor } = await withCard((r) => {
      r.controlAnswer = (code) =>
        code === GET_FEATURE_REQUEST
          ? { value: featureList([[0x06, VERIFY_CODE]]) }
          : { error: new Error('SCardControl error: Feature not supported.(0x8010001f)') };
    });
    const connection = await monitor.connect('Reader A');
    await expect(connection.pinpad!.verifyPinDirect(buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0, 0x20, 0, 1)))).rejects.toBeInstanceOf(
      NoPinpadError,
    );
  });
});

describe('pinpad timing', () => {
  it("gives the person the structure's timeouts per prompt plus a margin", () => {
    const verify = buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0, 0x20, 0, 1));
    expect(pinEntryWatchdogMs(verify, 1)).toBe((30 + 30) * 1000 + 30_000);
    const modify = buildPinModifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0, 0x24, 0, 1), { timeoutSeconds: 0 });
    // 0 = the reader's default, assumed at most 60 s.
    expect(pinEntryWatchdogMs(modify, 3)).toBe((60 + 30) * 1000 * 3 + 30_000);
  });

  it('the watchdog rejects a reader that never answers, and later APDUs wait for the reader to finish', async () => {
    const reader = new FakeReader('Slow reader');
    reader.connected = true;
    reader.controlAnswer = () => ({ value: Buffer.from([0x90, 0x00]), delayMs: 300 });
    const session = new ReaderSession(reader, Uint8Array.from(ATR), 2);
    const started = performance.now();
    await expect(session.control(0x42330006, Uint8Array.of(1), 258, 30)).rejects.toBeInstanceOf(TransportTimeoutError);
    expect(performance.now() - started).toBeLessThan(250);
    await session.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00));
    // The APDU went out only after the control call had come back.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});
