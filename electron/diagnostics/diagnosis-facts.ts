/**
 * What the diagnosis is made from: everything slow (reading the card, chains, network, system
 * probes) has been done before, so the checks are pure and the report can be rebuilt in the other
 * language at once.
 */
import type { ReaderState } from '../../native/transport.js';
import type { SystemFact } from '../../native/system/types.js';
import type { MiddlewareComparison } from '../../native/system/index.js';
import type { BrowserStoreView } from '../../native/system/browser-store/index.js';
import type { CardReadResult, CardSnapshot } from '../card/card-read-result.js';
import type { AnalysedCertificate, CardAnalysis } from './card-analysis.js';

export interface DiagnosisFacts {
  generatedAt: Date;
  app: { version: string };
  os: { name: string; platform: string; arch: string };
  online: boolean;
  demoCard: string | null;
  service: { available: boolean; error?: { code: string; message: string } };
  readers: ReaderState[];
  selectedReader: string | null;
  /** True while a card is being read (the report then says so instead of "no card"). */
  reading: boolean;
  /** null: no card was read (none present, or no reader). */
  read: CardReadResult | null;
  analysis: CardAnalysis | null;
  /** Operating-system and middleware facts, when the probes ran. */
  system: SystemFact[] | null;
  /** What the middleware's PKCS#11 module(s) see of the card we read, when they were asked. */
  middleware?: MiddlewareComparison[] | null;
  /** What the browser certificate stores hold, looked at after the card was read (null: not yet, or not asked). */
  browserStores?: BrowserStoreView[] | null;
}

/** The card's contents, when the read gave a complete snapshot. */
export function cardSnapshotOf(facts: DiagnosisFacts): CardSnapshot | null {
  return facts.read?.kind === 'snapshot' ? facts.read : null;
}

/** The certificate analysis, only together with the snapshot it was made from. */
export function cardAnalysisOf(facts: DiagnosisFacts): CardAnalysis | null {
  return cardSnapshotOf(facts) ? facts.analysis : null;
}

/** The certificate the login guide points at (or would, but for its dates). */
export function loginCertificateOf(facts: DiagnosisFacts): AnalysedCertificate | null {
  return cardAnalysisOf(facts)?.loginCertificate ?? null;
}
