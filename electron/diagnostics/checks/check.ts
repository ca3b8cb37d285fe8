/**
 * What one diagnosis check is: its id, the check it stands on, what its outcome means for the
 * verdict, and a pure `run` from the facts to a finding. The checks themselves are one file each
 * beside this one; `index.ts` keeps them in the order they run.
 */
import type { Lang } from '../../i18n/index.js';
import type { DiagnosisFacts } from '../diagnosis-facts.js';
import { diagnosticMessages, type DiagnosticMessageKey } from '../messages.js';
import type { CheckId, CheckStatus, Contact, ReportFact, VerdictStatus } from '../report-types.js';

export interface CheckRemedy {
  text: string;
  contact: Contact;
}

/** What a check found, before the runner adds its id and title. */
export interface CheckDraft {
  status: CheckStatus;
  summary: string;
  evidence?: ReportFact[];
  remedy?: CheckRemedy;
  /** An `unknown` that still ends the layers above (nothing more could be read), like an error does. */
  haltsDependents?: boolean;
}

/** How a check puts its finding into words, in the report's language. */
export interface CheckWriter {
  readonly lang: Lang;
  t(key: DiagnosticMessageKey, params?: Record<string, string | number>): string;
  fact(key: string, labelKey: DiagnosticMessageKey, value: string, personal?: boolean): ReportFact;
  remedy(key: DiagnosticMessageKey, contact: Contact, params?: Record<string, string | number>): CheckRemedy;
}

/** The verdicts that name a missing layer (no service, no reader, no card) instead of saying "blocked". */
export interface MissingLayerVerdict {
  status: Extract<VerdictStatus, 'no-service' | 'no-reader' | 'no-card'>;
  headline: DiagnosticMessageKey;
  advice: DiagnosticMessageKey;
}

export interface DiagnosisCheck<Id extends CheckId = CheckId> {
  readonly id: Id;
  /**
   * The check this one stands on: when that one ended in an error, was not run, or halted, this one
   * is `not-run`. null: it runs whatever the checks before it found.
   */
  readonly after: CheckId | null;
  /** An error here is a missing layer: the verdict names it (the first such in the order wins). */
  readonly missingLayer?: MissingLayerVerdict;
  /** An error here stops a login: the verdict is "blocked", advised by the first such check in the order. */
  readonly blocksLogin?: true;
  /**
   * A warning here is for the person, not only for IT support: the verdict is "attention". Of several
   * such warnings the lowest rank gives the advice (the most urgent thing to do first), which is not
   * the order the checks run in.
   */
  readonly warns?: { readonly rank: number };
  run(facts: DiagnosisFacts, w: CheckWriter): CheckDraft;
}

/** Keeps the id's literal type, so the registry can tell that each id has its own check. */
export function defineCheck<const Id extends CheckId>(check: DiagnosisCheck<Id>): DiagnosisCheck<Id> {
  return check;
}

/** A writer whose texts come from `t`; facts and remedies are built the same way whatever the texts are. */
export function writerWith(lang: Lang, t: CheckWriter['t']): CheckWriter {
  return {
    lang,
    t,
    fact: (key, labelKey, value, personal = false) => (personal ? { key, label: t(labelKey), value, personal } : { key, label: t(labelKey), value }),
    remedy: (key, contact, params) => ({ text: t(key, params), contact }),
  };
}

/** The writer of the report: texts from the diagnostics catalogue in one language. */
export function catalogueWriter(lang: Lang): CheckWriter {
  return writerWith(lang, (key, params) => diagnosticMessages.t(key, lang, params));
}
