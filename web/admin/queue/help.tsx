import { useConsole } from '../context';
import { Dialog } from '../ui';

export const SHORTCUTS = [
  ['j', 'keys.next'],
  ['k', 'keys.prev'],
  ['a', 'keys.approve'],
  ['r', 'keys.reject'],
  ['s', 'keys.spam'],
  ['x', 'keys.select'],
  ['X', 'keys.selectAll'],
  ['b', 'keys.ban'],
  ['o', 'keys.author'],
  ['u', 'keys.undo'],
  ['/', 'keys.search'],
  ['?', 'keys.help'],
] as const;

export function HelpDialog(props: { onClose: () => void }) {
  const { t } = useConsole();
  return (
    <Dialog title={t('help.title')} onClose={props.onClose}>
      <p>{t('help.intro')}</p>
      <table class="keys">
        <caption class="visually-hidden">{t('help.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('help.key')}</th>
            <th scope="col">{t('help.does')}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([key, label]) => (
            <tr key={key}>
              <td>
                <kbd>{key === 'X' ? 'Shift + X' : key}</kbd>
              </td>
              <td>{t(label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">{t('help.selection')}</p>
    </Dialog>
  );
}
