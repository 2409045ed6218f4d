import { useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { type Reason, useConsole } from '../context';
import { ErrorText, PageTitle } from '../ui';
import { CATEGORIES, type Category } from './categories';

type Kind = 'reject' | 'spam' | 'ban';
const KINDS: Kind[] = ['reject', 'spam', 'ban'];
type Statement = Schemas['StatementFieldsDto'];

/**
 * The newsroom's decision reasons: what moderators pick when they reject, mark as spam or ban. Each stands for the
 * statement of reasons the author receives (DSA Art. 17): the ground (the site's terms, or a law), its explanation
 * and the category. Admins keep the list; moderators read it.
 */
export function ReasonsPage() {
  const { api, t, isAdmin, reasons, reloadReasons, announce } = useConsole();
  const [editing, setEditing] = useState<Reason | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const save = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const str = (k: string) => String(form.get(k) ?? '').trim();
    const illegal = str('ground') === 'illegal';
    const statement: Statement = illegal
      ? {
          decisionGround: 'DECISION_GROUND_ILLEGAL_CONTENT',
          illegalContentLegalGround: str('legalGround'),
          ...(str('explanation') && { illegalContentExplanation: str('explanation') }),
        }
      : {
          decisionGround: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
          ...(str('termsGround') && { incompatibleContentGround: str('termsGround') }),
          ...(str('explanation') && { incompatibleContentExplanation: str('explanation') }),
        };
    if (str('category')) statement.category = str('category') as Category;
    const body = {
      label: str('label'),
      ...(str('description') && { description: str('description') }),
      appliesTo: form.getAll('appliesTo').map(String) as Kind[],
      statement,
      position: Number(str('position') || 0),
    };
    const res =
      editing === 'new'
        ? await api.POST('/api/admin/decision-reasons', { body })
        : await api.PATCH('/api/admin/decision-reasons/{decisionReasonId}', {
            params: { path: { decisionReasonId: (editing as Reason).id } },
            body,
          });
    if (!res.data) return setError(res.error);
    setError(null);
    setEditing(null);
    reloadReasons();
    announce(t('reasons.saved', { label: body.label }));
  };

  const remove = async (r: Reason) => {
    if (!confirm(t('reasons.confirmDelete', { label: r.label }))) return;
    const { error: e } = await api.DELETE('/api/admin/decision-reasons/{decisionReasonId}', {
      params: { path: { decisionReasonId: r.id } },
    });
    if (e) return setError(e);
    reloadReasons();
  };

  const current = editing && editing !== 'new' ? editing : null;
  const s = current?.statement;
  return (
    <div class="page">
      <PageTitle actions={isAdmin && !editing && <button onClick={() => setEditing('new')}>{t('reasons.add')}</button>}>
        {t('nav.reasons')}
      </PageTitle>
      <p class="muted">{t('reasons.about')}</p>
      <ErrorText error={error} />
      {editing && (
        <form class="stack card-form" onSubmit={(e) => void save(e)} key={current?.id ?? 'new'}>
          <h2>{current ? t('reasons.edit', { label: current.label }) : t('reasons.add')}</h2>
          <div class="field">
            <label for="r-label">{t('reasons.label')}</label>
            <input id="r-label" name="label" required maxLength={120} defaultValue={current?.label} />
          </div>
          <div class="field">
            <label for="r-description">{t('reasons.description')}</label>
            <input id="r-description" name="description" maxLength={1000} defaultValue={current?.description ?? ''} />
          </div>
          <fieldset>
            <legend>{t('reasons.appliesTo')}</legend>
            {KINDS.map((k) => (
              <label class="choice" key={k}>
                <input
                  type="checkbox"
                  name="appliesTo"
                  value={k}
                  defaultChecked={current ? current.appliesTo.includes(k) : k === 'reject'}
                />
                <span>{t(`reasons.kind.${k}`)}</span>
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="r-ground">{t('reasons.ground')}</label>
            <select
              id="r-ground"
              name="ground"
              defaultValue={s?.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal' : 'terms'}
            >
              <option value="terms">{t('reasons.ground.terms')}</option>
              <option value="illegal">{t('reasons.ground.illegal')}</option>
            </select>
          </div>
          <div class="field">
            <label for="r-terms">{t('reasons.termsGround')}</label>
            <input id="r-terms" name="termsGround" maxLength={500} defaultValue={s?.incompatibleContentGround ?? ''} />
          </div>
          <div class="field">
            <label for="r-legal">{t('reasons.legalGround')}</label>
            <input id="r-legal" name="legalGround" maxLength={500} defaultValue={s?.illegalContentLegalGround ?? ''} />
          </div>
          <div class="field">
            <label for="r-explanation">{t('reasons.explanation')}</label>
            <textarea
              id="r-explanation"
              name="explanation"
              rows={3}
              maxLength={2000}
              defaultValue={s?.incompatibleContentExplanation ?? s?.illegalContentExplanation ?? ''}
            />
          </div>
          <div class="field">
            <label for="r-category">{t('reasons.category')}</label>
            <select id="r-category" name="category" defaultValue={s?.category ?? ''}>
              <option value="">{t('reasons.categoryDefault')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`category.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="r-position">{t('reasons.position')}</label>
            <input id="r-position" name="position" type="number" min={0} max={10000} defaultValue={String(current?.position ?? 0)} />
          </div>
          <div class="buttons">
            <button type="submit" class="primary">
              {t('save')}
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {!reasons.length && <p class="empty">{t('reasons.empty')}</p>}
      <ul class="reason-list">
        {reasons.map((r) => (
          <li key={r.id}>
            <h2 class="reason-label">{r.label}</h2>
            {r.description && <p>{r.description}</p>}
            <p class="muted">
              {r.appliesTo.map((k) => t(`reasons.kind.${k}`)).join(', ')} ·{' '}
              {r.statement.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT'
                ? `${t('reasons.ground.illegal')}: ${r.statement.illegalContentLegalGround ?? ''}`
                : t('reasons.ground.terms')}
              {r.statement.category && ` · ${t(`category.${r.statement.category}`)}`}
            </p>
            {isAdmin && (
              <p class="row-actions">
                <button type="button" onClick={() => setEditing(r)} aria-label={t('reasons.editOne', { label: r.label })}>
                  {t('edit')}
                </button>
                <button type="button" onClick={() => void remove(r)} aria-label={t('reasons.removeOne', { label: r.label })}>
                  {t('remove')}
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
