/**
 * Demo mode: the virtual SITHS cards (native/simulator) as a feature of the app and the CLI, so a
 * person can see what Kortkoll shows without a reader. `real-test-chain` reads files from the
 * developers' shared folder and is for tests only.
 */
import type { CardConnection } from '../native/transport.js';
import { createVirtualCard, isVirtualCardName, virtualCardDescriptions, virtualCardNames, type VirtualCardName } from '../native/simulator/cards.js';
import { InProcessTransport, DEFAULT_IN_PROCESS_READER_NAME } from '../native/simulator/in-process-transport.js';
import type { ApduEngine } from '../native/simulator/apdu-engine.js';
import type { DemoCardInfo } from './ipc-contract.js';

const testOnlyCards: readonly VirtualCardName[] = ['real-test-chain'];

export function demoCards(): DemoCardInfo[] {
  return virtualCardNames.filter((name) => !testOnlyCards.includes(name)).map((name) => ({ name, description: virtualCardDescriptions[name] }));
}

export interface DemoCardSession {
  readonly name: string;
  readonly readerName: string;
  readonly atr: Uint8Array;
  /** A fresh connection to the card, as if it had just been inserted. */
  connect(): CardConnection;
}

export class UnknownDemoCardError extends Error {
  readonly code = 'unknown-demo-card';
  constructor(name: string) {
    super(`Unknown demo card: ${name}. Known: ${virtualCardNames.join(', ')}`);
  }
}

export async function openDemoCard(name: string): Promise<DemoCardSession> {
  if (!isVirtualCardName(name)) throw new UnknownDemoCardError(name);
  const engine: ApduEngine = await createVirtualCard(name);
  return {
    name,
    readerName: DEFAULT_IN_PROCESS_READER_NAME,
    atr: engine.atr,
    connect: () => new InProcessTransport(engine),
  };
}
