/**
 * The mails' words, in Bulgarian and English (the account's `locale`, Bulgarian by default), each as plain text and
 * HTML. Everything a person wrote (comment text, names, titles) is HTML-escaped in the HTML part; the plain part is
 * plain. Every mail to an account ends with the unsubscribe link (RFC 8058 headers are set by the composer too).
 */
export type MailLocale = 'bg' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface ReplyItem {
  articleTitle: string;
  replier: string;
  excerpt: string;
  link: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** At most `max` characters of a comment, on one line. */
export function excerpt(body: string, max = 280): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const words = {
  bg: {
    replySubject: (title: string) => `Нов отговор на ваш коментар: ${title}`,
    replyIntro: (who: string, title: string) => `${who} отговори на ваш коментар под „${title}“:`,
    open: 'Вижте отговора',
    digestSubject: (n: number) => (n === 1 ? '1 нов отговор на ваши коментари' : `${n} нови отговора на ваши коментари`),
    digestIntro: 'Отговори на ваши коментари от последния ден:',
    confirmSubject: 'Потвърдете адреса си за известия',
    confirmIntro: 'Някой (вероятно вие) поиска известия по имейл на този адрес. Потвърдете го с връзката (валидна 48 часа):',
    confirmIgnore: 'Ако не сте били вие, не правете нищо: няма да получавате писма.',
    statementSubject: 'Решение на модератор за ваш коментар или профил',
    statementIntro: 'Модератор взе решение, което засяга ваш коментар или профил. Изложение на мотивите:',
    statementAppeal: 'Можете да обжалвате решението в рамките на шест месеца: вижте решенията в профила си.',
    noticeSubject: 'Решение по вашия сигнал',
    noticeIntro: (outcome: string) => `Разгледахме вашия сигнал за коментар. Решение: ${outcome}.`,
    outcomes: {
      action_taken: 'предприехме мерки спрямо коментара',
      no_action: 'коментарът остава',
      content_unavailable: 'коментарът вече не е наличен',
    } as Record<string, string>,
    footer: 'Не искате повече такива писма? Отпишете се:',
    footerTransactional:
      'Това писмо е за решение, което ви засяга, и се изпраща независимо от абонамента. Известия за отговори можете да спрете тук:',
  },
  en: {
    replySubject: (title: string) => `New reply to your comment: ${title}`,
    replyIntro: (who: string, title: string) => `${who} replied to your comment on “${title}”:`,
    open: 'See the reply',
    digestSubject: (n: number) => (n === 1 ? '1 new reply to your comments' : `${n} new replies to your comments`),
    digestIntro: 'Replies to your comments from the last day:',
    confirmSubject: 'Confirm your address for notifications',
    confirmIntro: 'Someone (probably you) asked for e-mail notifications at this address. Confirm it with this link (valid for 48 hours):',
    confirmIgnore: 'If it was not you, do nothing: you will receive no mail.',
    statementSubject: "A moderator's decision about your comment or account",
    statementIntro: 'A moderator took a decision that concerns your comment or account. The statement of reasons:',
    statementAppeal: 'You may appeal it within six months: see the decisions in your account.',
    noticeSubject: 'The decision on your notice',
    noticeIntro: (outcome: string) => `We have looked at your notice about a comment. Decision: ${outcome}.`,
    outcomes: {
      action_taken: 'we took action on the comment',
      no_action: 'the comment stays',
      content_unavailable: 'the comment is no longer available',
    } as Record<string, string>,
    footer: 'No more mails like this? Unsubscribe:',
    footerTransactional:
      'This mail is about a decision that concerns you and is sent whatever your subscription. Reply notifications can be stopped here:',
  },
} as const;

const html = (body: string, lang: MailLocale) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head>` +
  `<body style="font-family:sans-serif;line-height:1.5;color:#222;max-width:40em">${body}</body></html>`;
const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
const quote = (text: string) => `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">${escapeHtml(text)}</blockquote>`;

function footer(locale: MailLocale, unsubscribeUrl: string | null, transactional = false): { text: string; html: string } {
  if (!unsubscribeUrl) return { text: '', html: '' };
  const w = words[locale];
  const line = transactional ? w.footerTransactional : w.footer;
  return {
    text: `\n\n--\n${line}\n${unsubscribeUrl}\n`,
    html: `<hr><p style="font-size:small;color:#666">${escapeHtml(line)} ${link(unsubscribeUrl, unsubscribeUrl)}</p>`,
  };
}

export function replyMail(locale: MailLocale, item: ReplyItem, unsubscribeUrl: string): RenderedMail {
  const w = words[locale];
  const f = footer(locale, unsubscribeUrl);
  return {
    subject: w.replySubject(item.articleTitle),
    text: `${w.replyIntro(item.replier, item.articleTitle)}\n\n${item.excerpt}\n\n${w.open}: ${item.link}${f.text}`,
    html: html(
      `<p>${escapeHtml(w.replyIntro(item.replier, item.articleTitle))}</p>${quote(item.excerpt)}<p>${link(item.link, w.open)}</p>${f.html}`,
      locale,
    ),
  };
}

export function digestMail(locale: MailLocale, items: ReplyItem[], unsubscribeUrl: string): RenderedMail {
  const w = words[locale];
  const f = footer(locale, unsubscribeUrl);
  const text = items.map((i) => `* ${w.replyIntro(i.replier, i.articleTitle)}\n  ${i.excerpt}\n  ${i.link}`).join('\n\n');
  const list = items
    .map((i) => `<li><p>${escapeHtml(w.replyIntro(i.replier, i.articleTitle))}</p>${quote(i.excerpt)}<p>${link(i.link, w.open)}</p></li>`)
    .join('');
  return {
    subject: w.digestSubject(items.length),
    text: `${w.digestIntro}\n\n${text}${f.text}`,
    html: html(`<p>${escapeHtml(w.digestIntro)}</p><ul>${list}</ul>${f.html}`, locale),
  };
}

export function confirmationMail(locale: MailLocale, confirmUrl: string): RenderedMail {
  const w = words[locale];
  return {
    subject: w.confirmSubject,
    text: `${w.confirmIntro}\n\n${confirmUrl}\n\n${w.confirmIgnore}\n`,
    html: html(`<p>${escapeHtml(w.confirmIntro)}</p><p>${link(confirmUrl, confirmUrl)}</p><p>${escapeHtml(w.confirmIgnore)}</p>`, locale),
  };
}

export function queueDigestMail(
  locale: MailLocale,
  pending: number,
  oldest: Date | null,
  consoleUrl: string,
  unsubscribeUrl: string,
): RenderedMail {
  const bg = locale === 'bg';
  const subject = bg ? `Опашката за модерация: ${pending} чакащи коментара` : `Moderation queue: ${pending} comments waiting`;
  const lines = [
    bg ? `Чакащи коментари: ${pending}` : `Comments waiting: ${pending}`,
    ...(oldest ? [bg ? `Най-старият чака от: ${oldest.toISOString()}` : `The oldest has waited since: ${oldest.toISOString()}`] : []),
  ];
  const open = bg ? 'Към конзолата за модерация' : 'Open the moderation console';
  const f = footer(locale, unsubscribeUrl);
  return {
    subject,
    text: `${lines.join('\n')}\n\n${open}: ${consoleUrl}${f.text}`,
    html: html(`<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p>${link(consoleUrl, open)}</p>${f.html}`, locale),
  };
}

export interface StatementFacts {
  action: string;
  ground: string;
  facts: string;
  restrictionEndsAt: Date | null;
  commentExcerpt: string | null;
  decisionsUrl: string;
}

export function statementMail(locale: MailLocale, statements: StatementFacts[], unsubscribeUrl: string): RenderedMail {
  const w = words[locale];
  const f = footer(locale, unsubscribeUrl, true);
  const bg = locale === 'bg';
  const blocks = statements.map((s) => ({
    quote: s.commentExcerpt,
    lines: [
      `${bg ? 'Мярка' : 'Measure'}: ${s.action}`,
      `${bg ? 'Основание' : 'Ground'}: ${s.ground}`,
      `${bg ? 'Факти' : 'Facts'}: ${s.facts}`,
      ...(s.restrictionEndsAt ? [`${bg ? 'До' : 'Until'}: ${s.restrictionEndsAt.toISOString()}`] : []),
      `${bg ? 'Връзка' : 'Link'}: ${s.decisionsUrl}`,
    ],
  }));
  const text = blocks.map((b) => `${b.quote ? `> ${b.quote}\n` : ''}${b.lines.join('\n')}`).join('\n\n');
  const htmlBlocks = blocks
    .map((b) => `${b.quote ? quote(b.quote) : ''}<ul>${b.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`)
    .join('<hr>');
  return {
    subject: w.statementSubject,
    text: `${w.statementIntro}\n\n${text}\n\n${w.statementAppeal}${f.text}`,
    html: html(`<p>${escapeHtml(w.statementIntro)}</p>${htmlBlocks}<p>${escapeHtml(w.statementAppeal)}</p>${f.html}`, locale),
  };
}

export function noticeOutcomeMail(locale: MailLocale, outcome: string, explanation: string | null, noticeId: string): RenderedMail {
  const w = words[locale];
  const said = w.noticeIntro(w.outcomes[outcome] ?? outcome);
  // DSA Art. 16(5): the decision and the redress open to the notifier.
  const redress =
    locale === 'bg'
      ? 'Можете да се обърнете към сертифициран орган за извънсъдебно решаване на спорове (чл. 21 от Акта за цифровите услуги; списъкът е на уебсайта на Европейската комисия) или към съда.'
      : "You may turn to a certified out-of-court dispute settlement body (DSA Art. 21; the list is on the European Commission's website) or to the courts.";
  const ref =
    locale === 'bg'
      ? `Сигнал: ${noticeId} (подробности с ключа за достъп, който получихте)`
      : `Notice: ${noticeId} (details with the access key you received)`;
  return {
    subject: w.noticeSubject,
    text: `${said}\n${explanation ? `\n${explanation}\n` : ''}\n${redress}\n\n${ref}\n`,
    html: html(
      `<p>${escapeHtml(said)}</p>${explanation ? `<p>${escapeHtml(explanation)}</p>` : ''}<p>${escapeHtml(redress)}</p><p>${escapeHtml(ref)}</p>`,
      locale,
    ),
  };
}
