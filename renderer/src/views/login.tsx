/** Logga in: the four steps of the staff login, live from the login guide, and the login page button. */
import { useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { failureText } from '../api.js';
import { formatDate, type MessageKey } from '../i18n.js';
import type { LoginStepStatus } from '../types.js';

const stepStatusKeys: Record<LoginStepStatus, MessageKey> = { waiting: 'stepWaiting', active: 'stepActive', done: 'stepDone', blocked: 'stepBlocked' };
const stepIcons: Record<LoginStepStatus, string> = { waiting: '○', active: '➜', done: '✓', blocked: '✕' };

export function LoginView({ state, api, t }: ViewProps) {
  const { guide } = state;
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const open = () => {
    api.openLoginPage().then(
      () => setNotice({ ok: true, text: t('loginPageOpened') }),
      (error: unknown) => setNotice({ ok: false, text: failureText(error, t) }),
    );
  };
  return (
    <div class="view">
      <h2>{t('loginHeading')}</h2>
      <p class="muted">{t('loginIntro')}</p>
      <ol class="steps" data-testid="login-steps">
        {guide.steps.map((step) => (
          <li key={step.number} class={`step step--${step.status}`} data-status={step.status}>
            <p class="step__marker" aria-hidden="true">
              {stepIcons[step.status]}
            </p>
            <div class="step__body">
              <h3 id={`step-${step.number}-title`} class="step__title">
                <span class="step__number">{t('stepNumber', { n: step.number })}: </span>
                {step.title}
              </h3>
              <p class="step__status">{t(stepStatusKeys[step.status])}</p>
              <p class="step__detail">{step.detail}</p>
              {step.certificate && (
                <dl class="facts facts--compact">
                  <div class="facts__row">
                    <dt>{t('issuedTo')}</dt>
                    <dd>{step.certificate.subjectCommonName}</dd>
                  </div>
                  <div class="facts__row">
                    <dt>{t('issuedBy')}</dt>
                    <dd>{step.certificate.issuerCommonName}</dd>
                  </div>
                  <div class="facts__row">
                    <dt>{t('validUntil')}</dt>
                    <dd>{formatDate(step.certificate.validTo)}</dd>
                  </div>
                </dl>
              )}
              {step.warning && (
                <p class="step__warning">
                  <strong>{t('warning')}</strong> {step.warning}
                </p>
              )}
              {step.number === 2 && (
                <p>
                  <button type="button" class="button" onClick={open}>
                    {t('openLoginPage')}
                  </button>{' '}
                  <span class="muted code">{guide.loginUrl}</span>
                </p>
              )}
            </div>
          </li>
        ))}
      </ol>
      {notice && (
        <p class={notice.ok ? 'notice notice--ok' : 'notice notice--error'} role="status">
          {notice.text}
        </p>
      )}
      <p class="logout-reminder">{guide.logoutReminder}</p>
    </div>
  );
}
