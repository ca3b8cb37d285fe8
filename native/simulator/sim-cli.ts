/**
 * `npm run sim -- <card> [--reader 0|1] [--latency] [--remove-after MS]`
 *
 * Inserts a virtual card into the running pcscd through vpcd, so that any PC/SC program on this
 * machine (Kortkoll, OpenSC, a browser's middleware) sees it. Enter removes / reinserts the card;
 * q (or Ctrl-C) quits. A developer tool: English only.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { ApduEngine } from './apdu-engine.js';
import type { CardBehaviour } from './card-model.js';
import { VIRTUAL_CARD_PINS, createVirtualCard, isVirtualCardName, virtualCardDescriptions, virtualCardNames, type VirtualCardName } from './cards.js';
import { VPCD_DEFAULT_PORT, VpcdCardSocket } from './vpcd-client.js';
import { toHex } from '../bytes.js';

/** Roughly a contact card at a fast baud rate behind a USB reader. */
const REALISTIC_LATENCY: Pick<CardBehaviour, 'latencyPerApduMs' | 'latencyPerByteMs'> = { latencyPerApduMs: 15, latencyPerByteMs: 0.1 };

function usage(): string {
  const width = Math.max(...virtualCardNames.map((name) => name.length));
  return [
    'Usage: npm run sim -- <card> [options]',
    '',
    'Inserts a virtual SITHS card into the running pcscd (Debian vsmartcard-vpcd).',
    'While it runs: Enter removes or reinserts the card; q then Enter (or Ctrl-C) quits.',
    '',
    'Options:',
    '  --reader 0|1        vpcd reader: 0 = "Virtual PCD 00 00" (TCP 35963, default), 1 = "Virtual PCD 00 01" (35964)',
    "  --latency           simulate a real card's speed (15 ms per APDU + 0.1 ms per byte)",
    '  --latency-ms N      simulate N ms per APDU',
    '  --remove-after MS   pull the card out MS milliseconds after inserting it',
    '  --now ISO-DATE      date the certificates relative to this time instead of now',
    '  --trace             print every APDU exchange',
    '  --help              this text',
    '',
    'Cards:',
    ...virtualCardNames.map((name) => `  ${name.padEnd(width)}  ${virtualCardDescriptions[name]}`),
    '',
    `PINs of the netid-style cards: authentication ${VIRTUAL_CARD_PINS.netid.authentication.value}, signature ${VIRTUAL_CARD_PINS.netid.signature.value}, PUK ${VIRTUAL_CARD_PINS.netid.puk.value}`,
    `PINs of the IDPrime cards: legitimering (0x11) ${VIRTUAL_CARD_PINS.idprime.authentication.value}, underskrift (0x83) ${VIRTUAL_CARD_PINS.idprime.signature.value}; no PUK`,
  ].join('\n');
}

interface CliOptions {
  card: VirtualCardName;
  port: number;
  readerLabel: string;
  behaviour: Partial<CardBehaviour>;
  removeAfterMs: number | undefined;
  now: Date | undefined;
  trace: boolean;
}

class UsageError extends Error {}

function parseCli(argv: string[]): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reader: { type: 'string', default: '0' },
      latency: { type: 'boolean', default: false },
      'latency-ms': { type: 'string' },
      'remove-after': { type: 'string' },
      now: { type: 'string' },
      trace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const card = positionals[0];
  if (!card) throw new UsageError('Which card? Give its name.');
  if (!isVirtualCardName(card)) throw new UsageError(`Unknown card "${card}".`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}".`);
  if (values.reader !== '0' && values.reader !== '1') throw new UsageError('--reader takes 0 or 1.');
  const readerNumber = Number(values.reader);

  const behaviour: Partial<CardBehaviour> = values.latency ? { ...REALISTIC_LATENCY } : {};
  if (values['latency-ms'] !== undefined) {
    const ms = Number(values['latency-ms']);
    if (!Number.isFinite(ms) || ms < 0) throw new UsageError('--latency-ms takes a number of milliseconds.');
    behaviour.latencyPerApduMs = ms;
  }
  let removeAfterMs: number | undefined;
  if (values['remove-after'] !== undefined) {
    removeAfterMs = Number(values['remove-after']);
    if (!Number.isFinite(removeAfterMs) || removeAfterMs < 0) throw new UsageError('--remove-after takes a number of milliseconds.');
  }
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now: not a date: ${values.now}`);
  }
  return {
    card,
    port: VPCD_DEFAULT_PORT + readerNumber,
    readerLabel: `Virtual PCD 00 0${readerNumber}`,
    behaviour,
    removeAfterMs,
    now,
    trace: values.trace,
  };
}

function describePins(card: ApduEngine): string {
  return card
    .pinStatuses()
    .map((pin) => `${pin.label} (0x${pin.reference.toString(16).padStart(2, '0')}) ${pin.blocked ? 'blocked' : `${pin.triesLeft}/${pin.maxTries} tries`}`)
    .join(', ');
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${usage()}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    console.log(usage());
    return 0;
  }

  const started = performance.now();
  const card = await createVirtualCard(options.card, { now: options.now, behaviour: options.behaviour });
  console.log(`Built ${card.name} in ${Math.round(performance.now() - started)} ms: ${card.spec.description}`);
  console.log(`ATR ${toHex(card.atr, ' ')}`);
  if (card.spec.pins.length > 0) console.log(`PINs: ${describePins(card)}`);

  const socket = new VpcdCardSocket(card, { port: options.port, reconnect: true, log: (message) => console.log(`  [vpcd] ${message}`) });
  const where = `${options.readerLabel} (vpcd 127.0.0.1:${options.port})`;
  socket.on('connected', () => console.log(`Card inserted into ${where}. Enter: remove · q: quit`));
  socket.on('disconnected', () => console.log(`Card out of ${where} after ${card.apduLog.length} APDUs so far.`));

  let traced = 0;
  const flushTrace = () => {
    if (!options.trace) return;
    for (; traced < card.apduLog.length; traced++) {
      const entry = card.apduLog[traced]!;
      console.log(`  ${entry.atMs.toFixed(0).padStart(7)} ms  > ${toHex(entry.command)}\n              < ${toHex(entry.response)}`);
    }
  };
  const traceTimer = options.trace ? setInterval(flushTrace, 100) : undefined;

  let wantInserted = true;
  const insert = () => {
    wantInserted = true;
    const waiting = setTimeout(() => console.log(`Waiting for vpcd at 127.0.0.1:${options.port}: is pcscd running? (bash scripts/start-pcscd.sh)`), 2000);
    socket
      .insert()
      .catch((error: Error) => console.log(`Insert did not complete: ${error.message}`))
      .finally(() => clearTimeout(waiting));
  };
  const remove = async () => {
    wantInserted = false;
    await socket.remove();
  };

  let removeTimer: NodeJS.Timeout | undefined;
  insert();
  if (options.removeAfterMs !== undefined) {
    removeTimer = setTimeout(() => {
      console.log(`--remove-after ${options.removeAfterMs}: removing the card.`);
      void remove();
    }, options.removeAfterMs);
  }

  // Stay up while the card is out and stdin is closed: only q or a signal ends the simulator.
  const keepAlive = setInterval(() => {}, 60_000);
  return new Promise<number>((resolve) => {
    let quitting = false;
    const quit = async () => {
      if (quitting) return;
      quitting = true;
      if (removeTimer) clearTimeout(removeTimer);
      if (traceTimer) clearInterval(traceTimer);
      clearInterval(keepAlive);
      await remove();
      flushTrace();
      console.log(`Quit. ${card.apduLog.length} APDUs exchanged. PINs: ${describePins(card) || 'none'}`);
      lines.close();
      resolve(0);
    };
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      const command = line.trim().toLowerCase();
      if (command === 'q' || command === 'quit') {
        void quit();
      } else if (wantInserted) {
        console.log('Removing the card…');
        void remove();
      } else {
        console.log('Inserting the card…');
        insert();
      }
    });
    // Without a terminal (stdin closed, e.g. started in the background) keep running until a signal.
    process.once('SIGINT', () => void quit());
    process.once('SIGTERM', () => void quit());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
