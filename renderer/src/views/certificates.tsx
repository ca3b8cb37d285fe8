/** Certifikat: every certificate on the card with the details IT support asks for. */
import type { ViewProps } from '../app.js';
import { Facts } from '../components.js';
import { formatDate } from '../i18n.js';

export function CertificatesView({ state, t }: ViewProps) {
  const certificates = state.report?.certificates ?? [];
  return (
    <div class="view">
      <h2>{t('certificatesHeading')}</h2>
      {certificates.length === 0 && <p>{t('noCertificates')}</p>}
      {certificates.map((cert, index) => (
        <article key={cert.sha256} class={`cert ${cert.isLoginCertificate ? 'cert--login' : ''}`} aria-labelledby={`cert-${index}`} data-testid="certificate">
          <h3 id={`cert-${index}`}>{cert.subjectCommonName}</h3>
          <p class="cert__issuer">
            {t('issuedBy')}: {cert.issuerCommonName}
          </p>
          {cert.isLoginCertificate ? (
            <p class="tag tag--ok">
              <span aria-hidden="true">✓ </span>
              {t('loginCertificate')}
            </p>
          ) : (
            <p class="tag tag--neutral">
              {t('notLoginCertificate')}
              {cert.notLoginReason ? `: ${cert.notLoginReason}` : ''}
            </p>
          )}
          <Facts
            facts={[
              { label: t('certValidity'), value: cert.validity },
              { label: t('certValidFrom'), value: formatDate(cert.validFrom) },
              { label: t('certValidTo'), value: formatDate(cert.validTo) },
              // The words for the certificate's codes come with the state, in its language, from the one catalogue (electron/pki/messages.ts).
              { label: t('certPurpose'), value: cert.labels.purpose },
              { label: t('certFamily'), value: [cert.labels.family, cert.labels.environment, cert.labels.subjectKind].join(' · ') },
              { label: t('certSubject'), value: cert.subject },
              { label: t('certSubjectSerial'), value: cert.subjectSerialNumber, code: true },
              { label: t('cardNumber'), value: cert.cardNumber, code: true },
              { label: t('certSerial'), value: cert.serialNumber, code: true },
              { label: t('certKeyUsage'), value: cert.keyUsage.join(', ') },
              { label: t('certExtendedKeyUsage'), value: cert.extendedKeyUsage.join(', ') },
              { label: t('certCardLabel'), value: cert.cardLabel },
              { label: t('certSha1'), value: cert.sha1, code: true },
              { label: t('certSha256'), value: cert.sha256, code: true },
            ]}
          />
        </article>
      ))}
    </div>
  );
}
