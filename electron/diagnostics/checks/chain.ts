/** Does the login certificate's chain end at a root this computer (or Kortkoll) trusts? */
import type { AnchorSource } from '../../pki/anchors.js';
import { claimsSithsName } from '../../pki/known-roots.js';
import { cardAnalysisOf } from '../diagnosis-facts.js';
import { defineCheck } from './check.js';

const anchorSourceMessage = (source: AnchorSource) => (source === 'system' ? 'sourceSystem' : source === 'pinned' ? 'sourcePinned' : 'sourceFile');

export const chainCheck = defineCheck({
  id: 'chain',
  after: 'auth-certificate',
  run(facts, w) {
    const analysis = cardAnalysisOf(facts);
    const chain = analysis?.chain;
    if (!chain || !analysis) return { status: 'unknown', summary: w.t('verdictReading') };
    const pathText = chain.path.map((l) => l.subjectCommonName ?? l.subject).join(' → ');
    const anchorsText = analysis.anchorSources
      .map((s) => `${w.t(anchorSourceMessage(s.source))}: ${s.available ? w.t('value.available', { count: s.count }) : w.t('value.unavailable')}`)
      .join('; ');
    const evidence = [w.fact('chainPath', 'ev.path', pathText), w.fact('anchorSources', 'ev.anchors', anchorsText)];
    switch (chain.status) {
      case 'trusted': {
        return {
          status: 'ok',
          summary: w.t('chainTrusted', { root: chain.anchor.subjectCommonName ?? chain.anchor.subject, source: w.t(anchorSourceMessage(chain.anchor.source)) }),
          evidence,
        };
      }
      case 'untrusted-root': {
        const root = chain.root.knownRoot ?? chain.root.subjectCommonName ?? chain.root.subject;
        // A root that calls itself SITHS but whose fingerprint we do not know: say the name proves nothing.
        if (chain.root.presented && chain.root.knownRoot === undefined && chain.root.sha256 !== undefined && claimsSithsName(root)) {
          return {
            status: 'warning',
            summary: w.t('chainNameNotEnough', { root }),
            evidence: [...evidence, w.fact('rootSha256', 'ev.rootSha256', chain.root.sha256)],
            remedy: w.remedy('chainNameNotEnoughRemedy', 'local-it'),
          };
        }
        const systemReadable = analysis.anchorSources.some((s) => s.source === 'system' && s.available);
        if (!systemReadable) return { status: 'unknown', summary: w.t('chainUntrustedUnknown', { root }), evidence };
        return { status: 'warning', summary: w.t('chainUntrusted', { root }), evidence, remedy: w.remedy('chainUntrustedRemedy', 'local-it') };
      }
      case 'incomplete':
        // Offline we cannot fetch the issuer from its AIA address: the chain is unknown, not wrong.
        return {
          status: 'unknown',
          summary: w.t('chainIncomplete', { issuer: chain.missingIssuer.subjectCommonName ?? chain.missingIssuer.subject }),
          evidence,
          remedy: w.remedy('chainIncompleteRemedy', 'local-it'),
        };
      case 'invalid':
        return { status: 'error', summary: w.t('chainInvalid', { problem: chain.problem.code }), evidence, remedy: w.remedy('chainInvalidRemedy', 'local-it') };
    }
  },
});
