/**
 * Debian's OpenSC 0.23, with its own `idprime` driver (no OPENSC_CONF, no default driver), reads the
 * `siths-eid-idprime` virtual card inserted into the real pcscd through vpcd: it must recognise the
 * card as a Gemalto IDPrime (ATR under its mask + SELECT of the applet and of 0101 answering an FCP),
 * list both certificates from the index, hand out each certificate byte for byte (inflated from the
 * compressed files), list PIN 0x11, and read the PIN counter through PKCS#11 with VERIFY without data.
 * If OpenSC cannot read the card, the card is not a faithful IDPrime card.
 *
 * Needs pcscd with vsmartcard-vpcd and Debian's `opensc`. Skips loudly without them; CI=true fails.
 * pcscd is shared: run under `flock /tmp/kortkoll-rig.lock`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApduEngine } from '../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../native/simulator/card-model.js';
import { OPENSC_023_IDPRIME_ATR, VIRTUAL_CARD_PINS, atrMatchesMasked, buildVirtualCardSpec } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { InProcessTransport } from '../../native/simulator/in-process-transport.js';
import { readCard } from '../../electron/card/read-card.js';
import { toHex } from '../../native/transport.js';
import { VPCD_READERS } from './helpers/pcscd.js';
import { openscCertificateDigests, openscUnavailableReason, openscWaitForCard, parsePkcs15ToolOutput, runOpensc, sha256Hex } from './helpers/opensc.js';
import { idprimeSpecCertificates } from '../unit/simulator/idprime-test-reader.js';

const IN_CI = process.env.CI === 'true';
const [READER, SECOND_READER] = VPCD_READERS as [(typeof VPCD_READERS)[0], (typeof VPCD_READERS)[0]];

const reason = await openscUnavailableReason(READER.name);
if (reason && !IN_CI) console.warn(`\n*** SKIPPING opensc-reads-idprime: ${reason} ***\n`);

const verifyCommands = (card: ApduEngine) => card.apduLog.filter((entry) => entry.command[1] === 0x20);

describe.skipIf(reason !== undefined && !IN_CI)('OpenSC 0.23 reads the siths-eid-idprime virtual card with its idprime driver', () => {
  let spec: VirtualCardSpec;
  let card: ApduEngine;
  let socket: VpcdCardSocket | undefined;
  let readerIndex: number;

  beforeAll(async () => {
    if (reason) throw new Error(`CI=true and the system is not ready: ${reason}`);
    spec = await buildVirtualCardSpec('siths-eid-idprime');
    card = new ApduEngine(spec);
    socket = new VpcdCardSocket(card, { port: READER.port });
    await socket.insert();
    readerIndex = await openscWaitForCard(READER.name, spec.atr, 10_000);
  });

  afterAll(async () => {
    await socket?.remove();
  });

  it('has an ATR that Debian OpenSC 0.23 lists for IDPrime (under its mask)', () => {
    expect(atrMatchesMasked(spec.atr, OPENSC_023_IDPRIME_ATR)).toBe(true);
  });

  it('is named by the idprime driver (CPLC OS release level 4 → "OSv4")', async () => {
    const name = (await runOpensc('opensc-tool', ['--reader', String(readerIndex), '--name'])).trim();
    expect(name).toBe('Gemalto IDPrime (OSv4)');
    const dump = await runOpensc('pkcs15-tool', ['--reader', String(readerIndex), '--dump']);
    expect(dump).toContain('Manufacturer ID: Gemalto');
    expect(dump).toContain('PKCS#15 Card [SITHS eID]'); // the label from p11/tinfo
  });

  it('lists both certificates and hands out each one byte for byte (inflated from the compressed files)', async () => {
    const expected = idprimeSpecCertificates(spec);
    expect(expected.map((certificate) => [certificate.fileName, certificate.compressed])).toEqual([
      ['kxc00', true],
      ['ksc01', true],
    ]);
    const read = await openscCertificateDigests(readerIndex);
    // OpenSC 0.23 numbers the certificates in index order: IDs 0001, 0002.
    expect(read.map((certificate) => certificate.id)).toEqual(['0001', '0002']);
    expect(read.map((certificate) => certificate.sha256)).toEqual(expected.map((certificate) => sha256Hex(certificate.der)));
    // And they are the certificates Kortkoll reads from the same card (its own IDPrime reader).
    const kortkoll = await readCard(new InProcessTransport(new ApduEngine(spec)), { smartcardListPath: null });
    expect(kortkoll.kind === 'snapshot' && kortkoll.structure).toBe('idprime');
    expect(kortkoll.kind === 'snapshot' && kortkoll.certificates.map((certificate) => sha256Hex(certificate.der))).toEqual(
      read.map((certificate) => certificate.sha256),
    );
  });

  it('lists PIN 0x11 (the only PIN object OpenSC 0.23 knows on IDPrime cards), padded to 16 bytes with 00', async () => {
    const pins = parsePkcs15ToolOutput(await runOpensc('pkcs15-tool', ['--reader', String(readerIndex), '--list-pins'])).filter(
      (object) => object.kind === 'PIN',
    );
    expect(pins).toHaveLength(1);
    expect(pins[0]!.fields.get('Reference')).toBe('17 (0x11)');
    expect(pins[0]!.fields.get('Flags')).toContain('needs-padding');
    expect(pins[0]!.fields.get('Pad char')).toBe('0x00');
  });

  it('reads the counter of PIN 0x11 with VERIFY without data through PKCS#11, spending no try', async () => {
    card.clearApduLog();
    const slots = await runOpensc('pkcs11-tool', ['--list-token-slots']);
    expect(slots).toContain('SITHS eID');
    expect(slots).not.toMatch(/final user PIN try|user PIN locked|PIN count low/);
    const probes = verifyCommands(card);
    expect(probes.length).toBeGreaterThan(0);
    // A T=0 host sends case 1 as `00 20 00 11 00`.
    for (const probe of probes) {
      expect(toHex(probe.command)).toMatch(/^00200011(00)?$/);
      expect(toHex(probe.response)).toBe('63C3');
    }
    expect(card.pinStatus(VIRTUAL_CARD_PINS.idprime.authentication.reference)).toMatchObject({ triesLeft: 3, verified: false });
  });
});

describe.skipIf(reason !== undefined && !IN_CI)('OpenSC 0.23 sees the last try of idprime-auth-pin-one-try', () => {
  let card: ApduEngine;
  let socket: VpcdCardSocket | undefined;

  beforeAll(async () => {
    if (reason) throw new Error(`CI=true and the system is not ready: ${reason}`);
    const spec = await buildVirtualCardSpec('idprime-auth-pin-one-try');
    card = new ApduEngine(spec);
    socket = new VpcdCardSocket(card, { port: SECOND_READER.port });
    await socket.insert();
    await openscWaitForCard(SECOND_READER.name, spec.atr, 10_000);
  });

  afterAll(async () => {
    await socket?.remove();
  });

  it('reports "final user PIN try" from the card\'s 63 C1', async () => {
    const slots = await runOpensc('pkcs11-tool', ['--list-token-slots']);
    expect(slots).toContain('final user PIN try');
    expect(verifyCommands(card).map((entry) => toHex(entry.response))).toContain('63C1');
    expect(card.pinStatus(0x11)).toMatchObject({ triesLeft: 1, verified: false });
  });
});
