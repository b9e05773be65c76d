// Mail client autoconfiguration (docs/client-setup.md): Thunderbird's
// autoconfig, Outlook's POX Autodiscover and an Apple configuration profile.
// Public routes: they reveal only the server name and ports, which DNS SRV
// records (RFC 6186) publish anyway.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoaConfig } from '../../config/types.ts';
import {
  AUTODISCOVER_BODY_LIMIT, appleProfile, autodiscoverError, autodiscoverResponse, parseEmail, readAutodiscoverRequest, thunderbirdConfig,
} from './autoconfig-documents.ts';

const publicRoute = { access: 'public' as const };
const XML = 'application/xml; charset=utf-8';

export async function autoconfigRoutes(app: FastifyInstance, opts: { config: StoaConfig }): Promise<void> {
  const { config } = opts;

  // Encapsulated in this plugin: the rest of the API keeps accepting JSON only.
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: AUTODISCOVER_BODY_LIMIT }, (_req, body, done) => done(null, body));

  const thunderbird = async (request: FastifyRequest<{ Querystring: { emailaddress?: string } }>, reply: FastifyReply): Promise<string> => {
    const email = parseEmail(request.query.emailaddress);
    // Without an address Thunderbird still needs the servers; the domain is then this host's.
    const domain = email?.domain ?? config.hostname;
    return reply.type(XML).header('cache-control', 'no-store').send(thunderbirdConfig(config, domain));
  };
  const tbSchema = {
    hide: true,
    querystring: { type: 'object', properties: { emailaddress: { type: 'string', maxLength: 320 } } },
  };
  app.get('/.well-known/autoconfig/mail/config-v1.1.xml', { config: publicRoute, schema: tbSchema }, thunderbird);
  app.get('/mail/config-v1.1.xml', { config: publicRoute, schema: tbSchema }, thunderbird);

  const autodiscover = async (request: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const body = typeof request.body === 'string' ? request.body : '';
    const parsed = readAutodiscoverRequest(body);
    reply.type(XML).header('cache-control', 'no-store');
    if (!parsed.ok) return reply.code(400).send(autodiscoverError(600, `Invalid Request: ${parsed.reason}`));
    return reply.send(autodiscoverResponse(config, parsed.email));
  };
  const adOptions = { config: publicRoute, bodyLimit: AUTODISCOVER_BODY_LIMIT, schema: { hide: true } };
  app.post('/autodiscover/autodiscover.xml', adOptions, autodiscover);
  app.post('/Autodiscover/Autodiscover.xml', adOptions, autodiscover);

  app.get('/apple/profile.mobileconfig', {
    config: publicRoute,
    schema: { hide: true, querystring: { type: 'object', required: ['email'], properties: { email: { type: 'string', maxLength: 320 } } } },
  }, async (request: FastifyRequest<{ Querystring: { email: string } }>, reply) => {
    const email = parseEmail(request.query.email);
    if (!email) return reply.code(400).type('text/plain; charset=utf-8').send('email must be an e-mail address\n');
    return reply
      .type('application/x-apple-aspen-config')
      .header('content-disposition', `attachment; filename="${email.domain}.mobileconfig"`)
      .header('cache-control', 'no-store')
      .send(appleProfile(config, email.address, email.domain));
  });
}
