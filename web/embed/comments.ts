// The widget's loader, /embed/v1/comments.js: defines <newsroom-comments> and loads the widget itself (a hashed
// chunk next to this file) only when such an element is on the page. It stays small (budget: 3 KB gzipped) and
// short-lived in caches; everything else is immutable. The service's origin is this script's own origin.
const SERVICE = new URL(import.meta.url).origin;

class NewsroomComments extends HTMLElement {
  connectedCallback(): void {
    void import('../widget/main.js').then((m) => m.mount(this, SERVICE));
  }
}

if (!customElements.get('newsroom-comments')) customElements.define('newsroom-comments', NewsroomComments);
