import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, ApiSession, Schemas } from './api';
import type { I18n } from './i18n';

export type User = Schemas['UserDto'];
export type Counts = Schemas['ConsoleCountsDto'];
export type Reason = Schemas['DecisionReasonDto'];
export type Theme = 'auto' | 'light' | 'dark';

/** Everything a page needs, in one place: the API, the signed-in member of staff, strings, live counts. */
export interface Console {
  api: Api;
  session: ApiSession;
  i18n: I18n;
  t: I18n['t'];
  user: User;
  isAdmin: boolean;
  counts: Counts | null;
  live: boolean;
  reasons: Reason[];
  reloadReasons(): void;
  /** Says `message` to screen-reader users (a polite live region) and shows it as a short notice. */
  announce(message: string): void;
  navigate(path: string): void;
  path: string;
  search: URLSearchParams;
  /** A 401/403 that means this member of staff lost the console: checks the account and shows why. */
  lostAccess(): void;
  /** Handlers of the live feed's `comment` events (the queue page subscribes while shown). */
  onCommentEvent(listener: (e: CommentEvent) => void): () => void;
}

export interface CommentEvent {
  id: string;
  event: string;
  article: { id: string; slug: string };
  fromStatus: string | null;
  toStatus: string;
  current: Schemas['CurrentDecisionDto'] | null;
}

export const ConsoleContext = createContext<Console | null>(null);

export function useConsole(): Console {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside the console');
  return c;
}
