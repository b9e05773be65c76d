// Mail client autoconfiguration (docs/client-setup.md): Thunderbird's
// autoconfig, Outlook's POX Autodiscover and an Apple configuration profile.
// Public routes: they reveal only the server name and ports, which DNS SRV
// records (RFC 6186) publish anyway, and only for domains hosted here (issue
// 16 item 22): Stoa does not hand out settings for gmail.com. Whether the
// user exists is not asked, so the answer tells nothing about accounts.
// ActiveSync clients get Autodiscover error 601 (no provider for their
// response schema) rather than IMAP settings they cannot use. An
// Autodiscover request that carries the user's own credentials (HTTP Basic,
// as Outlook sends them) also gets the mailboxes the user holds full access
// on (AlternativeMailbox, Exchange's automapping); who may open what is never
// told to anyone else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoaConfig } from '../../config/types.ts';
import { systemActor } from '../../directory/access.ts';
import type { Directory } from '../../directory/api.ts';
import { isStoaError } from '../../errors/catalogue.ts';
import {
  AUTODISCOVER_BODY_LIMIT, MOBILESYNC_SCHEMA, appleProfile, autodiscoverError, autodiscoverResponse, parseEmail, readAutodiscoverRequest, thunderbirdConfig,
  type AlternativeMailbox,
} from './autoconfig-documents.ts';

const publicRoute = { access: 'public' as const };
const XML = 'application/xml; charset=utf-8';

/** The user name and password of an HTTP Basic Authorization header (RFC 7617); null without one. */
function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { username: text.slice(0, colon), password: text.slice(colon + 1) } : null;
}

/**
 * The mailboxes the authenticated requester may open, when it asks about its
 * own address; 'denied' for wrong credentials, the seconds to wait when the
 * login is throttled; [] without credentials.
 */
async function alternativesFor(
  directory: Directory, header: string | undefined, email: string, ip: string,
): Promise<AlternativeMailbox[] | 'denied' | { retryAfterSeconds: number }> {
  const credentials = basicCredentials(header);
  if (!credentials) return [];
  const login = await directory.auth.authenticate({ ...credentials, protocol: 'autodiscover', ip });
  if (!login.ok && login.code === 'STOA_AUTH_THROTTLED') return { retryAfterSeconds: Math.max(1, Math.ceil(login.retryAfterSeconds ?? 1)) };
  if (!login.ok) return 'denied';
  const asked = await directory.addresses.resolve(email).catch(() => null);
  if (asked?.kind !== 'account' || asked.account.id !== login.account.id) return [];
  const out: AlternativeMailbox[] = [];
  for (const entry of (await directory.grants.accessOf(login.actor, login.account.id)).open) {
    let displayName = entry.mailbox.address;
    if (entry.mailbox.kind === 'shared-mailbox') {
      try {
        displayName = (await directory.sharedMailboxes.get(systemActor(), entry.mailbox.id)).displayName || displayName;
      } catch (err) {
        if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
      }
    }
    out.push({ displayName, address: entry.mailbox.address });
  }
  return out;
}

export async function autoconfigRoutes(app: FastifyInstance, opts: { config: StoaConfig; directory: Directory }): Promise<void> {
  const { config, directory } = opts;
  const hosted = async (domain: string): Promise<boolean> => directory.addresses.isLocalDomain(domain).catch(() => false);
  const notHosted = (reply: FastifyReply): FastifyReply =>
    reply.code(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('This domain is not served here.\n');

  // Encapsulated in this plugin: the rest of the API keeps accepting JSON only.
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: AUTODISCOVER_BODY_LIMIT }, (_req, body, done) => done(null, body));

  const thunderbird = async (request: FastifyRequest<{ Querystring: { emailaddress?: string } }>, reply: FastifyReply): Promise<string> => {
    const email = parseEmail(request.query.emailaddress);
    if (email && !await hosted(email.domain)) return notHosted(reply);
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
    // MS-ASCMD 2.2.3.64: 601, no provider for the requested response schema; the device stops looking here.
    if (parsed.schema?.toLowerCase() === MOBILESYNC_SCHEMA) return reply.send(autodiscoverError(601, 'Provider is not available'));
    // As Exchange answers for an address it does not know (error 500), with 200: Outlook then tries its next method.
    if (!await hosted(parsed.domain)) return reply.send(autodiscoverError(500, 'The e-mail address cannot be found.'));
    const alternatives = await alternativesFor(directory, request.headers.authorization, parsed.email, request.ip);
    if (alternatives === 'denied') {
      return reply.code(401).header('www-authenticate', 'Basic realm="Autodiscover", charset="UTF-8"').send(autodiscoverError(401, 'Wrong user name or password'));
    }
    if (!Array.isArray(alternatives)) {
      // Throttled like every login (docs/security.md "Login throttling"): not "wrong password", so the client does not ask for a new one.
      return reply.code(429).header('retry-after', String(alternatives.retryAfterSeconds))
        .send(autodiscoverError(429, `Too many failed logins; try again in ${alternatives.retryAfterSeconds} seconds`));
    }
    return reply.send(autodiscoverResponse(config, parsed.email, alternatives));
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
    if (!await hosted(email.domain)) return notHosted(reply);
    return reply
      .type('application/x-apple-aspen-config')
      .header('content-disposition', `attachment; filename="${email.domain}.mobileconfig"`)
      .header('cache-control', 'no-store')
      .send(appleProfile(config, email.address, email.domain));
  });
}
