/** The four login steps of the staff support page, as data the UI and the CLI show. */
export type LoginStepStatus = 'waiting' | 'active' | 'done' | 'blocked';

export interface LoginStep {
  number: 1 | 2 | 3 | 4;
  status: LoginStepStatus;
  title: string;
  /** What to do, or what we saw (e.g. "Kortet lästes på 0,4 s"). */
  detail: string;
  /** A warning that belongs to this step (Telia certificate, one PIN try left…). */
  warning?: string;
  /** Step 3: the certificate to pick, as the browser's picker shows it. */
  certificate?: { subjectCommonName: string; issuerCommonName: string; validTo: string; serialNumber?: string; thumbprint?: string };
  /** Step 3: will the browser's picker offer it (the "browser-store" check); absent: not checked. */
  browser?: { shows: boolean; detail: string };
  /** Step 4: tries left for the authentication PIN (null when unknown). */
  pinTriesLeft?: number | null;
}

export interface LoginGuide {
  steps: LoginStep[];
  loginUrl: string;
  logoutReminder: string;
}
