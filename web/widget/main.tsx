import { render } from 'preact';

export function mount(host: HTMLElement, service: string): void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  render(<p>{`${service} ${host.getAttribute('article') ?? ''}`}</p>, root);
}
