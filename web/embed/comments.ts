// The widget's loader, /embed/v1/comments.js: defines <newsroom-comments> and loads the widget itself (a hashed
// chunk next to this file) only when such an element is on the page (with loading="lazy": when it comes near the
// viewport). It stays small (budget: 3 KB gzipped) and short-lived in caches; everything else is immutable. The
// service's origin is this script's own origin. Until the widget draws, whatever the element contains (the article
// page's server-rendered comments) stays visible; the widget replaces it in one frame.
import type { Controller } from '../widget/main';

const SERVICE = new URL(import.meta.url).origin;

class NewsroomComments extends HTMLElement {
  private controller?: Promise<Controller | undefined>;
  private observer?: IntersectionObserver;

  connectedCallback(): void {
    if (this.controller || this.observer) return;
    if (this.getAttribute('loading') === 'lazy' && 'IntersectionObserver' in window) {
      this.observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          this.observer?.disconnect();
          this.observer = undefined;
          void this.load();
        },
        { rootMargin: '800px 0px' },
      );
      this.observer.observe(this);
    } else {
      void this.load();
    }
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    void this.controller?.then((c) => c?.disconnect());
    this.controller = undefined;
  }

  private load(): Promise<Controller | undefined> {
    this.controller ??= import('../widget/main').then(
      (m) => m.mount(this, SERVICE),
      (err: unknown) => {
        this.dispatchEvent(
          new CustomEvent('newsroom:error', { detail: { code: 'LOAD_FAILED', message: String(err) }, bubbles: true, composed: true }),
        );
        return undefined;
      },
    );
    return this.controller;
  }

  /** Asks the page's getToken() again (after the reader signed in on the news site). */
  async signIn(): Promise<void> {
    await (await this.load())?.signIn();
  }

  /** Ends the comments session (call it when the reader signs out of the news site). */
  async signOut(): Promise<void> {
    await (await this.load())?.signOut();
  }

  /** Reloads the first page of comments. */
  async refresh(): Promise<void> {
    await (await this.load())?.refresh();
  }
}

if (!customElements.get('newsroom-comments')) customElements.define('newsroom-comments', NewsroomComments);
