/**
 * Report and guide types, reached through the IPC contract (the only module of the main process the
 * renderer may import).
 */
import type { AppState } from '../../electron/ipc-contract.js';

export type Report = NonNullable<AppState['report']>;
export type ReportCheck = Report['checks'][number];
export type CheckStatus = ReportCheck['status'];
export type Contact = NonNullable<ReportCheck['remedy']>['contact'];
export type VerdictStatus = Report['verdict']['status'];
export type ReportCertificate = Report['certificates'][number];
export type ReportReader = AppState['readers'][number];
export type LoginStep = AppState['guide']['steps'][number];
export type LoginStepStatus = LoginStep['status'];
