// Keeps the crew app's shell on the phone, so it opens with no signal once it has been opened.
// The API is never cached: events wait in the app's own outbox (queue.js) until the server has
// them. Files are served from the cache at once and refreshed from the network behind it.

const CACHE = 'travelwatch-crew-v1';
const SHELL = ['./', 'index.html', 'app.js', 'queue.js', 'crew.css', 'manifest.json', 'icon.svg'];

self.addEventListener('install', (event) => {
  // The API goes straight to the network, never through this worker (where the browser has the
  // static routing API): no worker start-up on each request, and the page's own view of the
  // network (offline or not) applies to it.
  if (event.addRoutes) {
    event.addRoutes({ condition: { urlPattern: { pathname: '/api/*' } }, source: 'network' });
  }
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) {
    return; // straight to the network
  }
  const key = event.request.mode === 'navigate' ? './' : event.request;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key, { ignoreSearch: true });
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) {
            cache.put(key, response.clone());
          }
          return response;
        })
        .catch(() => cached);
      return cached || fresh;
    }),
  );
});
