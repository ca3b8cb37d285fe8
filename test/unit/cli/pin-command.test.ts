/**
 * `kortkoll pin test|change|unblock` in-process, on demo cards, with the PINs from a fake standard
 * input (`--pin-stdin`) or a fake terminal in raw mode. The demo card's APDU engine is captured to
 * check what reached the card: a refusal sends no PIN command (no VERIFY with data, no CHANGE
 * REFERENCE DATA, no RESET RETRY COUNTER). Nothing the CLI prints holds a PIN or PUK used.
 */
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { CliStdin } from '../../../electron/cli/command.js';
import { runKortkoll } from './cli-helpers.js';

const engines: ApduEngine[] = [];
vi.mock('../../../native/simulator/cards.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../native/simulator/cards.js')>();
  return {
    ...original,
    createVirtualCard: async (...args: Parameters<typeof original.createVirtualCard>) => {
      const engine = await original.createVirtualCard(...args);
      engines.push(engine);
      return engine;
    },
  };
});

beforeEach(() => {
  engines.length = 0;
});

function lastEngine(): ApduEngine {
  const engine = engines.at(-1);
  if (!engine) throw new Error('no demo card was opened');
  return engine;
}

/** PIN commands in the engine's log: VERIFY with data (20 with Lc), 24, 2C. */
function pinCommands(engine: ApduEngine): string[] {
  return engine.apduLog
    .map((entry) => entry.command)
    .filter((command) => (command[1] === 0x20 && command.length > 5) || command[1] === 0x24 || command[1] === 0x2c)
    .map((command) => Buffer.from(command.subarray(0, 4)).toString('hex'));
}

const secretsUsed = ['123456', '654321', '12345678', '111111', '135790', '246802', '12345', '1234567', '999999'];

function expectNoSecrets(...texts: string[]): void {
  for (const text of texts) {
    const lower = text.toLowerCase().replace(/\s+/g, '');
    for (const secret of secretsUsed) {
      expect(text).not.toContain(secret);
      expect(lower).not.toContain(Buffer.from(secret, 'ascii').toString('hex'));
    }
  }
}

async function pin(args: string[], stdin: string | CliStdin, env: Record<string, string> = {}) {
  const run = await runKortkoll(['pin', ...args], env, { stdin });
  expectNoSecrets(run.stdout, run.stderr);
  return run;
}

describe('kortkoll pin: help and usage', () => {
  it('is listed in kortkoll --help and has its own help with the exit codes, in both languages', async () => {
    expect((await runKortkoll(['--help'])).stdout).toMatch(/\n {2}pin {7}testa, byt eller lås upp/);
    const sv = await runKortkoll(['pin', '--help']);
    expect(sv.code).toBe(0);
    expect(sv.stdout).toContain('Användning: kortkoll pin test|change|unblock [--pin legitimering|underskrift]');
    expect(sv.stdout).toContain('3 en säkerhetsregel stoppade');
    const en = await runKortkoll(['--lang', 'en', 'pin', '--help']);
    expect(en.stdout).toContain('Usage: kortkoll pin test|change|unblock [--pin authentication|signature]');
    expect(en.stdout).toContain('1 wrong PIN or PUK (tries left)');
  });

  it('exits 64 without an operation, with an unknown --pin, with a PIN on the command line, or --yes-last-try without --pin-stdin', async () => {
    expect((await pin(['--demo', 'netid-legacy', '--pin-stdin'], '123456\n')).code).toBe(64);
    expect((await pin(['test', '--pin', 'puk', '--demo', 'netid-legacy', '--pin-stdin'], '123456\n')).code).toBe(64);
    const argvPin = await runKortkoll(['pin', 'test', '123456', '--demo', 'netid-legacy', '--pin-stdin'], {}, { stdin: '' });
    expect(argvPin.code).toBe(64);
    expect(engines).toHaveLength(0);
    expect((await pin(['test', '--demo', 'netid-legacy', '--yes-last-try'], '123456\n')).code).toBe(64);
    expect((await pin(['test', '--demo', 'no-such-card', '--pin-stdin'], '123456\n')).code).toBe(64);
  });

  it('without --pin-stdin and no terminal: exit 64 before connecting, and it never reads the environment', async () => {
    const run = await pin(['test', '--demo', 'netid-legacy'], '123456\n', { KORTKOLL_PIN: '123456', PIN: '123456' });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--pin-stdin');
    expect(engines).toHaveLength(0);
    const fromEnv = await pin(['test', '--demo', 'netid-legacy', '--pin-stdin'], '', { KORTKOLL_PIN: '123456' });
    expect(fromEnv.code).toBe(64);
    expect(fromEnv.stderr).toContain('Standard in tog slut före PIN-koden (rad 1)');
    expect(pinCommands(lastEngine())).toEqual([]);
  });
});

describe('kortkoll pin test', () => {
  it('right PIN: exit 0, the counter before and after', async () => {
    const run = await pin(['test', '--demo', 'netid-legacy', '--pin-stdin'], '123456\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'Kort i Kortkoll Virtual Reader 00 00.\nPIN-koden för legitimering: 3 av 3 försök kvar.\nRätt PIN-kod.\nNu: PIN-koden för legitimering: 3 av 3 försök kvar.\n',
    );
    expect(pinCommands(lastEngine())).toEqual(['00200081']);
  });

  it('wrong PIN: exit 1, tries left; in English too', async () => {
    const run = await pin(['test', '--demo', 'netid-legacy', '--pin-stdin'], '999999\n');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Fel PIN-kod: 2 försök kvar.');
    expect(run.stdout).toContain('Nu: PIN-koden för legitimering: 2 av 3 försök kvar.');
    expect(lastEngine().pinStatus(0x81)?.triesLeft).toBe(2);
    const en = await runKortkoll(['--lang', 'en', 'pin', 'test', '--pin', 'signature', '--demo', 'netid-legacy', '--pin-stdin'], {}, { stdin: '999999\r\n' });
    expect(en.code).toBe(1);
    expect(en.stdout).toContain('The signature PIN: 3 of 3 tries left.');
    expect(en.stdout).toContain('Wrong PIN: 2 tries left.');
    expect(pinCommands(lastEngine())).toEqual(['00200082']);
  });

  it('the signature PIN (--pin underskrift) of an IDPrime card', async () => {
    const run = await pin(['test', '--pin', 'underskrift', '--demo', 'siths-eid-idprime', '--pin-stdin'], '654321\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Rätt PIN-kod.');
    expect(pinCommands(lastEngine())).toEqual(['00200083']);
  });

  it('blocked PIN: exit 2, says so and how to unblock, before anything is typed; nothing sent', async () => {
    const run = await pin(['test', '--demo', 'auth-pin-blocked', '--pin-stdin'], '123456\n');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('PIN-koden för legitimering: SPÄRRAD.');
    expect(run.stdout).toContain('kortkoll pin unblock');
    expect(pinCommands(lastEngine())).toEqual([]);
    const idprime = await pin(['test', '--demo', 'idprime-auth-pin-blocked', '--pin-stdin'], '123456\n');
    expect(idprime.code).toBe(2);
    expect(idprime.stdout).toContain('appen SITHS eID');
  });

  it('last try with --pin-stdin and no --yes-last-try: refused, exit 3, no VERIFY with data', async () => {
    const run = await pin(['test', '--demo', 'auth-pin-one-try', '--pin-stdin'], '123456\n');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('PIN-koden för legitimering: 1 av 3 försök kvar.');
    expect(run.stdout).toContain('Ett fel till spärrar PIN-koden.');
    expect(run.stdout).toContain('--yes-last-try');
    expect(pinCommands(lastEngine())).toEqual([]);
    expect(lastEngine().pinStatus(0x81)?.triesLeft).toBe(1);
  });

  it('last try with --yes-last-try: sent; right gives the tries back, wrong blocks (exit 2)', async () => {
    const right = await pin(['test', '--demo', 'auth-pin-one-try', '--pin-stdin', '--yes-last-try'], '123456\n');
    expect(right.code).toBe(0);
    expect(right.stdout).toContain('Nu: PIN-koden för legitimering: 3 av 3 försök kvar.');
    const wrong = await pin(['test', '--demo', 'auth-pin-one-try', '--pin-stdin', '--yes-last-try'], '999999\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain('Fel PIN-kod: PIN-koden är nu spärrad.');
    expect(wrong.stdout).toContain('SPÄRRAD');
    expect(lastEngine().pinStatus(0x81)?.blocked).toBe(true);
  });

  it('unknown structure: refused (exit 3), no PIN command', async () => {
    const run = await pin(['test', '--demo', 'unknown-structure', '--pin-stdin'], '123456\n');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('Kortets struktur är okänd');
    expect(pinCommands(lastEngine())).toEqual([]);
  });
});

describe('kortkoll pin change and unblock', () => {
  it('change: exit 0, the new PIN verifies on the card; a trivial new PIN gets a warning', async () => {
    const run = await pin(['change', '--demo', 'netid-legacy', '--pin-stdin'], '123456\n246802\n246802\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PIN-koden är bytt.');
    expect(run.stdout).not.toContain('Varning');
    expect(pinCommands(lastEngine())).toEqual(['00240081']);
    const trivial = await pin(['change', '--demo', 'netid-legacy', '--pin-stdin'], '123456\n111111\n111111\n');
    expect(trivial.code).toBe(0);
    expect(trivial.stdout).toContain('Varning: den nya PIN-koden är lätt att gissa (samma siffra upprepad).');
  });

  it('unblock auth-pin-blocked: the SetCOS PUK counter is not asked, so --yes-last-try is needed; then exit 0 and 3 tries', async () => {
    const refused = await pin(['unblock', '--demo', 'auth-pin-blocked', '--pin-stdin'], '12345678\n135790\n135790\n');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('PUK-koden: räknaren kan inte läsas på den här korttypen.');
    expect(pinCommands(lastEngine())).toEqual([]);
    const run = await pin(['unblock', '--demo', 'auth-pin-blocked', '--pin-stdin', '--yes-last-try'], '12345678\n135790\n135790\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PIN-koden är upplåst och har fått den nya koden.');
    expect(run.stdout).toContain('Nu: PIN-koden för legitimering: 3 av 3 försök kvar.');
    expect(pinCommands(lastEngine())).toEqual(['002c0081']);
    expect(lastEngine().pinStatus(0x81)).toMatchObject({ blocked: false, triesLeft: 3 });
  });

  it('unblock on an IDPrime card: not offered, says what to do (SITHS eID app for 6XX, else the ID administrator), exit 3', async () => {
    const run = await pin(['unblock', '--demo', 'idprime-auth-pin-blocked', '--pin-stdin'], '12345678\n135790\n135790\n');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('6XX');
    expect(run.stdout).toContain('appen SITHS eID');
    expect(run.stdout).toContain('ID-administratören eller lokal IT-support');
    expect(pinCommands(lastEngine())).toEqual([]);
  });

  const refusals: [string, string[], string, string][] = [
    ['a five-digit PIN', ['test', '--demo', 'netid-legacy'], '12345\n', 'En PIN-kod är sex siffror.'],
    ['a seven-digit PIN', ['test', '--demo', 'netid-legacy'], '1234567\n', 'En PIN-kod är sex siffror.'],
    ['a new PIN equal to the old', ['change', '--demo', 'netid-legacy'], '123456\n123456\n123456\n', 'Den nya PIN-koden är samma som den nuvarande.'],
    ['a confirmation that differs', ['change', '--demo', 'netid-legacy'], '123456\n246802\n135790\n', 'Den nya PIN-koden och upprepningen skiljer sig åt.'],
    ['a new PIN of five digits', ['change', '--demo', 'netid-legacy'], '123456\n12345\n12345\n', 'En PIN-kod är sex siffror.'],
    ['a seven-digit PUK', ['unblock', '--demo', 'auth-pin-blocked', '--yes-last-try'], '1234567\n135790\n135790\n', 'PUK-koden är åtta siffror.'],
    [
      'an unblock confirmation that differs',
      ['unblock', '--demo', 'auth-pin-blocked', '--yes-last-try'],
      '12345678\n135790\n246802\n',
      'Den nya PIN-koden och upprepningen skiljer sig åt.',
    ],
  ];
  for (const [what, args, input, message] of refusals) {
    it(`refuses ${what} by the policy: exit 3, which rule, no PIN command sent`, async () => {
      const run = await pin([...args, '--pin-stdin'], input);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(message);
      expect(run.stdout).toContain('Ingen PIN-kod skickades till kortet.');
      expect(pinCommands(lastEngine())).toEqual([]);
    });
  }

  it('a missing line on standard input: exit 64, nothing sent', async () => {
    const run = await pin(['change', '--demo', 'netid-legacy', '--pin-stdin'], '123456\n246802\n');
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('den nya PIN-koden igen (rad 3)');
    expect(pinCommands(lastEngine())).toEqual([]);
  });
});

/** A terminal: raw mode recorded, keystrokes written in advance. */
function fakeTerminal(keys: string): CliStdin & { rawModes: boolean[] } {
  const stream = new PassThrough() as unknown as CliStdin & { rawModes: boolean[]; isTTY: boolean };
  stream.rawModes = [];
  stream.isTTY = true;
  stream.setRawMode = (mode: boolean) => stream.rawModes.push(mode);
  (stream as unknown as PassThrough).end(Buffer.from(keys, 'latin1'));
  return stream;
}

describe('kortkoll pin on a terminal', () => {
  it('reads without echo in raw mode, Backspace corrects, and raw mode is left afterwards', async () => {
    const terminal = fakeTerminal('1234567\x7f\r');
    const run = await pin(['test', '--demo', 'netid-legacy'], terminal);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('PIN-koden för legitimering (sex siffror): ');
    expect(terminal.rawModes).toEqual([true, false]);
  });

  it('Ctrl-C at the prompt: exit 130, nothing sent', async () => {
    const terminal = fakeTerminal('12\x03');
    const run = await pin(['test', '--demo', 'netid-legacy'], terminal);
    expect(run.code).toBe(130);
    expect(pinCommands(lastEngine())).toEqual([]);
    expect(terminal.rawModes.at(-1)).toBe(false);
  });

  it('at a last try asks "Ett fel till spärrar PIN-koden. Fortsätt? [j/N]": N refuses (exit 3), j goes on', async () => {
    const no = await pin(['test', '--demo', 'auth-pin-one-try'], fakeTerminal('123456\r\r'));
    expect(no.stderr).toContain('Ett fel till spärrar PIN-koden. Fortsätt? [j/N]');
    expect(no.code).toBe(3);
    expect(pinCommands(lastEngine())).toEqual([]);
    const yes = await pin(['test', '--demo', 'auth-pin-one-try'], fakeTerminal('123456\rj\r'));
    expect(yes.code).toBe(0);
    expect(pinCommands(lastEngine())).toEqual(['00200081']);
  });

  it('change on the terminal: three hidden entries', async () => {
    const run = await pin(['change', '--demo', 'netid-legacy'], fakeTerminal('123456\r246802\r246802\r'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Nuvarande PIN-kod: ');
    expect(run.stderr).toContain('Ny PIN-kod igen: ');
  });
});
