import { type ApiError, apiError } from './api';
import type { I18n } from './i18n';

/** An error's text without the console context (sign-in and setup pages run before it exists). */
export function errorMessage(error: unknown, t: I18n['t']): string {
  const e: ApiError | undefined = apiError(error) ?? (error as ApiError | undefined);
  if (!e?.code) return t('error.network');
  const own = t(`error.${e.code}`);
  if (own !== `error.${e.code}`) return own;
  const detail = e.details?.map((d) => d.message).join('; ');
  return `${e.message ?? e.code}${detail ? ` (${detail})` : ''}`;
}

export function ErrorMessageText(props: { error: unknown; t: I18n['t'] }) {
  return (
    <p class="error" role="alert">
      {errorMessage(props.error, props.t)}
    </p>
  );
}
