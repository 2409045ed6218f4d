import { useEffect, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';

export type QueueItem = Schemas['QueueItemDto'];
export type Current = Schemas['CurrentDecisionDto'];
export type DecisionStatus = 'approved' | 'rejected' | 'spam';

export interface Decision {
  status: DecisionStatus;
  reasonId?: string;
  reason?: string;
}

/** Where a card stands: waiting for a decision, counting down to sending one, decided, or overtaken. */
export type CardState =
  | { phase: 'open' }
  | { phase: 'sending'; decision: Decision; until: number; batch: number }
  | { phase: 'done'; status: DecisionStatus }
  | { phase: 'conflict'; current: Current }
  | { phase: 'changed'; current: Current }
  | { phase: 'error'; message: string };

/** How long a decision waits, undoable, before it is sent (a delayed send: nothing to reverse at the service). */
export const UNDO_MS = 5000;

interface Batch {
  id: number;
  ids: string[];
  versions: number[];
  decision: Decision;
  timer: number;
}

/**
 * Decisions as delayed sends: a decision shows at once on its cards and is sent UNDO_MS later, unless undone; one
 * card goes as PATCH with the version it was read at, several as one bulk request with a version per id. A 409 or a
 * bulk item skipped for its version keeps the card, saying who decided what. Anything still waiting is sent when
 * the page goes away (keepalive), so closing the tab loses nothing.
 */
export function useDecisions() {
  const { api, session, t, announce, lostAccess } = useConsole();
  const [states, setStates] = useState<Map<string, CardState>>(new Map());
  const batches = useRef<Batch[]>([]);
  const seq = useRef(0);

  const set = (entries: [string, CardState][]) =>
    setStates((prev) => {
      const next = new Map(prev);
      for (const [id, s] of entries) next.set(id, s);
      return next;
    });

  const send = async (batch: Batch, keepalive = false) => {
    batches.current = batches.current.filter((b) => b !== batch);
    const { decision } = batch;
    if (batch.ids.length === 1) {
      const [id] = batch.ids;
      const { data, error, response } = await api.PATCH('/api/admin/comments/{commentId}', {
        params: { path: { commentId: id } },
        body: { status: decision.status, version: batch.versions[0], reasonId: decision.reasonId, reason: decision.reason },
        keepalive,
      });
      if (data) return set([[id, { phase: 'done', status: decision.status }]]);
      const e = (error as { error?: { code: string; message: string; details?: { current?: Current }[] } } | undefined)?.error;
      if (e?.code === 'VERSION_CONFLICT' && e.details?.[0]?.current)
        return set([[id, { phase: 'conflict', current: e.details[0].current }]]);
      if (response.status === 401 || response.status === 403) lostAccess();
      return set([[id, { phase: 'error', message: e?.message ?? t('error.network') }]]);
    }
    const { data, error, response } = await api.POST('/api/admin/comments/bulk', {
      body: { status: decision.status, ids: batch.ids, versions: batch.versions, reasonId: decision.reasonId, reason: decision.reason },
      keepalive,
    });
    if (!data) {
      if (response.status === 401 || response.status === 403) lostAccess();
      const message = (error as { error?: { message: string } } | undefined)?.error?.message ?? t('error.network');
      return set(batch.ids.map((id) => [id, { phase: 'error', message }]));
    }
    set(
      data.results.map((r): [string, CardState] => [
        r.id,
        r.ok
          ? { phase: 'done', status: decision.status }
          : r.error?.current
            ? { phase: 'conflict', current: r.error.current }
            : { phase: 'error', message: r.error?.message ?? '' },
      ]),
    );
    if (data.failed) announce(t('bulk.partly', { count: data.applied, failed: data.failed }));
  };

  /** Decides `items` (undoable for UNDO_MS). */
  const decide = (items: { adminComment: { id: string; version: number } }[], decision: Decision, versions?: Map<string, number>) => {
    if (!items.length) return;
    const id = ++seq.current;
    const batch: Batch = {
      id,
      ids: items.map((i) => i.adminComment.id),
      versions: items.map((i) => versions?.get(i.adminComment.id) ?? i.adminComment.version),
      decision,
      timer: window.setTimeout(() => void send(batch), UNDO_MS),
    };
    batches.current.push(batch);
    const until = Date.now() + UNDO_MS;
    set(batch.ids.map((i) => [i, { phase: 'sending', decision, until, batch: id }]));
    announce(t(`decided.${decision.status}`, { count: items.length }));
  };

  /** Takes back the latest decision still waiting (or the one of `batchId`). */
  const undo = (batchId?: number): boolean => {
    const batch = batchId === undefined ? batches.current.at(-1) : batches.current.find((b) => b.id === batchId);
    if (!batch) return false;
    clearTimeout(batch.timer);
    batches.current = batches.current.filter((b) => b !== batch);
    set(batch.ids.map((i) => [i, { phase: 'open' }]));
    announce(t('undone', { count: batch.ids.length }));
    return true;
  };

  const mark = (id: string, state: CardState) => set([[id, state]]);

  useEffect(() => {
    // Leaving the page sends what is waiting (fetch keepalive outlives the page); unmounting (another queue) too.
    const flush = () => {
      for (const b of [...batches.current]) {
        clearTimeout(b.timer);
        void send(b, true);
      }
    };
    addEventListener('pagehide', flush);
    return () => {
      removeEventListener('pagehide', flush);
      flush();
    };
  }, [session]);

  return { states, decide, undo, mark, waiting: () => batches.current.length };
}
