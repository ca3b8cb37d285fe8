/**
 * Child-process worker: loads one PKCS#11 module and reports what it shows without logging in.
 * It runs in its own process (see inspect.ts) because a middleware module may crash or hang the
 * process that loads it. Before each call into the module it tells the parent which call comes
 * next, so a hang or crash can be pinned to that call.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CKA_CLASS,
  CKA_ID,
  CKA_LABEL,
  CKA_VALUE,
  CKF_LOGIN_REQUIRED,
  CKF_SERIAL_SESSION,
  CKF_TOKEN_INITIALIZED,
  CKF_TOKEN_PRESENT,
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_INITIALIZED,
  CKF_USER_PIN_LOCKED,
  CKF_USER_PIN_TO_BE_CHANGED,
  CKO_CERTIFICATE,
  slotFlagNamesOf,
  tokenFlagNamesOf,
} from './constants.js';
import type {
  Pkcs11CertificateObject,
  Pkcs11ModuleInfo,
  Pkcs11ModuleView,
  Pkcs11SlotView,
  Pkcs11Stage,
  Pkcs11TokenView,
  WorkerMessage,
  WorkerRequest,
} from './types.js';

type Pkcs11Binding = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Binding['PKCS11']>;
type Handle = Buffer;

const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
const MAX_CERTIFICATES_PER_TOKEN = 64;

/** Electron's utilityProcess gives the child `process.parentPort` instead of `process.send`. */
interface ParentPort {
  postMessage(message: unknown): void;
  once(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (parentPort) {
      // postMessage has no "written" callback; a hang right after it may lose the stage message.
      parentPort.postMessage(message);
      setImmediate(resolve);
      return;
    }
    if (!process.send) {
      resolve();
      return;
    }
    // Wait until the message is written: the next call into the module may never return.
    process.send(message, undefined, {}, () => resolve());
  });
}

function text(value: string | undefined): string {
  return (value ?? '').replace(/\0+$/, '').trimEnd();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function slotIdOf(handle: Handle): string {
  if (handle.length >= 8) return handle.readBigUInt64LE(0).toString();
  if (handle.length >= 4) return handle.readUInt32LE(0).toString();
  return handle.toString('hex');
}

function version(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

async function readCertificates(module: Pkcs11, session: Handle, withValues: boolean): Promise<Pkcs11CertificateObject[]> {
  module.C_FindObjectsInit(session, [{ type: CKA_CLASS, value: CKO_CERTIFICATE }]);
  const handles: Handle[] = [];
  try {
    for (;;) {
      const batch = module.C_FindObjects(session, 16);
      if (batch.length === 0 || handles.length >= MAX_CERTIFICATES_PER_TOKEN) break;
      handles.push(...batch);
    }
  } finally {
    module.C_FindObjectsFinal(session);
  }
  const certificates: Pkcs11CertificateObject[] = [];
  for (const handle of handles.slice(0, MAX_CERTIFICATES_PER_TOKEN)) {
    const template = module.C_GetAttributeValue(session, handle, [{ type: CKA_LABEL }, { type: CKA_ID }, ...(withValues ? [{ type: CKA_VALUE }] : [])]);
    const attribute = (type: number): Buffer | undefined => {
      const value = template.find((a) => a.type === type)?.value;
      return Buffer.isBuffer(value) ? value : undefined;
    };
    const der = attribute(CKA_VALUE);
    certificates.push({
      label: text(attribute(CKA_LABEL)?.toString('utf8')),
      idHex: (attribute(CKA_ID) ?? Buffer.alloc(0)).toString('hex').toUpperCase(),
      derBase64: der ? der.toString('base64') : '',
      sha256: der && der.length > 0 ? createHash('sha256').update(der).digest('hex').toUpperCase() : '',
    });
  }
  return certificates;
}

async function inspectToken(module: Pkcs11, slot: Handle, withValues: boolean): Promise<Pkcs11TokenView> {
  await send({ type: 'stage', stage: 'get-token-info' });
  const info = module.C_GetTokenInfo(slot);
  const flags = info.flags;
  const token: Pkcs11TokenView = {
    label: text(info.label),
    manufacturerId: text(info.manufacturerID),
    model: text(info.model),
    serialNumber: text(info.serialNumber),
    flags,
    flagNames: tokenFlagNamesOf(flags),
    userPin: {
      countLow: (flags & CKF_USER_PIN_COUNT_LOW) !== 0,
      finalTry: (flags & CKF_USER_PIN_FINAL_TRY) !== 0,
      locked: (flags & CKF_USER_PIN_LOCKED) !== 0,
      toBeChanged: (flags & CKF_USER_PIN_TO_BE_CHANGED) !== 0,
    },
    userPinInitialized: (flags & CKF_USER_PIN_INITIALIZED) !== 0,
    tokenInitialized: (flags & CKF_TOKEN_INITIALIZED) !== 0,
    loginRequired: (flags & CKF_LOGIN_REQUIRED) !== 0,
    minPinLength: info.minPinLen,
    maxPinLength: info.maxPinLen,
    certificates: [],
  };
  try {
    await send({ type: 'stage', stage: 'open-session' });
    const session = module.C_OpenSession(slot, CKF_SERIAL_SESSION);
    try {
      await send({ type: 'stage', stage: 'find-certificates' });
      token.certificates = await readCertificates(module, session, withValues);
    } finally {
      module.C_CloseSession(session);
    }
  } catch (e) {
    token.error = errorText(e);
  }
  return token;
}

/** Inspects the module; leaves it initialised so the result can be sent before C_Finalize (which may hang too). */
async function inspectWithBinding(binding: Pkcs11Binding, request: WorkerRequest, started: number): Promise<{ view: Pkcs11ModuleView; module: Pkcs11 | null }> {
  const base = { modulePath: request.modulePath };
  const elapsed = (): number => Math.round(performance.now() - started);
  let stage: Pkcs11Stage = 'load';
  const enter = async (next: Pkcs11Stage): Promise<void> => {
    stage = next;
    await send({ type: 'stage', stage: next });
  };
  const module = new binding.PKCS11();
  await enter('load');
  try {
    module.load(request.modulePath);
  } catch (e) {
    return { view: { ...base, status: 'load-failed', message: errorText(e), durationMs: elapsed() }, module: null };
  }
  try {
    await enter('initialize');
    try {
      module.C_Initialize();
    } catch (e) {
      if (errorCode(e) !== CKR_CRYPTOKI_ALREADY_INITIALIZED) throw e;
    }
    const warnings: string[] = [];
    await enter('get-info');
    let info: Pkcs11ModuleInfo | null = null;
    try {
      const raw = module.C_GetInfo();
      info = {
        cryptokiVersion: version(raw.cryptokiVersion),
        manufacturerId: text(raw.manufacturerID),
        libraryDescription: text(raw.libraryDescription),
        libraryVersion: version(raw.libraryVersion),
      };
    } catch (e) {
      warnings.push(`C_GetInfo: ${errorText(e)}`);
    }
    await enter('get-slot-list');
    const slotHandles = module.C_GetSlotList(false);
    const slots: Pkcs11SlotView[] = [];
    for (const handle of slotHandles) {
      await enter('get-slot-info');
      const slotInfo = module.C_GetSlotInfo(handle);
      const tokenPresent = (slotInfo.flags & CKF_TOKEN_PRESENT) !== 0;
      const slot: Pkcs11SlotView = {
        slotId: slotIdOf(handle),
        description: text(slotInfo.slotDescription),
        manufacturerId: text(slotInfo.manufacturerID),
        flags: slotInfo.flags,
        flagNames: slotFlagNamesOf(slotInfo.flags),
        tokenPresent,
        token: null,
      };
      if (tokenPresent) {
        try {
          slot.token = await inspectToken(module, handle, request.readCertificates);
        } catch (e) {
          slot.error = errorText(e);
        }
      }
      slots.push(slot);
    }
    return { view: { ...base, status: 'ok', info, slots, warnings, durationMs: elapsed() }, module };
  } catch (e) {
    return { view: { ...base, status: 'error', stage, message: errorText(e), durationMs: elapsed() }, module };
  }
}

async function main(request: WorkerRequest): Promise<void> {
  const started = performance.now();
  let binding: Pkcs11Binding;
  try {
    // The native binding is loaded here only, never in the parent process.
    binding = createRequire(import.meta.url)('pkcs11js') as Pkcs11Binding;
  } catch (e) {
    await send({
      type: 'result',
      view: {
        modulePath: request.modulePath,
        status: 'load-failed',
        message: `the PKCS#11 binding (pkcs11js) could not be loaded: ${errorText(e)}`,
        durationMs: 0,
      },
    });
    return;
  }
  const { view, module } = await inspectWithBinding(binding, request, started);
  await send({ type: 'result', view });
  if (module) {
    await send({ type: 'stage', stage: 'finalize' });
    try {
      module.C_Finalize();
    } catch {
      // Finalizing after a failed initialise fails too; nothing to report beyond the result.
    }
  }
  await send({ type: 'stage', stage: 'done' });
}

function handle(message: WorkerRequest): void {
  if (message?.type !== 'inspect') process.exit(64);
  main(message).then(
    () => process.exit(0),
    () => process.exit(70),
  );
}

if (parentPort) parentPort.once('message', (event) => handle(event.data as WorkerRequest));
else process.once('message', handle);
