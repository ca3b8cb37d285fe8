/**
 * The registry of diagnosis checks. `checkIds` (report-types.ts) is the one list of ids and their
 * order: the TypeScript type, the JSON schema's enum and this registry all come from it. Every id
 * must have its check here (a missing or extra key does not compile), and the checks run, and are
 * reported, in the order of `checkIds`; a check's `after` must come before it (tested).
 */
import { checkIds, type CheckId } from '../report-types.js';
import type { DiagnosisCheck } from './check.js';
import { authCertificateCheck } from './auth-certificate.js';
import { authPinCheck } from './auth-pin.js';
import { authValidityCheck } from './auth-validity.js';
import { browserStoreCheck } from './browser-store.js';
import { cardAnswersCheck } from './card-answers.js';
import { cardPresentCheck } from './card-present.js';
import { certificatesReadCheck } from './certificates-read.js';
import { chainCheck } from './chain.js';
import { hsaIdCheck } from './hsa-id.js';
import { middlewareCheck } from './middleware.js';
import { pcscServiceCheck } from './pcsc-service.js';
import { pukCheck } from './puk.js';
import { readersCheck } from './readers.js';
import { revocationCheck } from './revocation.js';
import { signPinCheck } from './sign-pin.js';
import { sithsApplicationCheck } from './siths-application.js';
import { systemClockCheck } from './system-clock.js';

const checkById: { readonly [Id in CheckId]: DiagnosisCheck<Id> } = {
  'pcsc-service': pcscServiceCheck,
  readers: readersCheck,
  'card-present': cardPresentCheck,
  'card-answers': cardAnswersCheck,
  'siths-application': sithsApplicationCheck,
  'certificates-read': certificatesReadCheck,
  'auth-certificate': authCertificateCheck,
  'auth-validity': authValidityCheck,
  chain: chainCheck,
  revocation: revocationCheck,
  'hsa-id': hsaIdCheck,
  'auth-pin': authPinCheck,
  'sign-pin': signPinCheck,
  puk: pukCheck,
  middleware: middlewareCheck,
  'browser-store': browserStoreCheck,
  'system-clock': systemClockCheck,
};

/** Every check, in the order they run and are reported. */
export const diagnosisChecks: readonly DiagnosisCheck[] = checkIds.map((id) => checkById[id]);
