// Connection policy, before the greeting: connection caps (total, per IP, per
// /24 or /64: operations/connection-gate.ts), clients
// already cut off for address harvesting, then the filter pipeline's connect
// stage (IP allow/deny lists; DNSBL on MX). A refusal here is a 421 or 554
// greeting and the connection closes (RFC 5321 §3.1).
import type { SMTPServerSession } from 'smtp-server';
import { attachState, refuse, stateOf } from '../gate.ts';
import type { SessionState, SmtpServices } from '../smtp-context.ts';
import type { ListenerKind } from '../smtp-metrics.ts';
import { SmtpReply } from '../smtp-reply.ts';
import { lookUpReverseName } from '../reverse-name.ts';
import { originOf } from './origin.ts';

/** "::ffff:192.0.2.1" is the IPv4 client of a dual-stack socket. */
export function clientIp(session: SMTPServerSession): string {
  const ip = session.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export async function onConnect(services: SmtpServices, listener: ListenerKind, session: SMTPServerSession): Promise<void> {
  const ip = clientIp(session);
  const state: SessionState = {
    listener,
    ip,
    log: services.logger.child({ proto: 'smtp', conn: session.id, ip, listener }),
    principal: null,
    admission: null,
    tx: null,
    session: null,
    // The banner does not wait for this (issue 16 item 16); submission clients are named by their login.
    reverse: listener === 'smtp' ? lookUpReverseName(services.dns, ip) : null,
  };
  attachState(session, state);
  try {
    if (services.harvest.isCutOff(ip)) {
      throw new SmtpReply(421, '4.7.0', 'Too many unknown recipients from your address; try later', 'harvest');
    }
    const admitted = services.connections.admit(ip);
    if (!admitted.ok) {
      // RFC 3463: 4.7.0 for a limit on this client, 4.3.2 "system not accepting network messages" when the server is full.
      if (admitted.reason === 'ip') throw new SmtpReply(421, '4.7.0', 'Too many connections from your address; try later', 'connection-limit');
      if (admitted.reason === 'network') throw new SmtpReply(421, '4.7.0', 'Too many connections from your network; try later', 'connection-limit');
      throw new SmtpReply(421, '4.3.2', 'Too many connections; try later', 'connection-limit');
    }
    state.admission = admitted;
    services.metrics.connections.inc({ listener });
    state.session = await services.intake.openSession(originOf({ services, session, state }));
    state.log.debug({ trusted: state.session.trusted }, 'smtp connection accepted');
  } catch (err) {
    throw refuse(services, state, 'connect', err);
  }
}

/** Releases what onConnect took; called once per connection, whatever the outcome. */
export function onClose(services: SmtpServices, session: SMTPServerSession): void {
  const state = stateOf(session);
  if (!state?.admission) return;
  state.admission.release();
  state.admission = null;
  services.metrics.connections.dec({ listener: state.listener });
}
