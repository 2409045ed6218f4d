import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { TDB_STATEMENT_SCHEMA } from '../../../src/dsa/transparency-database.schema.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, type TestUser } from '../../factories/index.js';

/**
 * Transparency (DSA Art. 15, 24): the report's figures on a known data set, and the export of statements of reasons
 * for the Transparency Database, validated line by line against the JSON Schema written from its documentation.
 * The data set is made through the API, then moved into a period of its own (March 2031) so other test files,
 * writing at the same time, cannot change the figures.
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let seq = 0;

const PERIOD = { from: '2031-03-01T00:00:00.000Z', to: '2031-04-01T00:00:00.000Z' };
const at = (iso: string) => new Date(`2031-03-${iso}Z`);

// Strict, except that the conditional rules name properties the parent schema defines.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
addFormats.default(ajv);
const validateStatement = ajv.compile(TDB_STATEMENT_SCHEMA);

/** A whole NDJSON body: the raw text, and its lines parsed. */
async function exportOf(period: { from: string; to: string }) {
  const res = await t.http
    .get('/api/admin/transparency/statements')
    .set(authHeader(admin))
    .query(period)
    .buffer(true)
    .parse((r, done) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => done(null, text));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
  const text = res.body as string;
  return {
    text,
    lines: text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const notice = (commentId: string, category: string) => ({
  commentId,
  category,
  explanation: 'Незаконно съдържание.',
  notifierName: 'Сигнализиращ Читател',
  notifierEmail: `notifier.${++seq}.${process.pid}@example.bg`,
  goodFaith: true,
});

let author: TestUser;
let secretBody: string;

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator, author] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' }), createUser(t)]);
  await t.http.post('/api/admin/word-filters').set(authHeader(admin)).send({ word: 'отчетнадума', kind: 'banned' }).expect(201);
  const article = await createArticle(t, { moderationMode: 'post' });
  secretBody = `Лични данни на автора ${process.pid}`;
  const post = async (body?: string) => (await postComment(t, article, author, { body })).id;
  const [c1, c2, c3, c4, c5] = [await post(secretBody), await post(), await post(), await post(), await post()];

  // Notices: two of illegal speech, one of fraud.
  const n1 = (await t.http.post('/api/notices').send(notice(c1, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH')).expect(201)).body.notice
    .id as string;
  const n2 = (await t.http.post('/api/notices').send(notice(c2, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH')).expect(201)).body.notice
    .id as string;
  const n3 = (await t.http.post('/api/notices').send(notice(c3, 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD')).expect(201)).body.notice
    .id as string;
  // Decisions: an illegal-content rejection after a notice, a notice kept (manifestly unfounded), a spam removal,
  // a removal by staff, a rejection by the word filter, a ban. The third notice stays open.
  await t.http
    .patch(`/api/admin/comments/${c1}`)
    .set(authHeader(moderator))
    .send({ status: 'rejected', statement: { illegalContentLegalGround: 'чл. 148 НК (обида)', illegalContentExplanation: 'Обида.' } })
    .expect(200);
  await t.http
    .patch(`/api/admin/notices/${n2}`)
    .set(authHeader(moderator))
    .send({ outcome: 'no_action', explanation: 'Мнение.', manifestlyUnfounded: true })
    .expect(200);
  await t.http.patch(`/api/admin/comments/${c4}`).set(authHeader(moderator)).send({ status: 'spam' }).expect(200);
  await t.http.delete(`/api/comments/${c5}`).set(authHeader(moderator)).expect(204);
  await t.http.post(`/api/articles/${article.slug}/comments`).set(authHeader(author)).send({ body: 'ти си отчетнадума' }).expect(201);
  const bannedUser = await createUser(t);
  await t.http
    .post(`/api/admin/users/${bannedUser.id}/ban`)
    .set(authHeader(moderator))
    .send({ reason: 'Тролене', until: '2031-06-01T00:00:00.000Z' })
    .expect(200);

  // Appeals against three of them: one upheld, one reversed, one left open.
  const decisions = (await t.http.get('/api/me/decisions').set(authHeader(author)).expect(200)).body.items as {
    id: string;
    action: string;
  }[];
  const byAction = (a: string) => decisions.find((d) => d.action === a)!.id;
  const appeal = async (decisionId: string) =>
    (
      await t.http
        .post(`/api/decisions/${decisionId}/appeals`)
        .set(authHeader(author))
        .send({ explanation: 'Не съм съгласен.' })
        .expect(201)
    ).body.appeal.id as string;
  const [a1, a2, a3] = [await appeal(byAction('spam')), await appeal(byAction('delete')), await appeal(byAction('filter_reject'))];
  await t.http.patch(`/api/admin/appeals/${a1}`).set(authHeader(admin)).send({ outcome: 'upheld', explanation: 'Спам.' }).expect(200);
  await t.http.patch(`/api/admin/appeals/${a2}`).set(authHeader(admin)).send({ outcome: 'reversed', explanation: 'Грешка.' }).expect(200);

  // Into March 2031, with known times: notices decided after 30 min and 2 h, appeals after 1 h and 1 day.
  const statementIds = [
    ...decisions.map((d) => d.id),
    (await t.prisma.statementOfReasons.findFirstOrThrow({ where: { userId: bannedUser.id } })).id,
  ];
  await t.prisma.$transaction([
    t.prisma.notice.update({ where: { id: n1 }, data: { receivedAt: at('10T10:00:00'), decidedAt: at('10T10:30:00') } }),
    t.prisma.notice.update({ where: { id: n2 }, data: { receivedAt: at('10T11:00:00'), decidedAt: at('10T13:00:00') } }),
    t.prisma.notice.update({ where: { id: n3 }, data: { receivedAt: at('10T12:00:00') } }),
    ...statementIds.map((id, i) => t.prisma.statementOfReasons.update({ where: { id }, data: { createdAt: at(`11T0${i}:00:00`) } })),
    t.prisma.appeal.update({ where: { id: a1 }, data: { createdAt: at('12T10:00:00'), decidedAt: at('12T11:00:00') } }),
    t.prisma.appeal.update({ where: { id: a2 }, data: { createdAt: at('12T10:00:00'), decidedAt: at('13T10:00:00') } }),
    t.prisma.appeal.update({ where: { id: a3 }, data: { createdAt: at('12T12:00:00') } }),
  ]);
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/admin/transparency/report', () => {
  it('should count notices, decisions, appeals and their times exactly for the period', async () => {
    const res = await t.http.get('/api/admin/transparency/report').set(authHeader(admin)).query(PERIOD).expect(200);
    const r = res.body;
    expect(r.period).toEqual(PERIOD);
    expect(r.notices).toMatchObject({
      received: 3,
      decidedByOutcome: { action_taken: 1, no_action: 1, content_unavailable: 0 },
      manifestlyUnfounded: 1,
      processedByAutomatedMeans: 0,
      medianSecondsToDecision: (1800 + 7200) / 2,
      openAtEnd: 1,
    });
    expect(r.notices.receivedByCategory).toMatchObject({
      STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: 2,
      STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 1,
      STATEMENT_CATEGORY_VIOLENCE: 0,
    });
    expect(Object.keys(r.notices.receivedByCategory)).toHaveLength(16);
    expect(r.decisions).toEqual({
      total: 5,
      byGround: { DECISION_GROUND_ILLEGAL_CONTENT: 1, DECISION_GROUND_INCOMPATIBLE_CONTENT: 4 },
      byRestriction: expect.objectContaining({
        DECISION_VISIBILITY_CONTENT_REMOVED: 4,
        DECISION_ACCOUNT_SUSPENDED: 1,
        DECISION_ACCOUNT_TERMINATED: 0,
        DECISION_PROVISION_PARTIAL_SUSPENSION: 0,
      }),
      byCategory: expect.objectContaining({ STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: 2, STATEMENT_CATEGORY_OTHER_VIOLATION_TC: 3 }),
      bySource: { SOURCE_ARTICLE_16: 1, SOURCE_TRUSTED_FLAGGER: 0, SOURCE_TYPE_OTHER_NOTIFICATION: 0, SOURCE_VOLUNTARY: 4 },
      byAutomatedDetection: { Yes: 1, No: 4 },
      byAutomatedDecision: { AUTOMATED_DECISION_FULLY: 1, AUTOMATED_DECISION_PARTIALLY: 0, AUTOMATED_DECISION_NOT_AUTOMATED: 4 },
      reversed: 1,
    });
    expect(r.appeals).toEqual({ received: 3, upheld: 1, reversed: 1, medianSecondsToDecision: (3600 + 86_400) / 2, openAtEnd: 1 });
    expect(r.misuse).toEqual({ authorWarnings: 0, authorSuspensions: 0, notifierWarnings: 0, notifierHolds: 0 });
  });

  it('should refuse an empty or reversed period, and moderators', async () => {
    const bad = await t.http
      .get('/api/admin/transparency/report')
      .set(authHeader(admin))
      .query({ from: PERIOD.to, to: PERIOD.from })
      .expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'to', message: 'to must be after from' }]);
    await t.http.get('/api/admin/transparency/report').set(authHeader(admin)).query({ from: 'yesterday', to: PERIOD.to }).expect(400);
    // Valid ISO 8601, but year 10000 in UTC: PostgreSQL cannot store it, so it is refused before it gets there.
    for (const path of ['report', 'statements']) {
      const far = await t.http
        .get(`/api/admin/transparency/${path}`)
        .set(authHeader(admin))
        .query({ from: PERIOD.from, to: '9999-12-31T23:59:59-14:00' });
      expect(far.status).toBe(400);
      expect(far.body.error.details).toEqual([{ field: 'to', message: 'to must be before the year 10000' }]);
    }
    await t.http.get('/api/admin/transparency/report').set(authHeader(moderator)).query(PERIOD).expect(403);
  });
});

describe('GET /api/admin/transparency/statements', () => {
  it('should stream every statement of the period in the Transparency Database format, valid against its schema', async () => {
    const { text, lines } = await exportOf(PERIOD);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(validateStatement(line), ajv.errorsText(validateStatement.errors)).toBe(true);
      // Date bounds of the store endpoint that a schema's `format: date` cannot express.
      expect(String(line.content_date) >= '2000-01-01').toBe(true);
      expect(String(line.application_date) >= '2020-01-01' && String(line.application_date) <= '2038-01-01').toBe(true);
    }
    expect(lines.map((l) => l.application_date)).toEqual(Array(5).fill('2031-03-11'));
    const puids = lines.map((l) => l.puid as string);
    expect(new Set(puids).size).toBe(5);
    expect(await t.prisma.statementOfReasons.count({ where: { puid: { in: puids } } })).toBe(5);
    // The illegal-content decision, as the database wants it.
    expect(lines.find((l) => l.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT')).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      illegal_content_legal_ground: 'чл. 148 НК (обида)',
      illegal_content_explanation: 'Обида.',
      content_type: ['CONTENT_TYPE_TEXT'],
      source_type: 'SOURCE_ARTICLE_16',
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
      territorial_scope: expect.arrayContaining(['BG', 'DE', 'NO']),
    });
    expect(lines.find((l) => l.decision_account)).toMatchObject({
      decision_account: 'DECISION_ACCOUNT_SUSPENDED',
      end_date_account_restriction: '2031-06-01',
      account_type: 'ACCOUNT_TYPE_PRIVATE',
    });
    // No personal data: no names, emails, ids of people or comment text.
    for (const secret of [author.username, author.email, author.id, moderator.id, secretBody, 'Сигнализиращ Читател', '@example.bg'])
      expect(text).not.toContain(secret);
  });

  it('should catch a statement the database would refuse (the schema check can fail)', () => {
    const good = {
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: 'чл. 148 НК',
      illegal_content_explanation: 'Обида.',
      content_type: ['CONTENT_TYPE_TEXT'],
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      territorial_scope: ['BG'],
      content_date: '2026-11-28',
      application_date: '2026-11-28',
      decision_facts: 'Факти.',
      source_type: 'SOURCE_VOLUNTARY',
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
      puid: 'abc-123',
    };
    expect(validateStatement(good)).toBe(true);
    const { illegal_content_legal_ground: _, ...noLegalGround } = good;
    const { decision_visibility: __, ...noRestriction } = good;
    for (const bad of [
      noLegalGround,
      noRestriction,
      { ...good, puid: 'has space' },
      { ...good, category: 'STATEMENT_CATEGORY_RUDENESS' },
      { ...good, automated_detection: true },
      { ...good, incompatible_content_ground: 'т. 3' },
      { ...good, territorial_scope: ['US'] },
      { ...good, decision_facts: 'x'.repeat(5001) },
      { ...good, username: 'ivan' },
    ]) {
      expect(validateStatement(bad)).toBe(false);
    }
  });

  it('should stream more than one batch in order, each statement once', async () => {
    const period = { from: '2032-01-01T00:00:00.000Z', to: '2032-02-01T00:00:00.000Z' };
    await t.prisma.$executeRaw`
      WITH x AS (SELECT gen_random_uuid() AS id, g FROM generate_series(1, 1203) g)
      INSERT INTO statements_of_reasons (id, puid, action, decision_visibility, decision_ground, incompatible_content_ground,
        incompatible_content_explanation, category, decision_facts, source_type, automated_detection, automated_decision,
        territorial_scope, content_date, created_at)
      SELECT x.id, x.id::text, 'reject', '{DECISION_VISIBILITY_CONTENT_REMOVED}', 'DECISION_GROUND_INCOMPATIBLE_CONTENT', 'Правила',
             'Обяснение', 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', 'Факти.', 'SOURCE_VOLUNTARY', false, 'AUTOMATED_DECISION_NOT_AUTOMATED',
             '{BG}', '2031-12-31', '2032-01-10T00:00:00Z'::timestamptz + make_interval(secs => x.g / 10.0)
      FROM x`;
    const { lines } = await exportOf(period);
    expect(lines).toHaveLength(1203);
    expect(new Set(lines.map((l) => l.puid)).size).toBe(1203);
    const rows = await t.prisma.statementOfReasons.findMany({
      where: { createdAt: { gte: new Date(period.from), lt: new Date(period.to) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { puid: true },
    });
    expect(lines.map((l) => l.puid)).toEqual(rows.map((r) => r.puid));
  });
});
