/**
 * Kortläsare och system: readers with their ATRs, the card and its profile, PIN counters, the
 * PC/SC service and middleware facts, and the APDU log of the last read (PINs are never in it).
 */
import type { ViewProps } from '../app.js';
import { DemoPicker, Facts } from '../components.js';
import type { MessageKey } from '../i18n.js';

export function SystemView(props: ViewProps) {
  const { state, api, t, accept, fail } = props;
  const report = state.report;
  const card = report?.card ?? null;
  const readers = state.readers.length > 0 ? state.readers : (report?.readers ?? []);
  const ms = (value: number | undefined) => (value === undefined ? undefined : t('milliseconds', { ms: Math.round(value) }));

  const choose = (value: string) => {
    api.chooseReader(value === '' ? null : value).then(accept, fail);
  };

  return (
    <div class="view">
      <section class="card-section" aria-labelledby="readers-heading">
        <h2 id="readers-heading">{t('readersHeading')}</h2>
        {readers.length === 0 ? (
          <p>{t('noReaders')}</p>
        ) : (
          <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="readers-heading">
            <table class="data-table" data-testid="readers">
              <thead>
                <tr>
                  <th scope="col">{t('readerName')}</th>
                  <th scope="col">{t('readerCard')}</th>
                  <th scope="col">{t('readerAtr')}</th>
                  <th scope="col">{t('readerFlags')}</th>
                </tr>
              </thead>
              <tbody>
                {readers.map((reader) => (
                  <tr key={reader.name}>
                    <th scope="row">{reader.name}</th>
                    <td>{reader.cardPresent ? t('yes') : t('no')}</td>
                    <td class="code">{reader.atr ?? t('none')}</td>
                    <td>{reader.flags.length > 0 ? reader.flags.map((flag) => t(`flag.${flag}` as MessageKey)).join(', ') : t('none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {state.readers.length > 1 && !state.demoCard && (
          <p class="field">
            <label for="reader-choice">{t('chooseReader')}</label>
            <select id="reader-choice" value={state.selectedReader ?? ''} onChange={(event) => choose((event.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('chooseReaderAuto')}</option>
              {state.readers.map((reader) => (
                <option key={reader.name} value={reader.name}>
                  {reader.name}
                </option>
              ))}
            </select>
          </p>
        )}
      </section>

      <section class="card-section" aria-labelledby="card-heading">
        <h2 id="card-heading">{t('cardHeading')}</h2>
        {card ? (
          <Facts
            facts={[
              { label: t('cardReader'), value: card.reader },
              { label: t('cardAtr'), value: card.atr, code: true },
              { label: t('cardProfile'), value: card.profile },
              { label: t('cardApplication'), value: card.application },
              { label: t('cardTokenLabel'), value: card.tokenLabel },
              { label: t('cardTokenSerial'), value: card.tokenSerial, code: true },
              { label: t('cardReadTime'), value: ms(card.readMs) },
              { label: t('cardAuthReady'), value: ms(card.authReadyMs) },
              { label: t('cardApdus'), value: String(card.apduCount) },
              { label: t('cardBytes'), value: `${card.bytesSent} / ${card.bytesReceived}` },
            ]}
          />
        ) : (
          <p>{t('noCard')}</p>
        )}
      </section>

      {report && report.pins.length > 0 && (
        <section class="card-section" aria-labelledby="pins-heading">
          <h2 id="pins-heading">{t('pinsHeading')}</h2>
          <table class="data-table" data-testid="pins">
            <thead>
              <tr>
                <th scope="col">{t('pinCode')}</th>
                <th scope="col">{t('pinTries')}</th>
                <th scope="col">{t('pinBlocked')}</th>
              </tr>
            </thead>
            <tbody>
              {report.pins.map((pin) => (
                <tr key={`${pin.role}-${pin.label}`}>
                  <th scope="row">{pin.label}</th>
                  <td>{pin.triesLeft === null ? t('pinUnknown') : pin.maxTries === null ? String(pin.triesLeft) : `${pin.triesLeft} / ${pin.maxTries}`}</td>
                  <td>{pin.blocked ? t('yes') : t('no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section class="card-section" aria-labelledby="system-heading">
        <h2 id="system-heading">{t('systemHeading')}</h2>
        {report && report.system.length > 0 ? (
          <Facts facts={report.system.map((fact) => ({ label: fact.label, value: fact.value }))} />
        ) : (
          <p>{t('noSystemFacts')}</p>
        )}
      </section>

      {report?.browserStores && report.browserStores.length > 0 && (
        <section class="card-section" aria-labelledby="stores-heading" data-testid="browser-stores">
          <h2 id="stores-heading">{t('storesHeading')}</h2>
          {report.browserStores.map((store) => (
            <div key={store.store}>
              <p>
                <strong>{store.browsers}</strong>: {store.outcome} <span class="muted">({store.store})</span>
              </p>
              {store.certificates.length > 0 && (
                <Facts
                  facts={store.certificates.map((cert) => ({
                    label: cert.relation === 'login' ? t('storesLogin') : t('storesStale'),
                    value: `${cert.subject}${cert.validTo ? `, ${cert.validTo}` : ''}, ${cert.sha1.slice(0, 8)}…`,
                  }))}
                />
              )}
            </div>
          ))}
        </section>
      )}

      {report && report.apduLog.length > 0 && (
        <section class="card-section" aria-labelledby="apdu-heading">
          <h2 id="apdu-heading">{t('apduHeading')}</h2>
          <p class="muted">{t('apduIntro')}</p>
          <details class="apdu-log">
            <summary>{t('apduShow', { count: report.apduLog.length })}</summary>
            <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="apdu-heading">
              <table class="data-table data-table--apdu" data-testid="apdu-log">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('apduCommand')}</th>
                    <th scope="col">{t('apduResponse')}</th>
                    <th scope="col">{t('apduStatus')}</th>
                    <th scope="col">{t('apduMeaning')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.apduLog.map((apdu, index) => (
                    <tr key={index}>
                      <td>{index + 1}</td>
                      <td class="code">{apdu.command}</td>
                      <td class="code">{apdu.response || t('none')}</td>
                      <td class="code">{apdu.statusWord}</td>
                      <td>{apdu.meaning}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      )}

      <section class="card-section" aria-labelledby="demo-system-heading">
        <h2 id="demo-system-heading">{t('demoHeading')}</h2>
        <DemoPicker {...props} />
      </section>
    </div>
  );
}
