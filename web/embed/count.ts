// The count snippet, /embed/v1/count.js (a classic script): fills every [data-newsroom-count="slug"] on a listing
// page with that article's comment count, in one request per 100 articles (the bulk route's limit, cacheable by a
// CDN: the slugs are sorted so every page asks the same URL). With data-live on the script tag the counts follow
// live updates (one stream per 100 articles). `NewsroomCount.refresh()` counts elements added later.
//
//   <span data-newsroom-count="zelenski-ukrayna-…">коментари</span>      → "12 коментара"
//   <span data-newsroom-count="…" data-newsroom-count-format="number">  → "12"
const script = document.currentScript as HTMLScriptElement | null;
const SERVICE = new URL(script?.src ?? location.href).origin;
const LIVE = script?.hasAttribute('data-live') ?? false;
const CHUNK = 100;
const FORMS: Record<string, Record<string, string>> = {
  bg: { one: '{n} коментар', other: '{n} коментара' },
  en: { one: '{n} comment', other: '{n} comments' },
};
const streams = new Map<string, EventSource>();
const counts = new Map<string, number>();

function elements(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-newsroom-count]')];
}

function text(el: HTMLElement, n: number): string {
  if (el.dataset.newsroomCountFormat === 'number') return String(n);
  const lang = (el.closest('[lang]')?.getAttribute('lang') ?? 'bg').slice(0, 2).toLowerCase();
  const forms = FORMS[lang] ?? FORMS.bg!;
  const rule = new Intl.PluralRules(lang).select(n);
  return (forms[rule] ?? forms.other!).replace('{n}', String(n));
}

function show(slug: string, n: number): void {
  counts.set(slug, n);
  for (const el of elements()) {
    if (el.dataset.newsroomCount !== slug) continue;
    el.textContent = text(el, n);
    el.dataset.newsroomCountValue = String(n);
  }
}

async function refresh(): Promise<void> {
  const slugs = [
    ...new Set(
      elements()
        .map((el) => el.dataset.newsroomCount ?? '')
        .filter(Boolean),
    ),
  ].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < slugs.length; i += CHUNK) chunks.push(slugs.slice(i, i + CHUNK));
  await Promise.all(
    chunks.map(async (chunk) => {
      const query = chunk.map(encodeURIComponent).join(',');
      try {
        const res = await fetch(`${SERVICE}/api/comments/counts?articles=${query}`);
        if (!res.ok) return;
        const body = (await res.json()) as { counts: Record<string, number> };
        for (const [slug, n] of Object.entries(body.counts)) show(slug, n);
      } catch {
        // The page keeps whatever text the element had: a count is never worth an error on a listing page.
      }
      if (LIVE && !streams.has(query) && typeof EventSource !== 'undefined') {
        const stream = new EventSource(`${SERVICE}/api/comments/counts/events?articles=${query}`);
        stream.addEventListener('count', (e) => {
          const { slug, count } = JSON.parse((e as MessageEvent<string>).data) as { slug: string; count: number };
          if (counts.get(slug) !== count) show(slug, count);
        });
        // Refused (too many streams from this address): the counts stay as loaded.
        stream.onerror = () => stream.readyState === EventSource.CLOSED && streams.delete(query);
        streams.set(query, stream);
      }
    }),
  );
}

(window as unknown as { NewsroomCount: { refresh(): Promise<void> } }).NewsroomCount = { refresh };
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void refresh());
else void refresh();
