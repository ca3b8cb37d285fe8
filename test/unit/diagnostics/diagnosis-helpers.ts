/** Runs the whole pipeline on a virtual card in-process: read → analyse → report. */
import { fileURLToPath } from 'node:url';
import { buildVirtualCardSpec, type VirtualCardName } from '../../../native/simulator/cards.js';
import { ApduEngine } from '../../../native/simulator/apdu-engine.js';
import type { VirtualCardSpec } from '../../../native/simulator/card-model.js';
import { InProcessTransport } from '../../../native/simulator/in-process-transport.js';
import { readCard } from '../../../electron/card/read-card.js';
import { analyseCardCertificates } from '../../../electron/diagnostics/card-analysis.js';
import { buildDiagnosticReport, type DiagnosisFacts } from '../../../electron/diagnostics/diagnose.js';
import type { Lang } from '../../../electron/i18n/index.js';
import type { CardTransport } from '../../../native/transport.js';

/** The one entry of pcsc-tools' list the virtual cards need (the bank card's), the same on every machine. */
export const smartcardListExcerpt = fileURLToPath(new URL('../../fixtures/smartcard-list/excerpt.txt', import.meta.url));

/** A fixed moment, so certificate dates (relative to it) and the report are the same every run. */
export const fixedNow = new Date('2026-03-02T09:30:00Z');

export async function diagnoseVirtualCard(name: VirtualCardName) {
  return diagnoseCardSpec(await buildVirtualCardSpec(name, { now: fixedNow }));
}

export interface DiagnoseSpecOptions {
  now?: Date;
  /** An anchors file, as `--anchors FILE` gives it. */
  anchorsFile?: { content: Uint8Array | string; origin: string };
}

/** The same pipeline for any card spec (a ready card, or one a test built from its own certificates). */
export async function diagnoseCardSpec(spec: VirtualCardSpec, options: DiagnoseSpecOptions = {}) {
  return diagnoseTransport(new InProcessTransport(new ApduEngine(spec)), spec.name, options);
}

/** The pipeline on any card transport (a virtual card, or one a test makes fail on the way); `demoCard` names it in the report. */
export async function diagnoseTransport(transport: CardTransport, demoCard: string | null, options: DiagnoseSpecOptions = {}) {
  const now = options.now ?? fixedNow;
  const clock = {
    now: () => now,
    monotonicMs: (() => {
      let t = 0;
      return () => (t += 1);
    })(),
  };
  const read = await readCard(transport, { clock, smartcardListPath: smartcardListExcerpt });
  const analysis =
    read.kind === 'snapshot'
      ? await analyseCardCertificates(read, {
          now,
          online: false,
          systemAnchors: () => ({ status: { source: 'system', available: false, count: 0, reason: 'unsupported-runtime' }, anchors: [] }),
          ...(options.anchorsFile && { anchorsFile: options.anchorsFile }),
        })
      : null;
  const facts: DiagnosisFacts = {
    generatedAt: now,
    app: { version: '0.1.0' },
    os: { name: 'Linux 6.1.0', platform: 'linux', arch: 'x64' },
    online: false,
    demoCard,
    service: { available: true },
    readers: [{ name: transport.readerName, cardPresent: true, atr: transport.atr }],
    selectedReader: transport.readerName,
    reading: false,
    read,
    analysis,
    system: null,
  };
  return { read, analysis, report: (lang: Lang) => buildDiagnosticReport(facts, lang) };
}

/**
 * Fingerprints differ between runs (keys are random per process): mask them. The APDU log and the
 * byte counts follow the exact certificate sizes of the test PKI; they are tested by the card
 * tests, not by the wording snapshot, so they are left out here.
 */
export function normaliseReportText(text: string): string {
  const withoutApdus = text.replace(/\n(KOMMANDON TILL KORTET|COMMANDS SENT TO THE CARD)[\s\S]*$/, '\n');
  return withoutApdus
    .replace(/\b([0-9A-F]{2}:){19,31}[0-9A-F]{2}\b/g, '<fingerprint>')
    .replace(/^(\s+(Läsning|Reading):\s+).*$/gm, '$1<timing and byte counts>');
}
