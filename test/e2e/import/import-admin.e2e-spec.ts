import { join } from 'node:path';
import { Importer } from '../../../src/import/importer.js';
import { readRecords } from '../../../src/import/readers.js';
import { readFileChunks } from '../../../src/import/source-file.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { bearer, createAdmin, createModerator, type TestUser } from '../../factories/index.js';

let t: TestApp;
let admin: TestUser;
let importId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await createAdmin(t);
  const file = join(import.meta.dirname, '../../fixtures/import/wordpress-sample.xml');
  const report = await new Importer(t.prisma.pool, { format: 'wordpress', sourceName: 'wordpress-sample.xml', startedById: admin.id }).run(
    readRecords('wordpress', readFileChunks(file)),
  );
  importId = report.importId;
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/admin/imports', () => {
  it('should list the runs with their counts and show one with its report', async () => {
    const list = await t.http.get('/api/admin/imports').set('Authorization', bearer(admin)).expect(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        id: importId,
        format: 'wordpress',
        status: 'finished',
        sourceName: 'wordpress-sample.xml',
        startedById: admin.id,
      }),
    );
    const one = await t.http.get(`/api/admin/imports/${importId}`).set('Authorization', bearer(admin)).expect(200);
    expect(one.body.import).toMatchObject({
      id: importId,
      commentsImported: expect.any(Number),
      finishedAt: expect.any(String),
      report: { status: 'finished', problems: [expect.objectContaining({ key: '105', outcome: 'skipped' })] },
    });
  });

  it('should answer 404 IMPORT_NOT_FOUND for an unknown id and refuse moderators', async () => {
    const res = await t.http.get('/api/admin/imports/00000000-0000-4000-8000-000000000000').set('Authorization', bearer(admin)).expect(404);
    expect(res.body.error.code).toBe('IMPORT_NOT_FOUND');
    const moderator = await createModerator(t);
    await t.http.get('/api/admin/imports').set('Authorization', bearer(moderator)).expect(403);
  });
});
