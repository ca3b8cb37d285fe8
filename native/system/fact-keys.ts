/**
 * The keys of the facts the probes produce, in one place so the diagnosis and the views can rely
 * on them. Values are listed per key; every key may also have the value `unknown` (see UNKNOWN).
 */
export const FactKeys = {
  osPlatform: 'os.platform',
  osRelease: 'os.release',
  osArch: 'os.arch',

  /** All platforms: 'running' | 'stopped' | 'not-installed' | 'available' (macOS: built in, starts on demand) | 'unknown'. */
  pcscServiceState: 'pcsc.service.state',
  /** Windows SCardSvr start type: 'auto' | 'auto-delayed' | 'demand' | 'disabled' | … */
  pcscServiceStartType: 'pcsc.service.start-type',
  /** Linux: 'present' | 'absent' | 'not-a-socket' (pcscd's socket file). */
  pcscSocket: 'pcsc.socket',
  /** Linux: 'running' | 'not-running' (a process named pcscd). */
  pcscProcess: 'pcsc.process',
  /** Linux: 'present' | 'not-present' (systemd as init). */
  systemd: 'systemd',
  /** Linux with systemd: 'active' | 'inactive' | 'failed' | … as `systemctl is-active` says. */
  pcscSystemdSocket: 'pcsc.systemd.socket',
  pcscSystemdService: 'pcsc.systemd.service',
  /** macOS: CryptoTokenKit token drivers (pluginkit), string[]. */
  macTokenDrivers: 'pcsc.token-drivers',

  /** Windows Certificate Propagation: 'running' | 'stopped' | 'not-installed' | … */
  certPropState: 'certprop.state',
  certPropStartType: 'certprop.start-type',
  /** Windows, derived: 'yes' | 'possible' | 'no'. */
  certPropConflict: 'certprop.conflict',
  /** Windows: registered minidrivers "card name → dll", string[]. */
  minidrivers: 'minidrivers',
  /** Windows: true when a Thales/SafeNet (IDPrime) minidriver is registered. */
  safenetMinidriver: 'minidrivers.safenet',

  /** Windows: 'none' | 'rdp' | 'citrix' | 'vmware-horizon' | 'ssh' | 'other-remote'. */
  remoteSession: 'session.remote',

  /** string[]: reader names as PC/SC (or the platform) lists them. */
  readers: 'readers.list',
  /** string[]: "<name> (<kind>)" for readers that are virtual. */
  virtualReaders: 'readers.virtual',

  /** Windows: number of certificates in CurrentUser\My issued by a SITHS CA. */
  sithsCertificatesInStore: 'certstore.siths.count',
  /** Windows: the SITHS issuers' CNs seen in the store, string[]. */
  sithsIssuersInStore: 'certstore.siths.issuers',
  certificatesInStore: 'certstore.count',

  /** string[] of PKCS#11 module paths registered with p11-kit (Linux). */
  p11KitModules: 'p11kit.modules',
  p11KitTool: 'p11kit.tool',
} as const;

/**
 * The card middleware products IT support asks about. `netid` is Net iD where the files do not
 * say which edition (Linux, macOS).
 */
export type MiddlewareProduct = 'netid-enterprise' | 'netid-client' | 'netid' | 'siths-eid' | 'safenet-sac' | 'opensc';
export const middlewareProducts: readonly MiddlewareProduct[] = ['netid-enterprise', 'netid-client', 'netid', 'siths-eid', 'safenet-sac', 'opensc'];

/** Per middleware product: 'installed' | 'not-installed' | 'unknown'. */
export function middlewareKey(product: string): string {
  return `middleware.${product}`;
}
export function middlewareVersionKey(product: string): string {
  return `middleware.${product}.version`;
}
/** Where the product is installed (folder, app bundle or the file that proved it). */
export function middlewarePathKey(product: string): string {
  return `middleware.${product}.path`;
}
/** The product's PKCS#11 module file, when found. */
export function middlewareModuleKey(product: string): string {
  return `middleware.${product}.pkcs11`;
}
