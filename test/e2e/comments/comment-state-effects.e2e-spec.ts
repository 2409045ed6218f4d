import pg from 'pg';
import { AppError } from '../../../src/common/errors/app-error.js';
import { applyCommentChange, commentSnapshotSelect, decideComment, type StateEffect } from '../../../src/comment-core/comment-state.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createArticle, createUser } from '../../factories/index.js';

/**
 * The seam for work that must commit with a visibility change (live updates, webhook outbox rows, statements of
 * reasons): a StateEffect is one more CTE of the change's own statement. Shown here with pg NOTIFY, which
 * PostgreSQL delivers only when that statement's transaction commits.
 */

let t: TestApp;
let listener: pg.Client;
const channel = `comment_state_${process.pid}`;
const received: string[] = [];

const notify: StateEffect = {
  name: 'notify',
  sql: (p) => `SELECT pg_notify(${p.p(channel, 'text')}, d.id::text || ':' || d.status) FROM changed d`,
};

async function newComment() {
  const author = await createUser(t);
  const article = await createArticle(t);
  return t.prisma.comment.create({ data: { articleId: article.id, authorId: author.id, body: 'x' }, select: commentSnapshotSelect });
}

/** Waits until `n` notifications arrived (or a second passed) and returns them. */
async function notifications(n: number): Promise<string[]> {
  for (let i = 0; i < 50 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  return received.splice(0);
}

beforeAll(async () => {
  t = await startTestApp();
  listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await listener.connect();
  listener.on('notification', (m) => received.push(m.payload ?? ''));
  await listener.query(`LISTEN ${channel}`);
});
afterAll(async () => {
  await listener.end();
  await t.close();
});

describe('StateEffect', () => {
  it('should run in the same statement as the change, once per changed comment', async () => {
    const c = await newComment();
    const after = await applyCommentChange(t.prisma.pool, c, { status: 'approved' }, { action: 'approve', actorId: null }, [notify]);
    expect(after.status).toBe('approved');
    expect(await notifications(1)).toEqual([`${c.id}:approved`]);
    const outcome = await decideComment(t.prisma.pool, c.id, 'rejected', { reason: null, audit: { action: 'reject', actorId: null } }, [
      notify,
    ]);
    expect(outcome.decided?.status).toBe('rejected');
    expect(await notifications(1)).toEqual([`${c.id}:rejected`]);
  });

  it('should do nothing when the change loses (stale version or a refused transition)', async () => {
    const c = await newComment();
    await applyCommentChange(t.prisma.pool, c, { status: 'approved' }, null);
    const stale = await applyCommentChange(t.prisma.pool, c, { status: 'spam' }, null, [notify]).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AppError);
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT' });
    const refused = await decideComment(t.prisma.pool, c.id, 'approved', { reason: null, audit: { action: 'approve', actorId: null } }, [
      notify,
    ]);
    expect(refused.decided).toBeUndefined();
    expect(await notifications(1)).toEqual([]);
    expect(await t.prisma.moderationAction.count({ where: { commentId: c.id } })).toBe(0);
  });

  it('should roll back with the transaction it joined', async () => {
    const c = await newComment();
    await expect(
      t.prisma.$transaction(async (tx) => {
        await applyCommentChange(tx, c, { status: 'approved' }, { action: 'approve', actorId: null }, [notify]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await notifications(1)).toEqual([]);
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('pending');
  });
});
