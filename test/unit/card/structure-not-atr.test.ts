/**
 * Acceptance (IDPrime issue): the ATR only decides which structure is probed first; the card's
 * files decide what it is. An IDPrime card wearing a SetCOS (PKCS#15) ATR, and the PKCS#15 card
 * siths-eid-2024 wearing an IDPrime-family ATR, both read completely — the same certificates, PINs
 * and token as when ATR and structure agree — only after the probes of the other structure.
 */
import { describe, expect, it } from 'vitest';
import { ATRS, buildVirtualCardSpec } from '../../../native/simulator/cards.js';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { toHex } from '../../../native/transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import type { CardSnapshot } from '../../../electron/card/card-read-result.js';
import { diagnoseCardSpec } from '../diagnostics/diagnosis-helpers.js';

async function read(spec: VirtualCardSpec): Promise<{ snapshot: CardSnapshot; engine: ApduEngine }> {
  const engine = new ApduEngine(spec);
  const result = await readCard(new InProcessTransport(engine), { smartcardListPath: null });
  if (result.kind !== 'snapshot') throw new Error(`${spec.name} with ATR ${toHex(spec.atr)}: ${result.kind} (${'message' in result ? result.message : ''})`);
  return { snapshot: result, engine };
}

/** What the card holds, as read: independent of the probe order. */
function content(snapshot: CardSnapshot) {
  return {
    structure: snapshot.structure,
    certificates: snapshot.certificates.map((c) => [toHex(c.der), c.role, c.source]),
    pins: snapshot.pins.map((p) => [p.reference, p.role, p.triesLeft, p.blocked]),
    privateKeys: snapshot.privateKeys,
    tokenInfo: snapshot.tokenInfo,
    authentication: snapshot.authentication,
  };
}

describe('the structure decides, not the ATR', () => {
  it('reads an IDPrime card with a SetCOS ATR: PKCS#15 probed first, then IDPrime, the same content', async () => {
    const idprime = await buildVirtualCardSpec('siths-eid-idprime');
    const asItIs = await read(idprime);
    const disguised = await read({ ...idprime, name: 'idprime-with-setcos-atr', atr: ATRS.setcos });

    expect(asItIs.snapshot.profile.family).toBe('idprime');
    expect(disguised.snapshot.profile.family).toBe('setcos');
    expect(disguised.snapshot.structure).toBe('idprime');
    expect(disguised.snapshot.probes.map((p) => [p.structure, p.target, p.statusWord])).toEqual([
      ['pkcs15', 'SELECT AID A000000063504B43532D3135', '6A82'],
      ['pkcs15', 'EF.DIR 3F002F00', '6A82'],
      ['pkcs15', 'SELECT DF 3F005015', '6A82'],
      ['idprime', 'SELECT IDPrime applet', '9000'],
      ['idprime', 'SELECT index 0101', '9000'],
    ]);
    expect(content(disguised.snapshot)).toEqual(content(asItIs.snapshot));
    expect(disguised.snapshot.certificates).toHaveLength(2);
    expect(disguised.snapshot.pins.map((p) => [p.reference, p.triesLeft])).toEqual([
      [0x11, 3],
      [0x83, 3],
      [null, 'unknown'],
    ]);
    // The three PKCS#15 probes are all it costs; nothing is read twice.
    expect(disguised.snapshot.stats.apduCount).toBe(asItIs.snapshot.stats.apduCount + 3);
    expect(disguised.snapshot.stats.authReady?.apduCount).toBe((asItIs.snapshot.stats.authReady?.apduCount ?? 0) + 3);
    // The first PIN command comes after the IDPrime applet and its index were both confirmed.
    const log = disguised.engine.apduLog.map((entry) => toHex(entry.command));
    expect(log.findIndex((c) => c.startsWith('0020'))).toBeGreaterThan(log.indexOf('00A4080002010100'));

    // And the diagnosis is as for the card with its own ATR.
    const { report } = await diagnoseCardSpec({ ...idprime, atr: ATRS.setcos });
    expect(report('en').verdict.status).toBe('ready');
  });

  it('reads siths-eid-2024 (PKCS#15) with its IDPrime-family ATR: the IDPrime probe fails, PKCS#15 reads', async () => {
    const eid2024 = await buildVirtualCardSpec('siths-eid-2024');
    expect(toHex(eid2024.atr)).toBe(toHex(ATRS.reservkort));
    const asIssued = await read(eid2024);
    const withSetcosAtr = await read({ ...eid2024, atr: ATRS.setcos });

    expect(asIssued.snapshot.profile.family).toBe('idprime');
    expect(asIssued.snapshot.structure).toBe('pkcs15');
    expect(asIssued.snapshot.probes[0]).toMatchObject({ structure: 'idprime', target: 'SELECT IDPrime applet', statusWord: '6A82' });
    expect(asIssued.snapshot.probes.slice(1).every((p) => p.structure === 'pkcs15')).toBe(true);
    expect(withSetcosAtr.snapshot.probes.every((p) => p.structure === 'pkcs15')).toBe(true);
    // The same card read either way (the profile's read hints differ, what is read does not).
    expect(content(asIssued.snapshot)).toEqual(content(withSetcosAtr.snapshot));
    expect(asIssued.snapshot.certificates).toHaveLength(1);
    expect(asIssued.snapshot.pins.find((p) => p.role === 'authentication')?.triesLeft).toBe(3);
    // No PIN command before the PKCS#15 application was found (the IDPrime probe sent none).
    const log = asIssued.engine.apduLog.map((entry) => toHex(entry.command));
    expect(log[0]).toBe('00A4040C0BA000000018800000000662');
    expect(log.findIndex((c) => c.startsWith('0020'))).toBeGreaterThan(log.indexOf('00A4040C0CA000000063504B43532D3135'));
  });

  it('reads siths-eid-2024 with the IDPrime 940 ATR too, but asks no PIN counter: the profile forbids it on a PKCS#15 card', async () => {
    const eid2024 = await buildVirtualCardSpec('siths-eid-2024');
    const { snapshot, engine } = await read({ ...eid2024, atr: ATRS.idprime940 });
    expect(snapshot.profile.id).toBe('thales-idprime-family');
    expect(snapshot.structure).toBe('pkcs15');
    expect(snapshot.certificates).toHaveLength(1);
    // Many national eID cards share this family's ATR: VERIFY without data only on a confirmed IDPrime structure.
    expect(snapshot.pins.every((p) => p.triesLeft === 'unknown' && p.counter.source === 'not-probed')).toBe(true);
    expect(engine.apduLog.some((entry) => entry.command[1] === 0x20)).toBe(false);
  });
});
