import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, postComment, type TestUser } from '../../factories/index.js';

/**
 * Erasure redacts the erased account's name from the free text the service keeps about it (issue 25): a ban reason
 * naming the reader was copied into the statement of reasons and the audit row, and stayed after the erasure.
 */
let t: TestApp;
let admin: TestUser;
let moderator: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' })]);
});
afterAll(async () => {
  await t.close();
});

describe('Account erasure and free text about the account', () => {
  it('should redact the username from ban reasons in statements of reasons and audit rows, and nothing else', async () => {
    const reader = await createUser(t);
    const article = await createArticle(t);
    const comment = await postComment(t, article, reader);
    const name = reader.username;
    const reason = `${name} insulted other readers; ${name.toUpperCase()} was warned before (not ${name}x).`;
    await t.http.post(`/api/admin/users/${reader.id}/ban`).set(authHeader(moderator)).send({ reason, rejectPending: true }).expect(200);
    const texts = async () => {
      const statements = await t.prisma.statementOfReasons.findMany({
        where: { OR: [{ userId: reader.id }, { commentId: comment.id }] },
        select: { decisionFacts: true, incompatibleContentExplanation: true },
      });
      const audit = await t.prisma.moderationAction.findMany({
        where: { OR: [{ targetUserId: reader.id }, { commentId: comment.id }] },
        select: { reason: true },
      });
      return [...statements.flatMap((s) => [s.decisionFacts, s.incompatibleContentExplanation]), ...audit.map((a) => a.reason)].filter(
        (x): x is string => !!x,
      );
    };
    expect((await texts()).some((x) => x.includes(name))).toBe(true);

    await t.http
      .delete(`/api/admin/users/${reader.id}`)
      .set(authHeader(admin))
      .send({ reason: `Request from ${name} by e-mail` })
      .expect(200);

    const after = await texts();
    expect(after.filter((x) => x.toLowerCase().includes(name.toLowerCase()) && !x.includes(`${name}x`))).toEqual([]);
    expect(after).toContain(`[erased] insulted other readers; [erased] was warned before (not ${name}x).`);
    expect(after).toContain('Request from [erased] by e-mail');
  });

  it('should still refuse any other change to the audit trail', async () => {
    await expect(
      t.prisma.$executeRawUnsafe(`UPDATE moderation_actions SET reason = 'x' WHERE id IN (SELECT id FROM moderation_actions LIMIT 1)`),
    ).rejects.toThrow(/append-only/);
  });
});
