/**
 * `kortkoll pin` through the real stack: the BUILT CLI (`node bin/kortkoll.js`, after `npm run
 * build`) with the PINs piped to `--pin-stdin`, pcscd, vpcd and a virtual card in the second vpcd
 * reader. The card's own counters (`engine.pinStatus`) must change as the operations say: a wrong
 * PIN costs a try, a right one gives them back; a changed PIN verifies with the new value and not
 * the old; `auth-pin-blocked` is unblocked by its PUK. Afterwards nothing the CLI printed or wrote
 * holds a PIN or PUK used, as ASCII or as hex.
 * Run under `flock /tmp/kortkoll-rig.lock`: pcscd and its readers are shared.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createPcscReaderMonitor, type PcscReaderMonitor } from '../../native/pcsc/index.js';
import { ApduEngine } from '../../native/simulator/apdu-engine.js';
import { buildVirtualCardSpec, VIRTUAL_CARD_PINS, type VirtualCardName } from '../../native/simulator/cards.js';
import { VpcdCardSocket } from '../../native/simulator/vpcd-client.js';
import { assertBuilt, runBuiltCli, type BuiltCliRun } from '../unit/cli/built-cli.js';
import { describeWithPcscd, VPCD_READERS } from './helpers/pcscd.js';
import { isEvent, pollUntil, ReaderEventRecorder } from './helpers/reader-events.js';

const READER = VPCD_READERS[1]!;
const { authentication, puk } = VIRTUAL_CARD_PINS.netid;
const NEW_PIN = '246802';
const UNBLOCK_PIN = '135790';
const WRONG_PIN = '999999';
const secretsUsed = [authentication.value, puk.value, NEW_PIN, UNBLOCK_PIN, WRONG_PIN];

describeWithPcscd('kortkoll pin through pcscd and vpcd (built CLI, --pin-stdin)', () => {
  let monitor: PcscReaderMonitor;
  let recorder: ReaderEventRecorder;
  let workDir: string;
  const sockets: VpcdCardSocket[] = [];
  const runs: BuiltCliRun[] = [];

  async function insert(name: VirtualCardName): Promise<ApduEngine> {
    const engine = new ApduEngine(await buildVirtualCardSpec(name));
    const since = performance.now();
    const socket = new VpcdCardSocket(engine, { port: READER.port });
    sockets.push(socket);
    await socket.insert();
    await recorder.waitFor(isEvent('card-inserted', READER.name), { since, timeoutMs: 5000 });
    return engine;
  }

  async function kortkoll(args: string[], stdin: string): Promise<BuiltCliRun> {
    const run = await runBuiltCli(['pin', ...args, '--reader', READER.name, '--pin-stdin'], {
      stdin,
      cwd: workDir,
      env: { HOME: workDir, XDG_CONFIG_HOME: workDir, TMPDIR: workDir },
      guardMs: 30_000,
    });
    runs.push(run);
    expect(run.hung).toBe(false);
    return run;
  }

  beforeAll(async () => {
    assertBuilt();
    workDir = mkdtempSync(join(tmpdir(), 'kortkoll-pin-cli-'));
    monitor = createPcscReaderMonitor();
    recorder = new ReaderEventRecorder(monitor);
    monitor.start();
    await recorder.waitFor(isEvent('reader-added', READER.name));
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.remove();
    await pollUntil(() => monitor.readers().find((r) => r.name === READER.name)?.cardPresent === false, 2000);
  });

  afterAll(async () => {
    recorder?.stop();
    await monitor?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('pin test: right keeps 3 tries, wrong costs one (exit 1), right again gives them back', async () => {
    const engine = await insert('netid-legacy');
    const right = await kortkoll(['test'], `${authentication.value}\n`);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`Kort i ${READER.name}.`);
    expect(right.stdout).toContain('PIN-koden för legitimering: 3 av 3 försök kvar.');
    expect(right.stdout).toContain('Rätt PIN-kod.');
    expect(engine.pinStatus(authentication.reference)).toMatchObject({ triesLeft: 3, blocked: false });
    // The card was reset on disconnect: the PIN does not stay verified for other programs.
    expect(engine.pinStatus(authentication.reference)?.verified).toBe(false);

    const wrong = await kortkoll(['--lang', 'en', 'test'], `${WRONG_PIN}\n`);
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stdout).toContain('Wrong PIN: 2 tries left.');
    expect(wrong.stdout).toContain('Now: The authentication PIN: 2 of 3 tries left.');
    expect(engine.pinStatus(authentication.reference)?.triesLeft).toBe(2);

    const again = await kortkoll(['test'], `${authentication.value}\n`);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('PIN-koden för legitimering: 2 av 3 försök kvar.');
    expect(again.stdout).toContain('Nu: PIN-koden för legitimering: 3 av 3 försök kvar.');
    expect(engine.pinStatus(authentication.reference)?.triesLeft).toBe(3);
  });

  it('pin change: the new PIN verifies, the old one no longer does', async () => {
    const engine = await insert('netid-legacy');
    const change = await kortkoll(['change'], `${authentication.value}\n${NEW_PIN}\n${NEW_PIN}\n`);
    expect(change.code, change.stderr).toBe(0);
    expect(change.stdout).toContain('PIN-koden är bytt.');
    const withNew = await kortkoll(['test'], `${NEW_PIN}\n`);
    expect(withNew.code).toBe(0);
    const withOld = await kortkoll(['test'], `${authentication.value}\n`);
    expect(withOld.code).toBe(1);
    expect(engine.pinStatus(authentication.reference)?.triesLeft).toBe(2);
  });

  it('pin unblock: auth-pin-blocked is unblocked with the PUK (--yes-last-try: the SetCOS PUK counter is not asked)', async () => {
    const engine = await insert('auth-pin-blocked');
    expect(engine.pinStatus(authentication.reference)?.blocked).toBe(true);
    const refused = await kortkoll(['unblock'], `${puk.value}\n${UNBLOCK_PIN}\n${UNBLOCK_PIN}\n`);
    expect(refused.code).toBe(3);
    expect(engine.pinStatus(authentication.reference)?.blocked).toBe(true);
    const unblock = await kortkoll(['unblock', '--yes-last-try'], `${puk.value}\n${UNBLOCK_PIN}\n${UNBLOCK_PIN}\n`);
    expect(unblock.code, unblock.stderr).toBe(0);
    expect(unblock.stdout).toContain('PIN-koden är upplåst och har fått den nya koden.');
    expect(engine.pinStatus(authentication.reference)).toMatchObject({ blocked: false, triesLeft: 3 });
    const test = await kortkoll(['test'], `${UNBLOCK_PIN}\n`);
    expect(test.code).toBe(0);
  });

  it('no PIN or PUK in anything the CLI printed or wrote (ASCII and hex)', () => {
    expect(runs.length).toBeGreaterThanOrEqual(9);
    const texts = runs.flatMap((run) => [run.stdout, run.stderr]);
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    })(workDir);
    texts.push(...files.map((path) => readFileSync(path).toString('latin1')));
    for (const text of texts) {
      const compact = text.toLowerCase().replace(/[\s:]+/g, '');
      for (const secret of secretsUsed) {
        expect(text).not.toContain(secret);
        expect(compact).not.toContain(Buffer.from(secret, 'ascii').toString('hex'));
      }
    }
  });
});
