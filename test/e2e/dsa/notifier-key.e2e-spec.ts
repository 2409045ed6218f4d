import { createHash, randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createArticle, createUser, publishComment, type TestUser } from '../../factories/index.js';
import { MisuseService } from '../../../src/dsa/misuse.service.js';

/**
 * The key that counts an anonymous notifier's notices (DSA Art. 23(2)) is a keyed hash of the email (issue 25): a
 * plain SHA-256 let anyone with a list of addresses re-identify the notifiers of erased notices. Keys of earlier
 * versions are rewritten at start-up while the notice still holds the address.
 */
let t: TestApp;
let moderator: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  moderator = await createUser(t, { role: 'moderator' });
});
afterAll(async () => {
  await t.close();
});

const sha = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex');

async function fileNotice(email: string): Promise<string> {
  const article = await createArticle(t);
  const commentId = await publishComment(t, article, await createUser(t), moderator);
  const res = await t.http
    .post('/api/notices')
    .send({
      commentId,
      category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      categorySpecification: ['KEYWORD_DEFAMATION'],
      explanation: 'Клевета.',
      notifierName: 'Мария',
      notifierEmail: email,
      goodFaith: true,
    })
    .expect(201);
  return res.body.notice.id as string;
}

const keyOf = async (id: string) => (await t.prisma.notice.findUniqueOrThrow({ where: { id }, select: { notifierKey: true } })).notifierKey;

describe('Notifier keys', () => {
  it('should store a keyed hash of an anonymous notifier’s email, not its plain SHA-256', async () => {
    const email = `maria.${randomUUID()}@example.bg`;
    const id = await fileNotice(email);
    const key = await keyOf(id);
    expect(key).toMatch(/^email-hmac:[0-9a-f]{64}$/);
    expect(key).not.toContain(sha(email));
    // The same address gets the same key (counting works), in any case.
    expect(await keyOf(await fileNotice(email.toUpperCase()))).toBe(key);
  });

  it('should rewrite unkeyed keys of earlier versions, with their misuse measures, and drop those whose address is gone', async () => {
    const email = `ivan.${randomUUID()}@example.bg`;
    const current = await keyOf(await fileNotice(email));
    const legacy = `email:${sha(email)}`;
    const withEmail = await fileNotice(email);
    const gone = await fileNotice(`gone.${randomUUID()}@example.bg`);
    await t.prisma.notice.update({ where: { id: withEmail }, data: { notifierKey: legacy } });
    await t.prisma.notice.update({ where: { id: gone }, data: { notifierKey: `email:${sha('gone@example.bg')}`, notifierEmail: null } });
    const measure = await t.prisma.misuseMeasure.create({ data: { kind: 'notifier_warning', subjectKey: legacy }, select: { id: true } });

    await t.app.get(MisuseService).upgradeLegacyKeys();

    expect(await keyOf(withEmail)).toBe(current);
    expect(await keyOf(gone)).toBeNull();
    expect((await t.prisma.misuseMeasure.findUniqueOrThrow({ where: { id: measure.id } })).subjectKey).toBe(current);
  });
});
