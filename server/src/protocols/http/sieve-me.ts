// Self-service rules, out-of-office and Sieve scripts under /api/v1/me
// (issue 10): the rules and the out-of-office become one generated Sieve
// script ("stoa-rules") that the user can also open here or in any
// ManageSieve client. The Sieve service checks the actor on every call.
import type { FastifyInstance } from 'fastify';
import type { SieveService } from '../../sieve/sieve-service.ts';
import { NoContent } from '../../../../shared/src/schemas/api.ts';
import {
  MailRules, MailRulesView, OutOfOffice, OutOfOfficeView, SieveActive, SieveScript, SieveScriptInfo, SieveScriptList, SieveScriptParams, SieveScriptPut,
} from '../../../../shared/src/schemas/sieve.ts';
import Type from 'typebox';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

const CheckBody = Type.Object({ content: Type.String({ maxLength: 1024 * 1024 }) }, { additionalProperties: false });

export async function sieveMeRoutes(app: FastifyInstance, opts: { sieve: SieveService }): Promise<void> {
  const { sieve } = opts;
  const config = { access: 'user' as const };
  const tags = ['me'];

  app.get('/me/rules', {
    config, schema: { tags, summary: 'Your inbox rules, and the Sieve script they are kept in', response: { 200: MailRulesView, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return sieve.getRules(actor, account.id);
  });

  app.put<{ Body: MailRules }>('/me/rules', {
    config, schema: { tags, summary: 'Replace your inbox rules (in order); the generated script becomes your active one', body: MailRules, response: { 200: MailRulesView, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return sieve.setRules(actor, account.id, request.body.rules);
  });

  app.get('/me/out-of-office', {
    config, schema: { tags, summary: 'Your out-of-office reply', response: { 200: OutOfOfficeView, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return sieve.getOutOfOffice(actor, account.id);
  });

  app.put<{ Body: OutOfOffice }>('/me/out-of-office', {
    config, schema: { tags, summary: 'Set your out-of-office reply (with optional start and end)', body: OutOfOffice, response: { 200: OutOfOfficeView, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return sieve.setOutOfOffice(actor, account.id, request.body);
  });

  app.get('/me/sieve/scripts', {
    config, schema: { tags, summary: 'Your Sieve scripts, the server\'s limits and extensions', response: { 200: SieveScriptList, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    const s = sieve.settings;
    return { items: await sieve.list(actor, account.id), limits: { maxScripts: s.maxScripts, maxScriptBytes: s.maxScriptBytes, maxRedirects: s.maxRedirects }, extensions: [...sieve.extensions] };
  });

  app.get<{ Params: { name: string } }>('/me/sieve/scripts/:name', {
    config, schema: { tags, summary: 'One of your Sieve scripts', params: SieveScriptParams, response: { 200: SieveScript, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return sieve.get(actor, account.id, request.params.name);
  });

  app.put<{ Params: { name: string }; Body: SieveScriptPut }>('/me/sieve/scripts/:name', {
    config, schema: { tags, summary: 'Store a Sieve script (refused with line and column when it does not compile)', params: SieveScriptParams, body: SieveScriptPut, response: { 200: SieveScriptInfo, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    const stored = await sieve.put(actor, account.id, request.params.name, request.body.content);
    if (!request.body.activate || stored.active) return stored;
    await sieve.setActive(actor, account.id, stored.name);
    return { ...stored, active: true };
  });

  app.delete<{ Params: { name: string } }>('/me/sieve/scripts/:name', {
    config, schema: { tags, summary: 'Delete a Sieve script (not the active one)', params: SieveScriptParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    const { actor, account } = authOf(request);
    await sieve.delete(actor, account.id, request.params.name);
    return reply.code(204).send();
  });

  app.put<{ Body: SieveActive }>('/me/sieve/active', {
    config, schema: { tags, summary: 'Choose your active Sieve script (null: none)', body: SieveActive, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    const { actor, account } = authOf(request);
    await sieve.setActive(actor, account.id, request.body.name);
    return reply.code(204).send();
  });

  app.post<{ Body: { content: string } }>('/me/sieve/check', {
    config, schema: { tags, summary: 'Check a Sieve script without storing it', body: CheckBody, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    sieve.check(authOf(request).actor, request.body.content);
    return reply.code(204).send();
  });
}
