// DKIM keys of a domain: GET /api/v1/domains/:id/dkim shows the records to
// publish (creating the keys of a domain that has none yet, e.g. one made
// before DKIM existed), POST …/dkim/rotate makes new keys. Domain scope is
// the directory's: a domain admin reaches only granted domains.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import Type from 'typebox';
import type { Directory } from '../../directory/api.ts';
import type { DkimKeys } from '../../mail-auth/dkim-keys.ts';
import { ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

const DkimRecord = Type.Object({
  selector: Type.String(),
  algorithm: Type.Union([Type.Literal('rsa-sha256'), Type.Literal('ed25519-sha256')]),
  name: Type.String({ description: 'DNS owner name: <selector>._domainkey.<domain>' }),
  value: Type.String({ description: 'TXT value to publish (split into 255-octet strings if your DNS host asks)' }),
  publicKey: Type.String({ description: 'The p= tag alone' }),
  active: Type.Boolean({ description: 'Signs outbound mail; inactive keys are kept after a rotation until their record can go' }),
  createdAt: Type.String({ format: 'date-time' }),
}, { additionalProperties: false });

const DkimInfo = Type.Object({
  domain: Type.String(),
  records: Type.Array(DkimRecord),
}, { additionalProperties: false, description: 'DKIM keys of a domain, active first' });

type Ref = Static<typeof ObjectParams>;

export async function dkimRoutes(app: FastifyInstance, opts: { directory: Directory; dkim: DkimKeys }): Promise<void> {
  const { directory, dkim } = opts;
  const config = { access: 'admin' as const };

  app.get<{ Params: Ref }>('/domains/:id/dkim', {
    config,
    schema: {
      tags: ['domains'], summary: 'DKIM records to publish for a domain (keys are created if missing)',
      params: ObjectParams,
      response: { 200: DkimInfo, ...problemResponses },
    },
  }, async (request) => {
    const domain = await directory.domains.get(authOf(request).actor, request.params.id);
    await dkim.ensureKey(domain);
    return { domain: domain.name, records: await dkim.records(domain) };
  });

  app.post<{ Params: Ref }>('/domains/:id/dkim/rotate', {
    config,
    schema: {
      tags: ['domains'], summary: 'New DKIM keys with new selectors; publish them, the old ones stop signing at once',
      params: ObjectParams,
      response: { 200: DkimInfo, ...problemResponses },
    },
  }, async (request) => {
    const { actor } = authOf(request);
    const domain = await directory.domains.get(actor, request.params.id);
    await dkim.rotate(domain, actor);
    return { domain: domain.name, records: await dkim.records(domain) };
  });
}
