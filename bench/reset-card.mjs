// Another process resetting the card: connect in shared mode, disconnect with SCARD_RESET_CARD.
// Used by the soak's fault "card reset by another process between APDUs" (bench/soak-faults.ts).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pcsclite = require('pcsclite');
const readerName = process.argv[2];
const SCARD_SHARE_SHARED = 2;
const SCARD_PROTOCOL_ANY = 3;
const SCARD_RESET_CARD = 1;
const context = pcsclite();
const timer = setTimeout(() => process.exit(2), 10000);
context.on('reader', (reader) => {
  if (reader.name !== readerName) return;
  reader.on('status', (status) => {
    if ((status.state & 0x20) === 0 || reader.__done) return;
    reader.__done = true;
    reader.connect({ share_mode: SCARD_SHARE_SHARED, protocol: SCARD_PROTOCOL_ANY }, (error) => {
      if (error) {
        console.error(error.message);
        process.exit(1);
      }
      reader.disconnect(SCARD_RESET_CARD, (err) => {
        clearTimeout(timer);
        process.exit(err ? 1 : 0);
      });
    });
  });
});
