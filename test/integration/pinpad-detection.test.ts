/**
 * Pinpad detection through the real pcscd, with a virtual card in a vpcd reader. Run under
 * `flock /tmp/kortkoll-rig.lock`: pcscd and its readers are shared.
 *
 * What pcscd 1.9.9 with Debian's vsmartcard-vpcd answers (measured, and checked again below):
 * SCardControl with GET_FEATURE_REQUEST (0x42000D48) on a shared card handle fails with
 * SCARD_E_UNSUPPORTED_FEATURE, `SCardControl error: Feature not supported.(0x8010001f)`; so does
 * every other control code (vpcd's driver implements no IFDHControl codes). It needs a card
 * handle: pcsclite refuses before pcscd is reached ("Card Reader not connected") without one.
 * Our layer turns that refusal into an empty feature list: no pinpad, no error.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPcscReaderMonitor, loadPcscliteBinding, type PcscReaderMonitor, type PcscReaderHandle } from '../../native/pcsc/index.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { NoPinpadError, toHex } from '../../native/transport.js';
import { SITHS_PKCS15_PIN_FORMAT, buildPinVerifyStructure, GET_FEATURE_REQUEST_PCSCLITE } from '../../electron/card/pinpad.js';
import { EchoCard } from './helpers/echo-card.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';
import { isEvent, pollUntil, ReaderEventRecorder } from './helpers/reader-events.js';

// The second vpcd reader, so that a card left in the first one by a manual session does not interfere.
const READER = VPCD_READERS[1]!;

describeWithPcscd('pinpad detection through pcscd and vpcd', () => {
  let monitor: PcscReaderMonitor;
  let recorder: ReaderEventRecorder;
  let socket: VpcdCardSocket | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    monitor = createPcscReaderMonitor({ log: (line) => logs.push(line) });
    recorder = new ReaderEventRecorder(monitor);
    monitor.start();
    await recorder.waitFor(isEvent('reader-added', READER.name));
    await monitor.readerReported(READER.name);
  });

  afterEach(async () => {
    await socket?.remove();
    socket = undefined;
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterAll(async () => {
    recorder?.stop();
    await monitor?.close();
  });

  async function insertCard(): Promise<void> {
    const since = performance.now();
    socket = new VpcdCardSocket(new EchoCard(), { port: READER.port, log: (line) => logs.push(line) });
    await socket.insert();
    await recorder.waitFor(isEvent('card-inserted', READER.name), { since, timeoutMs: 3000 });
  }

  it('a vpcd reader has no pinpad: an empty feature list, no error, and the card stays usable', async () => {
    const state = () => monitor.readers().find((r) => r.name === READER.name);
    expect(state()?.pinpad, 'not asked before a connection asked').toBeUndefined();
    await insertCard();
    const connection = await monitor.connect(READER.name);
    try {
      expect(connection.pinpad, 'the real binding has SCardControl').toBeDefined();
      expect(await connection.pinpad!.features()).toEqual({ verifyPinDirect: false, modifyPinDirect: false, featureTags: [], listComplete: true });
      expect(state()?.pinpad).toBe(false);
      const verify = buildPinVerifyStructure(SITHS_PKCS15_PIN_FORMAT, Uint8Array.of(0x00, 0x20, 0x00, 0x01));
      await expect(connection.pinpad!.verifyPinDirect(verify)).rejects.toBeInstanceOf(NoPinpadError);
      // The refused control left the card handle working.
      expect(toHex(await connection.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)))).toBe('9000');
    } finally {
      await connection.disconnect();
    }
  });

  it('pcscd answers GET_FEATURE_REQUEST on a vpcd reader with SCARD_E_UNSUPPORTED_FEATURE (0x8010001F)', async () => {
    await insertCard();
    // The raw binding, in a second context, to record pcscd's own answer rather than our mapping of it.
    const context = loadPcscliteBinding()();
    context.on('error', () => {});
    const handles: PcscReaderHandle[] = [];
    try {
      const reader = await new Promise<PcscReaderHandle>((resolve) => {
        context.on('reader', (handle) => {
          handles.push(handle);
          handle.on('error', () => {});
          if (handle.name === READER.name) resolve(handle);
        });
      });
      const control = reader.control!.bind(reader);
      const unconnected = await new Promise<string>((resolve) =>
        control(Buffer.alloc(0), GET_FEATURE_REQUEST_PCSCLITE, 256, (error) => resolve(error?.message ?? 'no error')),
      );
      expect(unconnected).toBe('Card Reader not connected');
      await new Promise<void>((resolve, reject) => reader.connect({ share_mode: 2, protocol: 3 }, (error) => (error ? reject(error) : resolve())));
      const answer = await new Promise<string>((resolve) =>
        control(Buffer.alloc(0), GET_FEATURE_REQUEST_PCSCLITE, 256, (error, data) => resolve(error ? error.message : `data ${data?.toString('hex')}`)),
      );
      expect(answer).toBe('SCardControl error: Feature not supported.(0x8010001f)');
      await new Promise<void>((resolve) => reader.disconnect(0, () => resolve()));
    } finally {
      // Not from inside a binding callback (see native/pcsc/binding.ts).
      await new Promise((resolve) => setImmediate(resolve));
      for (const handle of handles) handle.close();
      context.close();
    }
  });
});
