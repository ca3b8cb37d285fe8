/**
 * The card report ("Rapportera kortet", `kortkoll probe`): the probes it sends to an unknown card, an
 * IDPrime card and a PKCS#15 card, that nothing else reaches the card (no PIN command, no READ
 * BINARY), and that the report holds no personal data of the cardholder.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualCard, defaultCardholder, idprimeCardholder, type VirtualCardName } from '../../../native/simulator/cards.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import type { CardTransport } from '../../../native/transport.js';
import { cardProbes, probeCardForReport, renderCardProbeReportJson, renderCardProbeReportText } from '../../../electron/card/card-probe-report.js';
import { parseAtrParts } from '../../../electron/card/atr.js';
import { fromHex } from '../../../native/transport.js';

const fixedClock = { now: () => new Date('2025-03-01T12:00:00Z'), monotonicMs: () => 0 };

async function probe(name: VirtualCardName) {
  const engine = await createVirtualCard(name);
  const report = await probeCardForReport(new InProcessTransport(engine), { clock: fixedClock, smartcardListPath: null });
  return { engine, report, sent: engine.apduLog.map((entry) => entry.command) };
}

const forbiddenIns = [0x20, 0x21, 0x24, 0x2c, 0xb0, 0xb1, 0xb2, 0xd6, 0xdc, 0xe0, 0xe4, 0x0e, 0x44, 0x82, 0x84, 0x88, 0x2a];

function expectOnlyProbeCommands(sent: Uint8Array[]): void {
  for (const command of sent) {
    expect(forbiddenIns, Buffer.from(command).toString('hex')).not.toContain(command[1]);
    expect([0xa4, 0xca, 0xc0]).toContain(command[1]);
  }
}

function personalData(holder: { givenName: string; surname: string; hsaId: string; personnummer: string; cardNumber: string }): string[] {
  return [holder.givenName, holder.surname, holder.hsaId, holder.personnummer, holder.cardNumber];
}

describe('probeCardForReport', () => {
  it('sends the same eight probes to a card of unknown structure, which answers none of them', async () => {
    const { report, sent } = await probe('unknown-structure');
    expect(report.probes.map((p) => p.command)).toEqual([
      '00A4040C0BA000000018800000000662',
      '00A4080002010100',
      '00CA9F7F2D',
      '00CADF302D',
      '00A4040C0CA000000063504B43532D3135',
      '00A404000CA000000063504B43532D313500',
      '00A4080C022F00',
      '00A4080C025015',
    ]);
    expect(report.probes.map((p) => p.target)).toEqual(cardProbes.map((p) => p.target));
    expect(report.probes.every((p) => p.statusWord !== '9000')).toBe(true);
    expect(report.probes[0]).toMatchObject({ statusWord: '6A82', statusMeaning: 'File or application not found', response: null });
    expect(report.structureGuess).toBe('unknown');
    expect(report.structuresFound).toEqual([]);
    expect(report.cplc).toBeNull();
    expect(report.appletVersion).toBeNull();
    expect(report.profile.id).toBe('thales-idprime-family');
    expect(report.atr.hex).toBe('3B7F96000080318065B08506002A1202F0829000');
    expect(report.reader).toBe('Kortkoll Virtual Reader 00 00');
    expect(sent).toHaveLength(8);
    expectOnlyProbeCommands(sent);
  });

  it('finds the IDPrime applet, its index FCP, CPLC and applet version on siths-eid-idprime', async () => {
    const { report, sent } = await probe('siths-eid-idprime');
    const by = Object.fromEntries(report.probes.map((p) => [p.target, p]));
    expect(by['idprime-applet']?.statusWord).toBe('9000');
    expect(by['idprime-index-0101']?.statusWord).toBe('9000');
    expect(by['idprime-index-0101']?.response).toMatch(/^62/);
    expect(by['pkcs15-aid']?.statusWord).toBe('6A82');
    expect(report.structureGuess).toBe('idprime');
    expect(report.appletVersion).toMatch(/IDPrime/);
    expect(report.cplc).toMatch(/^4790/);
    expect(report.cplc).toHaveLength(42 * 2);
    expect(report.cplcFields).toMatchObject({ icFabricator: '4790', icType: '5175' });
    expectOnlyProbeCommands(sent);
  });

  it('finds the PKCS#15 application (and its FCI through GET RESPONSE) on netid-legacy', async () => {
    const { report, sent } = await probe('netid-legacy');
    const fci = report.probes.find((p) => p.target === 'pkcs15-aid-fci');
    expect(fci).toMatchObject({ statusWord: '9000', firstStatusWord: '611A' });
    expect(fci?.response).toMatch(/^6F/);
    expect(report.structureGuess).toBe('pkcs15');
    expect(report.profile.id).toBe('siths-setcos-netid');
    expectOnlyProbeCommands(sent);
  });

  it.each([
    ['unknown-structure', defaultCardholder],
    ['siths-eid-idprime', idprimeCardholder],
    ['netid-legacy', defaultCardholder],
  ] as const)('%s: neither text nor JSON holds the cardholder’s name, HSA-id, personnummer or card number', async (name, holder) => {
    const { report, engine } = await probe(name);
    const texts = [renderCardProbeReportText(report, 'sv'), renderCardProbeReportText(report, 'en'), renderCardProbeReportJson(report)];
    for (const text of texts) {
      for (const value of personalData(holder)) expect(text).not.toContain(value);
      // Not hidden in hex either.
      for (const value of personalData(holder)) expect(text.replace(/\s/g, '')).not.toContain(Buffer.from(value, 'utf8').toString('hex').toUpperCase());
    }
    // No PIN was asked: every counter is where it was.
    for (const pin of engine.pinStatuses()) expect(pin.triesLeft).toBe(pin.maxTries);
  });

  it('renders text in Swedish by default wording and in English, and JSON that parses', async () => {
    const { report } = await probe('siths-eid-idprime');
    const sv = renderCardProbeReportText(report, 'sv');
    expect(sv).toContain('Kortrapport från Kortkoll');
    expect(sv).toContain('Trolig struktur: Thales IDPrime (minidriver)');
    expect(sv).toContain('00 A4 08 00 02 01 01 00');
    expect(sv).toContain('inte uppgifter om kortinnehavaren');
    const en = renderCardProbeReportText(report, 'en');
    expect(en).toContain('Card report from Kortkoll');
    expect(en).toContain('Likely structure: Thales IDPrime (minidriver)');
    const json = JSON.parse(renderCardProbeReportJson(report));
    expect(json).toMatchObject({ kind: 'kortkoll-card-probe-report', version: 1, generatedAt: '2025-03-01T12:00:00.000Z', structureGuess: 'idprime' });
  });

  it('names the ATR from smartcard_list.txt when it is there', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = (await import('node:path')).join(mkdtempSync(`${tmpdir()}/kortkoll-list-`), 'smartcard_list.txt');
    writeFileSync(path, '3B 7F 96 00 00 80 31 80 65 B0 85 06 00 2A 12 02 F0 82 90 00\n\tA test card of its own\n');
    const engine = await createVirtualCard('unknown-structure');
    const report = await probeCardForReport(new InProcessTransport(engine), { clock: fixedClock, smartcardListPath: path });
    expect(report.smartcardListName).toBe('A test card of its own');
  });

  it('records a card that keeps answering 61xx in each probe, with GET RESPONSE bounded, and still sends only SELECT, GET DATA, GET RESPONSE', async () => {
    // A card that answers every SELECT with 61 FF forever: GET RESPONSE stays bounded, and the failure is recorded per probe.
    const sent: Uint8Array[] = [];
    const chatty: CardTransport = {
      readerName: 'r',
      atr: fromHex('3B0200'),
      transmit: async (command) => {
        sent.push(command);
        return Uint8Array.of(0x61, 0x01, 0x61, 0x01).subarray(command[1] === 0xc0 ? 0 : 2);
      },
    };
    const report = await probeCardForReport(chatty, { clock: fixedClock, smartcardListPath: null });
    expect(report.probes.every((p) => p.statusWord === null && typeof p.error === 'string')).toBe(true);
    expectOnlyProbeCommands(sent);
  });
});

describe('parseAtrParts', () => {
  it('names TS, T0, the interface bytes, protocols, historical objects and TCK', () => {
    // T0 82: TD1 follows, two historical bytes; TD1 80: TD2 follows (T=0); TD2 01: T=1, so a TCK.
    const parts = parseAtrParts(fromHex('3B82800147' + '55' + '11'));
    expect(parts.ts).toBe(0x3b);
    expect(parts.t0).toBe(0x82);
    expect(parts.interfaceBytes).toEqual([
      { name: 'TD1', value: 0x80 },
      { name: 'TD2', value: 0x01 },
    ]);
    expect(parts.protocols).toEqual([0, 1]);
    expect(parts.tck).toBe(0x11);
    expect(parts.wellFormed).toBe(true);
    expect(parts.historicalCategory).toBe(0x47);
    expect(parts.historicalObjects).toEqual([]);
    const reservkort = parseAtrParts(fromHex('3B7F96000080318065B0850400111202F0829000'));
    expect(reservkort.historicalObjects.map((o) => o.tag)).toEqual([3, 6, 1, 8]);
    expect(reservkort.tck).toBeUndefined();
    expect(parseAtrParts(new Uint8Array(0)).interfaceBytes).toEqual([]);
  });
});
