// A parent's page: one child's journeys of the day, the emails they chose and their messages to
// the transport service. The link's token (#t=) is kept on this device and taken out of the
// address bar at once; every request carries it. Everything the server sends is put on the page
// as text (textContent), never as HTML.

const TOKEN_KEY = 'tw.parent.token';
const POLL_MS = 30_000;
const TEXT_LIMIT = 1000;

const STATUS_LABELS = {
  not_started: 'Not started',
  on_the_way: 'On the way',
  picked_up: 'Picked up',
  cancelled: 'Cancelled',
  no_travel_today: 'No travel today',
};
const CATEGORY_LABELS = {
  late: 'The transport is late',
  not_arrived: 'The transport has not come',
  change: 'A change',
  other: 'Something else',
};
const STATE_LABELS = {
  open: 'Waiting for a reply',
  answered: 'Answered',
  closed: 'Closed',
};
const FIELD_LABELS = {
  email: 'Your email address',
  notify: 'The emails you chose',
  category: 'What it is about',
  text: 'Your message',
  code: 'The confirmation link',
};

let token = null;
let started = false;
let timer = null;
let refreshing = null;
let today = null; // the service's date, from /parent/today
let messagesSeen = null; // messageId → number of replies, once the list has been shown
let messagesShown = '';
let subscription = null;
let firstLookFailed = false; // the journeys could not be read yet: the notice says why

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      e.className = value;
    } else {
      e.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      e.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return e;
}

/** Sets an element's text only when it differs, so a live region speaks only of changes. */
function setText(element, text) {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

/** HH:MM of an RFC 3339 time, as the server wrote it in the service's time zone. */
function clock(rfc3339) {
  return rfc3339 ? rfc3339.substring(11, 16) : '';
}

/** "08:40", or "08:40 on 2026-11-20" for another day than the service's today. */
function when(rfc3339) {
  const day = rfc3339.substring(0, 10);
  return today && day !== today ? `${clock(rfc3339)} on ${day}` : clock(rfc3339);
}

function nowText() {
  return new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// ---- talking to the server

class Problem extends Error {
  constructor(status, body) {
    super(body.detail || `The transport service answered ${status}.`);
    this.status = status;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
  }
}

async function call(method, path, body, withToken = true) {
  const headers = { Accept: 'application/json' };
  if (withToken) {
    headers.Authorization = 'Bearer ' + token;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Problem(0, { detail: 'The transport service could not be reached: check your connection and try again.' });
  }
  if (response.status === 204) {
    return null;
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && withToken) {
      linkEnded();
    }
    throw new Problem(response.status, json);
  }
  return json;
}

function remember(value) {
  token = value;
  try {
    if (value) {
      localStorage.setItem(TOKEN_KEY, value);
    } else {
      localStorage.removeItem(TOKEN_KEY);
    }
  } catch (e) {
    // storage refused (a private window): the token lives as long as the page
  }
}

function stored() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null;
  }
}

// ---- the page's states

function notice(text, problem = false) {
  const n = $('notice');
  n.className = problem ? 'notice problem' : 'notice';
  n.textContent = text;
}

function linkEnded() {
  remember(null);
  stop();
  $('loading').hidden = true;
  $('content').hidden = true;
  $('ended').hidden = false;
  document.title = 'This link has ended — school transport';
}

function stop() {
  started = false;
  if (timer) {
    clearInterval(timer);
    timer = null;
  }
}

async function start() {
  if (!started) {
    started = true;
    // A page out of sight waits: it looks again as soon as it is seen (visibilitychange).
    timer = setInterval(() => document.visibilityState !== 'hidden' && refresh(), POLL_MS);
  }
  $('ended').hidden = true;
  document.title = "Your child's school transport today";
  await Promise.all([refresh(), loadSubscription()]);
}

/** Today's journeys and the messages, once at a time. */
function refresh() {
  if (!refreshing) {
    refreshing = Promise.all([loadToday(), loadMessages()]).finally(() => (refreshing = null));
  }
  return refreshing;
}

// ---- today's journeys

async function loadToday() {
  const updated = $('updated');
  try {
    const answer = await call('GET', '/api/v1/parent/today');
    today = answer.date;
    showJourneys(answer);
    $('loading').hidden = true;
    if (firstLookFailed) {
      firstLookFailed = false;
      notice('');
    }
    $('content').hidden = false;
    updated.textContent = `Last updated at ${nowText()}.`;
    updated.dataset.updatedAt = String(Date.now());
  } catch (e) {
    if (e.status === 401) {
      return;
    }
    $('loading').hidden = true;
    if ($('content').hidden) {
      firstLookFailed = true;
      notice(e.message, true);
    } else {
      updated.textContent = `Could not update at ${nowText()}: ${e.message}`;
    }
  }
}

function journeyTitle(journey) {
  return journey.direction === 'AM' ? 'Morning: to school' : 'Afternoon: home';
}

function statusLabel(journey) {
  if (journey.status === 'delivered') {
    return journey.direction === 'AM' ? 'Arrived at school' : 'Dropped off';
  }
  return STATUS_LABELS[journey.status] || journey.status;
}

function etaLabel(journey) {
  if (journey.direction !== 'AM') {
    return 'Expected home at about';
  }
  return journey.pickedUpAt ? 'Expected at school at about' : 'Expected at your stop at about';
}

function showJourneys(answer) {
  $('today-date').textContent = `For ${longDate(answer.date)}.`;
  const box = $('journeys');
  const seen = {};
  const keys = answer.journeys.map((j) => {
    seen[j.direction] = (seen[j.direction] || 0) + 1;
    return `${j.direction}-${seen[j.direction] - 1}`;
  });
  if (box.dataset.keys !== keys.join(',')) {
    // The journeys' boxes are made once, so each status line is a live region that speaks only
    // when its sentence changes.
    box.replaceChildren(
      ...answer.journeys.map((j, i) => {
        const id = `journey-${keys[i]}`;
        return el(
          'article',
          { class: 'journey', id, 'aria-labelledby': `${id}-title` },
          el('h3', { id: `${id}-title` }, journeyTitle(j)),
          el('p', { class: 'badge' }),
          el('p', { class: 'message', 'aria-live': 'polite' }),
          el('p', { class: 'reason', hidden: true }),
          el('dl', { class: 'times' }),
        );
      }),
    );
    box.dataset.keys = keys.join(',');
  }
  answer.journeys.forEach((j, i) => fillJourney($(`journey-${keys[i]}`), j));
}

function fillJourney(article, j) {
  article.className = `journey s-${j.status}`;
  article.dataset.status = j.status;
  setText(article.querySelector('.badge'), statusLabel(j));
  setText(article.querySelector('.message'), j.message);
  const reason = article.querySelector('.reason');
  const why = j.cancelled && j.cancelled.reason;
  reason.hidden = !why;
  setText(reason, why ? `Reason given: ${why}` : '');
  const rows = [];
  const row = (label, value) => value && rows.push(el('dt', {}, label), el('dd', {}, value));
  row('Planned pick-up', clock(j.plannedPickup));
  row('Planned drop-off', clock(j.plannedDropoff));
  row(etaLabel(j), clock(j.eta));
  row('Picked up at', clock(j.pickedUpAt));
  row(j.direction === 'AM' ? 'Arrived at school at' : 'Dropped off at', clock(j.droppedAt));
  row('Vehicle registration', j.vehicleReg);
  const dl = article.querySelector('dl');
  const signature = rows.map((r) => r.textContent).join('|');
  if (dl.dataset.signature !== signature) {
    dl.replaceChildren(...rows);
    dl.dataset.signature = signature;
  }
  dl.hidden = rows.length === 0;
}

function longDate(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

// ---- field errors

function clearErrors(form) {
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
  }
  for (const error of form.querySelectorAll('.error')) {
    error.textContent = '';
  }
}

/** Shows each problem beside its field (errors: [{field, message}]); answers whether any was. */
function showErrors(form, fields, problems) {
  let first = null;
  for (const p of problems) {
    const name = String(p.field || '').replace(/\[.*$/, '');
    const target = fields[name];
    if (!target) {
      continue;
    }
    const text = p.sentence || `${FIELD_LABELS[name] || name} ${p.message}.`.replace(/\.\.$/, '.');
    target.error.textContent = target.error.textContent ? `${target.error.textContent} ${text}` : text;
    target.input.setAttribute('aria-invalid', 'true');
    first = first || target.input;
  }
  if (first) {
    first.focus();
  }
  return first !== null;
}

// ---- emails

function subscriptionFields() {
  const fieldset = $('subscription-form').querySelector('fieldset');
  return {
    email: { input: $('subscription-email'), error: $('subscription-email-error') },
    notify: { input: fieldset.querySelector('input'), error: $('subscription-notify-error') },
  };
}

function chosen() {
  return [...$('subscription-form').querySelectorAll('input[name="notify"]')]
    .filter((box) => box.checked)
    .map((box) => box.value);
}

async function loadSubscription() {
  try {
    showSubscription(await call('GET', '/api/v1/parent/subscription'));
  } catch (e) {
    if (e.status === 404) {
      showSubscription(null);
    }
  }
}

function showSubscription(s) {
  subscription = s;
  $('subscription-stop').hidden = !s;
  if (!s) {
    $('subscription-state').textContent = 'No emails are sent to you yet.';
    return;
  }
  $('subscription-email').value = s.email;
  for (const box of $('subscription-form').querySelectorAll('input[name="notify"]')) {
    box.checked = s.notify.includes(box.value);
  }
  $('subscription-state').textContent = s.confirmed
    ? `Emails go to ${s.email}.`
    : `Check your inbox to confirm: we sent a link to ${s.email}. Nothing else is sent until you open it.`;
}

async function saveSubscription(event) {
  event.preventDefault();
  const form = $('subscription-form');
  const status = $('subscription-status');
  clearErrors(form);
  status.textContent = '';
  const email = $('subscription-email').value.trim();
  const notify = chosen();
  const problems = [];
  if (!email) {
    problems.push({ field: 'email', sentence: 'Enter your email address, like name@example.org.' });
  }
  if (notify.length === 0) {
    problems.push({ field: 'notify', sentence: 'Choose at least one kind of email.' });
  }
  if (showErrors(form, subscriptionFields(), problems)) {
    return;
  }
  const button = $('subscription-save');
  button.disabled = true;
  try {
    const saved = await call('PUT', '/api/v1/parent/subscription', { email, notify });
    showSubscription(saved);
    status.className = 'status';
    status.textContent = saved.confirmed
      ? 'Saved.'
      : `Check your inbox to confirm: we sent a link to ${saved.email}.`;
  } catch (e) {
    if (e.status !== 401 && !showErrors(form, subscriptionFields(), e.errors)) {
      status.className = 'status problem';
      status.textContent = e.message;
    }
  } finally {
    button.disabled = false;
  }
}

async function stopEmails() {
  const status = $('subscription-status');
  clearErrors($('subscription-form'));
  const address = subscription ? subscription.email : 'your address';
  try {
    await call('DELETE', '/api/v1/parent/subscription');
    showSubscription(null);
    $('subscription-email').value = '';
    status.className = 'status';
    status.textContent = `No more emails will be sent to ${address}.`;
    $('subscription-email').focus();
  } catch (e) {
    if (e.status !== 401) {
      status.className = 'status problem';
      status.textContent = e.message;
    }
  }
}

async function confirmAddress(code) {
  try {
    const confirmed = await call('POST', '/api/v1/parent/subscription/confirm', { code });
    showSubscription(confirmed);
    notice(`Thank you: your email address ${confirmed.email} is confirmed. We will email you about today's journeys as you chose.`);
  } catch (e) {
    if (e.status === 400) {
      notice('This confirmation link is not the latest one we sent, so nothing was confirmed. Save your email address again below to get a new link.', true);
    } else if (e.status !== 401) {
      notice(`Your email address could not be confirmed: ${e.message}`, true);
    }
  }
}

async function unsubscribeByCode(code) {
  try {
    await call('POST', `/api/v1/parent/unsubscribe?code=${encodeURIComponent(code)}`, undefined, false);
    notice('You will get no more emails about your child\'s school transport.');
    return true;
  } catch (e) {
    notice(`The emails could not be stopped: ${e.message}`, true);
    return false;
  }
}

// ---- messages

function messageFields() {
  return {
    category: { input: $('message-category'), error: $('message-category-error') },
    text: { input: $('message-text'), error: $('message-text-error') },
  };
}

function length(text) {
  return [...text].length;
}

function countText(used) {
  const left = TEXT_LIMIT - used;
  if (left >= 0) {
    return `You have ${left.toLocaleString('en-GB')} ${left === 1 ? 'character' : 'characters'} left.`;
  }
  return `You have ${(-left).toLocaleString('en-GB')} ${left === -1 ? 'character' : 'characters'} too many.`;
}

let countTimer = null;

function updateCount(announce = true) {
  const used = length($('message-text').value);
  const count = $('message-count');
  count.textContent = countText(used);
  count.classList.toggle('over', used > TEXT_LIMIT);
  clearTimeout(countTimer);
  if (announce) {
    // Said to a screen reader once typing pauses, not at every key.
    countTimer = setTimeout(() => setText($('message-count-live'), countText(used)), 1000);
  }
}

async function sendMessage(event) {
  event.preventDefault();
  const form = $('message-form');
  const status = $('message-status');
  clearErrors(form);
  status.textContent = '';
  const text = $('message-text').value;
  const used = length(text);
  const problems = [];
  if (!text.trim()) {
    problems.push({ field: 'text', sentence: 'Write your message.' });
  } else if (used > TEXT_LIMIT) {
    problems.push({ field: 'text', sentence: `Your message is ${used - TEXT_LIMIT} characters too long: 1,000 at most.` });
  }
  if (showErrors(form, messageFields(), problems)) {
    return;
  }
  const button = $('message-send');
  button.disabled = true;
  try {
    await call('POST', '/api/v1/parent/messages', { category: $('message-category').value, text });
    $('message-text').value = '';
    updateCount(false);
    status.className = 'status';
    status.textContent =
      'Your message has been sent. The transport service\'s reply will appear here' +
      (subscription && subscription.confirmed ? ' and be emailed to you.' : '.');
    await loadMessages();
  } catch (e) {
    if (e.status !== 401 && !showErrors(form, messageFields(), e.errors)) {
      status.className = 'status problem';
      status.textContent = e.message;
    }
  } finally {
    button.disabled = false;
  }
}

async function loadMessages() {
  let answer;
  try {
    answer = await call('GET', '/api/v1/parent/messages');
  } catch (e) {
    return; // the journeys' line says when the page could not update
  }
  const shown = JSON.stringify(answer.items);
  if (shown === messagesShown) {
    return;
  }
  messagesShown = shown;
  let newReplies = 0;
  const seen = new Map();
  for (const m of answer.items) {
    seen.set(m.messageId, m.replies.length);
    if (messagesSeen) {
      newReplies += Math.max(0, m.replies.length - (messagesSeen.get(m.messageId) || 0));
    }
  }
  messagesSeen = seen;
  $('message-none').hidden = answer.items.length > 0;
  $('message-list').replaceChildren(...answer.items.map(messageItem));
  if (newReplies > 0) {
    notice(newReplies === 1 ? 'The transport service has replied to your message: see below.' : 'The transport service has replied to your messages: see below.');
  }
}

function messageItem(m) {
  return el(
    'li',
    { 'data-message-id': m.messageId, 'data-state': m.state },
    el(
      'p',
      { class: 'meta' },
      el('strong', {}, CATEGORY_LABELS[m.category] || m.category),
      ` · sent at ${when(m.createdAt)} · ${STATE_LABELS[m.state] || m.state}`,
    ),
    el('p', { class: 'text' }, m.text),
    m.replies.map((r) =>
      el(
        'div',
        { class: 'reply' },
        el('p', { class: 'meta' }, el('strong', {}, 'Reply from the transport service'), ` at ${when(r.at)}`),
        el('p', { class: 'text' }, r.text),
      ),
    ),
  );
}

// ---- the address bar

/**
 * Reads the link's fragment (#t=, #confirm=, #unsubscribe=), takes it out of the address bar and
 * does what it asks.
 */
async function openFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) {
    history.replaceState(null, '', location.pathname + location.search);
  }
  const fresh = params.get('t');
  if (fresh && fresh !== token) {
    remember(fresh);
    messagesSeen = null;
    messagesShown = '';
    $('journeys').replaceChildren();
    delete $('journeys').dataset.keys;
  }
  const unsubscribe = params.get('unsubscribe');
  const unsubscribed = unsubscribe ? await unsubscribeByCode(unsubscribe) : false;
  const confirm = params.get('confirm');
  if (!token) {
    $('loading').hidden = true;
    if (unsubscribed) {
      $('ended').hidden = true;
      return;
    }
    if (confirm) {
      // Confirming needs the link's token, kept where the council's link was opened.
      notice('To confirm your email address, open this confirmation link on the phone or computer where you opened the link from the transport service.', true);
    }
    linkEnded();
    return;
  }
  await start();
  if (confirm && token) {
    await confirmAddress(confirm);
  }
}

function boot() {
  token = stored();
  $('subscription-form').addEventListener('submit', saveSubscription);
  $('subscription-stop').addEventListener('click', stopEmails);
  $('message-form').addEventListener('submit', sendMessage);
  $('message-text').addEventListener('input', () => updateCount());
  $('refresh').addEventListener('click', () => refresh());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && started) {
      refresh();
    }
  });
  addEventListener('online', () => started && refresh());
  addEventListener('hashchange', () => openFragment());
  updateCount(false);
  openFragment();
}

boot();
