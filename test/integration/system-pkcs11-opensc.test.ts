/**
 * Acceptance (issue 6): the middleware's view. OpenSC's PKCS#11 module, loaded in a child process,
 * looks at the `netid-legacy` virtual card in pcscd (through vpcd); we read the same card over
 * PC/SC with our own card layer and compare. The tokens and certificate labels must match what
 * PC/SC read; OpenSC gives no PIN counters for this card type, and the comparison must say so
 * rather than guess, also for a PIN with one try left.
 *
 * Needs pcscd with vsmartcard-vpcd ("Virtual PCD 00 00" on TCP 35963) and OpenSC's PKCS#11 module.
 * Skips loudly without them; under CI=true it fails instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { readCard } from '../../electron/card/read-card.js';
import type { CardSnapshot } from '../../electron/card/card-read-result.js';
import { openReaderMonitor } from '../../electron/cli/pcsc.js';
import { createVirtualCard, type VirtualCardName } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { compareMiddlewareWithCard, inspectPkcs11Module, sha256Hex, type CardPinCounter, type Pkcs11ModuleView } from '../../native/system/index.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';

const OPENSC_MODULE = [
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib64/opensc-pkcs11.so',
  '/usr/lib/opensc-pkcs11.so',
].find((p) => existsSync(p));
const OPENSC_CONF = fileURLToPath(new URL('../fixtures/opensc.conf', import.meta.url));
const READER = VPCD_READERS[0]!;
// OpenSC tries many drivers before PKCS#15; with the simulated card's latency that takes seconds.
const INSPECT_TIMEOUT_MS = 45_000;

let socket: VpcdCardSocket | undefined;

afterEach(async () => {
  await socket?.remove();
  socket = undefined;
});

/** Inserts a virtual card, reads it over PC/SC with our card layer, then lets OpenSC look at it. */
async function readOverPcscAndAskOpensc(name: VirtualCardName): Promise<{ snapshot: CardSnapshot; view: Pkcs11ModuleView }> {
  if (!OPENSC_MODULE) throw new Error('OpenSC PKCS#11 module not found (Debian package opensc-pkcs11)');
  socket = new VpcdCardSocket(await createVirtualCard(name), { port: READER.port });
  await socket.insert();
  let snapshot: CardSnapshot | undefined;
  const deadline = Date.now() + 10_000;
  while (!snapshot) {
    const monitor = await openReaderMonitor();
    try {
      if (monitor.readers().find((r) => r.name === READER.name)?.cardPresent) {
        const connection = await monitor.connect(READER.name);
        try {
          const result = await readCard(connection);
          if (result.kind !== 'snapshot') throw new Error(`our card layer could not read ${name}: ${JSON.stringify(result).slice(0, 300)}`);
          snapshot = result;
        } finally {
          await connection.disconnect();
        }
      }
    } finally {
      await monitor.close();
    }
    if (!snapshot && Date.now() > deadline) throw new Error(`pcscd did not show the card in ${READER.name}`);
  }
  const view = await inspectPkcs11Module(OPENSC_MODULE, { timeoutMs: INSPECT_TIMEOUT_MS, env: { OPENSC_CONF } });
  return { snapshot, view };
}

function pinCounters(snapshot: CardSnapshot): CardPinCounter[] {
  return snapshot.pins.map((p) => ({
    label: p.label ?? '',
    triesLeft: typeof p.triesLeft === 'number' ? p.triesLeft : null,
    maxTries: typeof p.maxTries === 'number' ? p.maxTries : null,
  }));
}

describeWithPcscd('the middleware view: OpenSC PKCS#11 against a virtual card in pcscd', () => {
  it('netid-legacy: lists the PIN tokens, sees every certificate with the labels PC/SC read, gives no counters', async () => {
    const { snapshot, view } = await readOverPcscAndAskOpensc('netid-legacy');
    expect(view.status).toBe('ok');
    if (view.status !== 'ok') return;
    const slot = view.slots.filter((s) => s.description === READER.name && s.token);
    // OpenSC shows each PIN that protects keys as its own token: "<card> (<PIN label>)".
    const pinLabels = snapshot.pins.filter((p) => p.role !== 'puk').map((p) => p.label);
    expect(slot.map((s) => s.token!.label)).toEqual(pinLabels.map((label) => expect.stringContaining(`(${label})`)));

    const comparison = compareMiddlewareWithCard(
      view,
      snapshot.certificates.map((c) => c.der),
      pinCounters(snapshot),
    );
    expect(comparison.seesCard).toBe('sees-card');
    expect(comparison.missingFromMiddleware).toEqual([]);
    // Certificate labels: the middleware's label for each certificate is the card's CDF label.
    for (const certificate of snapshot.certificates) {
      const labels = new Set(comparison.matched.filter((m) => m.sha256 === sha256Hex(certificate.der)).map((m) => m.middlewareLabel));
      expect([certificate.label, [...labels]]).toEqual([certificate.label, [certificate.label]]);
    }
    // OpenSC does not ask this card type for PIN counters: no flags, and we say so.
    for (const pin of comparison.pins.filter((p) => p.tokenLabel !== null)) {
      expect(pin).toMatchObject({ status: 'no-counters', middlewareFlags: [] });
    }
    expect(comparison.pins.filter((p) => p.tokenLabel !== null)).toHaveLength(pinLabels.length);
  });

  it('auth-pin-one-try: the card says one try left; OpenSC gives no counters, and the view does not guess FINAL_TRY', async () => {
    const { snapshot, view } = await readOverPcscAndAskOpensc('auth-pin-one-try');
    const comparison = compareMiddlewareWithCard(
      view,
      snapshot.certificates.map((c) => c.der),
      pinCounters(snapshot),
    );
    expect(comparison.seesCard).toBe('sees-card');
    const auth = comparison.pins.find((p) => /legitimering/i.test(p.cardPinLabel));
    expect(auth).toMatchObject({ triesLeft: 1, expectedFlags: ['CKF_USER_PIN_FINAL_TRY'], middlewareFlags: [], status: 'no-counters' });
    expect(auth?.tokenLabel).toMatch(/\(Legitimering\)$/i);
  });
});
