// Optional external scorers: rspamd (HTTP /checkv2, rspamd-client.ts)
// and SpamAssassin's spamd (spamd-client.ts). Each is a check that runs only
// when configured; its score is added to ours as one rule (RSPAMD, SPAMD)
// whose detail lists the scorer's own symbols. A scorer that is down or
// slow is skipped (onError "skip"): it adds evidence, it is not a gate.
import { hit } from '../rules.ts';
import { rspamdCheck, rspamdDetail } from '../rspamd-client.ts';
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

export function rspamdScorer(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.rspamd;
  return {
    name: 'rspamd', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: config.timeoutMs, onError: 'skip',
    async run(ctx, signal) {
      if (!ctx.message || !config.url) return {};
      const envelope = { ip: ctx.ip, helo: ctx.helo || 'unknown', sender: ctx.sender, user: ctx.account?.address ?? null, clientHostname: ctx.clientHostname };
      const r = await rspamdCheck({ url: config.url, password: config.password }, envelope, new Uint8Array(await body(ctx.message.stream())), signal);
      ctx.facts.rspamd = r;
      return { hits: [hit(deps.scores, 'RSPAMD', rspamdDetail(r), Math.round(r.score * 10) / 10)] };
    },
  };
}
