/**
 * `kortkoll cert <file…> [--json] [--anchors FILE] [--online] [--timeout MS]`: analyses certificate
 * files (PEM, DER, PKCS#7; one or several, e.g. exported from the Windows certificate store) and
 * says what each certificate is, whether it is valid, whether its chain holds, and (with --online)
 * whether it is revoked. All the certificates given serve as each other's intermediates; the roots
 * in the --anchors file and the computer's own store (where the runtime can read it) are trusted.
 */
import { describeInputFileError, InputFileError, readBoundedFile } from './bounded-file.js';
import { defineMessages, type Lang } from '../i18n/index.js';
import { ExitCode, type CliCommand, type CliIo } from './command.js';
import { parseCommandArgs, UsageError, withUsageErrors } from './args.js';
import { anchorsFromFile, loadSystemAnchors, type AnchorSourceStatus, type LoadedAnchors, type TrustAnchor } from '../pki/anchors.js';
import { verifyChain, type ChainResult } from '../pki/chain.js';
import { classifyCertificate, type CertificateClassification } from '../pki/classify.js';
import { CertificateParseError } from '../pki/errors.js';
import { chooseLoginCertificate } from '../pki/login-choice.js';
import {
  describeAnchorStatus,
  describeChain,
  describeHsaId,
  describeRevocation,
  describeValidity,
  environmentLabel,
  familyLabel,
  notLoginReasonLabel,
  purposeLabel,
  subjectKindLabel,
} from '../pki/messages.js';
import { certificateSummary, parseCertificates, type CertificateInfo, type CertificateSummary } from '../pki/parse.js';
import { checkRevocation, defaultRevocationTimeoutMs, type FetchLike, type RevocationResult } from '../pki/revocation.js';
import { checkValidity, type ValidityResult } from '../pki/validity.js';
import { maskPersonnummerInText } from '../pki/personnummer.js';
import { policyNames } from '../pki/oids.js';

const messages = defineMessages(
  'cli-cert',
  {
    summary: 'analysera certifikatfiler: typ, giltighet, kedja och spärrstatus',
    help: [
      'Användning: kortkoll cert <fil…> [--json] [--anchors FIL] [--online] [--timeout MS]',
      '',
      'Analyserar certifikatfiler (PEM, DER eller PKCS#7, t.ex. exporterade ur Windows certifikatlager):',
      'vem som utfärdat certifikatet, vad det är till för, om det gäller, om kedjan upp till en betrodd',
      'rot håller och, med --online, om det är spärrat. Certifikaten i filerna används som varandras',
      'mellanliggande CA-certifikat.',
      '',
      'Flaggor:',
      '  --json          skriv resultatet som JSON',
      '  --anchors FIL   betrodda rotcertifikat (PEM-bunt); kan anges flera gånger',
      '  --online        kontrollera spärrstatus via OCSP eller spärrlista (kräver nätverk)',
      '  --timeout MS    längsta väntetid för spärrkontrollen (standard 5000)',
      '',
      'Slutkoder: 0 allt bra, 1 varningar (t.ex. går snart ut), 2 fel (t.ex. utgånget, obetrodd kedja,',
      'spärrat, oläslig fil), 64 felaktigt anrop (också: en fil som inte är en vanlig fil på högst 1 MiB).',
    ].join('\n'),
    noFiles: 'Ange minst en certifikatfil. Se kortkoll cert --help.',
    badTimeout: 'Ogiltig tidsgräns: {value}. Ange millisekunder från 1 till 600000, t.ex. 5000.',
    readError: 'Kan inte läsa {file}: {message}',
    parseError: '{file} innehåller inget läsbart certifikat ({message}).',
    anchorsError: 'Filen med betrodda rotcertifikat {file} går inte att använda: {message}',
    heading: '{file}',
    headingOf: '{file}, certifikat {n} av {count}',
    issuedTo: 'Utfärdat till',
    issuedBy: 'Utfärdat av',
    subject: 'Ämne',
    type: 'Typ',
    hsaId: 'HSA-id',
    personnummer: 'Personnummer',
    cardNumber: 'Kortnummer',
    serial: 'Serienummer',
    validity: 'Giltighet',
    key: 'Nyckel',
    keyText: '{algorithm} {bits} bitar, signerat med {signature}',
    keyCurveText: '{algorithm} {curve}, signerat med {signature}',
    usage: 'Användning',
    policies: 'Policyer',
    ocsp: 'OCSP',
    crl: 'Spärrlista',
    knownRoot: 'Känd rot',
    chain: 'Kedja',
    revocation: 'Spärrstatus',
    anchors: 'Betrodda rötter',
    loginHeading: 'Vid inloggning',
    loginChoose: 'välj {name}, utfärdat av {issuer}.',
    loginChooseTest: 'välj {name}, utfärdat av {issuer} (ett testcertifikat: det fungerar bara mot testtjänster).',
    loginNone: 'inget av certifikaten duger för inloggning.',
    loginOther: '{name}: {reason}',
    result: 'Fel: {errors}. Varningar: {warnings}.',
  },
  {
    summary: 'analyse certificate files: type, validity, chain and revocation',
    help: [
      'Usage: kortkoll cert <file…> [--json] [--anchors FILE] [--online] [--timeout MS]',
      '',
      'Analyses certificate files (PEM, DER or PKCS#7, e.g. exported from the Windows certificate store):',
      'who issued the certificate, what it is for, whether it is valid, whether the chain up to a trusted',
      'root holds and, with --online, whether it is revoked. The certificates in the files serve as each',
      "other's intermediate CA certificates.",
      '',
      'Options:',
      '  --json          print the result as JSON',
      '  --anchors FILE  trusted root certificates (PEM bundle); may be given more than once',
      '  --online        check revocation via OCSP or CRL (needs the network)',
      '  --timeout MS    longest wait for the revocation check (default 5000)',
      '',
      'Exit codes: 0 all good, 1 warnings (e.g. expires soon), 2 errors (e.g. expired, untrusted chain,',
      'revoked, unreadable file), 64 usage error (also: a file that is not a regular file of at most 1 MiB).',
    ].join('\n'),
    noFiles: 'Give at least one certificate file. See kortkoll cert --help.',
    badTimeout: 'Invalid timeout: {value}. Give milliseconds from 1 to 600000, e.g. 5000.',
    readError: 'Cannot read {file}: {message}',
    parseError: '{file} holds no readable certificate ({message}).',
    anchorsError: 'The trusted roots file {file} cannot be used: {message}',
    heading: '{file}',
    headingOf: '{file}, certificate {n} of {count}',
    issuedTo: 'Issued to',
    issuedBy: 'Issued by',
    subject: 'Subject',
    type: 'Type',
    hsaId: 'HSA-id',
    personnummer: 'Personal identity number',
    cardNumber: 'Card number',
    serial: 'Serial number',
    validity: 'Validity',
    key: 'Key',
    keyText: '{algorithm} {bits} bits, signed with {signature}',
    keyCurveText: '{algorithm} {curve}, signed with {signature}',
    usage: 'Usage',
    policies: 'Policies',
    ocsp: 'OCSP',
    crl: 'CRL',
    knownRoot: 'Known root',
    chain: 'Chain',
    revocation: 'Revocation',
    anchors: 'Trust anchors',
    loginHeading: 'At login',
    loginChoose: 'pick {name}, issued by {issuer}.',
    loginChooseTest: 'pick {name}, issued by {issuer} (a test certificate: it only works with test services).',
    loginNone: 'none of the certificates will do for login.',
    loginOther: '{name}: {reason}',
    result: 'Errors: {errors}. Warnings: {warnings}.',
  },
);

type MessageKey = Parameters<typeof messages.t>[0];

export interface CertCommandDeps {
  readFile?: (path: string) => Promise<Uint8Array>;
  /** The computer's trust store; default `tls.getCACertificates('system')` where available. */
  systemAnchors?: () => LoadedAnchors;
  fetch?: FetchLike;
  now?: () => Date;
}

interface CertArgs {
  files: string[];
  anchorFiles: string[];
  json: boolean;
  online: boolean;
  timeoutMs: number;
}

/** The revocation check's budget: 1 ms to 10 minutes. */
const maxTimeoutMs = 600_000;

const certOptions = {
  json: { type: 'boolean' },
  online: { type: 'boolean' },
  anchors: { type: 'string', multiple: true },
  timeout: { type: 'string' },
} as const;

/** The files are the positionals (`-` and anything after `--` among them); throws `UsageError`. */
function parseCertArgs(argv: readonly string[], lang: Lang): CertArgs {
  const { values, positionals } = parseCommandArgs(argv, { command: 'cert', options: certOptions, positionals: true }, lang);
  if (positionals.length === 0) throw new UsageError(messages.t('noFiles', lang));
  let timeoutMs = defaultRevocationTimeoutMs;
  if (values.timeout !== undefined) {
    const ms = Number(values.timeout);
    if (!Number.isInteger(ms) || ms < 1 || ms > maxTimeoutMs) throw new UsageError(messages.t('badTimeout', lang, { value: values.timeout }));
    timeoutMs = ms;
  }
  return { files: positionals, anchorFiles: values.anchors ?? [], json: values.json === true, online: values.online === true, timeoutMs };
}

interface AnalysedCertificate {
  file: string;
  index: number;
  count: number;
  info: CertificateInfo;
  classification: CertificateClassification;
  validity: ValidityResult;
  chain: ChainResult;
  /** Absent for a self-issued root (nothing above it can revoke it). */
  revocation?: RevocationResult;
}

type Severity = 'ok' | 'warning' | 'error';

function severityOf(c: AnalysedCertificate): Severity {
  if (c.validity.status === 'expired' || c.validity.status === 'not-yet-valid') return 'error';
  if (c.chain.status !== 'trusted') return 'error';
  if (c.revocation?.status === 'revoked') return 'error';
  if (c.validity.status === 'expires-soon' || c.validity.clockSuspect) return 'warning';
  if (c.revocation?.status === 'unknown') return 'warning';
  // A CA certificate without revocation endpoints is normal; an end-entity certificate without them is odd.
  if (c.revocation?.status === 'could-not-check' && !(c.revocation.reason === 'no-endpoint' && c.classification.subjectKind === 'ca')) return 'warning';
  if (c.classification.hsaId && (!c.classification.hsaId.valid || c.classification.hsaId.warnings.length > 0)) return 'warning';
  return 'ok';
}

function labelled(label: string, value: string, width: number): string {
  return `  ${`${label}:`.padEnd(width + 2)}${value}\n`;
}

function describeCertificate(c: AnalysedCertificate, lang: Lang): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) => messages.t(key, lang, params);
  const rows: [string, string][] = [];
  const { info, classification } = c;
  rows.push([t('issuedTo'), maskPersonnummerInText(info.subject.commonName ?? info.subject.display)]);
  rows.push([t('issuedBy'), info.issuer.commonName ?? info.issuer.display]);
  rows.push([t('subject'), info.subject.display]);
  rows.push([
    t('type'),
    [
      familyLabel(classification.family, lang),
      environmentLabel(classification.environment, lang),
      subjectKindLabel(classification.subjectKind, lang),
      purposeLabel(classification.purpose, lang),
    ].join(' · '),
  ]);
  if (classification.hsaId) rows.push([t('hsaId'), describeHsaId(classification.hsaId, lang)]);
  if (classification.personnummer) rows.push([t('personnummer'), classification.personnummer.masked]);
  if (info.cardNumber) rows.push([t('cardNumber'), info.cardNumber]);
  rows.push([t('serial'), info.serialNumber]);
  rows.push([t('validity'), describeValidity(c.validity, lang)]);
  rows.push(['', `${c.validity.notBefore} – ${c.validity.notAfter}`]);
  rows.push([
    t('key'),
    info.publicKey.curve
      ? t('keyCurveText', { algorithm: info.publicKey.algorithm, curve: info.publicKey.curve, signature: info.signatureAlgorithm.name })
      : t('keyText', { algorithm: info.publicKey.algorithm, bits: info.publicKey.bits ?? '?', signature: info.signatureAlgorithm.name }),
  ]);
  const usage = [...(info.keyUsage ?? []), ...(info.extendedKeyUsage ?? []).map((e) => e.name ?? e.oid)];
  if (usage.length > 0) rows.push([t('usage'), usage.join(', ')]);
  if (info.policies.length > 0) rows.push([t('policies'), info.policies.map((oid) => (policyNames[oid] ? `${oid} (${policyNames[oid]})` : oid)).join(', ')]);
  if (info.ocspUrls.length > 0) rows.push([t('ocsp'), info.ocspUrls.join(', ')]);
  if (info.crlUrls.length > 0) rows.push([t('crl'), info.crlUrls.join(', ')]);
  if (classification.knownRoot)
    rows.push([t('knownRoot'), `${classification.knownRoot.name} (${environmentLabel(classification.knownRoot.environment, lang)})`]);
  rows.push(['SHA-256', info.fingerprints.sha256]);
  rows.push(['SHA-1', info.fingerprints.sha1]);
  const chainLines = describeChain(c.chain, lang);
  rows.push([t('chain'), chainLines[0] ?? '']);
  for (const line of chainLines.slice(1)) rows.push(['', line]);
  if (c.revocation) rows.push([t('revocation'), describeRevocation(c.revocation, lang)]);

  const width = Math.max(...rows.map(([label]) => label.length));
  const heading = c.count > 1 ? t('headingOf', { file: c.file, n: c.index + 1, count: c.count }) : t('heading', { file: c.file });
  return `${heading}\n${rows.map(([label, value]) => (label === '' ? `  ${''.padEnd(width + 2)}${value}\n` : labelled(label, value, width))).join('')}`;
}

interface JsonCertificate {
  file: string;
  index: number;
  certificate: CertificateSummary;
  classification: CertificateClassification;
  validity: ValidityResult;
  chain: ChainResult;
  revocation?: RevocationResult;
  severity: Severity;
}

export function createCertCommand(deps: CertCommandDeps = {}): CliCommand {
  const readFile = deps.readFile ?? readBoundedFile;
  const systemAnchors = deps.systemAnchors ?? (() => loadSystemAnchors());
  const now = deps.now ?? (() => new Date());

  async function run(argv: string[], io: CliIo): Promise<number> {
    const { lang } = io;
    const args = parseCertArgs(argv, lang);
    const errors: { file: string; code: string; message: string }[] = [];
    const reportError = (file: string, code: string, message: string) => {
      errors.push({ file, code, message });
      if (!args.json) io.stderr(message + '\n');
    };

    // Every file first, before any work: a file Kortkoll refuses to read (a device, a FIFO, a
    // directory, larger than 1 MiB) is an input error, like a usage error.
    const contents = new Map<string, Uint8Array | InputFileError | Error>();
    for (const file of [...args.anchorFiles, ...args.files]) {
      if (contents.has(file)) continue;
      try {
        contents.set(file, await readFile(file));
      } catch (e) {
        if (e instanceof InputFileError && e.refused) {
          io.stderr(describeInputFileError(e, lang) + '\n');
          return ExitCode.usage;
        }
        contents.set(file, e instanceof Error ? e : new Error(String(e)));
      }
    }
    const contentOf = (file: string): Uint8Array => {
      const content = contents.get(file);
      if (content instanceof Uint8Array) return content;
      throw content ?? new Error('not read');
    };
    const readMessage = (file: string, e: unknown) =>
      e instanceof InputFileError
        ? describeInputFileError(e, lang)
        : messages.t('readError', lang, { file, message: e instanceof Error ? e.message : String(e) });

    // Certificates, file by file.
    const found: { file: string; index: number; count: number; info: CertificateInfo }[] = [];
    for (const file of args.files) {
      let bytes: Uint8Array;
      try {
        bytes = contentOf(file);
      } catch (e) {
        reportError(file, 'read-error', readMessage(file, e));
        continue;
      }
      try {
        const certs = parseCertificates(bytes);
        certs.forEach((info, index) => found.push({ file, index, count: certs.length, info }));
      } catch (e) {
        const code = e instanceof CertificateParseError ? e.code : 'bad-der';
        reportError(file, code, messages.t('parseError', lang, { file, message: e instanceof Error ? e.message : String(e) }));
      }
    }

    // Trust anchors: the computer's store (read and parsed only when there is a certificate to
    // check: on Node 22 it holds hundreds), then the files given.
    const system: LoadedAnchors =
      found.length > 0 ? systemAnchors() : { status: { source: 'system', available: false, count: 0, reason: 'not-needed' }, anchors: [] };
    const anchors: TrustAnchor[] = [...system.anchors];
    const anchorSources: AnchorSourceStatus[] = [system.status];
    for (const file of args.anchorFiles) {
      try {
        const loaded = anchorsFromFile(contentOf(file), file);
        anchors.push(...loaded.anchors);
        anchorSources.push(loaded.status);
      } catch (e) {
        const message = e instanceof InputFileError ? describeInputFileError(e, lang) : e instanceof Error ? e.message : String(e);
        reportError(file, e instanceof CertificateParseError ? e.code : 'read-error', messages.t('anchorsError', lang, { file, message }));
        anchorSources.push({ source: 'file', available: false, count: 0, reason: 'read-error', origin: file });
      }
    }
    if (args.anchorFiles.length === 0) anchorSources.push({ source: 'file', available: false, count: 0, reason: 'not-given' });

    const at = now();
    const everything = [...found.map((f) => f.info), ...anchors.map((a) => a.certificate)];
    const bySha = new Map(everything.map((info) => [info.fingerprints.sha256, info]));
    const analysed: AnalysedCertificate[] = await Promise.all(
      found.map(async (entry): Promise<AnalysedCertificate> => {
        const intermediates = found.filter((other) => other !== entry).map((other) => other.info);
        const chain = await verifyChain(entry.info, { intermediates, anchors, now: at, anchorSources });
        const result: AnalysedCertificate = { ...entry, classification: classifyCertificate(entry.info), validity: checkValidity(entry.info, at), chain };
        if (!entry.info.selfIssued) {
          const issuerLink = chain.path[1];
          const issuer = issuerLink ? bySha.get(issuerLink.sha256) : undefined;
          result.revocation = await checkRevocation(entry.info, issuer, {
            online: args.online,
            timeoutMs: args.timeoutMs,
            now: at,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
          });
        }
        return result;
      }),
    );

    const severities = analysed.map(severityOf);
    const errorCount = severities.filter((s) => s === 'error').length + errors.length;
    const warningCount = severities.filter((s) => s === 'warning').length;
    const exitCode = errorCount > 0 ? ExitCode.errors : warningCount > 0 ? ExitCode.warnings : ExitCode.ok;

    const endEntities = analysed.filter((c) => c.classification.subjectKind !== 'ca');
    const login =
      endEntities.length > 1
        ? chooseLoginCertificate(
            endEntities.map((c) => c.info),
            at,
          )
        : undefined;

    if (args.json) {
      const certificates: JsonCertificate[] = analysed.map((c, i) => {
        const item: JsonCertificate = {
          file: c.file,
          index: c.index,
          certificate: certificateSummary(c.info),
          classification: c.classification,
          validity: c.validity,
          chain: c.chain,
          severity: severities[i] as Severity,
        };
        if (c.revocation) item.revocation = c.revocation;
        return item;
      });
      const ref = (i: number) => ({ file: (endEntities[i] as AnalysedCertificate).file, index: (endEntities[i] as AnalysedCertificate).index });
      const loginJson = login && {
        chosen: login.chosenIndex === null ? null : ref(login.chosenIndex),
        ...(login.chosenWarning ? { chosenWarning: login.chosenWarning } : {}),
        blocked: login.blockedIndex === null ? null : ref(login.blockedIndex),
        others: login.candidates.filter((c) => !c.chosen).map((c) => ({ ...ref(c.index), reason: c.reason })),
      };
      io.stdout(JSON.stringify({ certificates, anchorSources, ...(loginJson ? { login: loginJson } : {}), errors, exitCode }, null, 2) + '\n');
      return exitCode;
    }

    const t = (key: MessageKey, params?: Record<string, string | number>) => messages.t(key, lang, params);
    const blocks = analysed.map((c) => describeCertificate(c, lang));
    io.stdout(blocks.join('\n'));
    if (analysed.length > 0) io.stdout(`\n${t('anchors')}: ${anchorSources.map((s) => describeAnchorStatus(s, lang)).join('; ')}\n`);
    if (login) {
      const chosen = login.chosenIndex === null ? undefined : endEntities[login.chosenIndex];
      const chosenLine = chosen
        ? t(login.chosenWarning ? 'loginChooseTest' : 'loginChoose', {
            name: chosen.classification.subjectCommonName ?? chosen.info.subject.display,
            issuer: chosen.info.issuer.commonName ?? chosen.info.issuer.display,
          })
        : t('loginNone');
      io.stdout(`${t('loginHeading')}: ${chosenLine}\n`);
      for (const candidate of login.candidates.filter((c) => !c.chosen && c.reason)) {
        const name = `${candidate.subjectCommonName ?? candidate.sha256}${candidate.issuerCommonName ? ` (${candidate.issuerCommonName})` : ''}`;
        io.stdout(`  ${t('loginOther', { name, reason: notLoginReasonLabel(candidate.reason as NonNullable<typeof candidate.reason>, lang) })}\n`);
      }
    }
    io.stdout(`${t('result', { errors: errorCount, warnings: warningCount })}\n`);
    return exitCode;
  }

  return {
    name: 'cert',
    summary: { sv: messages.t('summary', 'sv'), en: messages.t('summary', 'en') },
    help: (lang: Lang) => messages.t('help', lang),
    run: withUsageErrors(run),
  };
}

export const certCommand = createCertCommand();
export default certCommand;
