import { Injectable } from '@nestjs/common';
import { postJson } from '../common/outbound/http-post.js';
import { signatureHeaders } from '../common/outbound/signature.js';
import { HostResolver } from '../common/outbound/target-guard.js';
import { AppConfig } from '../config/app-config.js';

/**
 * The publisher's classifier ("external moderation step", docs/triage.md): an endpoint the newsroom runs, called
 * for every new or edited comment with its text, its author's standing and its article, signed like the webhooks
 * (Standard Webhooks headers, CLASSIFIER_SECRET), within CLASSIFIER_TIMEOUT_MS. It answers publish, hold or refuse.
 * Whatever else happens (no answer in time, a refused target, an error status, an answer that is not one of the
 * three) is a hold with the reason: a comment is never published unchecked.
 */

export interface ClassifierRequest {
  type: 'comment.check';
  timestamp: string;
  data: {
    comment: { id: string; body: string; parentId: string | null; createdAt: string; editedAt: string | null; edit: boolean };
    author: { id: string; role: string; createdAt: string; approvedComments: number; emailDomain: string | null };
    article: { id: string; slug: string; title: string; url: string | null; moderationMode: string };
    /** What the newsroom's rules and word filter decided before the call: approved (would publish) or pending. */
    triage: { status: 'approved' | 'pending'; holdSource: string | null; holdRule: string | null };
  };
}

export type ClassifierVerdict =
  | { action: 'publish'; labels: string[]; model: string | null }
  | { action: 'hold'; reason: string; labels: string[]; model: string | null }
  /** `reason`: the id or label of one of the newsroom's decision reasons; `explanation`: free text for the author. */
  | { action: 'refuse'; reason: string; explanation: string | null; labels: string[]; model: string | null };

/** The verdict when the classifier gave none: hold, with `rule` saying why (`unavailable`, `invalid_answer`). */
export interface ClassifierFailure {
  action: 'hold';
  failure: 'unavailable' | 'invalid_answer';
  reason: string;
  labels: string[];
  model: null;
}

export type ClassifierOutcome = ClassifierVerdict | ClassifierFailure;

const LABEL = /^[\p{L}\p{N}_.:/ -]{1,64}$/u;

/** The classifier's answer, or why it is not one (a sentence for the moderator). Pure. */
export function parseClassifierAnswer(body: string | null | undefined): ClassifierVerdict | { invalid: string } {
  if (body == null) return { invalid: 'the answer was empty or larger than 64 KiB' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { invalid: 'the answer was not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { invalid: 'the answer was not a JSON object' };
  const a = json as Record<string, unknown>;
  const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
  const rawLabels = a.labels ?? [];
  if (!Array.isArray(rawLabels) || rawLabels.some((l) => typeof l !== 'string' || !LABEL.test(l)))
    return { invalid: 'labels must be a list of short strings (letters, digits, _ . : / - and spaces, up to 64)' };
  const labels = [...new Set(rawLabels as string[])].slice(0, 20);
  const model = text(a.model, 64);
  switch (a.action) {
    case 'publish':
      return { action: 'publish', labels, model };
    case 'hold': {
      const reason = text(a.reason, 500);
      return reason ? { action: 'hold', reason, labels, model } : { invalid: 'a hold needs a reason' };
    }
    case 'refuse': {
      const reason = text(a.reason, 200);
      if (!reason) return { invalid: "a refusal needs a reason (the id or label of one of the newsroom's decision reasons)" };
      return { action: 'refuse', reason, explanation: text(a.explanation, 2000), labels, model };
    }
    default:
      return { invalid: 'action must be publish, hold or refuse' };
  }
}

@Injectable()
export class ClassifierClient {
  /** Its own resolver: the webhooks' may be replaced in tests, and the two need not share one. */
  private readonly resolver = new HostResolver();
  /** Aborted when the process shuts down: calls in flight give up, their comments stay for the resume worker. */
  private readonly shutdown = new AbortController();

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.get('CLASSIFIER_URL'));
  }

  get timeoutMs(): number {
    return this.config.get('CLASSIFIER_TIMEOUT_MS');
  }

  /** Gives up every call in flight (they answer `aborted`); used at shutdown. */
  abortAll(): void {
    this.shutdown.abort();
  }

  get aborted(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** Calls the classifier once. Never throws: a failure is a hold with its reason. */
  async check(request: ClassifierRequest, messageId: string): Promise<ClassifierOutcome> {
    const url = this.config.get('CLASSIFIER_URL');
    const secret = this.config.get('CLASSIFIER_SECRET');
    if (!url || !secret) return failure('unavailable', 'no classifier is configured');
    const body = JSON.stringify(request);
    const timeoutMs = this.timeoutMs;
    const sent = await postJson({
      url,
      body,
      headers: { ...signatureHeaders(secret, messageId, new Date(), body) },
      timeoutMs,
      allowPrivate: this.config.get('CLASSIFIER_ALLOW_PRIVATE_TARGET'),
      resolver: this.resolver,
      readBody: true,
      signal: this.shutdown.signal,
      userAgent: 'newsroom-comments-classifier/1',
      keepAlive: true,
    });
    if (!sent.ok) return failure('unavailable', `the classifier did not answer: ${sent.error ?? 'no answer'}`);
    const answer = parseClassifierAnswer(sent.body);
    if ('invalid' in answer) return failure('invalid_answer', `the classifier's answer was unusable: ${answer.invalid}`);
    return answer;
  }
}

const failure = (kind: ClassifierFailure['failure'], reason: string): ClassifierFailure => ({
  action: 'hold',
  failure: kind,
  reason: `${reason.slice(0, 400)}; held for a moderator (never published unchecked)`,
  labels: [],
  model: null,
});
