// From the rules that fired to what happens to the message: scores are
// summed and compared with the thresholds (tag < junk < quarantine < reject),
// unless a check took a hard decision. The verdict is written into the
// message as one header field and kept as a structured record so the admin
// API can explain it.
import type { CheckReport, Direction, HardDecision, RuleHit } from './pipeline-types.ts';

export type VerdictAction = 'accept' | 'tag' | 'junk' | 'quarantine' | 'reject' | 'defer';

export interface Thresholds {
  /** At or above: the header says "yes" (mail clients can sort on it). */
  tag: number;
  /** At or above: delivered to the recipient's Junk folder. */
  junk: number;
  /** At or above: held in quarantine; 0 = never by score. */
  quarantine: number;
  /** At or above: refused at SMTP time (550 5.7.1); 0 = never by score. */
  reject: number;
}

export interface Verdict {
  id: string;
  at: string;
  direction: Direction;
  /** Sum of the scores of every rule that fired, one decimal. */
  score: number;
  action: VerdictAction;
  thresholds: Thresholds;
  /** Every rule that fired, in check order. */
  rules: RuleHit[];
  /** The hard decision that overrode the score, if any. */
  decision: HardDecision | null;
  /** One sentence for logs, the SMTP reply and the admin. */
  reason: string;
  checks: CheckReport[];
}

export const HEADER_NAME = 'X-Stoa-Spam';

const round = (n: number): number => Math.round(n * 10) / 10;

export function decide(direction: Direction, rules: RuleHit[], decision: HardDecision | null, thresholds: Thresholds): { score: number; action: VerdictAction; reason: string } {
  const score = round(rules.reduce((sum, r) => sum + r.score, 0));
  if (decision?.action === 'accept') return { score, action: 'accept', reason: `${decision.check}: ${decision.reason}` };
  const byScore = scoreAction(direction, score, rules, thresholds);
  // A hard decision is a floor: a DMARC p=quarantine message that also scores
  // over the reject threshold is rejected, not merely filed in Junk.
  if (decision && RANK[decision.action] >= RANK[byScore.action]) {
    return { score, action: decision.action, reason: `${decision.check}: ${decision.reason}` };
  }
  return byScore;
}

const RANK: Record<VerdictAction, number> = { accept: 0, tag: 1, junk: 2, defer: 3, quarantine: 4, reject: 5 };

function scoreAction(direction: Direction, score: number, rules: RuleHit[], thresholds: Thresholds): { score: number; action: VerdictAction; reason: string } {
  const top = [...rules].sort((a, b) => b.score - a.score).slice(0, 3).filter((r) => r.score > 0).map((r) => r.rule).join(', ');
  const why = (what: string): string => `${what} (score ${score}${top ? `: ${top}` : ''})`;
  if (thresholds.reject > 0 && score >= thresholds.reject) {
    return { score, action: 'reject', reason: why(direction === 'inbound' ? 'Message looks like spam' : 'Message looks like spam; not sent') };
  }
  if (thresholds.quarantine > 0 && score >= thresholds.quarantine) return { score, action: 'quarantine', reason: why('held in quarantine') };
  if (score >= thresholds.junk) return { score, action: 'junk', reason: why('delivered to Junk') };
  if (score >= thresholds.tag) return { score, action: 'tag', reason: why('tagged as spam') };
  return { score, action: 'accept', reason: `clean (score ${score})` };
}

/** "NAME=score" with the detail left out: details go to the stored verdict, not into every copy of the message. */
function testsText(rules: readonly RuleHit[]): string {
  return rules.map((r) => `${r.rule}=${r.score}`).join(', ') || 'none';
}

/**
 * The header field, folded at commas so no line exceeds 78 characters where
 * it can (RFC 5322 §2.1.1), CRLF-terminated.
 * X-Stoa-Spam: yes; score=12.5; required=6; action=junk; id=…; tests=GTUBE=1000, …
 */
export function verdictHeader(v: Verdict): string {
  const flagged = v.action !== 'accept';
  const parts = [
    flagged ? 'yes' : 'no', `score=${v.score}`, `required=${v.thresholds.junk}`, `action=${v.action}`, `id=${v.id}`, `tests=${testsText(v.rules)}`,
  ];
  const words = parts.join('; ').split(' ');
  const lines: string[] = [];
  let line = `${HEADER_NAME}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > 78 && line.trim() !== `${HEADER_NAME}:`) {
      lines.push(line);
      line = '\t' + word;
    } else {
      line += ' ' + word;
    }
  }
  lines.push(line);
  return lines.join('\r\n') + '\r\n';
}

export interface ParsedVerdictHeader {
  flagged: boolean;
  score: number;
  action: string;
  id: string | null;
  tests: Array<{ rule: string; score: number }>;
}

/** Reads an X-Stoa-Spam value back (the console's "explain" for a message whose record was pruned). */
export function parseVerdictHeader(value: string): ParsedVerdictHeader | null {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ').trim();
  const m = /^(yes|no)\s*;(.*)$/i.exec(unfolded);
  if (!m) return null;
  const params = new Map<string, string>();
  for (const p of m[2].split(/;\s*(?=[a-z]+=)/i)) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
  }
  const tests = (params.get('tests') ?? '').split(',').map((t) => t.trim()).filter((t) => t && t !== 'none').map((t) => {
    const [rule, score] = t.split('=');
    return { rule, score: Number(score) };
  });
  return {
    flagged: m[1].toLowerCase() === 'yes',
    score: Number(params.get('score') ?? 'NaN'),
    action: params.get('action') ?? '',
    id: params.get('id') ?? null,
    tests,
  };
}
