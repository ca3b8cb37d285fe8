/** The card layer's public API: read a card, and the pieces other layers and tools use. */
export { readCard, pkcs15Aid, type ReadCardOptions } from './read-card.js';
export * from './card-read-result.js';
export { identifyCard, knownCards, atrMatches, type CardProfile, type CardFamily, type CardReadHints, type IdentifyCardOptions } from './profiles.js';
export { parseAtr, type AtrInfo } from './atr.js';
export { loadSmartcardList, lookUpAtr, parseSmartcardList, defaultSmartcardListPath } from './smartcard-list.js';
export {
  CardSession,
  ApplicationSession,
  selectApplication,
  type ApduExchange,
  type SessionStats,
  type CardSessionOptions,
  type ExchangeResult,
} from './session.js';
export {
  encodeCommandApdu,
  decodeCommandApdu,
  parseResponseApdu,
  describeStatusWord,
  formatStatusWord,
  statusWordSummary,
  type CommandApdu,
  type ResponseApdu,
  type LengthEncoding,
} from './apdu.js';
export {
  CardError,
  ApduError,
  ApplicationNotAvailableError,
  MalformedResponseError,
  Pkcs15ParseError,
  ReadLimitError,
  isCardError,
  type CardErrorCode,
} from './errors.js';
export { statusWordMessages } from './status-words.js';
