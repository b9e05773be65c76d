// Optional external scorers: rspamd (HTTP /checkv2, rspamd.com/doc/developers/protocol.html)
// and SpamAssassin's spamd (spamd-client.ts). Each is a check that runs only
// when configured; its score is added to ours as one rule (RSPAMD, SPAMD)
// whose detail lists the scorer's own symbols. A scorer that is down or
// slow is skipped (onError "skip"): it adds evidence, it is not a gate.
import { hit } from '../rules.ts';
import { spamdCheck } from '../spamd-client.ts';
import type { FilterCheck } from '../pipeline-types.ts';
import type { CheckDeps } from './check-deps.ts';

async function body(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function spamdScorer(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.spamd;
  return {
    name: 'spamd', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: config.timeoutMs, onError: 'skip',
    async run(ctx, signal) {
      if (!ctx.message || (!config.host && !config.socket)) return {};
      const r = await spamdCheck(config, ctx.message.stream(), ctx.message.size, signal);
      ctx.facts.spamd = r;
      return { hits: [hit(deps.scores, 'SPAMD', `${r.score}/${r.required}: ${r.symbols.slice(0, 12).join(' ')}`, r.score)] };
    },
  };
}

interface RspamdReply { score?: number; required_score?: number; action?: string; symbols?: Record<string, { score?: number }> }

export function rspamdScorer(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.rspamd;
  return {
    name: 'rspamd', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: config.timeoutMs, onError: 'skip',
    async run(ctx, signal) {
      if (!ctx.message || !config.url) return {};
      const headers: Record<string, string> = { IP: ctx.ip, Helo: ctx.helo || 'unknown', From: ctx.sender ?? '' };
      if (config.password) headers.Password = config.password;
      if (ctx.account) headers.User = ctx.account.address;
      if (ctx.clientHostname) headers.Hostname = ctx.clientHostname;
      const res = await fetch(new URL('/checkv2', config.url), {
        method: 'POST', headers, body: new Uint8Array(await body(ctx.message.stream())), signal,
      });
      if (!res.ok) throw new Error(`rspamd answered HTTP ${res.status}`);
      const r = (await res.json()) as RspamdReply;
      if (typeof r.score !== 'number') throw new Error('rspamd reply has no score');
      ctx.facts.rspamd = r;
      const symbols = Object.entries(r.symbols ?? {}).filter(([, s]) => (s.score ?? 0) !== 0).map(([name]) => name);
      return { hits: [hit(deps.scores, 'RSPAMD', `${r.score}/${r.required_score ?? '?'} ${r.action ?? ''}: ${symbols.slice(0, 12).join(' ')}`, Math.round(r.score * 10) / 10)] };
    },
  };
}
