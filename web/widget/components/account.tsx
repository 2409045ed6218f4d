import { useEffect, useState } from 'preact/hooks';
import { useCtx } from '../context';
import type { Decision } from '../model';

/** How a reader signs in here: the publisher's account (when the page hands tokens over) and/or a password account. */
export function SignIn() {
  const { model, state, t, focus } = useCtx();
  const local = state.config?.auth.local ?? 'true';
  const sso = !!model.options.getToken;
  // Compact until the reader chooses: the section does not open with a form nobody asked for.
  const [mode, setMode] = useState<'login' | 'register' | null>(null);
  const [linking, setLinking] = useState(false);
  const [error, setError] = useState('');
  const [hint, setHint] = useState('');
  const [sending, setSending] = useState(false);
  const [fields, setFields] = useState({ login: '', email: '', username: '', password: '', link: '' });
  const set = (key: keyof typeof fields) => (e: Event) => setFields({ ...fields, [key]: (e.target as HTMLInputElement).value });

  if (!sso && local !== 'true') {
    return <p class="nc-note">{t.m.commentingOff}</p>;
  }

  const run = async (work: () => Promise<void>) => {
    setError('');
    setSending(true);
    try {
      await work();
    } catch (err) {
      setError(t.error(err));
      focus('nc-signin-error');
    } finally {
      setSending(false);
    }
  };

  const publisher = () =>
    run(async () => {
      const outcome = await model.signInWithPublisher(false, linking ? fields.link : undefined);
      if (outcome === 'link') {
        setLinking(true);
        setHint(t.m.linkAccount);
        focus('nc-link');
      } else if (outcome === 'no-token') {
        setHint(t.m.signInWithSiteHint);
      }
    });

  const submit = (e: Event) => {
    e.preventDefault();
    void run(() =>
      mode === 'login'
        ? model.login(fields.login.trim(), fields.password)
        : model.register(fields.email.trim(), fields.username.trim(), fields.password),
    );
  };

  const input = (key: keyof typeof fields, label: string, type: 'text' | 'email' | 'password', autocomplete: string, help?: string) => (
    <>
      <label class="nc-label" for={`nc-${key}`}>
        {label}
      </label>
      <input
        id={`nc-${key}`}
        class="nc-input"
        part="input"
        // Preact types <input> per `type`; these three share every attribute used here.
        type={type as 'text'}
        required
        autocomplete={autocomplete}
        value={fields[key]}
        aria-describedby={help ? `nc-${key}-help` : undefined}
        onInput={set(key)}
      />
      {help && (
        <p id={`nc-${key}-help`} class="nc-help">
          {help}
        </p>
      )}
    </>
  );

  const choose = (next: 'login' | 'register') => {
    setMode(next);
    setError('');
    focus(next === 'login' ? 'nc-login' : 'nc-email');
  };

  return (
    <div class={`nc-signin${mode ? '' : ' nc-compact'}`} part="signin">
      <p class="nc-panel-title" id="nc-signin-title">
        {t.m.signInToComment}
      </p>
      {(sso || (local === 'true' && !mode)) && (
        <div class="nc-row">
          {sso && (
            <button
              type="button"
              class="nc-button nc-primary"
              part="button button-primary"
              disabled={sending || state.signingIn}
              onClick={() => void publisher()}
            >
              {state.signingIn ? t.m.signingIn : t.m.signInWithSite}
            </button>
          )}
          {local === 'true' && !mode && (
            <>
              <button type="button" class={`nc-button${sso ? '' : ' nc-primary'}`} part="button" onClick={() => choose('login')}>
                {sso ? t.m.signInLocal : t.m.signIn}
              </button>
              <button type="button" class="nc-button" part="button" onClick={() => choose('register')}>
                {t.m.register}
              </button>
            </>
          )}
        </div>
      )}
      {hint && <p class="nc-note">{hint}</p>}
      {linking && (
        <form
          class="nc-form"
          part="form"
          onSubmit={(e) => {
            e.preventDefault();
            void publisher();
          }}
        >
          {input('link', t.m.password, 'password', 'current-password')}
          <div class="nc-row">
            <button type="submit" class="nc-button nc-primary" part="button button-primary" disabled={sending}>
              {t.m.link}
            </button>
          </div>
        </form>
      )}
      {local === 'true' && mode && (
        <form class="nc-form" part="form" onSubmit={submit} aria-labelledby="nc-local-title">
          <p id="nc-local-title" class="nc-label">
            {mode === 'login' ? (sso ? t.m.signInLocal : t.m.signIn) : t.m.register}
          </p>
          {mode === 'login' ? (
            <>
              {input('login', t.m.login, 'text', 'username')}
              {input('password', t.m.password, 'password', 'current-password')}
            </>
          ) : (
            <>
              {input('email', t.m.email, 'email', 'email')}
              {input('username', t.m.username, 'text', 'username', t.m.usernameHint)}
              {input('password', t.m.password, 'password', 'new-password', t.m.passwordHint)}
            </>
          )}
          <div class="nc-row">
            <button type="submit" class="nc-button nc-primary" part="button button-primary" disabled={sending}>
              {sending ? t.m.signingIn : mode === 'login' ? t.m.signIn : t.m.register}
            </button>
            <button type="button" class="nc-link" part="button" onClick={() => choose(mode === 'login' ? 'register' : 'login')}>
              {mode === 'login' ? t.m.noAccount : t.m.haveAccount}
            </button>
          </div>
        </form>
      )}
      {error && (
        <p id="nc-signin-error" class="nc-error" part="error" role="alert" tabindex={-1}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Who is signed in, and what they may reach from here: their decisions, their mail, their data, signing out. */
export function AccountBar({ onDecisions, onNotifications }: { onDecisions(): void; onNotifications(): void }) {
  const { model, state, t, focus } = useCtx();
  const user = state.user!;
  const [error, setError] = useState('');
  return (
    <div class="nc-account" part="account">
      <span>{t.fill(t.m.signedInAs, { name: user.displayName ?? user.username })}</span>
      <button type="button" id="nc-decisions-button" class="nc-link" part="button" onClick={onDecisions}>
        {t.m.myDecisions}
      </button>
      {state.config?.mail?.enabled && (
        <button type="button" id="nc-notifications-button" class="nc-link" part="button" onClick={onNotifications}>
          {t.m.notifications}
        </button>
      )}
      <button
        type="button"
        class="nc-link"
        part="button"
        onClick={() => {
          void model.signOut().then(() => focus('nc-title'));
        }}
      >
        {t.m.signOut}
      </button>
      {error && (
        <p class="nc-error" part="error" role="alert">
          {error}
        </p>
      )}
      {user.ban && <BanNotice onDecisions={onDecisions} onError={setError} />}
    </div>
  );
}

/** A suspended reader sees why, until when, and what stays open to them (DSA Art. 17, 20; GDPR Art. 15, 17, 20). */
function BanNotice({ onDecisions, onError }: { onDecisions(): void; onError(message: string): void }) {
  const { model, state, t } = useCtx();
  const ban = state.user!.ban!;
  return (
    <div class="nc-ban" part="ban" role="region" aria-labelledby="nc-ban-title">
      <p id="nc-ban-title" class="nc-panel-title">
        {t.m.bannedTitle}
      </p>
      <p>{ban.until ? t.fill(t.m.bannedUntil, { date: t.when(ban.until) }) : t.m.bannedIndefinitely}</p>
      {ban.reason && <p>{t.fill(t.m.bannedReason, { reason: ban.reason })}</p>}
      <p>{t.m.bannedRights}</p>
      <div class="nc-row">
        <button type="button" class="nc-button" part="button" onClick={onDecisions}>
          {t.m.myDecisions}
        </button>
        <button
          type="button"
          class="nc-button"
          part="button"
          onClick={() => void model.exportData().catch((err: unknown) => onError(t.error(err)))}
        >
          {t.m.downloadData}
        </button>
      </div>
    </div>
  );
}

/** The statements of reasons about the reader's comments and account, each with its appeal (DSA Art. 17, 20). */
export function Decisions({ onClose }: { onClose(): void }) {
  const { model, t } = useCtx();
  const [items, setItems] = useState<Decision[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    model.decisions().then(setItems, (err: unknown) => setError(t.error(err)));
  }, [model, t]);
  return (
    <section id="nc-decisions" class="nc-panel nc-decisions" part="decisions" aria-labelledby="nc-decisions-title" tabindex={-1}>
      <h3 id="nc-decisions-title" class="nc-panel-title">
        {t.m.myDecisions}
      </h3>
      {error && (
        <p class="nc-error" part="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="nc-note">{t.m.loadingMore}</p>}
      {items?.length === 0 && <p class="nc-note">{t.m.noDecisions}</p>}
      {items && items.length > 0 && (
        <ul class="nc-decision-list">
          {items.map((d) => (
            <DecisionItem key={d.id} decision={d} />
          ))}
        </ul>
      )}
      <button type="button" class="nc-button" part="button" onClick={onClose}>
        {t.m.close}
      </button>
    </section>
  );
}

function DecisionItem({ decision }: { decision: Decision }) {
  const { model, t, focus } = useCtx();
  const [d, setD] = useState(decision);
  const [writing, setWriting] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);
  const dom = `nc-d-${d.id}`;
  const explanation =
    d.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT' ? d.illegalContentExplanation : d.incompatibleContentExplanation;
  const open = d.appeals.some((a) => a.status === 'open');
  const appealable = !d.reversedAt && !open && d.redress.appealUntil !== null && Date.parse(d.redress.appealUntil) > Date.now();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(t.m.emptyBody);
      focus(`${dom}-text`);
      return;
    }
    try {
      const appeal = await model.appeal(d.id, text.trim());
      setD({ ...d, appeals: [...d.appeals, appeal] });
      setWriting(false);
      setSent(true);
      focus(`${dom}-status`);
    } catch (err) {
      setError(t.error(err));
    }
  };

  return (
    <li class="nc-decision" part="decision" aria-labelledby={`${dom}-title`}>
      <p id={`${dom}-title`} class="nc-label">
        {t.m.decision[d.action] ?? d.action}
      </p>
      <p class="nc-muted">{t.fill(t.m.decidedOn, { date: t.when(d.createdAt) })}</p>
      <p>
        {t.m.ground}: {d.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT' ? t.m.groundIllegal : t.m.groundTerms}
        {d.decisionGround === 'DECISION_GROUND_ILLEGAL_CONTENT'
          ? d.illegalContentLegalGround && ` (${d.illegalContentLegalGround})`
          : d.incompatibleContentGround && ` (${d.incompatibleContentGround})`}
        {d.decisionGroundReferenceUrl && (
          <>
            {' '}
            <a href={d.decisionGroundReferenceUrl} target="_blank" rel="noopener noreferrer">
              {t.m.guidelines}
            </a>
          </>
        )}
      </p>
      {explanation && <p>{explanation}</p>}
      <p>
        {t.m.facts}: {d.decisionFacts}
      </p>
      {d.automatedDecision === 'AUTOMATED_DECISION_FULLY' && <p class="nc-muted">{t.m.automated}</p>}
      {d.restrictionEndsAt && !d.reversedAt && <p>{t.fill(t.m.restrictionEnds, { date: t.when(d.restrictionEndsAt) })}</p>}
      {d.reversedAt && <p class="nc-success">{t.fill(t.m.lifted, { date: t.when(d.reversedAt) })}</p>}
      {d.appeals.map((a) => (
        <p key={a.id} id={`${dom}-status`} tabindex={-1} class="nc-note">
          {t.m.appealStatus[a.status]}
          {a.outcomeExplanation && `: ${a.outcomeExplanation}`}
        </p>
      ))}
      {sent && (
        <p class="nc-success" role="status">
          {t.m.appealSent}
        </p>
      )}
      {!d.reversedAt && !open && (
        <p class="nc-muted">{appealable ? t.fill(t.m.appealUntil, { date: t.when(d.redress.appealUntil!) }) : t.m.appealClosed}</p>
      )}
      {appealable && !writing && (
        <button
          type="button"
          class="nc-button"
          part="button"
          onClick={() => {
            setWriting(true);
            focus(`${dom}-text`);
          }}
        >
          {t.m.appeal}
        </button>
      )}
      {writing && (
        <form class="nc-form" part="form" onSubmit={(e) => void submit(e)} noValidate>
          <label class="nc-label" for={`${dom}-text`}>
            {t.m.appealLabel}
          </label>
          <textarea
            id={`${dom}-text`}
            class="nc-textarea"
            part="textarea"
            rows={3}
            maxLength={5000}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          />
          {error && (
            <p class="nc-error" part="error" role="alert">
              {error}
            </p>
          )}
          <div class="nc-row">
            <button type="submit" class="nc-button nc-primary" part="button button-primary">
              {t.m.appealSend}
            </button>
            <button type="button" class="nc-button" part="button" onClick={() => setWriting(false)}>
              {t.m.cancel}
            </button>
          </div>
        </form>
      )}
      <details class="nc-redress">
        <summary>{t.m.otherRedress}</summary>
        <p>{d.redress.otherRedress}</p>
      </details>
    </li>
  );
}
