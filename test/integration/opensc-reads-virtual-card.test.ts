/**
 * Acceptance (issue 2): OpenSC, an independent PKCS#15 implementation, reads the `netid-legacy`
 * virtual card inserted into the real pcscd through vpcd. `pkcs15-tool --list-certificates` and
 * `--list-pins` must list exactly the certificates and PIN objects the card holds. If OpenSC cannot
 * read the card, the card is not a faithful PKCS#15 card.
 *
 * Needs pcscd with vsmartcard-vpcd ("Virtual PCD 00 00" on TCP 35963) and Debian's `opensc`.
 * Skips loudly without them; with CI=true it fails instead.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApduEngine } from '../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../native/simulator/card-model.js';
import { PKCS15_AID, buildVirtualCardSpec } from '../../native/simulator/cards.js';
import { InProcessTransport } from '../../native/simulator/in-process-transport.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { toHex } from '../../native/transport.js';
import * as pkijs from 'pkijs';
import { TestPkcs15Reader, decodeAodf, decodeCdf, topLevelObjects, type AodfEntry, type CdfEntry } from '../unit/simulator/pkcs15-test-reader.js';

const run = promisify(execFile);
const READER_NAME = 'Virtual PCD 00 00';
const VPCD_PORT = 35963;
const OPENSC_CONF = fileURLToPath(new URL('../fixtures/opensc.conf', import.meta.url));
const openscEnv = { ...process.env, OPENSC_CONF, OPENSC_DEBUG: '0' };
const IN_CI = process.env.CI === 'true';

interface ReaderRow {
  index: number;
  cardPresent: boolean;
  name: string;
}

async function listReaders(): Promise<ReaderRow[]> {
  const { stdout } = await run('opensc-tool', ['--list-readers'], { env: openscEnv });
  const rows: ReaderRow[] = [];
  // Columns are fixed-width: the name starts where the header's "Name" does.
  const lines = stdout.split('\n');
  const nameColumn = lines.find((line) => line.startsWith('Nr.'))?.indexOf('Name') ?? -1;
  for (const line of lines) {
    const match = /^(\d+)\s+(Yes|No)\b/.exec(line);
    if (match && nameColumn > 0) rows.push({ index: Number(match[1]), cardPresent: match[2] === 'Yes', name: line.slice(nameColumn).trim() });
  }
  return rows;
}

async function unavailableReason(): Promise<string | undefined> {
  try {
    await run('pkcs15-tool', ['--version'], { env: openscEnv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'pkcs15-tool is not installed (Debian package opensc)';
  }
  try {
    const readers = await listReaders();
    if (!readers.some((reader) => reader.name === READER_NAME)) {
      return `pcscd does not show the reader "${READER_NAME}" (is pcscd running with vsmartcard-vpcd? bash scripts/start-pcscd.sh)`;
    }
  } catch (error) {
    return `opensc-tool could not list readers: ${(error as Error).message}`;
  }
  return undefined;
}

const reason = await unavailableReason();
if (reason && !IN_CI) console.warn(`\n*** SKIPPING opensc-reads-virtual-card: ${reason} ***\n`);

/** One object block of pkcs15-tool's output: the header `Kind [label]` and its `Key : value` lines. */
interface ListedObject {
  kind: string;
  label: string;
  fields: Map<string, string>;
}

function parsePkcs15ToolOutput(stdout: string): ListedObject[] {
  const objects: ListedObject[] = [];
  let current: ListedObject | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^(.+?) \[(.*)\]:?$/.exec(line);
    if (header && !line.startsWith('\t')) {
      current = { kind: header[1]!, label: header[2]!, fields: new Map() };
      objects.push(current);
      continue;
    }
    const field = /^\t([^:]+?)\s*:\s?(.*)$/.exec(line);
    if (field && current) current.fields.set(field[1]!, field[2]!.trim());
  }
  return objects;
}

async function waitForCard(atr: Uint8Array, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reader = (await listReaders()).find((row) => row.name === READER_NAME);
    if (reader?.cardPresent) {
      const { stdout } = await run('opensc-tool', ['--reader', String(reader.index), '--atr'], { env: openscEnv });
      if (stdout.trim().replace(/:/g, '').toUpperCase() === toHex(atr)) return reader.index;
    }
    if (Date.now() > deadline) throw new Error(`pcscd did not report the virtual card in "${READER_NAME}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(reason !== undefined && !IN_CI)('OpenSC reads the netid-legacy virtual card through pcscd and vpcd', () => {
  let spec: VirtualCardSpec;
  let card: ApduEngine;
  let socket: VpcdCardSocket | undefined;
  let readerIndex: number;
  let expectedCertificates: CdfEntry[];
  let expectedCertificateSerials: string[];
  let expectedPins: AodfEntry[];

  beforeAll(async () => {
    if (reason) throw new Error(`CI=true and the system is not ready: ${reason}`);
    spec = await buildVirtualCardSpec('netid-legacy');

    // What the card holds, read from a twin of the card through our own APDU path.
    const twin = new TestPkcs15Reader(new InProcessTransport(new ApduEngine(spec)));
    expect(await twin.selectAid(PKCS15_AID)).toBe(0x9000);
    const odf = await twin.odf(await twin.applicationPath());
    expectedCertificates = decodeCdf(await twin.readPath(odf.get(4)!));
    expectedPins = decodeAodf(await twin.readPath(odf.get(8)!));
    expectedCertificateSerials = [];
    for (const entry of expectedCertificates) {
      const certificate = new pkijs.Certificate({ schema: topLevelObjects(await twin.readPath(entry.path))[0]! });
      expectedCertificateSerials.push(toHex(new Uint8Array(certificate.serialNumber.toBER(false))));
    }

    card = new ApduEngine(spec);
    socket = new VpcdCardSocket(card, { port: VPCD_PORT });
    await socket.insert();
    readerIndex = await waitForCard(spec.atr, 10_000);
  });

  afterAll(async () => {
    await socket?.remove();
  });

  it('lists the five certificates with the labels, IDs and authority flags of the CDF, read from their files', async () => {
    const { stdout } = await run('pkcs15-tool', ['--reader', String(readerIndex), '--list-certificates'], { env: openscEnv });
    const listed = parsePkcs15ToolOutput(stdout).filter((object) => object.kind === 'X.509 Certificate');
    expect(listed).toHaveLength(5);
    expect(
      listed.map((object) => ({ label: object.label, id: object.fields.get('ID')?.toUpperCase(), authority: object.fields.get('Authority') === 'yes' })),
    ).toEqual(expectedCertificates.map((entry) => ({ label: entry.label, id: entry.id, authority: entry.authority })));
    // The serial OpenSC prints comes from the certificate itself: proof it read each file, slices included.
    expect(listed.map((object) => object.fields.get('Encoded serial')?.replace(/\s+/g, '').toUpperCase())).toEqual(expectedCertificateSerials);
    expect(expectedCertificates.some((entry) => entry.path.index !== undefined && entry.path.length !== undefined)).toBe(true);
  });

  it('lists the three PIN objects with the labels, auth IDs and references of the AODF', async () => {
    const { stdout } = await run('pkcs15-tool', ['--reader', String(readerIndex), '--list-pins'], { env: openscEnv });
    const pins = parsePkcs15ToolOutput(stdout).filter((object) => object.kind === 'PIN');
    expect(pins).toHaveLength(3);
    expect(
      pins.map((pin) => ({
        label: pin.label,
        authId: pin.fields.get('ID')?.toUpperCase(),
        reference: Number(/^(\d+)/.exec(pin.fields.get('Reference') ?? '')?.[1]),
        unblockingPin: (pin.fields.get('Flags') ?? '').includes('unblockingPin'),
        protectedBy: pin.fields.get('Auth ID')?.toUpperCase(),
      })),
    ).toEqual(
      expectedPins.map((pin) => ({
        label: pin.label,
        authId: pin.authId,
        reference: pin.reference,
        unblockingPin: pin.pinFlags.has(6),
        protectedBy: pin.protectedBy,
      })),
    );
    expect(pins.map((pin) => pin.label)).toEqual(expect.arrayContaining([expect.stringMatching(/legitimering/i), expect.stringMatching(/underskrift/i)]));
    expect(pins.map((pin) => Number(/^(\d+)/.exec(pin.fields.get('Reference') ?? '')?.[1]))).toEqual(spec.pins.map((pin) => pin.reference));
  });

  it('was read through our APDU engine (every exchange is in the log)', () => {
    expect(card.apduLog.length).toBeGreaterThan(0);
    expect(card.apduLog.some((entry) => toHex(entry.command).startsWith('00B0'))).toBe(true);
  });
});
