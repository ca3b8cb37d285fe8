/**
 * Runs the diagnosis checks in their order. A check whose prerequisite (`after`) ended in an error
 * or was not run is `not-run` instead of failing too; one that halted (nothing more could be read)
 * makes the checks on it `not-run` for that reason, and halts what stands on them in turn.
 */
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { DiagnosticMessageKey } from './messages.js';
import type { CheckId, ReportCheck } from './report-types.js';
import type { CheckDraft, CheckWriter, DiagnosisCheck } from './checks/check.js';

export interface CheckOutcome {
  check: DiagnosisCheck;
  result: ReportCheck;
}

export function runChecks(checks: readonly DiagnosisCheck[], facts: DiagnosisFacts, w: CheckWriter): CheckOutcome[] {
  const results = new Map<CheckId, ReportCheck>();
  const halted = new Set<CheckId>();
  return checks.map((check) => {
    const { id, after } = check;
    const prerequisite = after === null ? undefined : results.get(after);
    const afterHalted = after !== null && halted.has(after);
    const blocked = prerequisite !== undefined && (prerequisite.status === 'error' || prerequisite.status === 'not-run' || afterHalted);
    const draft: CheckDraft = blocked ? { status: 'not-run', summary: w.t(afterHalted ? 'notRunUnread' : 'notRun') } : check.run(facts, w);
    // What is not run because of a halted check halts what depends on it in turn.
    if (draft.haltsDependents || afterHalted) halted.add(id);
    const result: ReportCheck = {
      id,
      status: draft.status,
      title: w.t(`title.${id}` as DiagnosticMessageKey),
      summary: draft.summary,
      evidence: draft.evidence ?? [],
      ...(draft.remedy && { remedy: draft.remedy }),
    };
    results.set(id, result);
    return { check, result };
  });
}
