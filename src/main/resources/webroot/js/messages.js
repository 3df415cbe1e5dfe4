// Parents' messages: the open and answered ones, newest first, read again from the API whenever
// the stream says one was sent, answered or closed (the stream never carries a message's text).
// Controllers and above reply and close; a viewer only reads. A parent's words are only ever
// text on the page.

import { get, post } from './api.js';
import { $, h, clock } from './dom.js';

const CATEGORY = {
  late: 'Late',
  not_arrived: 'Not arrived',
  change: 'Change',
  other: 'Other',
};
const STATE = { open: 'Open', answered: 'Answered', closed: 'Closed' };

let canAct = false;
let active = false;
let today = null;
let loading = null;
let again = false;
/** Each message's reply form, kept while it is listed so a reply being typed survives updates. */
const forms = new Map();
const elements = new Map();

export function startMessages(mayAct, serviceDate) {
  canAct = mayAct;
  today = serviceDate;
  active = true;
  return loadMessages();
}

export function clearMessages() {
  active = false;
  forms.clear();
  elements.clear();
  $('message-list').replaceChildren();
  $('messages-summary').textContent = '';
}

/** A `message` entry on the stream, or the stream (re)connected: read the list again. */
export function messagesChanged() {
  if (active) {
    loadMessages().catch(() => {});
  }
}

/** Reads the list; a change while reading reads it once more after. */
export function loadMessages() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      const [open, answered] = await Promise.all([
        get('/api/v1/messages?state=open'),
        get('/api/v1/messages?state=answered'),
      ]);
      if (active) {
        render([...open.items, ...answered.items]);
      }
    } while (again && active);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

function newestFirst(a, b) {
  return b.createdAt.localeCompare(a.createdAt) || b.messageId - a.messageId;
}

function when(rfc3339) {
  const day = rfc3339.substring(0, 10);
  return day === today ? clock(rfc3339) : `${clock(rfc3339)} on ${day}`;
}

function render(items) {
  items.sort(newestFirst);
  const focused = document.activeElement;
  const listed = new Set(items.map((m) => m.messageId));
  for (const id of [...elements.keys()]) {
    if (!listed.has(id)) {
      forms.delete(id);
      elements.delete(id);
    }
  }
  const wanted = items.map((m) => {
    const signature = JSON.stringify(m) + canAct;
    let element = elements.get(m.messageId);
    if (!element || element.dataset.signature !== signature) {
      const fresh = item(m);
      fresh.dataset.signature = signature;
      if (element) {
        element.replaceWith(fresh);
      }
      element = fresh;
      elements.set(m.messageId, element);
    }
    return element;
  });
  $('message-list').replaceChildren(...wanted);
  if (focused && focused.isConnected && focused !== document.activeElement) {
    focused.focus();
  }
  const open = items.filter((m) => m.state === 'open').length;
  $('messages-summary').textContent =
    items.length === 0 ? 'No messages waiting.' : `${open} waiting for a reply, ${items.length - open} answered.`;
}

function item(m) {
  return h(
    'li',
    {
      class: `parent-message state-${m.state}`,
      id: `message-${m.messageId}`,
      'data-message-id': m.messageId,
      'data-state': m.state,
    },
    h(
      'div',
      { class: 'message-head' },
      h('span', { class: 'category' }, CATEGORY[m.category] || m.category),
      h('span', {}, `Pupil ${m.pupilId}`),
      h('span', {}, `sent ${when(m.createdAt)}`),
      h('span', { class: 'state' }, STATE[m.state] || m.state),
    ),
    h('p', { class: 'message-text' }, m.text),
    m.replies.length
      ? h(
          'ol',
          { class: 'replies', 'aria-label': `Replies to message ${m.messageId}` },
          m.replies.map((r) =>
            h(
              'li',
              {},
              h('span', { class: 'meta' }, `${r.author || 'The service'} at ${when(r.at)}: `),
              h('span', { class: 'reply-text' }, r.text),
            ),
          ),
        )
      : null,
    canAct ? form(m) : null,
  );
}

function form(m) {
  let f = forms.get(m.messageId);
  if (f) {
    return f;
  }
  const id = m.messageId;
  const textId = `reply-${id}`;
  const text = h('textarea', { id: textId, name: 'text', rows: 2, maxlength: 1000 });
  const error = h('p', { class: 'error', role: 'alert' });
  const send = h('button', { type: 'submit', 'data-action': 'reply' }, 'Send reply');
  const close = h(
    'button',
    { type: 'button', class: 'secondary', 'data-action': 'close' },
    'Close',
    h('span', { class: 'visually-hidden' }, ` message ${id}`),
  );
  f = h(
    'form',
    { class: 'message-actions', 'aria-label': `Answer message ${id}` },
    h('label', { for: textId }, `Reply to message ${id}`),
    text,
    h('div', { class: 'buttons' }, send, close),
    error,
  );
  const act = async (path, body, button) => {
    for (const b of f.querySelectorAll('button')) b.disabled = true;
    error.textContent = '';
    try {
      await post(`/api/v1/messages/${id}/${path}`, body);
      if (path === 'reply') {
        text.value = '';
      }
      await loadMessages();
      if (!f.isConnected) {
        $('messages-title').focus();
      }
    } catch (e) {
      error.textContent = e.message;
      button.focus();
    } finally {
      for (const b of f.querySelectorAll('button')) b.disabled = false;
    }
  };
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      error.textContent = 'Write a reply first.';
      text.focus();
      return;
    }
    act('reply', { text: text.value }, send);
  });
  close.addEventListener('click', () => act('close', undefined, close));
  forms.set(id, f);
  return f;
}
