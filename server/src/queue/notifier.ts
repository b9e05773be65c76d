// Who is told what (RFC 3461 §4.1 NOTIFY): failure notices unless NOTIFY
// excludes FAILURE, one delay notice after `delayNoticeAfterMs` unless NOTIFY
// excludes DELAY, "relayed" notices for NOTIFY=SUCCESS when the next hop could
// not take the request over (RFC 3461 §6.2.2). Never to the null sender:
// notices about notices would loop (RFC 5321 §4.5.5, RFC 3461 §6.2).
import type { QueuedMessage, QueuedRecipient } from '../store/queue-port.ts';
import { buildDsn, type DsnRecipient } from './dsn.ts';
import type { QueueConfig } from './queue-config.ts';

/** Hands a generated message to local delivery or the queue; `from` '' is the null sender. */
export type SubmitFn = (bytes: Buffer, from: string, to: string) => Promise<void>;

type Notify = Pick<QueuedRecipient, 'notify'>;

function allows(r: Notify, keyword: 'SUCCESS' | 'FAILURE' | 'DELAY', byDefault: boolean): boolean {
  if (r.notify === null) return byDefault;
  return r.notify.includes(keyword);
}

export function wantsFailureNotice(m: QueuedMessage, r: Notify): boolean {
  return m.sender !== '' && allows(r, 'FAILURE', true);
}

export function wantsDelayNotice(m: QueuedMessage, r: Notify & Pick<QueuedRecipient, 'delayNoticeSent'>, now: number, config: QueueConfig): boolean {
  return m.sender !== '' && !r.delayNoticeSent && allows(r, 'DELAY', true) && now - m.createdAt >= config.delayNoticeAfterMs;
}

export function wantsSuccessNotice(m: QueuedMessage, r: Notify): boolean {
  return m.sender !== '' && allows(r, 'SUCCESS', false);
}

export interface NoticeBatch {
  failed: DsnRecipient[];
  delayed: DsnRecipient[];
  relayed: DsnRecipient[];
}

/** 'none': nothing to send; 'sent': handed over; 'failed': `submit` threw (the caller keeps it pending). */
export type NoticeResult = 'none' | 'sent' | 'failed';

/**
 * Builds and submits the notices of one delivery attempt, each kind on its
 * own: a failing submission does not stop the others. Never throws; the
 * errors are returned for the log.
 */
export async function sendNotices(
  config: QueueConfig, submit: SubmitFn, message: QueuedMessage, original: Buffer, batch: NoticeBatch, now: number,
): Promise<{ failed: NoticeResult; delayed: NoticeResult; relayed: NoticeResult; errors: unknown[] }> {
  const errors: unknown[] = [];
  if (message.sender === '') return { failed: 'none', delayed: 'none', relayed: 'none', errors };
  const full = message.ret === 'FULL' || (message.ret === null && message.size <= config.dsnFullMessageMaxBytes);
  const send = async (recipients: DsnRecipient[], withFull: boolean): Promise<NoticeResult> => {
    if (recipients.length === 0) return 'none';
    try {
      const bytes = buildDsn({ reportingMta: config.hostname, message, recipients, original, full: withFull, now });
      await submit(bytes, '', message.sender);
      return 'sent';
    } catch (err) {
      errors.push(err);
      return 'failed';
    }
  };
  const failed = await send(batch.failed, full);
  // RET applies to failure notices; the others carry headers only (RFC 3461 §4.3).
  const delayed = await send(batch.delayed, false);
  const relayed = await send(batch.relayed, false);
  return { failed, delayed, relayed, errors };
}
