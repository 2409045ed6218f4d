import { render } from 'preact';

render(<h1>Модерация</h1>, document.getElementById('app')!);
