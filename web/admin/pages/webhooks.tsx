import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { useConsole } from '../context';
import { Dialog, ErrorText, More, PageTitle, Time } from '../ui';

type Webhook = Schemas['WebhookDto'];
type Delivery = Schemas['WebhookDeliveryDto'];
type EventType = Schemas['CreateWebhookDto']['events'][number];

const EVENTS: EventType[] = [
  'comment.created',
  'comment.approved',
  'comment.rejected',
  'comment.requeued',
  'comment.updated',
  'comment.deleted',
  'comment.reacted',
  'article.comment_count.changed',
  'user.banned',
  'user.unbanned',
  'user.erased',
];

/** Webhooks (admins): endpoints, their signing secret shown once, deliveries, retries and a test message. */
export function WebhooksPage() {
  const { api, t, announce } = useConsole();
  const [items, setItems] = useState<Webhook[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [deliveriesOf, setDeliveriesOf] = useState<Webhook | null>(null);

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/webhooks', { params: { query: { cursor: after ?? undefined, limit: 50 } } });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), []);

  const create = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const form = new FormData(f);
    const events = form.getAll('events').map(String) as EventType[];
    const description = String(form.get('description') ?? '').trim();
    const { data, error: err } = await api.POST('/api/admin/webhooks', {
      body: { url: String(form.get('url')), events, ...(description && { description }) },
    });
    if (!data) return setError(err);
    f.reset();
    setError(null);
    setSecret({ url: data.webhook.url, secret: data.webhook.secret });
    await load();
  };

  const update = async (w: Webhook, body: { enabled?: boolean; rotateSecret?: boolean }) => {
    const { data, error: err } = await api.PATCH('/api/admin/webhooks/{webhookId}', { params: { path: { webhookId: w.id } }, body });
    if (!data) return setError(err);
    if (data.webhook.secret) setSecret({ url: w.url, secret: data.webhook.secret });
    setItems((prev) => prev.map((x) => (x.id === w.id ? data.webhook : x)));
  };

  const test = async (w: Webhook) => {
    const { data, error: err } = await api.POST('/api/admin/webhooks/{webhookId}/test', { params: { path: { webhookId: w.id } } });
    if (!data) return setError(err);
    const d = data.delivery;
    announce(
      t(d.status === 'succeeded' ? 'webhooks.testOk' : 'webhooks.testFailed', {
        code: d.lastResponseCode ?? '—',
        error: d.lastError ?? '',
      }),
    );
  };

  const remove = async (w: Webhook) => {
    if (!confirm(t('webhooks.confirmDelete', { url: w.url }))) return;
    const { error: err } = await api.DELETE('/api/admin/webhooks/{webhookId}', { params: { path: { webhookId: w.id } } });
    if (err) return setError(err);
    setItems((prev) => prev.filter((x) => x.id !== w.id));
  };

  return (
    <div class="page">
      <PageTitle>{t('nav.webhooks')}</PageTitle>
      <form class="stack card-form" onSubmit={(e) => void create(e)}>
        <h2>{t('webhooks.new')}</h2>
        <div class="field">
          <label for="wh-url">{t('webhooks.url')}</label>
          <input id="wh-url" name="url" type="url" required maxLength={2000} placeholder="https://" />
        </div>
        <div class="field">
          <label for="wh-description">{t('webhooks.description')}</label>
          <input id="wh-description" name="description" maxLength={500} />
        </div>
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          <div class="checks">
            {EVENTS.map((ev) => (
              <label key={ev} class="choice">
                <input
                  type="checkbox"
                  name="events"
                  value={ev}
                  defaultChecked={ev.startsWith('comment.approved') || ev.startsWith('article.')}
                />
                <span>
                  <code>{ev}</code>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="primary">
          {t('webhooks.create')}
        </button>
      </form>
      <ErrorText error={error} />
      <table class="table">
        <caption class="visually-hidden">{t('nav.webhooks')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.url')}</th>
            <th scope="col">{t('webhooks.events')}</th>
            <th scope="col">{t('webhooks.state')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((w) => (
            <tr key={w.id}>
              <th scope="row">
                <span class="break">{w.url}</span>
                {w.description && <div class="muted">{w.description}</div>}
              </th>
              <td>{w.events.join(', ')}</td>
              <td>
                {w.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
                {w.disabledReason && <div class="muted">{w.disabledReason}</div>}
                {w.lastSuccessAt && (
                  <div class="muted">
                    {t('webhooks.lastSuccess')} <Time iso={w.lastSuccessAt} />
                  </div>
                )}
              </td>
              <td class="row-actions">
                <button type="button" onClick={() => void test(w)}>
                  {t('webhooks.test')}
                </button>
                <button type="button" onClick={() => setDeliveriesOf(w)} aria-haspopup="dialog">
                  {t('webhooks.deliveries')}
                </button>
                <button type="button" onClick={() => void update(w, { enabled: !w.enabled })}>
                  {w.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                </button>
                <button type="button" onClick={() => void update(w, { rotateSecret: true })}>
                  {t('webhooks.rotate')}
                </button>
                <button type="button" onClick={() => void remove(w)}>
                  {t('remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
      {secret && (
        <Dialog title={t('webhooks.secretTitle')} onClose={() => setSecret(null)} describedBy="wh-secret-about">
          <p id="wh-secret-about">{t('webhooks.secretOnce', { url: secret.url })}</p>
          <p>
            <code class="secret" data-testid="webhook-secret">
              {secret.secret}
            </code>
          </p>
          <div class="buttons">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.secret).then(() => announce(t('copied')))}>
              {t('copy')}
            </button>
            <button type="button" class="primary" onClick={() => setSecret(null)}>
              {t('webhooks.secretSaved')}
            </button>
          </div>
        </Dialog>
      )}
      {deliveriesOf && <Deliveries webhook={deliveriesOf} onClose={() => setDeliveriesOf(null)} />}
    </div>
  );
}

function Deliveries(props: { webhook: Webhook; onClose: () => void }) {
  const { api, t, announce } = useConsole();
  const [items, setItems] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = props.webhook.id;

  const load = async (after?: string | null) => {
    setLoading(true);
    const { data, error: e } = await api.GET('/api/admin/webhooks/{webhookId}/deliveries', {
      params: { path: { webhookId: id }, query: { cursor: after ?? undefined, limit: 20 } },
    });
    setLoading(false);
    setError(e ?? null);
    if (!data) return;
    setItems((prev) => (after ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  };
  useEffect(() => void load(), []);

  const retry = async (d: Delivery) => {
    const { data, error: e } = await api.POST('/api/admin/webhooks/{webhookId}/deliveries/{deliveryId}/retry', {
      params: { path: { webhookId: id, deliveryId: d.id } },
    });
    if (!data) return setError(e);
    setItems((prev) => prev.map((x) => (x.id === d.id ? data.delivery : x)));
    announce(t('webhooks.retried'));
  };

  return (
    <Dialog title={t('webhooks.deliveriesOf', { url: props.webhook.url })} onClose={props.onClose} wide>
      <ErrorText error={error} />
      {!items.length && !loading && <p class="muted">{t('webhooks.noDeliveries')}</p>}
      <table class="table">
        <caption class="visually-hidden">{t('webhooks.deliveries')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.event')}</th>
            <th scope="col">{t('webhooks.status')}</th>
            <th scope="col">{t('webhooks.attempts')}</th>
            <th scope="col">{t('webhooks.last')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id}>
              <td>
                <code>{d.eventType}</code>
                <div class="muted">
                  <Time iso={d.createdAt} />
                </div>
              </td>
              <td>{t(`webhooks.${d.status}`)}</td>
              <td>{d.attempts}</td>
              <td>
                {d.lastResponseCode ?? '—'}
                {d.lastError && <div class="muted break">{d.lastError}</div>}
              </td>
              <td>
                {d.status !== 'pending' && (
                  <button type="button" onClick={() => void retry(d)}>
                    {t('webhooks.retry')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <More cursor={cursor} loading={loading} onMore={() => void load(cursor)} />
    </Dialog>
  );
}
