import { parseClassifierAnswer } from './classifier.js';
import { inDomainList } from './disposable-domains.js';
import { DEFAULT_TRIAGE_RULES, isDisposableDomain, withOverrides } from './triage-rules.js';

describe('the classifier’s answer', () => {
  it('should read publish, hold and refuse with their fields', () => {
    expect(parseClassifierAnswer('{"action":"publish","labels":["clean"]}')).toEqual({ action: 'publish', labels: ['clean'], model: null });
    expect(parseClassifierAnswer('{"action":"hold","reason":" toxic ","labels":["toxicity","toxicity"],"model":"m1"}')).toEqual({
      action: 'hold',
      reason: 'toxic',
      labels: ['toxicity'],
      model: 'm1',
    });
    expect(parseClassifierAnswer('{"action":"refuse","reason":"Спам","explanation":"Реклама."}')).toEqual({
      action: 'refuse',
      reason: 'Спам',
      explanation: 'Реклама.',
      labels: [],
      model: null,
    });
  });

  it('should say why an answer is unusable', () => {
    expect(parseClassifierAnswer(null)).toEqual({ invalid: expect.stringContaining('empty') });
    expect(parseClassifierAnswer('<html>')).toEqual({ invalid: 'the answer was not JSON' });
    expect(parseClassifierAnswer('[1]')).toEqual({ invalid: 'the answer was not a JSON object' });
    expect(parseClassifierAnswer('{"action":"maybe"}')).toEqual({ invalid: 'action must be publish, hold or refuse' });
    expect(parseClassifierAnswer('{"action":"hold"}')).toEqual({ invalid: 'a hold needs a reason' });
    expect(parseClassifierAnswer('{"action":"refuse","reason":""}')).toEqual({
      invalid: expect.stringContaining('a refusal needs a reason'),
    });
    expect(parseClassifierAnswer('{"action":"publish","labels":[1]}')).toEqual({ invalid: expect.stringContaining('labels') });
    expect(parseClassifierAnswer(`{"action":"publish","labels":["${'x'.repeat(65)}"]}`)).toEqual({
      invalid: expect.stringContaining('labels'),
    });
  });
});

describe('disposable e-mail domains', () => {
  it('should match a listed domain and its subdomains, with blocked added and allowed taken out', () => {
    const list = new Set(['mailinator.com']);
    expect(inDomainList('eu.mailinator.com', list)).toBe(true);
    expect(inDomainList('notmailinator.com', list)).toBe(false);
    const onList = (d: string) => inDomainList(d, list);
    expect(isDisposableDomain('MAILINATOR.com', { blocked: [], allowed: [] }, onList)).toBe(true);
    expect(isDisposableDomain('mailinator.com', { blocked: [], allowed: ['mailinator.com'] }, onList)).toBe(false);
    expect(isDisposableDomain('x.throwaway.example', { blocked: ['throwaway.example'], allowed: [] }, onList)).toBe(true);
    expect(isDisposableDomain('abv.bg', { blocked: [], allowed: [] }, onList)).toBe(false);
  });
});

describe('per-article overrides', () => {
  it('should replace only the sections given', () => {
    const rules = withOverrides(DEFAULT_TRIAGE_RULES, { links: { hold: 'everyone', maxLinks: 1, allowedDomains: [] } });
    expect(rules.links).toEqual({ hold: 'everyone', maxLinks: 1, allowedDomains: [] });
    expect(rules.newAccounts).toBe(DEFAULT_TRIAGE_RULES.newAccounts);
    expect(withOverrides(DEFAULT_TRIAGE_RULES, null)).toBe(DEFAULT_TRIAGE_RULES);
  });
});
