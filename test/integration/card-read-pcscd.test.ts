/**
 * readCard through the real stack: the PC/SC layer, pcscd and vpcd, with virtual cards that answer
 * with the benchmark's latency model (10 ms per APDU, 0.05 ms per byte). The result must be the
 * same as in process; the APDU counts, bytes and times are printed (the benchmark, not this test,
 * holds the time bounds). Also: the card pulled out of the reader in the middle of a read.
 * Run under `flock /tmp/kortkoll-pcscd.lock`: pcscd and its readers are shared.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPcscReaderMonitor, type PcscReaderMonitor } from '../../native/pcsc/index.js';
import { ApduEngine } from '../../native/simulator/apdu-engine.js';
import { buildVirtualCardSpec, type VirtualCardName } from '../../native/simulator/cards.js';
import { InProcessTransport } from '../../native/simulator/in-process-transport.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import type { CardConnection } from '../../native/transport.js';
import { readCard } from '../../electron/card/read-card.js';
import { cardReadResultToJson, type CardReadProgress, type CardReadResult } from '../../electron/card/card-read-result.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';
import { isEvent, pollUntil, ReaderEventRecorder } from './helpers/reader-events.js';

// The second vpcd reader, so that a card left in the first one by a manual session does not interfere.
const READER = VPCD_READERS[1]!;
const latency = { latencyPerApduMs: 10, latencyPerByteMs: 0.05 };

function essence(result: CardReadResult): string {
  const json = cardReadResultToJson(result);
  if (json.kind !== 'snapshot') return `${json.kind}: ${json.message}`;
  return JSON.stringify({
    certificates: json.certificates.map((c) => [c.derBase64, c.source, c.role]),
    pins: json.pins.map((p) => [p.reference, p.role, p.triesLeft, p.maxTries, p.blocked, p.counter.unknownReason]),
    structure: json.structure,
    authentication: json.authentication,
    tokenInfo: json.tokenInfo,
    apduCount: json.stats.apduCount,
  });
}

describeWithPcscd('readCard through pcscd and vpcd', () => {
  let monitor: PcscReaderMonitor;
  let recorder: ReaderEventRecorder;
  const sockets: VpcdCardSocket[] = [];
  const connections: CardConnection[] = [];
  const logs: string[] = [];

  async function insert(engine: ApduEngine): Promise<CardConnection> {
    const since = performance.now();
    const socket = new VpcdCardSocket(engine, { port: READER.port, log: (line) => logs.push(line) });
    sockets.push(socket);
    await socket.insert();
    await recorder.waitFor(isEvent('card-inserted', READER.name), { since, timeoutMs: 5000 });
    const connection = await monitor.connect(READER.name);
    connections.push(connection);
    return connection;
  }

  beforeAll(async () => {
    monitor = createPcscReaderMonitor({ log: (line) => logs.push(line) });
    recorder = new ReaderEventRecorder(monitor);
    monitor.start();
    await recorder.waitFor(isEvent('reader-added', READER.name));
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) await connection.disconnect().catch(() => undefined);
    for (const socket of sockets.splice(0)) await socket.remove();
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterAll(async () => {
    recorder?.stop();
    await monitor?.close();
  });

  const throughPcscd: VirtualCardName[] = [
    'netid-legacy',
    'siths-eid-2024',
    // Thales IDPrime: compressed and plain certificates, the strict and T=0-style variants, PIN states.
    'siths-eid-idprime',
    'idprime-strict',
    'idprime-t0',
    'idprime-uncompressed',
    'idprime-empty-cmapfile',
    'idprime-auth-pin-one-try',
    'idprime-auth-pin-blocked',
    'reservkort',
  ];
  it.each(throughPcscd.map((name) => [name]))('reads %s as in process, with the latency model', async (name) => {
    const spec = await buildVirtualCardSpec(name, { behaviour: latency });
    const inProcess = await readCard(
      new InProcessTransport(new ApduEngine({ ...spec, behaviour: { ...spec.behaviour, ...{ latencyPerApduMs: 0, latencyPerByteMs: 0 } } })),
      { smartcardListPath: null },
    );
    expect(inProcess.kind).toBe('snapshot');

    const engine = new ApduEngine(spec);
    const connection = await insert(engine);
    const progress: CardReadProgress[] = [];
    const result = await readCard(connection, { smartcardListPath: null, onProgress: (event) => progress.push(event) });
    expect(essence(result)).toBe(essence(inProcess));
    expect(result.reader).toBe(READER.name);
    // What we counted is what reached the card.
    expect(result.stats.apduCount).toBe(engine.apduLog.length);
    const authReady = progress.find((event) => event.stage === 'auth-ready');
    console.info(
      `${name} through pcscd+vpcd (10 ms/APDU, 0.05 ms/byte): ${result.stats.apduCount} APDUs, ` +
        `${result.stats.bytesSent}+${result.stats.bytesReceived} bytes, whole card ${result.stats.durationMs.toFixed(0)} ms, ` +
        `auth-ready ${authReady?.elapsedMs.toFixed(0)} ms after ${authReady?.apduCount} APDUs`,
    );
  });

  it('says so for a card whose structure it does not know, and sends it no PIN command', async () => {
    const engine = new ApduEngine(await buildVirtualCardSpec('unknown-structure', { behaviour: latency }));
    const result = await readCard(await insert(engine), { smartcardListPath: null });
    expect(result.kind).toBe('unknown-structure');
    expect(result.kind === 'unknown-structure' && result.probes.map((probe) => probe.statusWord)).toEqual(['6A82', '6A82', '6A82', '6A82']);
    expect(engine.apduLog.filter((entry) => [0x20, 0x21, 0x24, 0x2c].includes(entry.command[1] as number))).toEqual([]);
  });

  it('gives a typed failure when the card leaves the reader in the middle of a read, and reads cleanly after reinsertion', async () => {
    const spec = await buildVirtualCardSpec('netid-legacy', { behaviour: latency });
    const engine = new ApduEngine(spec);
    const connection = await insert(engine);
    const socket = sockets[0]!;
    const reading = readCard(connection, {
      smartcardListPath: null,
      onProgress: (event) => {
        // Pull the card as soon as the login certificate is known: the rest of the read is cut off.
        if (event.stage === 'auth-ready') void socket.remove();
      },
    });
    const result = await reading;
    // pcscd answers the exchange in flight with an empty response or SCARD_E_NOT_TRANSACTED; the
    // PC/SC layer waits for pcscd to report the card gone and says so: a typed card-removed outcome.
    expect(result.kind, JSON.stringify({ ...result, apduLog: undefined, profile: undefined })).toBe('card-removed');
    console.info(`card pulled at auth-ready through pcscd+vpcd: ${result.kind}${result.kind !== 'snapshot' ? ` (${result.message})` : ''}`);
    expect(result.kind !== 'snapshot' && result.stage).toBe('pin-counters');
    expect('certificates' in result).toBe(false);
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);

    const again = await readCard(await insert(new ApduEngine(spec)), { smartcardListPath: null });
    expect(again.kind).toBe('snapshot');
    expect(again.kind === 'snapshot' && again.certificates).toHaveLength(5);
  });
});
