import { ApiProperty } from '@nestjs/swagger';
import type { StateEffect } from '../comment-core/comment-state.js';
import type { FilterVerdict } from '../word-filter/word-matcher.js';

/**
 * Why a comment was held for a moderator (or rejected) automatically: its latest hold, one row per comment in
 * `comment_holds`, written by a StateEffect (comment-state.ts) in the very statement that gives the comment its
 * status, so a hold exists exactly when its change committed. Sources today: the word filter and readers' reports;
 * automated triage (rules, the publisher's classifier, a spam service) adds sources to the same row.
 */
export const HOLD_SOURCES = ['word_filter', 'reports', 'rule', 'classifier', 'spam_service'] as const;
export type HoldSource = (typeof HOLD_SOURCES)[number];

/** The sources that hold a comment on their own when it is posted or edited (every one but readers' reports). */
export const AUTOMATIC_HOLD_SOURCES = ['word_filter', 'rule', 'classifier', 'spam_service'] as const satisfies readonly HoldSource[];

export interface HoldReason {
  source: HoldSource;
  /** Which rule of the source: `banned` / `suspect` (word filter), `threshold` (reports), a rule or model name. */
  rule: string | null;
  matched: string[];
  labels: string[];
}

export class CommentHoldDto {
  @ApiProperty({
    enum: HOLD_SOURCES,
    description:
      "what held it: `word_filter` (banned or suspect words), `reports` (COMMENT_REPORT_THRESHOLD readers reported it), `rule` (a triage rule), `classifier` (the publisher's classifier, docs/triage.md); `spam_service` is reserved for a spam service",
    example: 'word_filter',
  })
  source: HoldSource;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the rule of that source: `banned` or `suspect` (word filter), `threshold` (reports), a rule or model name',
    example: 'suspect',
  })
  rule: string | null;

  @ApiProperty({ type: [String], description: 'the filter entries that matched, as the admin typed them', example: ['идиот'] })
  matched: string[];

  @ApiProperty({ type: [String], description: 'labels a classifier or spam service gave', example: [] })
  labels: string[];

  @ApiProperty({ format: 'date-time', description: 'when it was held', example: '2026-11-28T09:12:45.120Z' })
  heldAt: string;
}

/** The hold a word-filter verdict makes (none for a clean text). */
export function holdFromVerdict(verdict: FilterVerdict): HoldReason | null {
  if (verdict.verdict === 'clean') return null;
  return { source: 'word_filter', rule: verdict.verdict, matched: verdict.matched.slice(0, 50), labels: [] };
}

/** Records `hold` for every changed comment (replacing an earlier hold), in the change's own statement. */
export function holdEffect(hold: HoldReason): StateEffect {
  return {
    name: 'hold',
    sql: (p) => `INSERT INTO comment_holds (comment_id, source, rule, matched, labels, created_at)
      SELECT d.id, ${p.p(hold.source, 'text')}, ${p.p(hold.rule, 'text')}, ${p.p(hold.matched, 'text[]')}, ${p.p(hold.labels, 'text[]')}, now()
      FROM changed d
      ON CONFLICT (comment_id) DO UPDATE
        SET source = EXCLUDED.source, rule = EXCLUDED.rule, matched = EXCLUDED.matched, labels = EXCLUDED.labels, created_at = EXCLUDED.created_at
      RETURNING comment_id`,
  };
}

/** The effects list with the hold of `verdict` added (when the filter matched). */
export const withHold = (effects: readonly StateEffect[], verdict: FilterVerdict): StateEffect[] => {
  const hold = holdFromVerdict(verdict);
  return hold ? [...effects, holdEffect(hold)] : [...effects];
};

/** SQL for a queue row's `hold` (JSON or null), from `comment_holds` aliased `h`. */
export const holdJson = (h: string, iso: (expr: string) => string) =>
  `CASE WHEN ${h}.comment_id IS NULL THEN NULL ELSE json_build_object('source', ${h}.source, 'rule', ${h}.rule,
     'matched', COALESCE(${h}.matched, ARRAY[]::text[]), 'labels', COALESCE(${h}.labels, ARRAY[]::text[]), 'heldAt', ${iso(`${h}.created_at`)}) END`;
