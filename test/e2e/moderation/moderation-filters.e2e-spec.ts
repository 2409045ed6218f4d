import { randomInt, randomUUID } from 'node:crypto';
import { WordFilterService } from '../../../src/word-filter/word-filter.service.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { authHeader, createArticle, createUser, type TestUser } from '../../factories/index.js';

let t: TestApp;
let admin: TestUser;
let moderator: TestUser;
let author: TestUser;

// Test files share one database and the filter is global: every word here is unique to this run, built from
// Cyrillic letters with no Latin look-alike (so only the deliberate substitutions below are look-alikes).
const PLAIN = 'бгджзлпфцчшщ';
function unique(stem: string, letters = PLAIN): string {
  let out = stem;
  while (out.length < stem.length + 6) {
    const ch = letters[randomInt(letters.length)]!;
    if (ch !== out.at(-1)) out += ch; // no doubled letters: the normaliser would collapse them
  }
  return out;
}

const addFilter = (word: string, kind: 'banned' | 'suspect', u: TestUser = admin) =>
  t.http.post('/api/admin/word-filters').set(authHeader(u)).send({ word, kind });
const post = (slug: string, body: string) => t.http.post(`/api/articles/${slug}/comments`).set(authHeader(author)).send({ body });

beforeAll(async () => {
  t = await startTestApp();
  [admin, moderator, author] = await Promise.all([createUser(t, { role: 'admin' }), createUser(t, { role: 'moderator' }), createUser(t)]);
});
afterAll(async () => {
  await t.prisma.wordFilter.deleteMany({ where: { createdById: { in: [admin.id, moderator.id] } } });
  await t.close();
});

describe('/api/admin/word-filters', () => {
  it('should let moderators read the lists but only admins change them', async () => {
    await t.http.get('/api/admin/word-filters').set(authHeader(moderator)).expect(200);
    expect((await addFilter(unique('зло'), 'banned', moderator).expect(403)).body.error.code).toBe('FORBIDDEN');
    const added = await addFilter(unique('зло'), 'banned').expect(201);
    expect(
      (await t.http.delete(`/api/admin/word-filters/${added.body.filter.id}`).set(authHeader(moderator)).expect(403)).body.error.code,
    ).toBe('FORBIDDEN');
    await t.http.delete(`/api/admin/word-filters/${added.body.filter.id}`).set(authHeader(admin)).expect(204);
  });

  it('should add, list and remove entries, keyed by their normalised form, with audit rows', async () => {
    const word = unique('Зло');
    const res = await addFilter(word, 'banned').expect(201);
    expect(res.body.filter).toEqual({
      id: expect.any(String),
      word,
      normalized: word.toLowerCase(),
      kind: 'banned',
      createdAt: expect.any(String),
      createdBy: { id: admin.id, username: admin.username },
    });
    const lower = word.toLowerCase();
    for (const variant of [
      lower.toUpperCase(),
      lower.replace('о', 'o'),
      lower.replace('о', 'ооо'),
      `${lower.slice(0, 2)}\u200b${lower.slice(2)}`,
      ` ${lower} `,
    ]) {
      const dup = await addFilter(variant, 'suspect', admin).expect(409);
      expect(dup.body.error.code).toBe('WORD_FILTER_EXISTS');
    }
    const list = await t.http.get('/api/admin/word-filters').set(authHeader(admin)).query({ kind: 'banned', limit: 100 }).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(res.body.filter.id);
    const suspects = await t.http.get('/api/admin/word-filters').set(authHeader(admin)).query({ kind: 'suspect', limit: 100 }).expect(200);
    expect(suspects.body.items.map((i: { id: string }) => i.id)).not.toContain(res.body.filter.id);

    await t.http.delete(`/api/admin/word-filters/${res.body.filter.id}`).set(authHeader(admin)).expect(204);
    expect((await t.http.delete(`/api/admin/word-filters/${res.body.filter.id}`).set(authHeader(admin)).expect(404)).body.error.code).toBe(
      'WORD_FILTER_NOT_FOUND',
    );
    await addFilter(lower, 'suspect').expect(201); // free again once removed

    const audit = await t.prisma.moderationAction.findMany({
      where: { action: { in: ['filter_add', 'filter_remove'] }, reason: { contains: word } },
    });
    expect(audit.map((r) => [r.action, r.moderatorId]).sort()).toEqual([
      ['filter_add', admin.id],
      ['filter_remove', admin.id],
    ]);
  });

  it('should accept phrases of up to five words, keyed by their normalised form', async () => {
    const word = unique('зло');
    const res = await addFilter(`Мръсно  ${word.toUpperCase()}`, 'banned').expect(201);
    expect(res.body.filter.normalized).toBe(`мръсно ${word}`);
    expect((await addFilter(`мръсно ${word}`, 'suspect').expect(409)).body.error.code).toBe('WORD_FILTER_EXISTS');
  });

  it('should refuse six-word phrases, empty words, a * inside and bad kinds with 400', async () => {
    for (const word of ['едно две три четири пет шест', '!!!', '\u200b', '*', 'зл*о']) {
      expect((await addFilter(word, 'banned').expect(400)).body.error.code).toBe('INVALID_WORD');
    }
    for (const body of [
      { word: '', kind: 'banned' },
      { word: 'дума', kind: 'nasty' },
      { word: 'x'.repeat(101), kind: 'banned' },
      { kind: 'banned' },
    ]) {
      expect((await t.http.post('/api/admin/word-filters').set(authHeader(admin)).send(body).expect(400)).body.error.code).toBe(
        'VALIDATION_FAILED',
      );
    }
    await t.http.delete('/api/admin/word-filters/not-a-uuid').set(authHeader(admin)).expect(400);
    await t.http.delete(`/api/admin/word-filters/${randomUUID()}`).set(authHeader(admin)).expect(404);
  });
});

describe('the filter on posting', () => {
  it('should reject a comment with a banned word at once, however it is disguised', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('зло');
    await addFilter(word, 'banned').expect(201);
    const disguises = [
      word,
      word.toUpperCase(),
      word.replace('о', 'o'), // Latin o
      word.replace('о', 'оооо'),
      word.replace('о', 'ó'),
      `${word.slice(0, 3)}\u200b${word.slice(3)}`,
      `${word}ите`, // Bulgarian plural + article
      [...word].join(' '),
    ];
    for (const [i, disguise] of disguises.entries()) {
      const res = await post(a.slug, `Мнение ${i}: ${disguise}!`).expect(201);
      expect(res.body.comment.status, disguise).toBe('rejected');
      const row = await t.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } });
      expect(row.statusReason).toContain(word);
      const audit = await t.prisma.moderationAction.findFirstOrThrow({ where: { commentId: row.id } });
      expect(audit).toMatchObject({ action: 'filter_reject', toStatus: 'rejected', moderatorId: null });
    }
    expect((await t.http.get(`/api/articles/${a.slug}/comments/count`).expect(200)).body.count).toBe(0);
  });

  it('should reject a banned word split by separators or written with small capitals, IPA or dotless letters', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('зло');
    // Latin letters that have no Cyrillic twin, so only the deliberate look-alikes below are look-alikes.
    const latin = unique('idiot', 'fjqvwz');
    await addFilter(word, 'banned').expect(201);
    await addFilter(latin, 'banned').expect(201);
    const letters = [...word];
    const disguises: [string, string][] = [
      [word, letters.join(' - ')],
      [word, letters.join('. ')],
      [word, letters.join('_')],
      [word, `${word.slice(0, 3)}-${word.slice(3)}`],
      [word, `${word.slice(0, 2)}*${word.slice(2)}`],
      [word, word.replace('о', 'ᴏ')], // small capital O
      [word, word.replace('о', 'ɵ')], // IPA barred o
      [latin, latin.replace(/i/g, 'ı')], // dotless i
      [latin, latin.replace(/i/g, 'ɪ').replace('d', 'ᴅ').replace('o', 'ᴏ').replace('t', 'ᴛ')], // small capitals
      [latin, latin.replace(/i/g, 'ɩ').replace('o', 'ɵ')], // IPA iota and barred o
    ];
    for (const [i, [entry, disguise]] of disguises.entries()) {
      const res = await post(a.slug, `Мнение ${i}: ${disguise}!`).expect(201);
      expect(res.body.comment.status, disguise).toBe('rejected');
      expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: res.body.comment.id } })).statusReason, disguise).toContain(entry);
    }
  });

  it('should reject a banned phrase in any of its forms, and only its words in a row', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('зло');
    await addFilter(`мръсно ${word}`, 'banned').expect(201);
    for (const text of [`Ти си мръсно ${word}!`, `МРЪСНО ${word.toUpperCase()}`, `мръсното ${word}`, `м-р-ъ-с-н-о ${word}`]) {
      expect((await post(a.slug, text).expect(201)).body.comment.status, text).toBe('rejected');
    }
    for (const text of [`${word} е мръсно`, `мръсно и ${word}`]) {
      expect((await post(a.slug, text).expect(201)).body.comment.status, text).toBe('approved');
    }
  });

  it('should hold a comment with a suspect word for moderation even on a post-moderated article', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('съмн');
    await addFilter(word, 'suspect').expect(201);
    const held = await post(a.slug, `Това е ${word.toUpperCase()} май`).expect(201);
    expect(held.body.comment.status).toBe('pending');
    expect((await t.prisma.comment.findUniqueOrThrow({ where: { id: held.body.comment.id } })).statusReason).toContain(word);
    const clean = await post(a.slug, 'Съвсем невинен коментар').expect(201);
    expect(clean.body.comment.status).toBe('approved');
    const queue = await t.http.get('/api/admin/comments').set(authHeader(moderator)).query({ article: a.slug }).expect(200);
    expect(queue.body.items.map((i: { adminComment: { id: string } }) => i.adminComment.id)).toEqual([held.body.comment.id]);
  });

  it('should not flag a word that only contains a banned one', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('зло');
    await addFilter(word, 'banned').expect(201);
    const res = await post(a.slug, `супер${word}ище? не, супер${word}`).expect(201);
    expect(res.body.comment.status).toBe('approved');
  });

  it('should apply a change made through the API to the next post', async () => {
    const a = await createArticle(t, { moderationMode: 'post' });
    const word = unique('зло');
    expect((await post(a.slug, `първо ${word}`).expect(201)).body.comment.status).toBe('approved');
    const added = await addFilter(word, 'banned').expect(201);
    expect((await post(a.slug, `второ ${word}`).expect(201)).body.comment.status).toBe('rejected');
    await t.http.delete(`/api/admin/word-filters/${added.body.filter.id}`).set(authHeader(admin)).expect(204);
    expect((await post(a.slug, `трето ${word}`).expect(201)).body.comment.status).toBe('approved');
  });
});

describe('WordFilterService cache', () => {
  it('should pick up a change made elsewhere within the TTL', async () => {
    const filter = t.app.get(WordFilterService);
    const word = unique('друг');
    expect(await filter.check(word)).toEqual({ verdict: 'clean' }); // warms the cache
    // Another instance adds the word: this one does not know yet.
    const row = await t.prisma.wordFilter.create({ data: { word, normalized: word, kind: 'banned', createdById: admin.id } });
    expect(await filter.check(word)).toEqual({ verdict: 'clean' });
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + WordFilterService.CACHE_TTL_MS + 1);
    try {
      expect(await filter.check(`а ${word}`)).toEqual({ verdict: 'banned', matched: [word] });
    } finally {
      clock.mockRestore();
      await t.prisma.wordFilter.delete({ where: { id: row.id } });
      filter.invalidate();
    }
    expect(await filter.check(word)).toEqual({ verdict: 'clean' });
  });

  it('should report banned over suspect and list every matched entry', async () => {
    const filter = t.app.get(WordFilterService);
    const [b1, b2, s1] = [unique('лош'), unique('груб'), unique('съмн')];
    await addFilter(b1, 'banned').expect(201);
    await addFilter(`${b2}*`, 'banned').expect(201);
    await addFilter(s1, 'suspect').expect(201);
    const verdict = await filter.check(`${s1} ${b1} ${b2}изми`);
    expect(verdict.verdict).toBe('banned');
    expect(verdict.verdict !== 'clean' && [...verdict.matched].sort()).toEqual([b1, `${b2}*`].sort());
    expect(await filter.check(`само ${s1}`)).toEqual({ verdict: 'suspect', matched: [s1] });
  });
});
