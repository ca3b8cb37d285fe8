/**
 * The arguments of each IPC channel, checked: one validator per invoke channel, in a table the
 * compiler checks against the contract (`IpcInvokeContract`), so a channel added there without a
 * validator, or a validator that returns the wrong shape, does not build. The arguments come from a
 * renderer and are untrusted: a validator takes the raw list and returns fresh values of exactly the
 * contract's parameters (nothing else the page sent travels on), or throws `AppApiError`
 * `bad-argument`. Whether a named reader or demo card exists is asked of the service by the handler.
 */
import type { AppApiErrorCode, InvokeChannel, IpcInvokeContract, OperatedPinRole, PinOperationCall, ReportFormat } from './ipc-contract.js';
import type { Lang } from './i18n/index.js';

/** A failure of a call, thrown by a handler; it crosses IPC as its `{ code, message }` only. */
export class AppApiError extends Error {
  constructor(
    readonly code: AppApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppApiError';
  }
}

/** What a channel's handler receives once its arguments are checked: the contract's parameters. */
export type ParsedArgs<C extends InvokeChannel> = Parameters<IpcInvokeContract[C]>;

export type ArgsValidator<C extends InvokeChannel> = (args: readonly unknown[]) => ParsedArgs<C>;

const maxNameLength = 256;
const reportFormats: readonly ReportFormat[] = ['text', 'html', 'json'];
const langs: readonly Lang[] = ['sv', 'en'];

export const channelValidators: { readonly [C in InvokeChannel]: ArgsValidator<C> } = {
  'state:get': (args) => noArgs('state:get', args),
  'diagnosis:run': (args) => {
    const options = expectRecord('diagnosis:run', onlyArg('diagnosis:run', args), ['online'], ['recheckPins']);
    return [
      {
        online: expectBoolean('diagnosis:run', 'online', options.online),
        ...(options.recheckPins !== undefined && { recheckPins: expectBoolean('diagnosis:run', 'recheckPins', options.recheckPins) }),
      },
    ];
  },
  'report:render': (args) => [expectReportOptions('report:render', onlyArg('report:render', args))],
  'report:save': (args) => [expectReportOptions('report:save', onlyArg('report:save', args))],
  'login:open': (args) => noArgs('login:open', args),
  'reader:choose': (args) => [expectNameOrNull('reader:choose', 'reader', onlyArg('reader:choose', args))],
  'lang:set': (args) => {
    const lang = onlyArg('lang:set', args);
    if (!langs.includes(lang as Lang)) refuse('lang:set', `language must be one of ${langs.join(', ')}`);
    return [lang as Lang];
  },
  'demo:list': (args) => noArgs('demo:list', args),
  'demo:use': (args) => [expectNameOrNull('demo:use', 'name', onlyArg('demo:use', args))],
  'card:probe': (args) => {
    const { save } = expectRecord('card:probe', onlyArg('card:probe', args), ['save']);
    if (save !== null && save !== 'text' && save !== 'json') refuse('card:probe', 'save must be text, json or null');
    return [{ save: save as 'text' | 'json' | null }];
  },
  // The argument carries PINs: the count is the only thing of it a refusal may say.
  'pin:operate': (args) => [expectPinOperationCall(onlyArg('pin:operate', args))],
};

function refuse(channel: InvokeChannel, what: string): never {
  throw new AppApiError('bad-argument', `${channel}: ${what}`);
}

function noArgs(channel: InvokeChannel, args: readonly unknown[]): [] {
  if (args.length !== 0) refuse(channel, `expected no arguments, got ${args.length}`);
  return [];
}

function onlyArg(channel: InvokeChannel, args: readonly unknown[]): unknown {
  if (args.length !== 1) refuse(channel, `expected 1 argument, got ${args.length}`);
  return args[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // A prototype other than Object's could carry getters that answer differently on each read.
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function expectRecord<K extends string, O extends string = never>(
  channel: InvokeChannel,
  value: unknown,
  keys: readonly K[],
  optional: readonly O[] = [],
): Record<K, unknown> & Partial<Record<O, unknown>> {
  if (!isPlainObject(value)) return refuse(channel, `expected a plain object with ${keys.join(', ')}`);
  const present = Object.keys(value);
  const known: readonly string[] = [...keys, ...optional];
  // The unknown keys themselves are not named: they are whatever the page put there, of any length.
  if (present.some((key) => !known.includes(key))) refuse(channel, `unknown option(s); the options are ${known.join(', ')}`);
  const missing = keys.filter((key) => !present.includes(key));
  if (missing.length > 0) refuse(channel, `missing option(s) ${missing.join(', ')}`);
  return value as Record<K, unknown> & Partial<Record<O, unknown>>;
}

function expectBoolean(channel: InvokeChannel, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') refuse(channel, `${name} must be true or false`);
  return value as boolean;
}

function expectNameOrNull(channel: InvokeChannel, name: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxNameLength) {
    refuse(channel, `${name} must be a non-empty string of at most ${maxNameLength} characters, or null`);
  }
  return value as string;
}

function expectReportOptions(channel: 'report:render' | 'report:save', value: unknown): { format: ReportFormat; redact: boolean } {
  const options = expectRecord(channel, value, ['format', 'redact']);
  if (!reportFormats.includes(options.format as ReportFormat)) refuse(channel, `format must be one of ${reportFormats.join(', ')}`);
  return { format: options.format as ReportFormat, redact: expectBoolean(channel, 'redact', options.redact) };
}

/** The digits of one PIN field: a string of 1–16 ASCII digits (the card limit; the policy is checked later). */
const maxPinValueLength = 16;
const pinValuePattern = /^[0-9]{1,16}$/;
const pinValueKeys = { test: ['pin'], change: ['current', 'next', 'confirmation'], unblock: ['puk', 'next', 'confirmation'] } as const;
const operatedPins: readonly OperatedPinRole[] = ['authentication', 'signature'];

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const present = Object.keys(value);
  return present.length === keys.length && keys.every((key) => Object.prototype.hasOwnProperty.call(value, key));
}

/**
 * Checks a `pin:operate` request strictly: exact keys, a known kind and PIN, and each value a string
 * of at most 16 digits. A refusal names the field at most, never its content (nor unknown keys, which
 * could be anything a page put there).
 */
export function expectPinOperationCall(value: unknown): PinOperationCall {
  const refusePin = (what: string): never => refuse('pin:operate', what);
  if (!isPlainObject(value) || !hasExactKeys(value, ['kind', 'pin', 'values', 'confirmedLastTry']))
    refusePin('expected an object with exactly kind, pin, values and confirmedLastTry');
  const request = value as Record<string, unknown>;
  const kind = request.kind;
  if (kind !== 'test' && kind !== 'change' && kind !== 'unblock') return refusePin('kind must be test, change or unblock');
  if (!operatedPins.includes(request.pin as OperatedPinRole)) refusePin('pin must be authentication or signature');
  if (typeof request.confirmedLastTry !== 'boolean') refusePin('confirmedLastTry must be true or false');
  const keys = pinValueKeys[kind];
  const values = request.values;
  if (!isPlainObject(values) || !hasExactKeys(values, keys)) return refusePin(`values must have exactly ${keys.join(', ')}`);
  for (const key of keys) {
    const digits = values[key];
    if (typeof digits !== 'string' || digits.length > maxPinValueLength || !pinValuePattern.test(digits))
      refusePin(`values.${key} must be 1 to ${maxPinValueLength} digits`);
  }
  // A fresh object of exactly the checked fields: nothing else the page sent travels on.
  const copy: Record<string, string> = {};
  for (const key of keys) copy[key] = values[key] as string;
  return { kind, pin: request.pin as OperatedPinRole, values: copy, confirmedLastTry: request.confirmedLastTry as boolean } as PinOperationCall;
}
