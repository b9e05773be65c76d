// Search results as responses: RFC 9051 §7.3.4 ESEARCH (always, for an
// IMAP4rev2 session), RFC 3501 §7.2.5 SEARCH (RFC 7162 §3.1.5 MODSEQ
// suffix), RFC 4731 RETURN options and RFC 5182 SAVE.
import type { ImapContext } from '../context.ts';
import type { Response, SearchReturnOption } from '../wire/index.ts';

export interface Found {
  /** Matching UIDs in result order (ascending for SEARCH, sort order for SORT). */
  uids: number[];
  /** RFC 7162 §3.1.5: set when the criteria used MODSEQ. */
  modseq?: bigint;
}

/** The responses for a SEARCH or SORT result; also stores the SAVE result in the session. */
export function searchResponses(ctx: ImapContext, tag: string, uid: boolean, returns: SearchReturnOption[] | null, found: Found, kind: 'search' | 'sort'): Response[] {
  const selected = ctx.session.selected!;
  const ids = uid ? found.uids : found.uids.map((u) => selected.seqOf(u));
  // RFC 4731 §3.1: "RETURN ()" means RETURN (ALL).
  const options = returns === null ? null : returns.length === 0 ? ['ALL'] : returns;
  if (options?.includes('SAVE')) {
    // RFC 5182 §2.4: with MIN or MAX alone, only those are saved.
    const others = options.filter((o) => o !== 'SAVE');
    const pick = others.length > 0 && others.every((o) => o === 'MIN' || o === 'MAX');
    const sorted = [...found.uids].sort((a, b) => a - b);
    ctx.session.savedUids = !pick || sorted.length === 0 ? sorted
      : [...new Set([...(others.includes('MIN') ? [sorted[0]] : []), ...(others.includes('MAX') ? [sorted[sorted.length - 1]] : [])])];
    if (others.length === 0) return [];
  }
  if (options === null && !ctx.session.rev2) {
    return [{ kind, ids, ...(found.modseq !== undefined ? { modseq: found.modseq } : {}) }];
  }
  const wanted = options ?? ['ALL'];
  const numeric = [...ids].sort((a, b) => a - b);
  const response: Extract<Response, { kind: 'esearch' }> = { kind: 'esearch', tag, uid };
  if (numeric.length > 0) {
    if (wanted.includes('MIN')) response.min = kind === 'sort' ? ids[0] : numeric[0];
    if (wanted.includes('MAX')) response.max = kind === 'sort' ? ids[ids.length - 1] : numeric[numeric.length - 1];
    if (wanted.includes('ALL')) response.all = kind === 'sort' ? ids : numeric;
  }
  if (wanted.includes('COUNT')) response.count = ids.length;
  if (found.modseq !== undefined && numeric.length > 0) response.modseq = found.modseq;
  return [response];
}
