// A separate program that takes a card EXCLUSIVELY, the way a misbehaving middleware would, so
// tests can check what our shared-mode layer does. Talks in lines:
//   argv[2]          reader name
//   stdout "held"    once it holds the card; "error <message>" if it could not
//   stdin  "release" disconnect (leaving the card), then stdout "released"
//   stdin closed     exit
// Test code only: the application itself never opens a card exclusively.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pcsclite = require('pcsclite');
const readerName = process.argv[2];
const say = (line) => process.stdout.write(`${line}\n`);

let pcsc;
let held;
try {
  pcsc = pcsclite();
} catch (error) {
  say(`error ${error.message}`);
  process.exit(1);
}
pcsc.on('error', () => {});
pcsc.on('reader', (reader) => {
  reader.on('error', () => {});
  if (reader.name !== readerName) return;
  let tried = false;
  reader.on('status', (status) => {
    if (tried || (status.state & reader.SCARD_STATE_PRESENT) === 0) return;
    tried = true;
    reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE }, (error) => {
      if (error) {
        say(`error ${error.message}`);
        return;
      }
      held = reader;
      say('held');
    });
  });
});

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let newline;
  while ((newline = input.indexOf('\n')) >= 0) {
    const command = input.slice(0, newline).trim();
    input = input.slice(newline + 1);
    if (command === 'release' && held) {
      held.disconnect(held.SCARD_LEAVE_CARD, (error) => {
        say(error ? `error ${error.message}` : 'released');
        held = undefined;
      });
    }
  }
});
process.stdin.on('end', () => {
  // Leave quickly and let pcscd drop whatever is still held when the process goes.
  try {
    pcsc.close();
  } catch {
    // Nothing to save.
  }
  process.exit(0);
});
