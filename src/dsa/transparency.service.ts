import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { PeriodQueryDto, TransparencyReportDto } from './dto/transparency.dto.js';
import {
  AUTOMATED_DECISIONS,
  DECISION_ACCOUNTS,
  DECISION_GROUNDS,
  DECISION_PROVISIONS,
  DECISION_VISIBILITIES,
  SOURCE_TYPES,
  STATEMENT_CATEGORIES,
} from './transparency-database.js';

/** Rows per round trip while streaming the export. */
const EXPORT_BATCH = 500;

type Counts = Record<string, number>;

/** Every key of the vocabulary, 0 where the data has none. */
const zeroFilled = (keys: readonly string[], found: Counts | null): Counts => Object.fromEntries(keys.map((k) => [k, found?.[k] ?? 0]));

interface StatementRow {
  id: string;
  created_at: Date;
  puid: string;
  decision_visibility: string[];
  decision_account: string | null;
  decision_provision: string | null;
  restriction_ends_at: Date | null;
  decision_ground: string;
  decision_ground_reference_url: string | null;
  illegal_content_legal_ground: string | null;
  illegal_content_explanation: string | null;
  incompatible_content_ground: string | null;
  incompatible_content_explanation: string | null;
  incompatible_content_illegal: boolean | null;
  category: string;
  category_specification: string[];
  decision_facts: string;
  source_type: string;
  automated_detection: boolean;
  automated_decision: string;
  territorial_scope: string[];
  content_language: string | null;
  content_date: Date;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);
const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/**
 * One statement in the Transparency Database's own field names and values, ready for its API (POST
 * /api/v1/statement, or 100 at a time under `statements`). Only what the database asks for: no user, no comment
 * text, no notifier; `puid` is the statement's id, which is never re-used. Absent optional fields are left out.
 */
export function toTransparencyDatabaseStatement(s: StatementRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    if (v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  };
  put('decision_visibility', s.decision_visibility);
  put('decision_account', s.decision_account);
  put('decision_provision', s.decision_provision);
  if (s.restriction_ends_at) {
    if (s.decision_account) put('end_date_account_restriction', ymd(s.restriction_ends_at));
    if (s.decision_provision) put('end_date_service_restriction', ymd(s.restriction_ends_at));
  }
  if (s.decision_account) put('account_type', 'ACCOUNT_TYPE_PRIVATE');
  put('decision_ground', s.decision_ground);
  put('decision_ground_reference_url', s.decision_ground_reference_url);
  put('illegal_content_legal_ground', s.illegal_content_legal_ground);
  put('illegal_content_explanation', s.illegal_content_explanation);
  put('incompatible_content_ground', s.incompatible_content_ground);
  put('incompatible_content_explanation', s.incompatible_content_explanation);
  if (s.incompatible_content_illegal !== null) put('incompatible_content_illegal', yesNo(s.incompatible_content_illegal));
  put('content_type', ['CONTENT_TYPE_TEXT']);
  put('category', s.category);
  put('category_specification', s.category_specification);
  put('territorial_scope', s.territorial_scope);
  put('content_language', s.content_language);
  put('content_date', ymd(s.content_date));
  put('application_date', ymd(s.created_at));
  put('decision_facts', s.decision_facts);
  put('source_type', s.source_type);
  put('automated_detection', yesNo(s.automated_detection));
  put('automated_decision', s.automated_decision);
  put('puid', s.puid);
  return out;
}

/**
 * Transparency reporting (DSA Art. 15 and 24(1)) and the submission of statements of reasons to the Commission's
 * Transparency Database (Art. 24(5)).
 */
@Injectable()
export class TransparencyService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The figures of a period [from, to): notices and appeals *received* in it, and those *decided* in it (with the
   * median time to decide over the decided ones), statements of reasons issued in it, misuse measures taken in it.
   */
  async report(q: PeriodQueryDto): Promise<TransparencyReportDto> {
    const { from, to } = period(q);
    const [row] = await this.prisma.$queryRaw<
      {
        notices_received: number;
        notices_by_category: Counts | null;
        notices_by_outcome: Counts | null;
        notices_unfounded: number;
        notices_median: number | null;
        notices_open: number;
        decisions_total: number;
        decisions_reversed: number;
        by_ground: Counts | null;
        by_restriction: Counts | null;
        by_category: Counts | null;
        by_source: Counts | null;
        by_detection: Counts | null;
        by_automation: Counts | null;
        appeals_received: number;
        appeals_upheld: number;
        appeals_reversed: number;
        appeals_median: number | null;
        appeals_open: number;
        misuse: Counts | null;
      }[]
    >`
      WITH s AS (SELECT * FROM statements_of_reasons WHERE created_at >= ${from} AND created_at < ${to}),
           nr AS (SELECT * FROM notices WHERE received_at >= ${from} AND received_at < ${to}),
           nd AS (SELECT * FROM notices WHERE decided_at >= ${from} AND decided_at < ${to}),
           ad AS (SELECT * FROM appeals WHERE decided_at >= ${from} AND decided_at < ${to})
      SELECT
        (SELECT count(*) FROM nr)::int AS notices_received,
        (SELECT jsonb_object_agg(category, n) FROM (SELECT category, count(*)::int AS n FROM nr GROUP BY 1) x) AS notices_by_category,
        (SELECT jsonb_object_agg(outcome, n) FROM (SELECT outcome::text AS outcome, count(*)::int AS n FROM nd GROUP BY 1) x) AS notices_by_outcome,
        (SELECT count(*) FROM nd WHERE manifestly_unfounded)::int AS notices_unfounded,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - received_at)) FROM nd)::float8 AS notices_median,
        (SELECT count(*) FROM nr WHERE decided_at IS NULL OR decided_at >= ${to})::int AS notices_open,
        (SELECT count(*) FROM s)::int AS decisions_total,
        (SELECT count(*) FROM s WHERE reversed_at IS NOT NULL)::int AS decisions_reversed,
        (SELECT jsonb_object_agg(k, n) FROM (SELECT decision_ground AS k, count(*)::int AS n FROM s GROUP BY 1) x) AS by_ground,
        (SELECT jsonb_object_agg(k, n) FROM (
           SELECT k, count(*)::int AS n FROM (
             SELECT unnest(decision_visibility) AS k FROM s
             UNION ALL SELECT decision_account FROM s WHERE decision_account IS NOT NULL
             UNION ALL SELECT decision_provision FROM s WHERE decision_provision IS NOT NULL) r
           GROUP BY 1) x) AS by_restriction,
        (SELECT jsonb_object_agg(k, n) FROM (SELECT category AS k, count(*)::int AS n FROM s GROUP BY 1) x) AS by_category,
        (SELECT jsonb_object_agg(k, n) FROM (SELECT source_type AS k, count(*)::int AS n FROM s GROUP BY 1) x) AS by_source,
        (SELECT jsonb_object_agg(k, n) FROM (SELECT CASE WHEN automated_detection THEN 'Yes' ELSE 'No' END AS k, count(*)::int AS n FROM s GROUP BY 1) x) AS by_detection,
        (SELECT jsonb_object_agg(k, n) FROM (SELECT automated_decision AS k, count(*)::int AS n FROM s GROUP BY 1) x) AS by_automation,
        (SELECT count(*) FROM appeals WHERE created_at >= ${from} AND created_at < ${to})::int AS appeals_received,
        (SELECT count(*) FROM ad WHERE status = 'upheld')::int AS appeals_upheld,
        (SELECT count(*) FROM ad WHERE status = 'reversed')::int AS appeals_reversed,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) FROM ad)::float8 AS appeals_median,
        (SELECT count(*) FROM appeals WHERE created_at >= ${from} AND created_at < ${to} AND (decided_at IS NULL OR decided_at >= ${to}))::int AS appeals_open,
        (SELECT jsonb_object_agg(kind, n) FROM (
           SELECT kind::text AS kind, count(*)::int AS n FROM misuse_measures WHERE created_at >= ${from} AND created_at < ${to} GROUP BY 1) x) AS misuse`;
    const r = row;
    const round = (v: number | null) => (v === null ? null : Math.round(v));
    return {
      period: { from: from.toISOString(), to: to.toISOString() },
      notices: {
        received: r.notices_received,
        receivedByCategory: zeroFilled(STATEMENT_CATEGORIES, r.notices_by_category),
        decidedByOutcome: zeroFilled(['action_taken', 'no_action', 'content_unavailable'], r.notices_by_outcome),
        manifestlyUnfounded: r.notices_unfounded,
        processedByAutomatedMeans: 0,
        medianSecondsToDecision: round(r.notices_median),
        openAtEnd: r.notices_open,
      },
      decisions: {
        total: r.decisions_total,
        byGround: zeroFilled(DECISION_GROUNDS, r.by_ground),
        byRestriction: zeroFilled([...DECISION_VISIBILITIES, ...DECISION_ACCOUNTS, ...DECISION_PROVISIONS], r.by_restriction),
        byCategory: zeroFilled(STATEMENT_CATEGORIES, r.by_category),
        bySource: zeroFilled(SOURCE_TYPES, r.by_source),
        byAutomatedDetection: zeroFilled(['Yes', 'No'], r.by_detection),
        byAutomatedDecision: zeroFilled(AUTOMATED_DECISIONS, r.by_automation),
        reversed: r.decisions_reversed,
      },
      appeals: {
        received: r.appeals_received,
        upheld: r.appeals_upheld,
        reversed: r.appeals_reversed,
        medianSecondsToDecision: round(r.appeals_median),
        openAtEnd: r.appeals_open,
      },
      misuse: {
        authorWarnings: r.misuse?.author_warning ?? 0,
        authorSuspensions: r.misuse?.author_suspension ?? 0,
        notifierWarnings: r.misuse?.notifier_warning ?? 0,
        notifierHolds: r.misuse?.notifier_hold ?? 0,
      },
    };
  }

  /**
   * The statements of reasons issued in [from, to), oldest first, one JSON object per line, read in keyset batches
   * so a year of decisions streams in constant memory.
   */
  async *statements(q: PeriodQueryDto): AsyncGenerator<string> {
    const { from, to } = period(q);
    let after: { t: Date; id: string } = { t: new Date(from.getTime() - 1), id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };
    for (;;) {
      const rows = await this.prisma.$queryRaw<StatementRow[]>`
        SELECT id, created_at, puid, decision_visibility, decision_account, decision_provision, restriction_ends_at, decision_ground,
               decision_ground_reference_url, illegal_content_legal_ground, illegal_content_explanation, incompatible_content_ground,
               incompatible_content_explanation, incompatible_content_illegal, category, category_specification, decision_facts,
               source_type, automated_detection, automated_decision, territorial_scope, content_language, content_date
        FROM statements_of_reasons
        WHERE created_at >= ${from} AND created_at < ${to} AND (created_at, id) > (${after.t}, ${after.id}::uuid)
        ORDER BY created_at, id
        LIMIT ${EXPORT_BATCH}`;
      for (const row of rows) yield `${JSON.stringify(toTransparencyDatabaseStatement(row))}\n`;
      if (rows.length < EXPORT_BATCH) return;
      const last = rows.at(-1)!;
      after = { t: last.created_at, id: last.id };
    }
  }
}

function period(q: PeriodQueryDto): { from: Date; to: Date } {
  const from = new Date(q.from);
  const to = new Date(q.to);
  // PostgreSQL stores years up to 9999; "9999-12-31T23:59:59-14:00" is already year 10000 in UTC.
  for (const [field, d] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (d.getUTCFullYear() > 9999)
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field, message: `${field} must be before the year 10000` },
      ]);
  }
  if (!(to > from))
    throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [{ field: 'to', message: 'to must be after from' }]);
  return { from, to };
}
