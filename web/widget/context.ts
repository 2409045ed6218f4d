import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { T } from './i18n';
import type { Model, State } from './model';

export interface Ctx {
  model: Model;
  state: State;
  t: T;
  /** Moves keyboard focus to an element of the widget once the next render is on screen. */
  focus(id: string): void;
  /** The widget's element: `part`s and events live on it. */
  host: HTMLElement;
}

export const Context = createContext<Ctx>(null as unknown as Ctx);
export const useCtx = () => useContext(Context);

/** Element ids inside the widget (one shadow root each, so plain ids are unique enough). */
export const commentId = (id: string) => `c-${id}`;
