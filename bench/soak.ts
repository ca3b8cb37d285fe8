/**
 * `npm run soak [-- --cycles N --minutes M]`: does Kortkoll hold up over a day? The service as the
 * desktop app runs it (createKortkollService + the real PC/SC monitor), through the real pcscd with
 * vpcd's two readers. Prints figures and PASS/FAIL per target; exit 0 when all pass, 1 otherwise
 * (64 for a bad option). Not part of `npm test`: test/integration/soak-short.test.ts and
 * soak-faults.test.ts are the short version, asserting correctness only.
 *
 *   churn      N insert/remove cycles (default 1000) through every virtual card, IDPrime included;
 *              RSS, heap, fds, handles every 50 cycles; CPU over a 1 s pause every 50 cycles
 *   idle       CPU over `--idle-seconds` (default 60) with the service watching an empty reader
 *   readers    cards in both readers, removed and swapped in turn (`--reader-rounds`, default 10)
 *   restarts   pcscd killed and started again `--restarts` times (default 20), every other one mid-read
 *   faults     a card that stops answering, garbage of every kind at every APDU index, a slow card,
 *              a card reset by another process, a burst of insert/remove events
 *   renderer   `--minutes M` (default 0: skipped; the issue's full run is 10) of the renderer in
 *              Chromium receiving every state while cards go in and out: its JS heap and responsiveness
 *
 * pcscd is shared: the whole run holds /tmp/kortkoll-pcscd.lock (as `npm run bench` does); run it
 * under `flock /tmp/kortkoll-rig.lock` too where others share the rig. It always leaves pcscd running.
 * Run with `node --expose-gc` (the npm script does) so that heap samples are taken after a GC.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { holdPcscdLock } from '../test/e2e/harness/pcscd.js';
import { startPcscd, stopPcscd, ensurePcscdRunning } from '../test/integration/helpers/pcscd.js';
import {
  buildSpecs,
  CHURN_CARDS,
  cpuMsDuring,
  runChurn,
  runRestarts,
  runTwoReaders,
  slope,
  sleep,
  startService,
  isNoCard,
  type ResourceSample,
} from './soak-lib.js';
import {
  cleanRead,
  garbageMatrix,
  insertFaulty,
  isDegradedCounter,
  isWrongVerdict,
  openRig,
  outcomeOf,
  removeAndWait,
  resetFromAnotherProcess,
} from './soak-faults.js';
import { ApduEngine } from '../native/simulator/apdu-engine.js';
import { VpcdCardSocket } from '../native/simulator/vpcd-client.js';
import { runRendererSoak } from './soak-renderer.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const verdicts: { target: string; pass: boolean; figure: string }[] = [];
function judge(target: string, pass: boolean, figure: string): void {
  verdicts.push({ target, pass, figure });
  say(`${pass ? 'PASS' : 'FAIL'}  ${target}: ${figure}`);
}

/** Growth from the first sample after warm-up to the last, in %, and the slope per 100 cycles. */
function growth(
  samples: readonly ResourceSample[],
  key: 'rssMb' | 'heapMb' | 'fds' | 'handles',
  warmUp: number,
): { percent: number; slope100: number; from: number; to: number } {
  const after = samples.filter((s) => s.cycle >= warmUp);
  const first = after[0]?.[key] ?? 0;
  const last = after.at(-1)?.[key] ?? 0;
  return {
    percent: first === 0 ? 0 : ((last - first) / first) * 100,
    slope100: slope(after.map((s) => ({ x: s.cycle, y: s[key] }))) * 100,
    from: first,
    to: last,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '0' },
      'idle-seconds': { type: 'string', default: '60' },
      restarts: { type: 'string', default: '20' },
      'reader-rounds': { type: 'string', default: '10' },
      'no-faults': { type: 'boolean', default: false },
    },
  });
  const cycles = Number(values.cycles);
  const minutes = Number(values.minutes);
  const idleSeconds = Number(values['idle-seconds']);
  const restarts = Number(values.restarts);
  const readerRounds = Number(values['reader-rounds']);
  if (![cycles, minutes, idleSeconds, restarts, readerRounds].every((n) => Number.isFinite(n) && n >= 0)) {
    console.error('usage: npm run soak -- [--cycles N] [--minutes M] [--idle-seconds S] [--restarts N] [--reader-rounds N] [--no-faults]');
    return 64;
  }
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  say(
    `Kortkoll soak: ${cycles} cycles, ${restarts} pcscd restarts, ${readerRounds} two-reader rounds, idle ${idleSeconds} s, renderer ${minutes} min${gc ? '' : ' (no --expose-gc: heap figures are noisy)'}`,
  );
  say(
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, node ${process.version}`,
  );
  const loadStart = os.loadavg();
  say(`load average at start: ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);

  const lock = await holdPcscdLock(600_000);
  try {
    await ensurePcscdRunning();
    const builtAt = performance.now();
    const specs = await buildSpecs(CHURN_CARDS);
    say(`built ${specs.size} virtual cards once in ${((performance.now() - builtAt) / 1000).toFixed(1)} s`);

    // ---- churn
    say('\n== churn');
    // Every 50 cycles in a full run; a short run still gets five samples.
    const sampleEvery = cycles >= 250 ? 50 : Math.max(5, Math.floor(cycles / 5));
    const churn = await runChurn(specs, { cycles, sampleEvery, log: say });
    const missed = churn.problems.length;
    judge(
      `churn: every insertion shows its own card's verdict, every removal "no card" (${churn.cycles} cycles)`,
      missed === 0 && churn.cycles === cycles,
      `${missed} problems`,
    );
    // Warm-up: the first 20 % of the cycles, at most 100 (JIT, the certificate caches, pcscd's own).
    const warmUp = Math.min(100, Math.ceil(cycles / 5 / sampleEvery) * sampleEvery);
    say(`samples every ${sampleEvery} cycles, warm-up ${warmUp} cycles`);
    for (const key of ['rssMb', 'heapMb', 'fds', 'handles'] as const) {
      const g = growth(churn.samples, key, warmUp);
      const unit = key.endsWith('Mb') ? ' MiB' : '';
      // Counts of a few fds/handles: ±1 is not growth.
      const pass = key === 'fds' || key === 'handles' ? g.to - g.from <= Math.max(1, g.from * 0.1) : g.percent < 10;
      judge(
        `churn: ${key} growth after warm-up (${warmUp} cycles) < 10 %`,
        churn.samples.length >= 3 && pass,
        `${g.from.toFixed(1)} → ${g.to.toFixed(1)}${unit} (${g.percent.toFixed(1)} %), slope ${g.slope100.toFixed(3)}${unit} per 100 cycles`,
      );
    }
    const idleBetween = churn.idleCpuMs.length ? Math.max(...churn.idleCpuMs) : 0;
    judge(
      'churn: CPU while idle between cycles ≈ 0 (< 2 % of a core)',
      idleBetween < churn.idlePauseMs * 0.02,
      `max ${idleBetween.toFixed(1)} ms CPU per ${churn.idlePauseMs} ms pause (${churn.idleCpuMs.length} pauses)`,
    );
    const sorted = [...churn.cycleMs].sort((a, b) => a - b);
    say(`cycle time: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(0)} ms`);

    // ---- idle
    if (idleSeconds > 0) {
      say(`\n== idle ${idleSeconds} s`);
      const { service, recorder } = startService();
      await service.start();
      await recorder.waitFor(isNoCard, 10_000, 'an empty reader');
      const cpu = process.cpuUsage();
      await sleep(idleSeconds * 1000);
      const ms = cpuMsDuring(cpu);
      recorder.stop();
      await service.close();
      judge(
        `idle: CPU over ${idleSeconds} s watching the readers ≈ 0 (< 1 %)`,
        ms < idleSeconds * 1000 * 0.01,
        `${ms.toFixed(1)} ms CPU (${((ms / (idleSeconds * 1000)) * 100).toFixed(3)} %)`,
      );
    }

    // ---- two readers
    if (readerRounds > 0) {
      say('\n== two readers');
      const two = await runTwoReaders(new Map([...specs].filter(([name]) => name === 'netid-legacy' || name === 'siths-eid-idprime')), readerRounds, say);
      judge(
        'two readers: first card wins, the followed reader is followed, no reading attributed to the wrong reader',
        two.problems.length === 0,
        `${two.steps} checks, ${two.problems.length} problems`,
      );
    }

    // ---- pcscd restarts
    if (restarts > 0) {
      say('\n== pcscd restarts');
      const result = await runRestarts(specs.get('siths-eid-2024')!, restarts, { stop: stopPcscd, start: startPcscd }, { log: say });
      const failed = result.rounds.filter((r) => r.problem);
      judge(
        `restarts: service lost, back and the card read again every time (${restarts}, ${result.rounds.filter((r) => r.midRead).length} mid-read)`,
        failed.length === 0,
        `${failed.length} problems`,
      );
      const worstBack = Math.max(...result.rounds.map((r) => r.restoredMs ?? Infinity));
      judge('restarts: service restored within 3 s of pcscd starting', worstBack <= 3000, `worst ${worstBack.toFixed(0)} ms`);
      const worstCpu = Math.max(...result.rounds.map((r) => r.outageCpuMs / r.outageMs));
      judge('restarts: no busy loop while pcscd is down (< 5 % of a core)', worstCpu < 0.05, `worst ${(worstCpu * 100).toFixed(2)} %`);
      judge(
        'restarts: fds and handles flat afterwards',
        result.fdsAfter - result.fdsBefore <= 1 && result.handlesAfter - result.handlesBefore <= 1,
        `fds ${result.fdsBefore} → ${result.fdsAfter}, handles ${result.handlesBefore} → ${result.handlesAfter}`,
      );
    }

    // ---- faults
    if (!values['no-faults']) {
      say('\n== faults');
      const rig = await openRig();
      try {
        const spec = specs.get('siths-eid-2024')!;
        const reference = await cleanRead(rig, spec);
        const engine = new ApduEngine(spec);
        const probe = await insertFaulty(rig, spec, {});
        await removeAndWait(rig, probe.socket);
        const cleanOutcome = probe.outcome.outcome;
        // The number of APDUs of a clean read, counted at the card.
        const counter = new VpcdCardSocket(engine, { port: 35963 });
        await counter.insert();
        await rig.recorder.waitFor((s) => s.phase === 'ready' || s.phase === 'card-error', 15_000, 'the APDU count read');
        const apdus = engine.apduLog.length;
        const m = rig.recorder.mark;
        await counter.remove();
        await rig.recorder.waitFor(isNoCard, 10_000, 'no card', m);

        const stall = await insertFaulty(rig, spec, { stallAtApdu: Math.floor(apdus / 2) }, 30_000);
        await removeAndWait(rig, stall.socket);
        const after = await cleanRead(rig, spec);
        judge(
          'fault: a card that stops answering mid-APDU gives a typed timeout (bound 5 s), then a clean read',
          stall.outcome.outcome === 'transport-error:timeout' && after === reference,
          `${stall.outcome.outcome} after ${stall.outcome.ms.toFixed(0)} ms; re-inserted: ${after === reference ? 'clean read' : 'DIFFERENT'}`,
        );

        const rows = await garbageMatrix(rig, spec, reference, apdus, say);
        const wrong = rows.filter((row) => isWrongVerdict(row, cleanOutcome, reference));
        const degraded = rows.filter((row) => isDegradedCounter(row, reference));
        for (const w of wrong) say(`  wrong verdict, ${w.kind} at APDU ${w.atApdu}:\n    shown ${w.shown}\n    clean ${reference}`);
        judge(
          `fault: garbage of 5 kinds at each of ${apdus} APDU indexes: typed error or the clean reading, never a wrong verdict`,
          wrong.length === 0,
          `${rows.length} reads, ${rows.filter((r) => !r.sameAsClean).length - degraded.length} typed failures, ${degraded.length} with a PIN counter unknown, ${wrong.length} wrong${
            wrong.length
              ? `: ${wrong
                  .slice(0, 5)
                  .map((w) => `${w.kind}@${w.atApdu}=${w.outcome}`)
                  .join(', ')}`
              : ''
          }`,
        );

        const slow = await insertFaulty(rig, spec, { delayPerApduMs: 300 }, 60_000);
        await removeAndWait(rig, slow.socket);
        judge(
          'fault: a slow card (300 ms per APDU) gives the right verdict with progress shown',
          slow.outcome.shown === reference && slow.outcome.progress.includes('reading-auth') && slow.outcome.progress.includes('auth-ready'),
          `${(slow.outcome.ms / 1000).toFixed(1)} s, progress ${slow.outcome.progress.join(' → ')}`,
        );

        let resetDone: Promise<number | null> | undefined;
        const reset = await insertFaulty(
          rig,
          spec,
          { delayPerApduMs: 100, afterApdu: (i) => void (i === 2 && !resetDone && (resetDone = resetFromAnotherProcess('Virtual PCD 00 00'))) },
          30_000,
        );
        await resetDone;
        const mark = rig.recorder.mark;
        await rig.service.runDiagnosis({ online: false });
        const again = await rig.recorder.waitFor((s) => s.phase === 'ready' || s.phase === 'card-error', 20_000, 'read again', mark);
        await removeAndWait(rig, reset.socket);
        judge(
          'fault: a card reset by another process between APDUs gives card-reset, then reads again',
          reset.outcome.outcome === 'transport-error:card-reset' && outcomeOf(again) === cleanOutcome,
          `${reset.outcome.outcome}; again: ${outcomeOf(again)}`,
        );
      } finally {
        await rig.close();
      }
    }

    // ---- renderer
    if (minutes > 0) {
      say(`\n== renderer ${minutes} min`);
      const figures = await runRendererSoak(specs, minutes, say);
      if (figures.kind === 'skipped') say(`renderer skipped: ${figures.reason}`);
      else {
        judge(
          "renderer: the page shows the service's verdict after every insertion (it is sent every state)",
          figures.missedStates === 0,
          `${figures.cycles} insertions, ${figures.states} states sent, ${figures.missedStates} not shown`,
        );
        say(`renderer JS heap samples (min: MiB): ${figures.samples.map((p) => `${p.x.toFixed(1)}: ${p.y.toFixed(2)}`).join(', ')}`);
        judge(
          `renderer: JS heap flat after warm-up (${figures.warmUpMin.toFixed(1)} min), fitted line < 10 %`,
          figures.heapGrowthPercent < 10,
          `${figures.heapFromMb.toFixed(2)} → ${figures.heapToMb.toFixed(2)} MiB (${figures.heapGrowthPercent.toFixed(1)} %), slope ${figures.heapSlopeMbPerMinute.toFixed(3)} MiB/min; samples ${figures.firstSampleMb.toFixed(2)} → ${figures.lastSampleMb.toFixed(2)} MiB`,
        );
        judge('renderer: page responsive (evaluate round trip < 500 ms)', figures.worstRoundTripMs < 500, `worst ${figures.worstRoundTripMs.toFixed(0)} ms`);
      }
    }
  } finally {
    await ensurePcscdRunning();
    await lock.release();
  }
  const loadEnd = os.loadavg();
  say(`\nload average at end: ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`);
  const failed = verdicts.filter((v) => !v.pass);
  say(`${verdicts.length - failed.length} PASS, ${failed.length} FAIL`);
  return failed.length === 0 ? 0 : 1;
}

const code = await main().catch((error: unknown) => {
  console.error(`soak broke: ${error instanceof Error ? error.stack : String(error)}`);
  return 70;
});
// pcsclite's native handles may keep the loop alive after close().
process.exit(code);
