/** Operating-system and middleware checks: the public surface of native/system. */
export type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  FactAssessment,
  FactSource,
  FactValue,
  FileKind,
  FileSystemView,
  HostPlatform,
  ProbeContext,
  ProbeResult,
  ProbeStatus,
  SystemFact,
  SystemProbe,
} from './types.js';
export { UNKNOWN } from './types.js';
export {
  FactKeys,
  middlewareKey,
  middlewareModuleKey,
  middlewarePathKey,
  middlewareProducts,
  middlewareVersionKey,
  type MiddlewareProduct,
} from './fact-keys.js';
export { findFact, isUnknown } from './facts.js';
export { createCommandRunner, createScriptedCommandRunner, formatCommandLine, type CommandScript, type ScriptedCommandAnswer } from './command-runner.js';
export { createMemoryFileSystem, nodeFileSystem, type MemoryEntry } from './file-system.js';
export { runProbe } from './run-probe.js';
export { classifyReaderName, type VirtualReaderKind } from './readers.js';
export {
  collectSystemFacts,
  deriveCertPropConflict,
  probesForPlatform,
  summarizeFacts,
  systemFactsSchemaVersion,
  type CollectSystemFactsOptions,
  type SystemFacts,
  type SystemSummary,
} from './collect.js';
export type { RemoteSessionKind } from './windows/parse.js';
export { inspectPkcs11Module, DEFAULT_PKCS11_TIMEOUT_MS, type InspectPkcs11Options } from './pkcs11/inspect.js';
export {
  compareMiddlewareWithCard,
  comparePinFlags,
  sha256Hex,
  type CardPinCounter,
  type MatchedCertificate,
  type MiddlewareComparison,
  type MiddlewareSeesCard,
  type PinComparison,
  type PinFlagName,
} from './pkcs11/compare.js';
export type {
  Pkcs11CertificateObject,
  Pkcs11ModuleInfo,
  Pkcs11ModuleView,
  Pkcs11PinFlags,
  Pkcs11SlotView,
  Pkcs11Stage,
  Pkcs11TokenView,
  Pkcs11ViewStatus,
} from './pkcs11/types.js';
export {
  readBrowserStores,
  matchBrowserStores,
  shortThumbprint,
  normaliseThumbprint,
  type BrowserStoreView,
  type BrowserStoreMatch,
  type StoreMatch,
  type StoreOutcome,
  type StoreCertificate,
  type NssModule,
  type LoginCertificateIdentity,
} from './browser-store/index.js';
