/**
 * The reading order of a report, shared by the text and HTML renderings so that both say the same
 * things in the same order: header, verdict, card, checks, certificates, PINs, readers, system,
 * APDU log.
 */
import type { Lang } from '../i18n/index.js';
import type { CheckStatus, Contact, DiagnosticReport, ReportPin } from './report-types.js';
import { renderMessages as m } from './render-messages.js';
import { environmentLabel, familyLabel, purposeLabel, subjectKindLabel } from '../pki/messages.js';
import type { CertificatePurpose, IssuerFamily, SubjectKind } from '../pki/classify.js';
import type { PkiEnvironment } from '../pki/known-roots.js';

/** The report keeps stable codes (JSON, schema); people read them in their language. */
function certificateKind(cert: { family: string; environment: string; subjectKind: string }, lang: Lang): string {
  return [
    familyLabel(cert.family as IssuerFamily, lang),
    environmentLabel(cert.environment as PkiEnvironment, lang),
    subjectKindLabel(cert.subjectKind as SubjectKind, lang),
  ].join(', ');
}

export type Row = readonly [label: string, value: string];

export interface LayoutItem {
  /** A status tag (checks), shown before the title. */
  status?: CheckStatus;
  title: string;
  /** Emphasised (the certificate to choose). */
  highlight?: boolean;
  text?: string;
  rows: Row[];
}

export interface LayoutSection {
  id: 'header' | 'verdict' | 'card' | 'checks' | 'certificates' | 'pins' | 'readers' | 'system' | 'apdu';
  heading: string;
  rows: Row[];
  items: LayoutItem[];
  /** Shown when the section has nothing else. */
  empty?: string;
  /** Monospace lines (APDU log). */
  preformatted?: string[];
}

export function statusLabel(status: CheckStatus, lang: Lang): string {
  const keys = { ok: 'statusOk', warning: 'statusWarning', error: 'statusError', 'not-run': 'statusNotRun', unknown: 'statusUnknown' } as const;
  return m.t(keys[status], lang);
}

function contactLabel(contact: Contact, lang: Lang): string {
  const keys = { self: 'contactSelf', 'local-it': 'contactLocalIt', 'support-line': 'contactSupportLine' } as const;
  return m.t(keys[contact], lang);
}

export function pinTriesText(pin: ReportPin, lang: Lang): string {
  if (pin.blocked) return m.t('blocked', lang);
  if (pin.triesLeft === null) return m.t('triesUnknown', lang);
  if (pin.maxTries === null) return m.t('triesLeftNoMax', lang, { left: pin.triesLeft });
  return m.t('triesLeft', lang, { left: pin.triesLeft, max: pin.maxTries });
}

function present(rows: (Row | undefined | false)[]): Row[] {
  return rows.filter((row): row is Row => Array.isArray(row) && row[1] !== '');
}

export function layoutReport(report: DiagnosticReport): LayoutSection[] {
  const lang = report.header.lang;
  const t = (key: Parameters<typeof m.t>[0], params?: Record<string, string | number>) => m.t(key, lang, params);
  const yesNo = (value: boolean) => t(value ? 'yes' : 'no');
  const h = report.header;
  const sections: LayoutSection[] = [];

  sections.push({
    id: 'header',
    heading: t('title'),
    rows: present([
      [t('version'), `${h.app} ${h.version}`],
      [t('generated'), h.generatedAt],
      [t('os'), `${h.os} (${h.platform}, ${h.arch})`],
      [t('language'), h.lang],
      [t('redacted'), yesNo(h.redacted)],
      [t('online'), yesNo(h.online)],
      h.demoCard !== undefined && [t('demoCard'), h.demoCard],
    ]),
    items: [],
  });

  sections.push({
    id: 'verdict',
    heading: t('verdict'),
    rows: [],
    items: [{ title: report.verdict.headline, ...(report.verdict.advice !== undefined && { text: report.verdict.advice }), rows: [] }],
  });

  const card = report.card;
  sections.push({
    id: 'card',
    heading: t('card'),
    rows: card
      ? present([
          [t('reader'), card.reader],
          [t('atr'), card.atr],
          [t('profile'), card.profile],
          card.structure !== undefined && [t('structure'), card.structure],
          card.application !== undefined && [t('application'), card.application],
          card.appletVersion !== undefined && [t('appletVersion'), card.appletVersion],
          card.tokenLabel !== undefined && [t('tokenLabel'), card.tokenLabel],
          card.tokenSerial !== undefined && [t('tokenSerial'), card.tokenSerial],
          card.holderName !== undefined && [t('holderName'), card.holderName],
          card.hsaId !== undefined && [t('hsaId'), card.hsaId],
          card.issuer !== undefined && [t('issuer'), card.issuer],
          card.cardNumber !== undefined && [t('cardNumber'), card.cardNumber],
          card.validUntil !== undefined && [t('validUntil'), card.validUntil],
          [
            t('readTime'),
            card.authReadyMs !== undefined
              ? t('readTimeValue', {
                  ms: Math.round(card.readMs),
                  authMs: Math.round(card.authReadyMs),
                  apdus: card.apduCount,
                  sent: card.bytesSent,
                  received: card.bytesReceived,
                })
              : t('readTimeValueNoAuth', { ms: Math.round(card.readMs), apdus: card.apduCount, sent: card.bytesSent, received: card.bytesReceived }),
          ],
        ])
      : [],
    items: [],
    ...(card === null && { empty: t('noCardRead') }),
  });

  sections.push({
    id: 'checks',
    heading: t('checks'),
    rows: [],
    items: report.checks.map((check) => ({
      status: check.status,
      title: check.title,
      text: check.summary,
      rows: [
        ...check.evidence.map((fact): Row => [fact.label, fact.value]),
        ...(check.remedy ? [[t('remedy'), check.remedy.text] as Row, [t('whoFixes'), contactLabel(check.remedy.contact, lang)] as Row] : []),
      ],
    })),
  });

  sections.push({
    id: 'certificates',
    heading: t('certificates'),
    rows: [],
    items: report.certificates.map((cert) => ({
      title: cert.cardLabel ? `${cert.cardLabel}` : cert.subjectCommonName,
      highlight: cert.isLoginCertificate,
      text: cert.isLoginCertificate ? t('loginCertificate') : `${t('notLogin')}: ${cert.notLoginReason ?? ''}`.trim(),
      rows: present([
        [t('subject'), cert.subject],
        cert.subjectSerialNumber !== undefined && [t('subjectSerial'), cert.subjectSerialNumber],
        [t('issuer'), cert.issuerCommonName],
        [t('validFrom'), cert.validFrom],
        [t('validTo'), cert.validTo],
        [t('validity'), cert.validity],
        [t('kind'), certificateKind(cert, lang)],
        [t('purpose'), purposeLabel(cert.purpose as CertificatePurpose, lang)],
        [t('keyUsage'), cert.keyUsage.join(', ')],
        [t('extendedKeyUsage'), cert.extendedKeyUsage.join(', ')],
        cert.cardNumber !== undefined && [t('cardNumber'), cert.cardNumber],
        [t('serial'), cert.serialNumber],
        [t('sha1'), cert.sha1],
        [t('sha256'), cert.sha256],
      ]),
    })),
  });

  sections.push({
    id: 'pins',
    heading: t('pins'),
    rows: report.pins.map((pin): Row => [pin.label, pinTriesText(pin, lang)]),
    items: [],
  });

  sections.push({
    id: 'readers',
    heading: t('readers'),
    rows: report.readers.map((reader): Row => {
      const flagKeys = { virtual: 'flagVirtual', contactless: 'flagContactless', exclusive: 'flagExclusive', selected: 'flagSelected' } as const;
      const flags = reader.flags.map((flag) => (flag in flagKeys ? t(flagKeys[flag as keyof typeof flagKeys]) : flag));
      const pinpad = reader.pinpad === undefined ? [] : [t(reader.pinpad === true ? 'pinpadYes' : reader.pinpad === false ? 'pinpadNo' : 'pinpadUnknown')];
      const state = [reader.cardPresent ? t('cardPresent') : t('noCard'), ...flags, ...pinpad].join(', ');
      return [reader.name, reader.atr ? `${state}; ATR ${reader.atr}` : state];
    }),
    items: [],
    ...(report.readers.length === 0 && { empty: t('noReaders') }),
  });

  if (report.system.length > 0) {
    sections.push({ id: 'system', heading: t('system'), rows: report.system.map((fact): Row => [fact.label, fact.value]), items: [] });
  }

  if (report.apduLog.length > 0) {
    sections.push({
      id: 'apdu',
      heading: t('apduLog'),
      rows: [],
      items: [],
      preformatted: report.apduLog.map((apdu) => `=> ${apdu.command}\n<= ${apdu.response} ${apdu.statusWord}  (${apdu.meaning})`),
    });
  }
  return sections;
}
