// The device's outbox: every tap becomes an event at once and waits here, in IndexedDB, until the
// server has answered 202. Events go out in tap order, in batches, and are retried with the same
// eventIds on network errors, 5xx and 429 (after Retry-After, with backoff and jitter), so a retry
// is only ever a duplicate. A 4xx other than those marks the events it names as refused.

const DB_NAME = 'travelwatch-crew';
const BATCH = 100;
const UNDO_MS = 60_000;

let dbPromise = null;
let token = null;
let crewId = null;
let sending = false;
let retryTimer = null;
let failures = 0;
const listeners = new Set();

function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        open.result.createObjectStore('kv');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  return dbPromise;
}

function request(store, mode, work) {
  return db().then(
    (d) =>
      new Promise((resolve, reject) => {
        const tx = d.transaction(store, mode);
        const result = work(tx.objectStore(store));
        tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

/** A value kept on the device (the session, the last runs seen). */
export function remember(key, value) {
  return request('kv', 'readwrite', (s) => (value === undefined ? s.delete(key) : s.put(value, key)));
}

export function recall(key) {
  return request('kv', 'readonly', (s) => s.get(key));
}

/** Every event on the device (waiting, refused, or sent today), in tap order. */
export function items() {
  return request('outbox', 'readonly', (s) => s.getAll());
}

export function onChange(listener) {
  listeners.add(listener);
}

async function changed() {
  const all = await items();
  for (const l of listeners) {
    l(all);
  }
}

/**
 * Sends as this device, for this crew member, from now on; null stops sending (signed out or
 * revoked). Only the crew member's own taps are sent with their token.
 */
export function useToken(t, crew) {
  token = t;
  crewId = crew || null;
  if (t) {
    kick();
  }
}

function randomId() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Records a tap as an event now: its id is made here, its time is the time of the tap. */
export async function record(type, fields) {
  const event = {
    eventId: 'crew-' + randomId(),
    type,
    occurredAt: new Date().toISOString(),
    ...fields,
  };
  await request('outbox', 'readwrite', (s) =>
    s.add({ event, state: 'waiting', createdAt: Date.now(), crewId }),
  );
  await changed();
  kick();
  return event;
}

/** A tap taken back: only while it has not been sent and within a minute. */
export function canUndo(item) {
  // Not while a batch is on its way: the tap may be in it.
  return (
    !sending &&
    item.state === 'waiting' &&
    Date.now() - item.createdAt < UNDO_MS
  );
}

export async function undo(item) {
  if (!canUndo(item)) {
    return false;
  }
  // Decided on the stored item, in one transaction: an event sent meanwhile stands.
  const db_ = await db();
  const undone = await new Promise((resolve, reject) => {
    const tx = db_.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    let done = false;
    const get = store.get(item.seq);
    get.onsuccess = () => {
      const stored = get.result;
      if (stored && canUndo(stored)) {
        store.delete(item.seq);
        done = true;
      }
    };
    tx.oncomplete = () => resolve(done);
    tx.onerror = () => reject(tx.error);
  });
  await changed();
  return undone;
}

/** Forgets a refused event once the crew member has read why. */
export async function dismiss(item) {
  await request('outbox', 'readwrite', (s) => s.delete(item.seq));
  await changed();
}

/** Sends what waits now; force (the signal is back) cuts short a scheduled retry. */
export function kick(force = false) {
  if (retryTimer && !force) {
    return; // a retry is scheduled: it will send everything in order
  }
  if (retryTimer) {
    clearTimeout(retryTimer);
    retryTimer = null;
  }
  send();
}

function later(seconds) {
  failures += 1;
  const backoff = Math.min(60, 2 ** Math.min(failures, 6));
  const wait = Math.max(seconds || 0, backoff) * (0.75 + Math.random() * 0.5);
  retryTimer = setTimeout(() => {
    retryTimer = null;
    send();
  }, wait * 1000);
}

async function send() {
  // With the phone saying it has no network, trying only spends battery: the online event wakes
  // the sender. A phone that says it is online but has no signal fails the request, and retries.
  if (sending || !token || navigator.onLine === false) {
    return;
  }
  sending = true;
  try {
    for (;;) {
      const waiting = (await items())
        .filter((i) => i.state === 'waiting' && (!i.crewId || i.crewId === crewId))
        .slice(0, BATCH);
      if (waiting.length === 0) {
        failures = 0;
        return;
      }
      let response;
      try {
        response = await fetch('/api/v1/events', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
          body: JSON.stringify(waiting.map((i) => i.event)),
          cache: 'no-store',
        });
      } catch (e) {
        later(0); // no signal: try again, the same events with the same ids
        return;
      }
      if (response.status === 202) {
        failures = 0;
        // Kept as sent, so the screen still shows what was recorded until the runs are read again.
        const sentAt = Date.now();
        await request('outbox', 'readwrite', (s) =>
          waiting.forEach((i) => s.put({ ...i, state: 'sent', sentAt })),
        );
        await changed();
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        later(Number(response.headers.get('Retry-After')) || 0);
        return;
      }
      if (response.status === 401) {
        token = null; // this device was signed out: the events stay until it signs in again
        for (const l of listeners) {
          l(await items(), { signedOut: true });
        }
        return;
      }
      const problem = await response.json().catch(() => ({}));
      const named = new Map();
      for (const e of problem.errors || []) {
        if (Number.isInteger(e.index) && e.index < waiting.length) {
          const text = (e.field ? e.field + ': ' : '') + e.message;
          named.set(e.index, named.has(e.index) ? named.get(e.index) + '; ' + text : text);
        }
      }
      // The batch was refused whole: the events it names are refused, the others go again.
      const refused = named.size > 0 ? named : new Map(waiting.map((_, i) => [i, problem.detail]));
      await request('outbox', 'readwrite', (s) => {
        refused.forEach((detail, index) => {
          const item = waiting[index];
          s.put({ ...item, state: 'failed', detail: detail || 'Refused by the server.' });
        });
      });
      await changed();
    }
  } finally {
    sending = false;
  }
}

/** Forgets sent events older than ms: the runs read from the server hold them by then. */
export async function forgetSentBefore(ms) {
  const old = (await items()).filter((i) => i.state === 'sent' && i.sentAt < Date.now() - ms);
  if (old.length) {
    await request('outbox', 'readwrite', (s) => old.forEach((i) => s.delete(i.seq)));
  }
}

addEventListener('online', () => kick(true));
setInterval(() => kick(), 15_000);
