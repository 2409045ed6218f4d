import { startTestApp, type TestApp } from '../../helpers/app.js';

/** The API reference is a setting (issue 25: it was public in production): API_DOCS=false removes both routes. */
describe('API_DOCS=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_DOCS: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/api/docs', '/api/docs/', '/api/docs-json'])('should answer 404 ROUTE_NOT_FOUND for %s', async (path) => {
    const res = await t.http.get(path).expect(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('should still serve the API', async () => {
    await t.http.get('/api/health/live').expect(200);
  });
});
