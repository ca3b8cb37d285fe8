/**
 * Hjälp: what login needs, whom to contact for what, and the links — the content of the staff
 * support page, kept in one place. Links open in the user's browser through the shell's allowlist.
 */
import type { ViewProps } from '../app.js';
import { ExternalLink } from '../components.js';

export const cardTestPageUrl = 'https://test.siths.se/';

export function HelpView({ state, api, t, fail }: ViewProps) {
  return (
    <div class="view">
      <h2>{t('helpHeading')}</h2>
      <section class="card-section" aria-labelledby="help-needs">
        <h3 id="help-needs">{t('helpNeedsHeading')}</h3>
        <ul class="plain-list">
          <li>{t('helpNeedCard')}</li>
          <li>{t('helpNeedReader')}</li>
          <li>{t('helpNeedPin')}</li>
          <li>{t('helpNeedMiddleware')}</li>
        </ul>
      </section>
      <section class="card-section" aria-labelledby="help-pin">
        <h3 id="help-pin">{t('helpPinHeading')}</h3>
        <ul class="plain-list">
          <li>{t('helpPinBlock')}</li>
          <li>{t('helpPukBlock')}</li>
          <li>{t('helpPinNever')}</li>
        </ul>
      </section>
      <section class="card-section" aria-labelledby="help-contact">
        <h3 id="help-contact">{t('helpContactHeading')}</h3>
        <dl class="contacts">
          <div class="contacts__row">
            <dt>{t('helpContactLocalIt')}</dt>
            <dd>{t('helpContactLocalItWho')}</dd>
          </div>
          <div class="contacts__row">
            <dt>{t('helpContactSupport')}</dt>
            <dd>{t('helpContactSupportWho')}</dd>
          </div>
        </dl>
      </section>
      <section class="card-section" aria-labelledby="help-links">
        <h3 id="help-links">{t('helpLinksHeading')}</h3>
        <ul class="plain-list">
          <li>
            <ExternalLink href={cardTestPageUrl} t={t}>
              {t('helpCardTestPage')}
            </ExternalLink>
          </li>
          <li>
            <button type="button" class="link-button" onClick={() => api.openLoginPage().catch(fail)}>
              {t('helpLoginPage')}: <span class="code">{state.guide.loginUrl}</span>
            </button>{' '}
            <span class="external-link__hint">{t('helpOpensInBrowser')}</span>
          </li>
        </ul>
      </section>
    </div>
  );
}
