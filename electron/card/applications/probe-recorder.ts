/**
 * Records the APDUs sent while probing a card for its structure, with the card's answers, so that
 * the snapshot, the report and `kortkoll probe` can show exactly what was asked and answered.
 */
import { toHex } from '../../../native/bytes.js';
import type { CardStructure, StructureProbe } from '../card-read-result.js';
import type { CardSession } from '../session.js';

export class ProbeRecorder {
  readonly probes: StructureProbe[] = [];
  private readonly session: CardSession;

  constructor(session: CardSession) {
    this.session = session;
  }

  /** Runs one probe step; every APDU it sends is recorded under `target`, also when it throws. */
  async step<T>(structure: CardStructure, target: string, run: () => Promise<T>): Promise<T> {
    const before = this.session.stats().apduCount;
    try {
      return await run();
    } finally {
      const sent = this.session.stats().apduCount - before;
      const log = this.session.exchanges();
      for (const exchange of sent > 0 ? log.slice(-sent) : []) {
        const response = exchange.response;
        this.probes.push({
          structure,
          target,
          command: toHex(exchange.command),
          statusWord: response.length >= 2 ? toHex(response.subarray(response.length - 2)) : null,
          response: response.length > 2 ? toHex(response.subarray(0, response.length - 2)) : null,
        });
      }
    }
  }
}
