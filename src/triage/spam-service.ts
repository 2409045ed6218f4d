import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * A spam service behind one interface (docs/triage.md), so another can be added next to Akismet: it judges a new
 * or edited comment, and hears back when a moderator overrides it. It needs the client's address and user agent,
 * which the service keeps (encrypted) only while a spam service is configured (comments/comment-checks.service.ts).
 */
export interface SpamInput {
  ip: string;
  userAgent: string;
  body: string;
  authorName: string;
  authorEmail: string | null;
  /** The article's URL, when it has one. */
  permalink: string | null;
  reply: boolean;
  createdAt: Date;
  editedAt: Date | null;
}

/** `spam`: hold it for a moderator; `discard`: blatant spam, refused; `ham`: no objection; `unavailable`: no verdict. */
export type SpamVerdict =
  { verdict: 'ham' | 'spam' | 'discard'; service: string } | { verdict: 'unavailable'; service: string; reason: string };

export interface SpamService {
  readonly name: string;
  check(input: SpamInput): Promise<SpamVerdict>;
  /** Tells the service it was wrong (a moderator's override). Never throws; false when it did not get through. */
  feedback(kind: 'spam' | 'ham', input: SpamInput): Promise<boolean>;
}

/**
 * Akismet (https://akismet.com/developers/): `comment-check` answers `true` (spam, with the header
 * `X-akismet-pro-tip: discard` for blatant spam) or `false`; `submit-spam` / `submit-ham` report a mistake. Every
 * call has SPAM_CHECK_TIMEOUT_MS: an outage never delays posting longer.
 */
@Injectable()
export class AkismetService implements SpamService {
  readonly name = 'akismet';
  private readonly logger = new Logger(AkismetService.name);

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.get('AKISMET_KEY') && this.config.get('AKISMET_SITE'));
  }

  async check(input: SpamInput): Promise<SpamVerdict> {
    const res = await this.call('comment-check', input);
    if ('error' in res) return { verdict: 'unavailable', service: this.name, reason: res.error };
    if (res.body === 'true') return { verdict: res.discard ? 'discard' : 'spam', service: this.name };
    if (res.body === 'false') return { verdict: 'ham', service: this.name };
    return { verdict: 'unavailable', service: this.name, reason: `unexpected answer${res.debug ? ` (${res.debug})` : ''}` };
  }

  async feedback(kind: 'spam' | 'ham', input: SpamInput): Promise<boolean> {
    const res = await this.call(kind === 'spam' ? 'submit-spam' : 'submit-ham', input);
    if ('error' in res) this.logger.warn({ msg: 'akismet feedback failed', kind, err: res.error });
    return !('error' in res);
  }

  private async call(
    method: 'comment-check' | 'submit-spam' | 'submit-ham',
    input: SpamInput,
  ): Promise<{ body: string; discard: boolean; debug: string | null } | { error: string }> {
    const timeoutMs = this.config.get('SPAM_CHECK_TIMEOUT_MS');
    const form = new URLSearchParams({
      api_key: this.config.get('AKISMET_KEY') ?? '',
      blog: this.config.get('AKISMET_SITE') ?? '',
      user_ip: input.ip,
      user_agent: input.userAgent,
      comment_type: input.reply ? 'reply' : 'comment',
      comment_author: input.authorName,
      comment_content: input.body,
      comment_date_gmt: input.createdAt.toISOString(),
      ...(input.authorEmail && { comment_author_email: input.authorEmail }),
      ...(input.permalink && { permalink: input.permalink }),
      ...(input.editedAt && { comment_post_modified_gmt: input.editedAt.toISOString() }),
    });
    const url = `${this.config.get('AKISMET_URL').replace(/\/$/, '')}/1.1/${method}`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'newsroom-comments/1 | akismet-adapter/1' },
        body: form,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.text()).trim().slice(0, 200);
      if (!res.ok) return { error: `HTTP ${res.status}` };
      return { body, discard: res.headers.get('x-akismet-pro-tip') === 'discard', debug: res.headers.get('x-akismet-debug-help') };
    } catch (err) {
      const e = err as Error;
      return { error: e.name === 'TimeoutError' ? `no response within ${timeoutMs} ms` : e.message.slice(0, 200) };
    }
  }
}
